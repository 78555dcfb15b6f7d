"""Appointment rules, reminders and the calendar feed text."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from waypoint.appointments import actions, ics
from waypoint.appointments.actions import AppointmentError
from waypoint.appointments.models import (
    Appointment,
    AppointmentSettings,
    AppointmentStatus,
    CalendarFeed,
    CalendarLabel,
    hash_feed_secret,
)
from waypoint.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_schedule_writes_an_audit_event(appointment, client_chart, clinician):
    assert appointment.status == AppointmentStatus.SCHEDULED
    event = AuditEvent.objects.filter(object_type="appointments.appointment").get()
    assert (event.action, event.client_id, event.actor_id) == (
        "create",
        client_chart.pk,
        clinician.pk,
    )
    assert "housing" not in str(event.detail)


def test_cannot_schedule_in_the_past(client_chart, clinician):
    with pytest.raises(AppointmentError) as caught:
        actions.schedule_appointment(
            client_chart,
            by=clinician,
            clinician=clinician,
            starts_at=timezone.now() - datetime.timedelta(hours=1),
            duration_minutes=50,
        )
    assert caught.value.field == "start_date"
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("minutes", [0, 4, 481])
def test_end_must_be_after_start(client_chart, clinician, soon, minutes):
    with pytest.raises(AppointmentError, match="end must be after the start"):
        actions.schedule_appointment(
            client_chart,
            by=clinician,
            clinician=clinician,
            starts_at=soon(),
            duration_minutes=minutes,
        )


def test_clinician_of_another_organization_is_refused(
    client_chart, clinician, other_clinician, soon
):
    with pytest.raises(AppointmentError) as caught:
        actions.schedule_appointment(
            client_chart,
            by=clinician,
            clinician=other_clinician,
            starts_at=soon(),
            duration_minutes=50,
        )
    assert caught.value.field == "clinician"


def test_drop_in_is_recorded_after_the_fact(client_chart, clinician, soon):
    past = timezone.now() - datetime.timedelta(hours=2)
    drop_in = actions.record_drop_in(
        client_chart, by=clinician, clinician=clinician, starts_at=past, duration_minutes=20
    )
    assert (drop_in.kind, drop_in.status) == ("drop_in", "attended")
    with pytest.raises(AppointmentError, match="after it happened"):
        actions.record_drop_in(
            client_chart, by=clinician, clinician=clinician, starts_at=soon(), duration_minutes=20
        )
    with pytest.raises(AppointmentError, match="stays attended"):
        actions.update_appointment(drop_in, by=clinician, status="did_not_attend")


def test_attendance_only_after_the_start(appointment, clinician):
    with pytest.raises(AppointmentError, match="start time has passed"):
        actions.update_appointment(appointment, by=clinician, status="attended")
    appointment.refresh_from_db()
    assert appointment.status == "scheduled"
    later = appointment.starts_at + datetime.timedelta(hours=1)
    actions.update_appointment(appointment, by=clinician, status="did_not_attend", now=later)
    appointment.refresh_from_db()
    assert appointment.get_status_display() == "Did not attend"


def test_cancel_and_rescheduling_resets_the_reminder(appointment, clinician):
    appointment.reminder_sent_at = timezone.now()
    appointment.save(update_fields=["reminder_sent_at"])
    actions.update_appointment(
        appointment, by=clinician, starts_at=appointment.starts_at + datetime.timedelta(days=1)
    )
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is None
    actions.update_appointment(appointment, by=clinician, status="cancelled_client")
    appointment.refresh_from_db()
    assert appointment.is_cancelled


def test_no_penalty_language_in_statuses():
    labels = " ".join(label.lower() for _, label in AppointmentStatus.choices)
    for word in ("no-show", "no show", "noshow", "failed", "missed", "penalty"):
        assert word not in labels


# Reminders ---------------------------------------------------------------------------------


def test_reminder_text_is_exact_and_says_nothing_of_the_clinic(client_chart, clinician):
    zone = zoneinfo.ZoneInfo("America/Los_Angeles")
    appointment = Appointment(
        client=client_chart,
        clinician=clinician,
        starts_at=datetime.datetime(2026, 12, 8, 14, 0, tzinfo=zone),
        duration_minutes=50,
    )
    assert actions.reminder_text(appointment) == (
        "You have an appointment on Tuesday 8 December at 14:00.\n\n"
        "If you cannot come, or want to change the time, please let us know.\n"
    )
    assert actions.REMINDER_SUBJECT == "Appointment reminder"


def _opt_in(chart, by, email="robin.reminders@example.test"):
    return actions.set_reminder_preference(chart, by=by, email_reminders=True, email=email)


def test_reminder_sent_once_about_a_day_before(client_chart, clinician, mailoutbox):
    from waypoint.appointments.tasks import send_due_reminders

    now = timezone.now()
    tomorrow = actions.schedule_appointment(
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=now + datetime.timedelta(hours=20),
        duration_minutes=50,
    )
    actions.schedule_appointment(  # too far ahead for a reminder yet
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=now + datetime.timedelta(hours=40),
        duration_minutes=50,
    )
    assert send_due_reminders.call() == 0  # nobody opted in yet
    _opt_in(client_chart, clinician)
    assert send_due_reminders.call() == 1
    assert send_due_reminders.call() == 0  # once only
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["robin.reminders@example.test"]
    assert message.subject == "Appointment reminder"
    assert message.body == actions.reminder_text(tomorrow)
    body = message.body.lower() + message.subject.lower()
    for word in ("harm", "reduction", "clinic", "substance", "drug", "alcohol", "robin", "maya"):
        assert word not in body
    tomorrow.refresh_from_db()
    assert tomorrow.reminder_sent_at is not None


def test_reminder_falls_back_to_the_portal_email(client_chart, client_user, clinician, mailoutbox):
    actions.set_reminder_preference(client_chart, by=clinician, email_reminders=True)
    appointment = actions.schedule_appointment(
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=timezone.now() + datetime.timedelta(hours=23),
        duration_minutes=50,
    )
    assert actions.send_reminder(appointment) is True
    assert mailoutbox[0].to == ["robin@client.test"]


def test_cancelled_appointments_get_no_reminder(appointment, client_chart, clinician, mailoutbox):
    _opt_in(client_chart, clinician)
    actions.update_appointment(appointment, by=clinician, status="cancelled_clinic")
    now = appointment.starts_at - datetime.timedelta(hours=12)
    assert list(actions.reminders_due(now)) == []


def test_reminders_are_periodic():
    from waypoint.worker.periodic import PERIODIC_TASKS, load_task

    paths = [path for path, _ in PERIODIC_TASKS]
    assert "waypoint.appointments.tasks.send_due_reminders" in paths
    load_task("waypoint.appointments.tasks.send_due_reminders")


# Feed text ---------------------------------------------------------------------------------


def test_ics_escaping_and_folding():
    assert ics.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = ics.fold("SUMMARY:" + "é" * 60)
    lines = folded.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    assert all(line.startswith(" ") for line in lines[1:])
    assert "".join(line[1:] if i else line for i, line in enumerate(lines)) == "SUMMARY:" + "é" * 60


def test_labels_follow_the_organization_setting(client_chart, clinic, admin):
    assert AppointmentSettings.for_organization(clinic).label_for(client_chart) == "C-001"
    actions.update_settings(clinic, by=admin, calendar_label=CalendarLabel.INITIALS)
    assert AppointmentSettings.for_organization(clinic).label_for(client_chart) == "R. Q."


def test_feed_secret_is_stored_only_as_a_hash(clinician):
    feed, secret = actions.create_feed(clinician, by=clinician)
    assert feed.secret_hash == hash_feed_secret(secret) and secret not in feed.secret_hash
    assert actions.feed_for_secret(secret) == feed
    _, second = actions.create_feed(clinician, by=clinician)
    assert actions.feed_for_secret(secret) is None  # the new address replaces the old
    assert CalendarFeed.objects.active().count() == 1
    actions.revoke_feed(clinician, by=clinician)
    assert actions.feed_for_secret(second) is None
