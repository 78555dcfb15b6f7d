"""Writes to the use diary. Each runs in one transaction that also refreshes the rollups.

Concurrency: every write first locks the client row (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite
runs write transactions one at a time with BEGIN IMMEDIATE), then writes its own entry row and
recomputes the touched weeks from all committed entries. Two people writing the same day (the
client in the portal, the clinician in session) therefore each add a row, and the second
recomputation sees the first entry: neither entry nor its effect on the rollups is lost.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.models import Client
from waypoint.diary import rollups, tasks
from waypoint.diary.models import (
    AnchorEvent,
    DiaryEntry,
    DiarySettings,
    EntryKind,
    EntrySource,
    alcohol_grams_for,
)
from waypoint.goals.models import Substance, Unit
from waypoint.substances import alerts as safety_alerts

ENTRY_FIELDS = (
    "day",
    "substance",
    "amount",
    "unit",
    "beverage",
    "volume_ml",
    "abv",
    "route",
    "setting_where",
    "setting_with_whom",
    "mood",
    "urge",
    "practices",
    "money_spent",
    "note",
)


class DiaryConflict(ValueError):
    """A write that would contradict what the diary already holds; the message says why."""


def lock_client(client: Client) -> None:
    """Serialize diary writes per chart (a row lock on PostgreSQL). Nothing to do on SQLite: its
    transactions begin IMMEDIATE (settings.py), holding the database's one write lock."""
    if connection.vendor == "sqlite":
        return
    list(Client.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True))


def _apply(entry: DiaryEntry, fields: dict, country: str) -> None:
    unknown = set(fields) - set(ENTRY_FIELDS)
    if unknown:
        raise TypeError(f"unknown diary fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.kind = EntryKind.USE
    if entry.substance == Substance.ALCOHOL:
        entry.alcohol_grams = alcohol_grams_for(
            unit=entry.unit,
            amount=entry.amount,
            volume_ml=entry.volume_ml,
            abv=entry.abv,
            country=country,
        )
    else:
        entry.alcohol_grams = 0.0
        entry.beverage, entry.volume_ml, entry.abv = "", None, None
    entry.practices = list(entry.practices or [])


def _require_substance(entry: DiaryEntry) -> None:
    """A use entry names its substance (the diary_entry_kind_and_substance_agree constraint):
    refused here as a ValidationError, so an import or the API gets a reason, not a 500."""
    if not entry.substance:
        raise ValidationError({"substance": "A use entry needs a substance."})


@transaction.atomic
def add_entry(
    client: Client, *, by, source: str, country: str | None = None, page: str = "", **fields
) -> DiaryEntry:
    """Add one use entry (a substance and amount) for a day. `country`: the organization's
    standard-drink country (`DiarySettings.country_for`) when the caller already looked it up.
    `page`: the portal page that opened the chart for this write, recorded in the entry's audit
    event (which then stands for that access too: `portal_client_for_user(audit=False)`)."""
    lock_client(client)
    entry = DiaryEntry(client=client, source=source, entered_by=by)
    if country is None:
        country = DiarySettings.country_for(client.organization_id)
    _apply(entry, fields, country)
    entry._history_user = by
    if entry.kind == EntryKind.USE:
        _require_substance(entry)
    entry.full_clean(exclude=["client", "entered_by"], validate_constraints=False)
    entry.save()
    read = rollups.refresh_weeks(client, [entry.day], country=country)
    detail = {"source": source, "page": page} if page else {"source": source}
    record(by=by, action=AuditAction.CREATE, obj=entry, client=client, detail=detail)
    # Combination and tolerance-loss alerts; the tips are for the client at the moment of logging.
    # The refresh has just read the day's entries (this one among them, after the lock): the
    # combination check needs no query of its own.
    entry.safety_tips = safety_alerts.check_entry(
        entry,
        by=by,
        today=client.organization.today(),
        used_that_day=[f.substance for f in read.get(entry.day, ()) if f.kind == EntryKind.USE],
    )
    return entry


@transaction.atomic
def update_entry(entry: DiaryEntry, *, by, **fields) -> DiaryEntry:
    client = entry.client
    lock_client(client)
    old_day = entry.day
    _apply(entry, fields, DiarySettings.country_for(client.organization_id))
    entry._history_user = by
    if entry.kind == EntryKind.USE:
        _require_substance(entry)
    entry.full_clean(exclude=["client", "entered_by"], validate_constraints=False)
    entry.save()
    rollups.refresh_weeks(client, {old_day, entry.day})
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=entry,
        client=client,
        detail={"fields": sorted(fields)},
    )
    return entry


@transaction.atomic
def delete_entry(entry: DiaryEntry, *, by) -> None:
    client = entry.client
    lock_client(client)
    day = entry.day
    record(by=by, action=AuditAction.DELETE, obj=entry, client=client)
    entry._history_user = by
    entry.delete()
    rollups.refresh_weeks(client, [day])


@transaction.atomic
def record_no_use(client: Client, *, by, source: str, day: datetime.date) -> DiaryEntry:
    """The explicit "No use today" entry. Tapping it twice keeps one row per source and day.

    Raises DiaryConflict, saving nothing, when use is already recorded that day: "no use" and a
    use cannot both be true, and saving both would leave the record to guess.
    """
    lock_client(client)
    used = list(
        DiaryEntry.objects.filter(client=client, day=day, kind=EntryKind.USE).order_by("id")
    )
    if used:
        what = ", ".join(dict.fromkeys(e.get_substance_display() for e in used))
        raise DiaryConflict(
            f"Use is already recorded for {day:%A %b} {day.day} ({what}), so “no use” was not "
            "saved. If that entry is a mistake, change or remove it first."
        )
    existing = DiaryEntry.objects.filter(
        client=client, day=day, kind=EntryKind.NO_USE, source=source
    ).first()
    if existing is not None:
        return existing
    entry = DiaryEntry(client=client, day=day, kind=EntryKind.NO_USE, source=source, entered_by=by)
    entry._history_user = by
    entry.save()
    rollups.refresh_weeks(client, [day])
    record(by=by, action=AuditAction.CREATE, obj=entry, client=client, detail={"source": source})
    return entry


