"""Pages around urgent alerts: organization settings, the result page, the chart, the portal."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from waypoint.clients.models import Alert
from waypoint.clinics.hours import WEEKDAYS
from waypoint.clinics.models import Organization
from waypoint.measures import actions as measure_actions

PHQ9_ITEM9 = {f"item_q{n}": "0" for n in range(1, 9)} | {"item_q9": "1"}
VALID = {
    "on_call_email": "on-call@clinic.test",
    "alert_renotify_minutes": "30",
    "alert_review_days": ["0", "2", "4"],
    "alert_review_opens": "08:30",
    "alert_review_closes": "16:00",
}


def test_alert_settings_saved_by_an_admin(login, admin, clinic):
    web = login(admin)
    url = reverse("accounts-alert-settings")
    page = web.get(url)
    assert page.status_code == 200 and 'name="on_call_email"' in page.content.decode()
    response = web.post(url, VALID)
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.on_call_email == "on-call@clinic.test"
    assert clinic.alert_renotify_minutes == 30 and clinic.alert_review_days == "024"
    assert clinic.alert_review_opens == datetime.time(8, 30)
    assert clinic.alert_review_closes == datetime.time(16)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"alert_review_closes": "08:00"}, "alert_review_closes"),
        ({"alert_review_days": []}, "alert_review_days"),
        ({"alert_renotify_minutes": "1"}, "alert_renotify_minutes"),
        ({"on_call_email": "not an address"}, "on_call_email"),
    ],
)
def test_alert_settings_bad_input_changes_nothing(login, admin, clinic, change, field):
    response = login(admin).post(reverse("accounts-alert-settings"), VALID | change)
    assert response.status_code == 400 and field in response.context["form"].errors
    clinic.refresh_from_db()
    assert clinic.on_call_email == "" and clinic.alert_review_days == "01234"


def test_alert_settings_are_for_admins(client, login, clinician):
    url = reverse("accounts-alert-settings")
    assert client.get(url)["Location"].startswith(reverse("login"))
    assert login(clinician).get(url).status_code == 403


def test_result_page_says_item9_and_acknowledges_in_place(login, clinician, client_chart):
    web = login(clinician)
    response = web.post(
        reverse("measures-record", args=[client_chart.pk, "phq-9"]),
        PHQ9_ITEM9 | {"administered_on": timezone.localdate().isoformat()},
    )
    result_url = response["Location"]
    page = web.get(result_url).content.decode()
    alert = Alert.objects.get()
    assert "Urgent alert" in page and "PHQ-9 item 9 above 0" in page
    assert page.index("Urgent alert") < page.index('id="h-scores"')  # above the scores
    assert f'name="next" value="{result_url}"' in page
    ack = reverse("clients-alert-acknowledge", args=[client_chart.pk, alert.pk])
    response = web.post(ack, {f"alert{alert.pk}-note": "Called Robin.", "next": result_url})
    assert response.status_code == 302 and response["Location"] == result_url
    alert.refresh_from_db()
    assert alert.acknowledgement_note == "Called Robin." and not alert.is_open
    page = web.get(result_url).content.decode()
    assert "acknowledged by Maya Clinician" in page and 'name="next"' not in page


def test_acknowledge_elsewhere_only_to_this_site(login, clinician, client_chart):
    alert = _urgent_alert(client_chart, clinician)
    response = login(clinician).post(
        reverse("clients-alert-acknowledge", args=[client_chart.pk, alert.pk]),
        {f"alert{alert.pk}-note": "Called.", "next": "https://evil.example/"},
    )
    assert response["Location"] == client_chart.get_absolute_url()


def _urgent_alert(chart, by):
    measure_actions.record_administration(
        chart,
        by=by,
        instrument_id="phq-9",
        answers=[0, 0, 0, 0, 0, 0, 0, 0, 1],
        administered_at=timezone.now(),
    )
    return Alert.objects.get()


def test_acknowledge_permissions(login, client_chart, clinician, supervisor, other_clinician):
    alert = _urgent_alert(client_chart, clinician)
    detail = reverse("measures-detail", args=[client_chart.pk, int(alert.source_id)])
    ack = reverse("clients-alert-acknowledge", args=[client_chart.pk, alert.pk])
    note = {f"alert{alert.pk}-note": "Checked in."}
    # A read-only supervisor sees the alert but no form, and may not acknowledge it.
    page = login(supervisor).get(detail)
    assert page.status_code == 200 and "Urgent alert" in page.content.decode()
    assert f'action="{ack}"' not in page.content.decode()
    assert login(supervisor).post(ack, note).status_code == 403
    assert login(other_clinician).get(detail).status_code == 404
    assert login(other_clinician).post(ack, note).status_code == 404
    alert.refresh_from_db()
    assert alert.is_open
    assert login(clinician).get(detail).status_code == 200
    assert login(clinician).post(ack, note).status_code == 302
    alert.refresh_from_db()
    assert not alert.is_open


def test_chart_shows_open_urgent_alerts_above_the_details(login, clinician, client_chart):
    _urgent_alert(client_chart, clinician)
    page = login(clinician).get(client_chart.get_absolute_url()).content.decode()
    assert page.index('id="h-urgent"') < page.index('id="h-details"')
    assert page.count("PHQ-9 item 9 above 0") == 1  # not repeated in the alerts panel below


def test_portal_says_when_the_team_will_see_it(login, client_user, client_chart, clinician):
    org = Organization.objects.get(pk=client_chart.organization_id)
    local_today = timezone.now().astimezone(datetime.UTC).date()
    # The team reads alerts only on a day three days from now: never "now", never "tomorrow".
    target = (local_today + datetime.timedelta(days=3)).weekday()
    org.alert_review_days = str(target)
    org.timezone = "UTC"
    org.save(update_fields=["alert_review_days", "timezone"])
    assigned = measure_actions.assign(client_chart, by=clinician, instrument_id="phq-9")
    web = login(client_user)
    response = web.post(reverse("portal-measure", args=[assigned.pk]), PHQ9_ITEM9)
    page = web.get(response["Location"]).content.decode()
    assert "they are not working right now" in page
    assert f"They will see it by {WEEKDAYS[target]} 9:00 (UTC)." in page
    assert "988" in page and "Thank you for telling us" in page  # the crisis lines, always
