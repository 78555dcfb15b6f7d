"""Recording, assigning, portal completion, corrections, schedules and the item-9 alert."""

import datetime
import json

import pytest
from django.utils import timezone

from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clients.actions import acknowledge_alert
from waypoint.clients.models import Alert, AlertSeverity
from waypoint.measures import actions
from waypoint.measures.models import Administration, AdministrationStatus, Schedule
from waypoint.measures.scoring import ScoringError

pytestmark = pytest.mark.django_db

LOW_MOOD = [2, 2, 2, 2, 1, 1, 1, 1, 0]  # total 12, Moderate, item 9 "Not at all"


def test_record_computes_and_stores_scores(phq9, client_chart, clinician):
    administration = phq9(LOW_MOOD)
    administration.refresh_from_db()
    assert administration.status == AdministrationStatus.COMPLETED
    assert (administration.total, administration.band, administration.band_key) == (
        12,
        "Moderate",
        "moderate",
    )
    assert administration.flags == []
    assert administration.key_items == {"item9": 0}
    assert administration.instrument_version == "1.0"
    assert administration.entered_by == clinician and not administration.completed_in_portal
    assert administration.answer_indices() == [*LOW_MOOD, None]
    event = AuditEvent.objects.filter(object_type="measures.administration").get()
    assert event.action == AuditAction.CREATE and event.client_id == client_chart.pk
    assert "12" not in json.dumps(event.detail)  # no clinical content in the audit row


def test_answers_are_encrypted_at_rest(phq9):
    from django.db import connection

    administration = phq9(LOW_MOOD)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT answers FROM measures_administration WHERE id = %s", [administration.pk]
        )
        stored = cursor.fetchone()[0]
    assert "[2, 2" not in stored and stored.startswith("gAAAA")


def test_bad_answers_save_nothing(client_chart, clinician):
    with pytest.raises(ScoringError):
        actions.record_administration(
            client_chart,
            by=clinician,
            instrument_id="phq-9",
            answers=[0, 0, None, 0, 0, 0, 0, 0, 0],
        )
    assert not Administration.objects.exists()
    assert not Alert.objects.exists()


def test_audit_c_uses_the_charts_thresholds(client_chart, clinician):
    # Robin's chart uses female thresholds: 3 is a positive screen.
    administration = actions.record_administration(
        client_chart, by=clinician, instrument_id="audit-c", answers=[1, 1, 1]
    )
    assert (administration.band, administration.thresholds) == ("Positive screen", "female")
    client_chart.drinking_thresholds = "male"
    client_chart.save()
    administration = actions.record_administration(
        client_chart, by=clinician, instrument_id="audit-c", answers=[1, 1, 1]
    )
    assert (administration.band, administration.thresholds) == ("Below cut-off", "male")


def test_readiness_ruler_needs_its_target_and_encrypts_it(client_chart, clinician):
    with pytest.raises(actions.MeasureError, match="Name the change"):
        actions.record_administration(
            client_chart, by=clinician, instrument_id="readiness-ruler", answers=[5, 5, 5]
        )
    administration = actions.record_administration(
        client_chart,
        by=clinician,
        instrument_id="readiness-ruler",
        answers=[9, 4, 6],
        target="carrying naloxone",
    )
    administration.refresh_from_db()
    assert administration.target == "carrying naloxone"
    assert administration.subscales == {"importance": 9, "confidence": 4, "readiness": 6}


def test_item9_above_zero_raises_urgent_alert_then_acknowledged(phq9, client_chart, clinician):
    administration = phq9([0, 0, 0, 0, 0, 0, 0, 0, 1])  # total 1: minimal, but item 9 > 0
    alert = Alert.objects.get()
    assert alert.kind == "phq9_item9"
    assert alert.severity == AlertSeverity.URGENT
    assert alert.is_open
    assert (alert.source_type, alert.source_id) == (
        "measures.administration",
        str(administration.pk),
    )
    assert "Several days" in alert.detail and "total 1" in alert.detail
    assert list(Alert.objects.open().filter(client=client_chart)) == [alert]
    acknowledge_alert(alert, by=clinician, note="Called Robin; safety plan reviewed.")
    alert.refresh_from_db()
    assert not alert.is_open and alert.acknowledged_by == clinician
    assert AuditEvent.objects.filter(
        object_type="clients.alert", action=AuditAction.CHANGE, detail__acknowledged=True
    ).exists()


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_every_item9_answer_above_zero_alerts(phq9, item9):
    phq9([0] * 8 + [item9])
    assert Alert.objects.filter(kind="phq9_item9").count() == 1


def test_no_alert_when_item9_is_zero(phq9):
    phq9([3] * 8 + [0])
    assert not Alert.objects.exists()