@dataclass
class TlfbResult:
    days_written: int = 0
    entries_written: int = 0
    live_days_skipped: list[datetime.date] = field(default_factory=list)
    days_cleared: int = 0


@transaction.atomic
def save_timeline_followback(
    client: Client,
    *,
    by,
    first: datetime.date,
    last: datetime.date,
    cells: dict[datetime.date, dict[str, Decimal | None]],
    units: dict[str, str],
) -> TlfbResult:
    """Write Timeline Followback answers for the days first..last.

    `cells[day][substance]` is the amount typed for that day (0 = none that day; a missing or None
    cell = not recalled). Live diaries are the primary record (Sobell & Sobell): days that already
    have client or clinician entries are left untouched and listed in the result. Earlier TLFB
    entries of a day in the span are replaced by the new answers; a day whose cells are all
    empty keeps no TLFB entry (it is unknown again).

    Like every other diary edit, each entry is saved, changed or deleted one by one with its
    history row (who, when, the old values): an answer that did not change writes nothing.
    """
    lock_client(client)
    country = DiarySettings.country_for(client.organization_id)
    result = TlfbResult()
    existing = DiaryEntry.objects.filter(client=client, day__gte=first, day__lte=last)
    live_days = set(existing.exclude(source=EntrySource.TLFB).values_list("day", flat=True))
    old: dict[tuple[datetime.date, str], list[DiaryEntry]] = {}
    for entry in existing.filter(source=EntrySource.TLFB).exclude(day__in=live_days):
        old.setdefault((entry.day, entry.substance), []).append(entry)
    touched = {day for day, _ in old}
    saves: list[DiaryEntry] = []
    day = first
    while day <= last:
        answers = {s: a for s, a in cells.get(day, {}).items() if a is not None}
        if day in live_days:
            if answers:
                result.live_days_skipped.append(day)
        elif answers:
            touched.add(day)
            result.days_written += 1
            used = {s: a for s, a in answers.items() if a > 0}
            if not used:
                kept = old.get((day, ""), [])
                if kept:
                    old[(day, "")] = kept[1:]
                else:
                    saves.append(
                        DiaryEntry(
                            client=client,
                            day=day,
                            kind=EntryKind.NO_USE,
                            source=EntrySource.TLFB,
                            entered_by=by,
                        )
                    )
            for substance, amount in used.items():
                unit = units.get(substance) or (
                    Unit.DRINKS if substance == Substance.ALCOHOL else Unit.TIMES
                )
                fields = {"day": day, "substance": substance, "amount": amount, "unit": unit}
                earlier = old.get((day, substance), [])
                if earlier:
                    entry, old[(day, substance)] = earlier[0], earlier[1:]
                    before = (entry.amount, entry.unit, entry.alcohol_grams)
                    _apply(entry, fields, country)
                    if before == (entry.amount, entry.unit, entry.alcohol_grams):
                        continue  # the same answer as last time: no new history row
                else:
                    entry = DiaryEntry(
                        client=client, source=EntrySource.TLFB, entered_by=by, kind=EntryKind.USE
                    )
                    _apply(entry, fields, country)
                saves.append(entry)
        elif any(old.get((day, s)) for s in ["", *Substance.values]):
            result.days_cleared += 1
        day += datetime.timedelta(days=1)
    for entry in saves:
        entry.full_clean(exclude=["client", "entered_by"], validate_constraints=False)
    # Earlier answers of the span that the new answers do not keep (never live entries).
    for entry in (e for entries in old.values() for e in entries):
        entry._history_user = by
        entry.delete()
    for entry in saves:
        entry._history_user = by
        entry.save()
    result.entries_written = len(saves)
    rollups.refresh_weeks(client, touched)
    record(
        by=by,
        action=AuditAction.CREATE,
        object_type="diary.timelinefollowback",
        object_label="Timeline Followback",
        client=client,
        detail={
            "first": first.isoformat(),
            "last": last.isoformat(),
            "days_written": result.days_written,
            "live_days_skipped": len(result.live_days_skipped),
        },
    )
    return result


@transaction.atomic
def add_anchor_event(client: Client, *, by, day, kind, label="", repeats="") -> AnchorEvent:
    event = AnchorEvent.objects.create(
        client=client, day=day, kind=kind, label=label, repeats=repeats
    )
    record(by=by, action=AuditAction.CREATE, obj=event, client=client)
    return event


@transaction.atomic
def delete_anchor_event(event: AnchorEvent, *, by) -> None:
    record(by=by, action=AuditAction.DELETE, obj=event, client=event.client)
    event.delete()


@transaction.atomic
def update_diary_settings(organization, *, by, country: str) -> DiarySettings:
    """Change the organization's standard drink; plan status of alcohol limits is recomputed."""
    settings, _ = DiarySettings.objects.get_or_create(organization=organization)
    before = settings.country
    settings.country = country
    settings.save(update_fields=["country"])
    if before != country:
        # Every chart's rollups: minutes for a large organization, so on the worker.
        org_id = organization.pk
        transaction.on_commit(lambda: tasks.rebuild_organization_rollups.enqueue(org_id))
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=settings,
        organization_id=organization.pk,
        detail={"country": {"before": before, "after": country}},
    )
    return settings
