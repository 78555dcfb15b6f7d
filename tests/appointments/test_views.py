"""Appointment pages: happy paths, bad input, access, the week calendar, feed, caseload column."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from waypoint.appointments import actions
from waypoint.appointments.models import Appointment, CalendarFeed, ReminderPreference
from waypoint.appointments.panels import annotate_next_appointment
from waypoint.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _form(day, time="14:00", clinician=None, **extra):
    data = {"start_date": day.isoformat(), "start_time": time, "duration_minutes": "50"}
    if clinician is not None:
        data["clinician"] = clinician.pk
    data.update(extra)
    return data


def test_schedule_from_the_chart(login, client_chart, clinician):
    day = clinician.organization.today() + datetime.timedelta(days=5)
    response = login(clinician).post(
        reverse("appointments-add", args=[client_chart.pk]), _form(day, clinician=clinician)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("appointments-list", args=[client_chart.pk])
    appointment = Appointment.objects.get()
    local = appointment.starts_at.astimezone(clinician.organization.zone)
    assert (local.date(), local.hour, local.minute) == (day, 14, 0)


def test_schedule_in_the_past_shows_a_field_error(login, client_chart, clinician):
    day = clinician.organization.today() - datetime.timedelta(days=2)
    response = login(clinician).post(
        reverse("appointments-add", args=[client_chart.pk]), _form(day, clinician=clinician)
    )
    assert response.status_code == 400
    assert "must start in the future" in response.content.decode()
    assert response.context["form"].errors["start_date"]
    assert not Appointment.objects.exists()


def test_missing_fields_show_errors(login, client_chart, clinician):
    response = login(clinician).post(
        reverse("appointments-add", args=[client_chart.pk]),
        {"start_date": "not a date", "duration_minutes": "7"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"start_date", "start_time", "duration_minutes", "clinician"} <= set(errors)
    assert not Appointment.objects.exists()


def test_drop_in_form(login, client_chart, clinician):
    day = clinician.organization.today() - datetime.timedelta(days=1)
    response = login(clinician).post(
        reverse("appointments-drop-in", args=[client_chart.pk]),
        _form(day, "10:30", clinician=clinician, note="Came by for supplies."),
    )
    assert response.status_code == 302
    drop_in = Appointment.objects.get()
    assert (drop_in.kind, drop_in.status, drop_in.note) == (
        "drop_in",
        "attended",
        "Came by for supplies.",
    )


def test_record_what_happened(login, appointment, client_chart, clinician):
    url = reverse("appointments-edit", args=[client_chart.pk, appointment.pk])
    local = appointment.starts_at.astimezone(client_chart.organization.zone)
    data = _form(local.date(), local.strftime("%H:%M"), clinician=clinician)
    response = login(clinician).post(url, {**data, "status": "attended"})
    assert response.status_code == 400  # not yet happened
    assert "start time has passed" in response.content.decode()
    response = login(clinician).post(url, {**data, "status": "cancelled_client"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled_client"


def test_list_page_and_chart_panel(login, appointment, client_chart, clinician):
    response = login(clinician).get(reverse("appointments-list", args=[client_chart.pk]))
    assert response.status_code == 200
    assert "Scheduled" in response.content.decode()
    chart = login(clinician).get(client_chart.get_absolute_url())
    body = chart.content.decode()
    assert 'id="h-appointments"' in body
    assert reverse("appointments-add", args=[client_chart.pk]) in body


def test_supervisor_reads_but_has_no_add_buttons(login, appointment, client_chart, supervisor):
    chart = login(supervisor).get(client_chart.get_absolute_url())
    assert chart.status_code == 200
    assert reverse("appointments-add", args=[client_chart.pk]) not in chart.content.decode()
    response = login(supervisor).get(reverse("appointments-add", args=[client_chart.pk]))
    assert response.status_code == 403


def test_other_clinic_gets_404(login, appointment, client_chart, other_clinician):
    for name, args in (
        ("appointments-list", [client_chart.pk]),
        ("appointments-edit", [client_chart.pk, appointment.pk]),
        ("appointments-reminders", [client_chart.pk]),
    ):
        assert login(other_clinician).get(reverse(name, args=args)).status_code == 404


def test_wrong_method_is_405(login, client_chart, clinician):
    url = reverse("appointments-list", args=[client_chart.pk])
    assert login(clinician).post(url).status_code == 405


def test_anonymous_goes_to_sign_in(client, client_chart):
    response = client.get(reverse("appointments-week"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_reminder_opt_in(login, client_chart, clinician):
    url = reverse("appointments-reminders", args=[client_chart.pk])
    response = login(clinician).post(url, {"email_reminders": "on"})
    assert response.status_code == 400  # no email anywhere
    assert not ReminderPreference.objects.exists()
    response = login(clinician).post(url, {"email_reminders": "on", "email": "r@example.test"})
    assert response.status_code == 302
    assert ReminderPreference.objects.get().address() == "r@example.test"


def test_portal_shows_next_appointment_date_and_time_only(login, appointment, client_user):
    response = login(client_user).get(reverse("portal-home"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your next appointment" in body
    local = appointment.starts_at.astimezone(appointment.client.organization.zone)
    assert local.strftime("%H:%M") in body
    assert "housing letter" not in body  # the note stays with the care team


# The week calendar -------------------------------------------------------------------------


def test_week_shows_my_appointments_by_chart_number(login, appointment, clinician):
    local = appointment.starts_at.astimezone(clinician.organization.zone)
    year, week, _ = local.isocalendar()
    response = login(clinician).get(reverse("appointments-week"), {"week": f"{year}-W{week:02d}"})
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["count"] == 1
    assert "C-001" in body
    assert "Robin" not in body and "Quillfeather" not in body
    assert f"{year}-W{week - 1:02d}" in body or "week-prev" in body
    assert AuditEvent.objects.filter(
        client_id=appointment.client_id, detail__page="appointments week"
    ).exists()


def test_week_by_date_and_bad_week(login, appointment, clinician):
    local = appointment.starts_at.astimezone(clinician.organization.zone)
    response = login(clinician).get(
        reverse("appointments-week"), {"date": local.date().isoformat()}
    )
    assert response.context["count"] == 1
    response = login(clinician).get(reverse("appointments-week"), {"week": "2026-W99"})
    assert response.status_code == 200  # unreadable: this week


def test_supervisor_sees_supervisee_week_but_not_others(
    login, appointment, supervisor, clinician, colleague, admin
):
    url = reverse("appointments-week")
    local = appointment.starts_at.astimezone(clinician.organization.zone)
    params = {"date": local.date().isoformat(), "clinician": clinician.pk}
    response = login(supervisor).get(url, params)
    assert response.status_code == 200 and response.context["count"] == 1
    assert login(supervisor).get(url, {"clinician": colleague.pk}).status_code == 404
    assert login(colleague).get(url, {"clinician": clinician.pk}).status_code == 404
    assert login(admin).get(url, params).status_code == 200
    assert login(clinician).get(url, {"clinician": "x"}).status_code == 404


def test_other_organization_cannot_see_clinic_week(login, appointment, other_admin, clinician):
    response = login(other_admin).get(reverse("appointments-week"), {"clinician": clinician.pk})
    assert response.status_code == 404


# Feed --------------------------------------------------------------------------------------


def test_feed_create_show_once_and_revoke(login, appointment, clinician, client):
    settings_url = reverse("appointments-feed-settings")
    response = login(clinician).post(settings_url, {"action": "create"})
    assert response.status_code == 200
    url = response.context["new_url"]
    assert url.endswith(".ics")
    secret = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert not CalendarFeed.objects.filter(secret_hash__contains=secret).exists()
    again = login(clinician).get(settings_url)
    assert secret not in again.content.decode()  # shown once only
    client.logout()
    feed = client.get(url)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    text = feed.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "SUMMARY:Appointment: C-001" in text
    for word in ("Robin", "Quillfeather", "housing"):
        assert word not in text
    login(clinician).post(settings_url, {"action": "revoke"})
    client.logout()
    assert client.get(url).status_code == 404


def test_unknown_feed_is_404(client):
    assert client.get(reverse("appointments-feed", args=["nope"])).status_code == 404


def test_feed_settings_bad_action(login, clinician):
    response = login(clinician).post(reverse("appointments-feed-settings"), {"action": "x"})
    assert response.status_code == 400


def test_settings_page_for_admins(login, admin, clinician):
    url = reverse("appointments-settings")
    assert login(clinician).get(url).status_code == 403
    response = login(admin).post(url, {"calendar_label": "initials"})
    assert response.status_code == 302
    response = login(admin).post(url, {"calendar_label": "names"})
    assert response.status_code == 400


# Caseload column ---------------------------------------------------------------------------


def test_next_appointment_annotator_is_one_query(make_charts, clinician):
    charts = make_charts(30, clinician)
    now = timezone.now()
    for i, chart in enumerate(charts):
        for days in (2, 9):
            Appointment.objects.create(
                client=chart,
                clinician=clinician,
                starts_at=now + datetime.timedelta(days=days, hours=i),
                duration_minutes=50,
            )
    rows = list(type(charts[0]).objects.filter(pk__in=[c.pk for c in charts]))
    clinician.organization  # noqa: B018 - loaded before counting
    with CaptureQueriesContext(connection) as queries:
        annotate_next_appointment(rows, clinician)
    assert len(queries) == 1
    first = next(r for r in rows if r.pk == charts[0].pk)
    assert (
        first.next_appointment.date()
        == (now + datetime.timedelta(days=2)).astimezone(clinician.organization.zone).date()
    )


def test_caseload_shows_next_appointment(login, appointment, clinician):
    response = login(clinician).get(reverse("caseload"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Next appointment" in body
    local = appointment.starts_at.astimezone(clinician.organization.zone)
    assert local.strftime("%H:%M") in body


def test_actions_are_audited_by_id_only(appointment):
    actions.update_appointment(appointment, by=appointment.clinician, note="Changed note")
    event = AuditEvent.objects.filter(action="change").latest("pk")
    assert event.detail["fields"] == ["note"]
    assert "Changed" not in str(event.detail)


def test_saving_the_same_time_keeps_the_reminder(login, client_chart, clinician):
    starts_at = timezone.now() + datetime.timedelta(hours=30, seconds=17)
    appointment = actions.schedule_appointment(
        client_chart, by=clinician, clinician=clinician, starts_at=starts_at, duration_minutes=50
    )
    appointment.reminder_sent_at = timezone.now()
    appointment.save(update_fields=["reminder_sent_at"])
    local = appointment.starts_at.astimezone(client_chart.organization.zone)
    response = login(clinician).post(
        reverse("appointments-edit", args=[client_chart.pk, appointment.pk]),
        _form(local.date(), local.strftime("%H:%M"), clinician=clinician, status="scheduled"),
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == starts_at
    assert appointment.reminder_sent_at is not None


def test_portal_shows_nothing_without_a_scheduled_appointment(login, appointment, client_user):
    actions.update_appointment(appointment, by=appointment.clinician, status="cancelled_clinic")
    response = login(client_user).get(reverse("portal-home"))
    assert response.status_code == 200
    assert "Your next appointment" not in response.content.decode()
