"""Every write to the library goes through here, with an audit event."""

from django.db import transaction

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.library.models import Editor
from waypoint.library.permissions import public_site_organization


@transaction.atomic
def save_item(item, *, by):
    """Save a form-validated Article or BookReview and record who created or changed it."""
    created = item.pk is None
    if created:
        item.created_by = by
    item.save()
    record(
        by=by,
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        obj=item,
        detail={"library": item.kind, "published": item.published},
    )
    return item


@transaction.atomic
def grant_editor(user, *, by=None) -> Editor:
    if not user.is_clinic_staff:
        raise ValueError("Only clinic staff can be library editors.")
    publisher = public_site_organization()
    if publisher is None or user.organization_id != publisher.pk:
        raise ValueError(
            "Only staff of the organization that runs the public site"
            " (PUBLIC_SITE_ORGANIZATION) can be library editors."
        )
    editor, _ = Editor.objects.get_or_create(user=user, defaults={"granted_by": by})
    record(by=by, action=AuditAction.ACCOUNT, obj=user, detail={"library_editor": "granted"})
    return editor


@transaction.atomic
def revoke_editor(user, *, by=None) -> None:
    Editor.objects.filter(user=user).delete()
    record(by=by, action=AuditAction.ACCOUNT, obj=user, detail={"library_editor": "revoked"})
