"""Diary combination and tolerance-loss alerts (issue #11): the rules at their edges."""

import datetime
from decimal import Decimal

import pytest

from waypoint.clients.models import Alert, AlertSeverity
from waypoint.diary import actions
from waypoint.substances.alerts import TOLERANCE_TIP

pytestmark = pytest.mark.django_db


def _use(chart, by, day, substance, amount=1, unit=None):
    unit = unit or {"alcohol": "drinks", "opioids": "times", "benzodiazepines": "pills"}.get(
        substance, "times"
    )
    return actions.add_entry(
        chart,
        by=by,
        source="clinician",
        day=day,
        substance=substance,
        amount=Decimal(amount),
        unit=unit,
    )


def test_dangerous_pair_on_one_day_raises_one_urgent_alert_and_a_tip(client_chart, clinician):
    today = client_chart.organization.today()
    first = _use(client_chart, clinician, today, "opioids")
    assert first.safety_tips == []
    second = _use(client_chart, clinician, today, "benzodiazepines")
    alert = Alert.objects.get(client=client_chart, kind="combination")
    assert alert.severity == AlertSeverity.URGENT
    assert "Benzodiazepines with Opioids" in alert.detail
    assert "Opioid" not in alert.title and "Benzo" not in alert.title  # stored in clear
    assert second.safety_tips and "naloxone" in second.safety_tips[0]
    _use(client_chart, clinician, today, "benzodiazepines", amount=2)  # same pair, same day
    assert Alert.objects.filter(client=client_chart, kind="combination").count() == 1


def test_pairs_on_different_days_across_midnight_do_not_combine(client_chart, clinician):
    today = client_chart.organization.today()
    _use(client_chart, clinician, today - datetime.timedelta(days=1), "alcohol")
    _use(client_chart, clinician, today, "opioids")
    assert not Alert.objects.filter(client=client_chart, kind="combination").exists()


def test_unsafe_is_a_warning_and_caution_raises_nothing(client_chart, clinician):
    today = client_chart.organization.today()
    _use(client_chart, clinician, today, "cocaine")
    _use(client_chart, clinician, today, "alcohol")
    alert = Alert.objects.get(client=client_chart, kind="combination")
    assert alert.severity == AlertSeverity.WARNING
    day = today - datetime.timedelta(days=1)
    _use(client_chart, clinician, day, "cannabis", unit="joints")
    _use(client_chart, clinician, day, "alcohol")
    assert Alert.objects.filter(client=client_chart, kind="combination").count() == 1


@pytest.mark.parametrize(("gap", "alerts"), [(6, 0), (7, 1), (8, 1)])
def test_tolerance_loss_after_seven_days_without(client_chart, clinician, gap, alerts):
    today = client_chart.organization.today()
    _use(client_chart, clinician, today - datetime.timedelta(days=gap + 1), "opioids")
    entry = _use(client_chart, clinician, today, "opioids")
    found = Alert.objects.filter(client=client_chart, kind="tolerance_loss")
    assert found.count() == alerts
    if alerts:
        assert f"after {gap} days without" in found.get().detail
        assert "pioid" not in found.get().title
        assert TOLERANCE_TIP in entry.safety_tips
    else:
        assert entry.safety_tips == []


def test_no_tolerance_alert_without_earlier_use_or_for_old_days(client_chart, clinician):
    today = client_chart.organization.today()
    _use(client_chart, clinician, today, "opioids")  # first use on record: gap unknown
    _use(client_chart, clinician, today - datetime.timedelta(days=40), "opioids")
    _use(client_chart, clinician, today - datetime.timedelta(days=30), "opioids")  # backfill
    assert not Alert.objects.filter(client=client_chart, kind="tolerance_loss").exists()
