"""Who may write the public library: staff of the organization that runs the public site
(`public_site_organization`) whose role has EDIT_PUBLIC_CONTENT (admins) or who were granted the
editor role (an `Editor` row). Clients never; another organization's admins never (on a shared
installation every clinic has admins, but the public site has one publisher)."""

from functools import wraps

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from waypoint.accounts.decorators import staff_required
from waypoint.accounts.roles import Permission


def public_site_organization():
    """The organization that publishes the public site: `PUBLIC_SITE_ORGANIZATION` (a slug), or
    the oldest organization when that is empty; None before any organization exists."""
    from waypoint.clinics.models import Organization

    slug = settings.PUBLIC_SITE_ORGANIZATION
    if not slug:
        return Organization.objects.order_by("pk").first()
    try:
        return Organization.objects.get(slug=slug)
    except Organization.DoesNotExist:
        raise ImproperlyConfigured(
            f"PUBLIC_SITE_ORGANIZATION={slug!r} names no organization (use its slug)"
        ) from None


def is_public_site_staff(user) -> bool:
    """Active clinic staff of the organization that runs the public site.

    Asked on every staff page (the "Questions" link) and again by the page's own check, so
    the answer is kept on the user object, which lives for one request, under the setting it
    was worked out for. Staff of the publisher named by slug cost no query at all: their
    organization is already loaded with them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.is_clinic_staff:
        return False
    slug = settings.PUBLIC_SITE_ORGANIZATION
    cached = user.__dict__.get("_public_site_staff")
    if cached is not None and cached[0] == slug:
        return cached[1]
    if slug and user.organization_id is not None and user.organization.slug == slug:
        answer = True
    else:
        publisher = public_site_organization()  # raises when the slug names no organization
        answer = publisher is not None and user.organization_id == publisher.pk
    user.__dict__["_public_site_staff"] = (slug, answer)
    return answer


def is_library_editor(user) -> bool:
    """Granted the editor role (an `Editor` row), whatever their role."""
    from waypoint.library.models import Editor

    return Editor.objects.filter(user=user).exists()


def can_edit_public_content(user) -> bool:
    if not is_public_site_staff(user):
        return False
    return user.can(Permission.EDIT_PUBLIC_CONTENT) or is_library_editor(user)


def editor_required(view):
    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_edit_public_content(request.user):
            raise PermissionDenied("Editing the public library is for editors.")
        return view(request, *args, **kwargs)

    return wrapper
