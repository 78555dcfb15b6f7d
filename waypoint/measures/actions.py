"""Writes for measures: record, assign, complete in the portal, correct, schedule.

Every write is audited. Scores are computed here from the instrument's data file when an
administration is submitted, stored beside the answers, and never recomputed or edited: a
correction is a new administration that supersedes the old one, with a reason. Flags whose
instrument rule carries an alert (PHQ-9 item 9 above 0) raise a safety alert for the care team.

A safety item (declared under `safety_items` in the data file) alerts the team as soon as it is
answered: `raise_safety_alerts` is called when a form is refused (another item left blank), and
the ids it returns are passed back as `already_alerted` when the completed form is saved, so the
team is alerted once.
"""

import datetime
import json

from django.db import transaction
from django.utils import timezone

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.actions import raise_alert
from waypoint.clients.models import AlertSeverity
from waypoint.measures import instruments
from waypoint.measures.models import Administration, AdministrationStatus, MeasureNorm, Schedule
from waypoint.measures.scoring import Score, safety_flags, score


class MeasureError(ValueError):
    """A request that cannot be carried out (already completed, already assigned...)."""


def _score_for(client, instrument, answers) -> Score:
    return score(instrument, answers, thresholds=client.drinking_thresholds)


def _fill(administration: Administration, instrument, result: Score, *, target: str) -> None:
    administration.instrument_id = instrument.id
    administration.instrument_version = instrument.version
    administration.status = AdministrationStatus.COMPLETED
    administration.answers = json.dumps(list(result.answers))
    administration.target = (target or "").strip()
    administration.total = result.total
    administration.band_key = result.band.key if result.band else ""
    administration.band = result.band.label if result.band else ""
    administration.flags = result.flag_ids
    administration.subscales = dict(result.subscales)
    administration.key_items = dict(result.key_items)
    administration.prorated = result.prorated
    administration.thresholds = result.thresholds or ""


def _check_target(instrument, target: str) -> None:
    if instrument.target and not (target or "").strip():
        raise MeasureError(f"Name the change this {instrument.short_name} is about.")


def _key_item_details(instrument, answers) -> list[str]:
    details = []
    for key, item_id in instrument.key_items.items():
        index = answers[instrument.item_index(item_id)]
        if index is not None:
            label = instrument.items[instrument.item_index(item_id)].options[index].label
            details.append(f"{key}: \u201c{label}\u201d")
    return details


def _raise_flag_alerts(administration, result: Score, *, by, already: frozenset = frozenset()):
    instrument = result.instrument
    for flag in result.flags:
        if not flag.alert or flag.id in already:
            continue
        details = _key_item_details(instrument, result.answers)
        if result.total is not None:
            band = f" ({result.band.label})" if result.band else ""
            details.append(f"total {result.total}{band}")
        raise_alert(
            administration.client,
            by=by,
            kind=flag.alert["kind"],
            title=flag.alert["title"],
            detail=f"{instrument.short_name}: " + "; ".join(details),
            severity=flag.alert.get("severity", AlertSeverity.WARNING),
            source=administration,
        )


@transaction.atomic
def raise_safety_alerts(
    client,
    *,
    by,
    instrument,
    answers,
    administration: Administration | None = None,
    already: frozenset = frozenset(),
) -> frozenset:
    """Alert the care team about safety items answered on a form that was refused.

    `answers` may be incomplete (None for a blank item). Nothing else is saved: the form still
    asks for the missing items. Returns every safety item alerted so far for this form
    (`already` plus the new ones), to be carried by the form and passed to the save.
    """
    raised = safety_flags(instrument, answers)
    padded = list(answers) + [None] * (len(instrument.items) - len(answers))
    missing = [
        str(number)
        for number, (item, answer) in enumerate(zip(instrument.items, padded, strict=True), 1)
        if item.required and answer is None
    ]
    for flag in raised:
        if flag.id in already:
            continue
        details = _key_item_details(instrument, padded)
        if missing:
            details.append(f"not yet complete (item(s) {', '.join(missing)} blank)")
        raise_alert(
            client,
            by=by,
            kind=flag.alert["kind"],
            title=flag.alert["title"],
            detail=f"{instrument.short_name}: " + "; ".join(details),
            severity=flag.alert.get("severity", AlertSeverity.WARNING),
            source=administration,
        )
    return frozenset(already) | {flag.id for flag in raised}


