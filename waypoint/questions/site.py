"""The organization the public site belongs to: the one whose on-call address hears of urgent
public questions and whose staff answer them. Chosen in one place, by the library
(`public_site_organization`: `PUBLIC_SITE_ORGANIZATION`, else the oldest organization)."""

from waypoint.clinics.models import Organization
from waypoint.library.permissions import public_site_organization


def public_organization() -> Organization | None:
    return public_site_organization()


def on_call_address(organization: Organization | None) -> str:
    if organization is None:
        return ""
    return organization.public_on_call_email or organization.on_call_email
