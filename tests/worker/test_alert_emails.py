"""Urgent alerts reach a person: an email with no clinical content, sent again while open."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from waypoint.audit.models import AuditEvent
from waypoint.clients import actions as client_actions
from waypoint.clients import tasks
from waypoint.clients.models import Alert
from waypoint.measures import actions as measure_actions

ITEM9 = [1, 1, 1, 1, 1, 1, 1, 1, 1]  # PHQ-9 item 9 answered "several days"


@pytest.fixture
def team(client_chart, clinic, colleague, make_user, admin):
    """Robin's team: Maya (primary), Cole, and a former clinician whose account is off."""
    former = make_user("fern@clinic.test", clinic, name="Fern Former", is_active=False)
    client_chart.care_team.add(colleague, former)
    clinic.on_call_email = "on-call@clinic.test"
    clinic.save(update_fields=["on_call_email"])
    return client_chart


def _record_item9(chart, by):
    return measure_actions.record_administration(
        chart, by=by, instrument_id="phq-9", answers=ITEM9, administered_at=timezone.now()
    )


def test_item9_emails_the_team_and_on_call_with_no_clinical_content(
    team, clinician, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _record_item9(team, clinician)
    alert = Alert.objects.get()
    assert sorted(m.to[0] for m in mailoutbox) == [
        "cole@clinic.test",
        "maya@clinic.test",
        "on-call@clinic.test",
    ]  # the deactivated account gets nothing; one address per message
    link = f"{settings.SITE_URL}/clients/{team.pk}/"
    for message in mailoutbox:
        assert message.subject == "An urgent alert is waiting in Waypoint"
        assert (
            message.body
            == f"An urgent alert is waiting in Waypoint.\n\nSign in to see it:\n{link}\n"
        )
        whole = message.message().as_string()
        for secret in ["Robin", "Quillfeather", "C-001", "PHQ", "item", "harm", "safety", "9"]:
            assert secret not in whole.split("\n\n", 1)[1].replace(link, "")
    alert.refresh_from_db()
    assert alert.notified_at is not None
    event = AuditEvent.objects.filter(object_type="clients.alert", detail__has_key="on_call").get()
    assert event.detail == {
        "notified_user_ids": sorted(
            [team.primary_clinician_id, team.care_team.get(email="cole@clinic.test").pk]
        ),
        "on_call": True,
    }
    assert event.actor_label == "system" and event.client_id == team.pk


def test_no_email_before_commit_or_for_warnings(
    client_chart, clinician, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _record_item9(client_chart, clinician)
    assert len(callbacks) == 1 and mailoutbox == []  # waits for the commit
    with django_capture_on_commit_callbacks(execute=True):
        client_actions.raise_alert(client_chart, by=clinician, kind="x", title="A warning")
    assert mailoutbox == []


def test_renotify_after_the_organizations_period(client_chart, clinician, clinic, mailoutbox):
    alert = client_actions.raise_alert(
        client_chart, by=clinician, kind="phq9_item9", title="t", severity="urgent"
    )
    clinic.alert_renotify_minutes = 90
    clinic.save(update_fields=["alert_renotify_minutes"])
    now = timezone.now()
    Alert.objects.filter(pk=alert.pk).update(notified_at=now - datetime.timedelta(minutes=80))
    assert tasks.renotify_urgent_alerts.call() == 0 and mailoutbox == []
    Alert.objects.filter(pk=alert.pk).update(notified_at=now - datetime.timedelta(minutes=91))
    assert tasks.renotify_urgent_alerts.call() == 1
    assert [m.to for m in mailoutbox] == [["maya@clinic.test"]]
    alert.refresh_from_db()
    assert alert.notified_at >= now
    assert tasks.renotify_urgent_alerts.call() == 0  # just sent: not again
    client_actions.acknowledge_alert(alert, by=clinician, note="Called, safe.")
    Alert.objects.filter(pk=alert.pk).update(notified_at=now - datetime.timedelta(days=1))
    assert tasks.renotify_urgent_alerts.call() == 0 and len(mailoutbox) == 1


def test_a_never_sent_alert_is_caught_by_the_periodic_pass_once(
    client_chart, clinician, mailoutbox
):
    # raise_alert's on_commit did not run here (as when the worker was down when it was queued)
    alert = client_actions.raise_alert(
        client_chart, by=clinician, kind="phq9_item9", title="t", severity="urgent"
    )
    assert tasks.renotify_urgent_alerts.call() == 1
    # The first-notice task, arriving late, does not send a second email.
    assert tasks.notify_alert.call(alert.pk) is False
    assert len(mailoutbox) == 1


def test_two_workers_holding_the_same_alert_send_one_round(client_chart, clinician, mailoutbox):
    client_actions.raise_alert(
        client_chart, by=clinician, kind="phq9_item9", title="t", severity="urgent"
    )
    first, second = Alert.objects.get(), Alert.objects.get()
    assert client_actions.notify_urgent_alert(first) is True
    assert client_actions.notify_urgent_alert(second) is False
    assert len(mailoutbox) == 1
