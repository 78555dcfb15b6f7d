"""Writing and verifying audit events."""

from django.db import connection, transaction
from django.utils import timezone

from waypoint.audit import context
from waypoint.audit.models import AuditAction, AuditEvent

GENESIS = "0" * 64
_CHAIN_LOCK_ID = 7_202_611  # PostgreSQL advisory lock that serializes the hash chain


def record(
    *,
    by,
    action: AuditAction,
    obj=None,
    client=None,
    organization_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Append one audit event. `obj` fills type/id/label; `client` ties it to a chart."""
    request = context.current_request()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or audit_label(obj)
    if client is not None:
        organization_id = organization_id or client.organization_id
    if organization_id is None and by is not None:
        organization_id = getattr(by, "organization_id", None)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        last = AuditEvent.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        event = AuditEvent(
            at=timezone.now(),
            actor_id=getattr(by, "pk", None),
            actor_label=str(by) if by is not None else "system",
            actor_role=getattr(by, "role", "") or "",
            organization_id=organization_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_label=object_label[:200],
            client_id=client.pk if client is not None else None,
            detail=detail or {},
            ip_address=context.client_address(request),
            path=(request.path[:300] if request is not None else ""),
            previous_hash=last or GENESIS,
        )
        event.entry_hash = event.compute_hash()
        event.save()
    return event


def audit_label(obj) -> str:
    """A label that identifies a record without revealing clinical content."""
    label = getattr(obj, "audit_label", None)
    if callable(label):
        return label()
    if label:
        return str(label)
    return f"{obj._meta.verbose_name} #{obj.pk}"


def verify_chain() -> tuple[int, list[int]]:
    """Recompute the hash chain; returns (events checked, ids of events that do not verify)."""
    previous = GENESIS
    broken = []
    count = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if event.previous_hash != previous or event.compute_hash() != event.entry_hash:
            broken.append(event.pk)
        previous = event.entry_hash
    return count, broken