def ensure_next_item(schedule: Schedule) -> Administration | None:
    """Create the next due item of an active schedule, if none is open.

    The next item falls `every_weeks` after the last closed one: after the day it was completed,
    or after its due date if it was cancelled (a cancelled occurrence is skipped, the schedule
    goes on); the first falls on `starts_on`. Run by the worker (`measures.tasks`), after each
    completion or cancellation and in a periodic sweep that catches any it missed.
    """
    if not schedule.active:
        return None
    client = schedule.client
    items = Administration.objects.filter(client=client, instrument_id=schedule.instrument_id)
    if items.open().exists():
        return None
    last = items.filter(schedule=schedule).exclude(status=AdministrationStatus.ASSIGNED)
    last = last.order_by("-administered_at", "-due_on", "-pk").first()
    if last is None:
        due_on = schedule.starts_on
    elif last.status == AdministrationStatus.CANCELLED or last.administered_at is None:
        due_on = (last.due_on or client.organization.today()) + datetime.timedelta(
            weeks=schedule.every_weeks
        )
    else:
        due_on = client.organization.local_date(last.administered_at) + datetime.timedelta(
            weeks=schedule.every_weeks
        )
    return Administration.objects.create(
        client=client,
        instrument_id=schedule.instrument_id,
        status=AdministrationStatus.ASSIGNED,
        in_portal=schedule.in_portal,
        due_on=due_on,
        assigned_at=timezone.now(),
        assigned_by=schedule.created_by,
        schedule=schedule,
    )


def _schedule_next_in_background(administration: Administration) -> None:
    """Once this write commits, the worker creates the schedule's next item."""
    from waypoint.measures import tasks  # tasks import actions: import on call

    schedule_id = (
        Schedule.objects.filter(
            client=administration.client,
            instrument_id=administration.instrument_id,
            active=True,
        )
        .values_list("pk", flat=True)
        .first()
    )
    if schedule_id is not None:
        transaction.on_commit(lambda: tasks.schedule_next_item.enqueue(schedule_id))


@transaction.atomic
def record_administration(
    client,
    *,
    by,
    instrument_id: str,
    answers,
    administered_at: datetime.datetime | None = None,
    target: str = "",
    already_alerted: frozenset = frozenset(),
) -> Administration:
    """A clinician enters an administration completed in session (or on paper).

    If the same instrument is waiting as an assigned or due item, that item is the one
    completed. Raises ScoringError (answers) or MeasureError (request) and saves nothing.
    `already_alerted`: safety items alerted while the form was incomplete (not alerted again).
    """
    instrument = instruments.get(instrument_id)
    _check_target(instrument, target)
    result = _score_for(client, instrument, answers)
    administration = (
        Administration.objects.open()
        .filter(client=client, instrument_id=instrument.id)
        .order_by("due_on", "id")
        .first()
    )
    fulfilled = administration is not None
    if administration is None:
        administration = Administration(client=client)
    _fill(administration, instrument, result, target=target)
    administration.administered_at = administered_at or timezone.now()
    administration.entered_by = by
    administration.completed_in_portal = False
    administration.save()
    record(
        by=by,
        action=AuditAction.CHANGE if fulfilled else AuditAction.CREATE,
        obj=administration,
        client=client,
        detail={"instrument": instrument.id, "completed": "in session"},
    )
    _raise_flag_alerts(administration, result, by=by, already=already_alerted)
    _schedule_next_in_background(administration)
    return administration


@transaction.atomic
def complete_in_portal(
    administration: Administration,
    *,
    by,
    answers,
    target: str = "",
    already_alerted: frozenset = frozenset(),
) -> Administration:
    """The client completes an assigned measure in the portal (see record_administration)."""
    administration = Administration.objects.select_for_update().get(pk=administration.pk)
    if not administration.is_open or not administration.in_portal:
        raise MeasureError("This questionnaire is no longer waiting to be completed.")
    instrument = instruments.get(administration.instrument_id)
    _check_target(instrument, target)
    result = _score_for(administration.client, instrument, answers)
    _fill(administration, instrument, result, target=target)
    administration.administered_at = timezone.now()
    administration.entered_by = by
    administration.completed_in_portal = True
    administration.save()
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=administration,
        client=administration.client,
        detail={"instrument": instrument.id, "completed": "in portal"},
    )
    _raise_flag_alerts(administration, result, by=by, already=already_alerted)
    _schedule_next_in_background(administration)
    return administration


@transaction.atomic
def correct_administration(
    original: Administration, *, by, answers, reason: str, target: str | None = None
) -> Administration:
    """Replace a completed administration with corrected answers, keeping the original."""
    original = Administration.objects.select_for_update().get(pk=original.pk)
    if not original.is_completed:
        raise MeasureError("Only a completed measure can be corrected.")
    if Administration.objects.filter(supersedes=original).exists():
        raise MeasureError("This measure was already corrected; correct the newer one.")
    if not (reason or "").strip():
        raise MeasureError("Say why the answers are being corrected.")
    instrument = instruments.get(original.instrument_id)
    target = original.target if target is None else target
    _check_target(instrument, target)
    result = _score_for(original.client, instrument, answers)
    correction = Administration(client=original.client)
    _fill(correction, instrument, result, target=target)
    # The correction describes the same occasion, so it keeps the original date.
    correction.administered_at = original.administered_at
    correction.entered_by = by
    correction.supersedes = original
    correction.correction_reason = reason.strip()
    correction.save()
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=correction,
        client=original.client,
        detail={"instrument": instrument.id, "supersedes": original.pk},
    )
    _raise_flag_alerts(correction, result, by=by, already=frozenset(original.flags))
    return correction


