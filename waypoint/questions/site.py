"""The organization the public site belongs to: the one whose on-call address hears of urgent
public questions. `PUBLIC_SITE_ORGANIZATION` names it by slug; unset, it is the first
organization created (a single-clinic deployment needs no setting)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from waypoint.clinics.models import Organization


def public_organization() -> Organization | None:
    slug = getattr(settings, "PUBLIC_SITE_ORGANIZATION", "")
    if slug:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise ImproperlyConfigured(
                f"PUBLIC_SITE_ORGANIZATION={slug!r} names no organization (use its slug)."
            )
        return organization
    return Organization.objects.order_by("pk").first()


def on_call_address(organization: Organization | None) -> str:
    if organization is None:
        return ""
    return organization.public_on_call_email or organization.on_call_email
