"""Every write to the library goes through here, with an audit event."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.library.models import Editor, ReaderRating
from waypoint.library.permissions import public_site_organization


@transaction.atomic
def save_item(item, *, by, topics=None):
    """Save a form-validated Article or BookReview (a revision in its history, with who made it),
    set its topics when given, and record who created or changed it."""
    created = item.pk is None
    if created:
        item.created_by = by
    item._history_user = by
    item.save()
    if topics is not None:
        item.topics.set(topics)
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


@transaction.atomic
def rate_item(item, *, stars: int, session_key: str) -> ReaderRating:
    """A reader's stars for a published page; rating again replaces their earlier rating.
    Anonymous and not audited: public opinion, not a record of anyone's care."""
    if not item.published:
        raise ValueError("Only published pages can be rated.")
    if stars not in range(1, 6):
        raise ValueError("Choose 1 to 5 stars.")
    rating, _ = ReaderRating.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(type(item)),
        object_id=item.pk,
        reader=ReaderRating.reader_of(session_key),
        defaults={"stars": stars, "rated_at": timezone.now()},
    )
    return rating