@transaction.atomic
def assign(
    client, *, by, instrument_id: str, due_on: datetime.date | None = None, in_portal: bool = True
) -> Administration:
    """Assign a measure: to the client in the portal, or as a due item for a session."""
    instrument = instruments.get(instrument_id)
    if Administration.objects.open().filter(client=client, instrument_id=instrument.id).exists():
        raise MeasureError(f"{instrument.short_name} is already waiting to be completed.")
    administration = Administration.objects.create(
        client=client,
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        status=AdministrationStatus.ASSIGNED,
        in_portal=in_portal,
        due_on=due_on,
        assigned_at=timezone.now(),
        assigned_by=by,
    )
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=administration,
        client=client,
        detail={"instrument": instrument.id, "assigned": "portal" if in_portal else "session"},
    )
    return administration


@transaction.atomic
def cancel_assignment(administration: Administration, *, by) -> Administration:
    if not administration.is_open:
        raise MeasureError("Only a measure that is still waiting can be cancelled.")
    administration.status = AdministrationStatus.CANCELLED
    administration.save(update_fields=["status"])
    if administration.schedule_id:
        _schedule_next_in_background(administration)
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=administration,
        client=administration.client,
        detail={"status": "cancelled"},
    )
    return administration


@transaction.atomic
def create_schedule(
    client,
    *,
    by,
    instrument_id: str,
    every_weeks: int,
    starts_on: datetime.date,
    in_portal: bool = True,
) -> Schedule:
    instrument = instruments.get(instrument_id)
    if not 1 <= every_weeks <= 52:
        raise MeasureError("Choose every 1 to 52 weeks.")
    if Schedule.objects.filter(client=client, instrument_id=instrument.id, active=True).exists():
        raise MeasureError(f"{instrument.short_name} already has a schedule; stop it first.")
    schedule = Schedule.objects.create(
        client=client,
        instrument_id=instrument.id,
        every_weeks=every_weeks,
        starts_on=starts_on,
        in_portal=in_portal,
        created_by=by,
    )
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=schedule,
        client=client,
        detail={"instrument": instrument.id, "every_weeks": every_weeks},
    )
    if (
        not Administration.objects.open()
        .filter(client=client, instrument_id=instrument.id)
        .exists()
    ):
        Administration.objects.create(
            client=client,
            instrument_id=instrument.id,
            status=AdministrationStatus.ASSIGNED,
            in_portal=in_portal,
            due_on=starts_on,
            assigned_at=timezone.now(),
            assigned_by=by,
            schedule=schedule,
        )
    return schedule


@transaction.atomic
def stop_schedule(schedule: Schedule, *, by) -> Schedule:
    if not schedule.active:
        raise MeasureError("This schedule was already stopped.")
    schedule.active = False
    schedule.stopped_at = timezone.now()
    schedule.save(update_fields=["active", "stopped_at"])
    schedule.administrations.filter(status=AdministrationStatus.ASSIGNED).update(
        status=AdministrationStatus.CANCELLED
    )
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=schedule,
        client=schedule.client,
        detail={"active": False},
    )
    return schedule


@transaction.atomic
def set_measure_norm(
    organization, *, by, instrument_id: str, sd, reliability, source_note: str
) -> MeasureNorm:
    """Enter (or replace) an organization's own intake SD and reliability for one instrument."""
    instrument = instruments.get(instrument_id)
    if not instrument.has_total or instrument.direction is None:
        raise MeasureError(f"{instrument.short_name} has no total score to compare over time.")
    if not sd > 0:
        raise MeasureError("The SD must be above 0.")
    if not 0 < reliability < 1:
        raise MeasureError("The reliability must be between 0 and 1.")
    if not (source_note or "").strip():
        raise MeasureError("Say where the SD and reliability come from.")
    norm = (
        MeasureNorm.objects.select_for_update()
        .filter(organization=organization, instrument_id=instrument.id)
        .first()
    )
    created = norm is None
    if created:
        norm = MeasureNorm(organization=organization, instrument_id=instrument.id)
    norm.sd = sd
    norm.reliability = reliability
    norm.source_note = source_note.strip()
    norm.entered_by = by
    norm.entered_at = timezone.now()
    norm.save()
    record(
        by=by,
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        obj=norm,
        organization_id=organization.pk,
        detail={"instrument": instrument.id, "sd": str(sd), "reliability": str(reliability)},
    )
    return norm


@transaction.atomic
def remove_measure_norm(norm: MeasureNorm, *, by) -> None:
    """Go back to the data file's norms for this instrument."""
    record(
        by=by,
        action=AuditAction.DELETE,
        obj=norm,
        organization_id=norm.organization_id,
        detail={"instrument": norm.instrument_id},
    )
    norm.delete()
