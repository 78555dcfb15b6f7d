"""Writing and verifying audit events, and anchoring the chain's head outside the database."""

import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, router, transaction
from django.utils import timezone

from waypoint.audit import context, keys
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
    key_id, key = keys.signing_key()
    # Inside the caller's transaction no savepoint is needed: a failed audit write fails the write
    # it records.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        last = _last_hash()
        event = AuditEvent(
            at=timezone.now(),
            actor_id=getattr(by, "pk", None),
            actor_label=actor_label(by),
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
            key_id=key_id,
        )
        event.entry_hash = event.compute_hash(key)
        _insert(event)
    return event


_EVENT_FIELDS = tuple(f for f in AuditEvent._meta.concrete_fields if not f.primary_key)


def _insert(event: AuditEvent) -> None:
    """INSERT the new event with one plain statement (every audited request writes one: the
    ORM's insert compiler cost more than the statement). Each value is prepared by its field,
    as the ORM's insert prepares it, so the stored row, and the hash computed over it, are the
    same; AuditEvent has no save signals or history to skip."""
    db = router.db_for_write(AuditEvent)
    connection = connections[db]
    columns = ", ".join(f.column for f in _EVENT_FIELDS)
    marks = ", ".join(["%s"] * len(_EVENT_FIELDS))
    params = [f.get_db_prep_save(f.pre_save(event, True), connection) for f in _EVENT_FIELDS]
    # Fixed names, no user input.
    sql = f"INSERT INTO {AuditEvent._meta.db_table} ({columns}) VALUES ({marks})"  # noqa: S608 # nosec B608
    with connection.cursor() as cursor:
        if connection.features.can_return_columns_from_insert:
            cursor.execute(f"{sql} RETURNING {AuditEvent._meta.pk.column}", params)
            event.pk = cursor.fetchone()[0]
        else:
            cursor.execute(sql, params)
            event.pk = cursor.lastrowid
    event._state.adding = False
    event._state.db = db


def actor_label(by) -> str:
    """Who acted: a staff member's name, a client account's chart number (`User.audit_label`)."""
    if by is None:
        return "system"
    label = getattr(by, "audit_label", None)
    return label() if callable(label) else str(by)


def audit_label(obj) -> str:
    """A label that identifies a record without revealing clinical content or a client's name
    (a client's account is labelled by chart number: `User.audit_label`)."""
    label = getattr(obj, "audit_label", None)
    if callable(label):
        return label()
    if label:
        return str(label)
    return f"{obj._meta.verbose_name} #{obj.pk}"