def test_correction_supersedes_and_keeps_the_original(phq9, client_chart, clinician):
    original = phq9(LOW_MOOD, days=3)
    corrected_answers = [2, 2, 2, 2, 1, 1, 1, 0, 0]
    correction = actions.correct_administration(
        original, by=clinician, answers=corrected_answers, reason="Item 8 misread."
    )
    original.refresh_from_db()
    assert original.total == 12 and original.answer_indices()[:9] == LOW_MOOD  # unchanged
    assert correction.supersedes == original
    assert correction.total == 11
    assert correction.correction_reason == "Item 8 misread."
    assert correction.administered_at == original.administered_at
    assert list(Administration.objects.current()) == [correction]
    with pytest.raises(actions.MeasureError, match="already corrected"):
        actions.correct_administration(original, by=clinician, answers=LOW_MOOD, reason="again")
    with pytest.raises(actions.MeasureError, match="Say why"):
        actions.correct_administration(correction, by=clinician, answers=LOW_MOOD, reason=" ")


def test_correction_adding_item9_raises_alert_once(phq9, clinician):
    original = phq9([0] * 8 + [1])
    assert Alert.objects.count() == 1
    actions.correct_administration(
        original, by=clinician, answers=[1] + [0] * 7 + [1], reason="Item 1 missed"
    )
    assert Alert.objects.count() == 1  # the flag was already raised for this occasion
    clean = phq9([0] * 9)
    actions.correct_administration(clean, by=clinician, answers=[0] * 8 + [2], reason="Misread")
    assert Alert.objects.count() == 2


def test_assign_complete_in_portal(client_chart, clinician, client_user):
    assigned = actions.assign(client_chart, by=clinician, instrument_id="gad-7")
    with pytest.raises(actions.MeasureError, match="already waiting"):
        actions.assign(client_chart, by=clinician, instrument_id="gad-7")
    done = actions.complete_in_portal(assigned, by=client_user, answers=[1, 1, 1, 1, 1, 0, 0])
    assert done.pk == assigned.pk
    assert (done.status, done.total, done.band) == ("completed", 5, "Mild")
    assert done.completed_in_portal and done.entered_by == client_user
    with pytest.raises(actions.MeasureError, match="no longer waiting"):
        actions.complete_in_portal(assigned, by=client_user, answers=[0] * 7)


def test_recording_in_session_fulfils_the_waiting_item(client_chart, clinician):
    assigned = actions.assign(client_chart, by=clinician, instrument_id="gad-7", in_portal=False)
    done = actions.record_administration(
        client_chart, by=clinician, instrument_id="gad-7", answers=[0] * 7
    )
    assert done.pk == assigned.pk and done.status == "completed"
    assert Administration.objects.count() == 1


def test_cancel_assignment(client_chart, clinician):
    assigned = actions.assign(client_chart, by=clinician, instrument_id="audit")
    actions.cancel_assignment(assigned, by=clinician)
    assert Administration.objects.get().status == AdministrationStatus.CANCELLED
    with pytest.raises(actions.MeasureError):
        actions.cancel_assignment(assigned, by=clinician)


def test_schedule_creates_due_items_after_each_completion(
    client_chart, clinician, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    schedule = actions.create_schedule(
        client_chart, by=clinician, instrument_id="phq-9", every_weeks=4, starts_on=today
    )
    first = Administration.objects.open().get()
    assert (first.due_on, first.schedule, first.in_portal) == (today, schedule, True)
    with pytest.raises(actions.MeasureError, match="already has a schedule"):
        actions.create_schedule(
            client_chart, by=clinician, instrument_id="phq-9", every_weeks=2, starts_on=today
        )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        actions.record_administration(
            client_chart, by=clinician, instrument_id="phq-9", answers=LOW_MOOD
        )
    assert len(callbacks) == 1  # the next item is the worker's job, once the answers commit
    following = Administration.objects.open().get()
    assert following.due_on == today + datetime.timedelta(weeks=4)
    actions.stop_schedule(schedule, by=clinician)
    assert not Administration.objects.open().exists()
    assert not Schedule.objects.get().active


def test_cancelling_a_scheduled_item_skips_it_and_keeps_the_schedule(
    client_chart, clinician, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    actions.create_schedule(
        client_chart, by=clinician, instrument_id="gad-7", every_weeks=4, starts_on=today
    )
    first = Administration.objects.open().get()
    with django_capture_on_commit_callbacks(execute=True):
        actions.cancel_assignment(first, by=clinician)
    following = Administration.objects.open().get()
    assert following.pk != first.pk
    assert following.due_on == today + datetime.timedelta(weeks=4)


def test_the_periodic_sweep_creates_what_was_missed(client_chart, clinician, clinic):
    """A completion whose follow-up task never ran (the worker was down): the hourly sweep
    (`measures.tasks.create_due_items`, in PERIODIC_TASKS) creates the next item, on the
    schedule's rhythm, once; stopped schedules get nothing."""
    from waypoint.measures import tasks

    today = clinic.today()
    schedule = actions.create_schedule(
        client_chart, by=clinician, instrument_id="phq-9", every_weeks=2, starts_on=today
    )
    actions.record_administration(  # no on-commit capture: the follow-up task is lost
        client_chart, by=clinician, instrument_id="phq-9", answers=LOW_MOOD
    )
    assert not Administration.objects.open().exists()
    assert tasks.create_due_items.call() == 1
    assert Administration.objects.open().get().due_on == today + datetime.timedelta(weeks=2)
    assert tasks.create_due_items.call() == 0  # one open item at a time
    actions.stop_schedule(schedule, by=clinician)
    assert tasks.create_due_items.call() == 0