def _last_hash() -> str | None:
    """The newest event's hash (the chain's head), read with one plain query."""
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        # Fixed names, no user input.
        cursor.execute(f"SELECT entry_hash FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608 # nosec B608
        row = cursor.fetchone()
    return row[0] if row else None


def _lock_chain() -> None:
    """Serialize chain writers (and anchors) on PostgreSQL; SQLite writers are serial anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


@dataclass
class ChainReport:
    """What `check_chain` found. `problem` is the first failure in one line ("" when intact)."""

    count: int = 0
    head: str = GENESIS  # entry_hash of the newest event
    head_key_id: str = ""
    legacy: int = 0  # events before the upgrade, linked with unkeyed SHA-256
    broken: list[int] = field(default_factory=list)  # ids of events that do not verify
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem

    def fail(self, reason: str) -> None:
        self.problem = self.problem or reason


def _event_problem(event, previous: str, keyed_seen: bool, configured: dict) -> str:
    if event.previous_hash != previous:
        return f"event id {event.pk} does not follow the event before it (events removed?)"
    if not event.key_id:
        if keyed_seen:
            return f"event id {event.pk} has the legacy unkeyed hash after HMAC-linked events"
        key = None
    else:
        key = configured.get(event.key_id)
        if key is None:
            return f"event id {event.pk} uses key id {event.key_id!r}, not in AUDIT_HMAC_KEYS"
    if not hmac.compare_digest(event.compute_hash(key), event.entry_hash):
        return f"event id {event.pk} does not match its hash (changed after it was written)"
    return ""


def check_chain(expect: Iterable[tuple[int, str]] = ()) -> ChainReport:
    """Recompute the chain, each event with its own key; `expect` holds (count, head) anchors.

    An anchor still holds when the chain's first `count` events end in `head`: events added
    since are fine; fewer events (the newest removed) or another hash there (rewritten) fail.
    """
    configured = keys.configured()
    anchors: dict[int, set[str]] = {}
    for count, head in expect:
        anchors.setdefault(count, set()).add(head)
    report = ChainReport()
    for head in anchors.get(0, set()) - {GENESIS}:
        report.fail(f"an anchor of 0 events has head {head}, not the chain's start")
    previous = GENESIS
    keyed_seen = False
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        report.count += 1
        reason = _event_problem(event, previous, keyed_seen, configured)
        if reason:
            report.broken.append(event.pk)
            report.fail(reason)
        keyed_seen = keyed_seen or bool(event.key_id)
        report.legacy += not event.key_id
        for head in anchors.get(report.count, ()):
            if head != event.entry_hash:
                report.fail(
                    f"the anchor of {report.count} events no longer matches: event id "
                    f"{event.pk} now has hash {event.entry_hash}, the anchor recorded {head}"
                )
        previous = event.entry_hash
        report.head, report.head_key_id = event.entry_hash, event.key_id
    longest = max(anchors, default=0)
    if longest > report.count:
        report.fail(
            f"an anchor recorded {longest} events but the chain has {report.count}: "
            "events were removed"
        )
    return report


def verify_chain() -> tuple[int, list[int]]:
    """Recompute the chain; returns (events checked, ids of events that do not verify)."""
    report = check_chain()
    return report.count, report.broken


# --- anchors ---------------------------------------------------------------------------------


class AnchorError(Exception):
    """An anchor file cannot be written or read; the message is one line for the operator."""


@dataclass(frozen=True)
class Anchor:
    """The chain's head at one moment: kept outside the database, it pins the chain's past."""

    at: datetime
    count: int
    head: str
    key_id: str

    def line(self) -> str:
        return (
            f"{self.at.isoformat(timespec='seconds')} {self.count} {self.head} {self.key_id or '-'}"
        )

    @classmethod
    def parse(cls, line: str) -> "Anchor":
        """The inverse of line(); ValueError if it is not one."""
        at, count, head, key_id = line.split()
        if len(head) != 64 or any(ch not in "0123456789abcdef" for ch in head):
            raise ValueError("not a hash")
        if int(count) < 0:
            raise ValueError("negative count")
        return cls(datetime.fromisoformat(at), int(count), head, "" if key_id == "-" else key_id)


def current_anchor() -> Anchor:
    """The chain's event count and head, read consistently (the chain lock holds writers off)."""
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values("id", "entry_hash", "key_id").first()
        if last is None:
            return Anchor(timezone.now(), 0, GENESIS, "")
        count = AuditEvent.objects.filter(id__lte=last["id"]).count()
    return Anchor(timezone.now(), count, last["entry_hash"], last["key_id"])


def write_anchor(path: str | os.PathLike | None = None) -> Anchor:
    """Append the current anchor to `path` (default AUDIT_ANCHOR_FILE) and return it.

    The file is opened with O_APPEND (never truncated or rewritten, no symlinks followed) and
    created with mode 0600. The background worker calls this on a schedule.
    """
    anchor = current_anchor()
    target = Path(path or settings.AUDIT_ANCHOR_FILE)
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(target, flags, 0o600)
    except OSError as exc:
        raise AnchorError(f"cannot open the anchor file {target}: {exc.strerror}") from exc
    try:
        os.write(fd, (anchor.line() + "\n").encode())
        os.fsync(fd)
    except OSError as exc:
        raise AnchorError(f"cannot append to the anchor file {target}: {exc.strerror}") from exc
    finally:
        os.close(fd)
    return anchor


def read_anchors(path: str | os.PathLike) -> list[Anchor]:
    """Every anchor recorded in `path` (blank lines and # comments skipped)."""
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeError) as exc:
        raise AnchorError(f"cannot read the anchor file {path}: {exc}") from exc
    anchors = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            anchors.append(Anchor.parse(line))
        except ValueError:
            raise AnchorError(f"{path}, line {number}: not an anchor line") from None
    return anchors
