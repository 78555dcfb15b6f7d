"""One "today": the organization's calendar day, used by the diary, measures, clients and privacy.

At 20:00 UTC on 10 March 2026 it is already 09:00 on 11 March in Auckland (NZDT, UTC+13) and
still 13:00 on 10 March in Los Angeles (PDT, UTC-7; the server's TIME_ZONE in these tests).
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from waypoint.clinics.models import Organization
from waypoint.measures import actions as measure_actions

MOMENT = datetime.datetime(2026, 3, 10, 20, 0, tzinfo=datetime.UTC)
AUCKLAND_DAY = datetime.date(2026, 3, 11)
LOS_ANGELES_DAY = datetime.date(2026, 3, 10)


@pytest.fixture
def at_moment(monkeypatch):
    """The clock stands at MOMENT (everything reads it through django.utils.timezone.now)."""
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)


@pytest.fixture
def auckland(clinic):
    clinic.timezone = "Pacific/Auckland"
    clinic.save(update_fields=["timezone"])
    return clinic


@pytest.mark.django_db
def test_today_differs_between_auckland_and_los_angeles(at_moment):
    auckland = Organization(name="A", slug="a", timezone="Pacific/Auckland")
    los_angeles = Organization(name="L", slug="l", timezone="America/Los_Angeles")
    assert auckland.today() == AUCKLAND_DAY
    assert los_angeles.today() == LOS_ANGELES_DAY
    assert auckland.local_date(MOMENT) == AUCKLAND_DAY
    assert los_angeles.local_date(MOMENT) == LOS_ANGELES_DAY


@pytest.mark.django_db
def test_unknown_zone_falls_back_to_the_server_zone(at_moment):
    assert Organization(name="X", slug="x", timezone="Mars/Olympus").today() == LOS_ANGELES_DAY


def test_measures_overdue_agrees_with_the_diary(
    at_moment, auckland, client_chart, clinician, login
):
    """A measure due on 10 March is overdue on Auckland's 11 March, on the caseload, the chart
    panel and the measures page, and the diary's today is the same 11 March."""
    measure_actions.assign(
        client_chart, by=clinician, instrument_id="phq-9", due_on=LOS_ANGELES_DAY
    )
    http = login(clinician)

    diary = http.get(reverse("diary-list", args=[client_chart.pk]))
    assert diary.context["no_use_form"].initial["day"] == AUCKLAND_DAY

    measures = http.get(reverse("measures-list", args=[client_chart.pk]))
    assert measures.context["today"] == AUCKLAND_DAY
    assert 'class="badge alert">overdue' in measures.content.decode()

    caseload = http.get(reverse("caseload"))
    rows = [row for section in caseload.context["sections"] for row in section["rows"]]
    row = next(c for c in rows if c.pk == client_chart.pk)
    assert [item.overdue for item in row.measures_due] == [True]

    chart = http.get(reverse("clients-detail", args=[client_chart.pk]))
    assert "<strong>overdue</strong> since" in chart.content.decode()


def test_diary_accepts_the_clinic_day_the_server_thinks_is_tomorrow(
    at_moment, auckland, client_chart, clinician, login
):
    response = login(clinician).post(
        reverse("diary-add", args=[client_chart.pk]),
        {"day": AUCKLAND_DAY.isoformat(), "substance": "cannabis", "amount": "1"},
    )
    assert response.status_code == 302
    assert client_chart.diary_entries.get().day == AUCKLAND_DAY


def test_chart_dates_may_be_the_organizations_today(
    at_moment, auckland, client_chart, clinician, login
):
    """A contact on Auckland's 11 March is not "in the future", though the server is on the 10th."""
    web = login(clinician)
    response = web.post(
        reverse("clients-contact-add", args=[client_chart.pk]),
        {"occurred_on": AUCKLAND_DAY.isoformat(), "kind": "individual", "minutes": "50"},
    )
    assert response.status_code == 302
    assert client_chart.contacts.get().occurred_on == AUCKLAND_DAY


def test_privacy_forms_use_the_organizations_today(at_moment, auckland):
    from waypoint.privacy.forms import ExpiryEventForm

    day = {"occurred_on": AUCKLAND_DAY.isoformat()}
    assert ExpiryEventForm(day, today=auckland.today()).is_valid()
    tomorrow = {"occurred_on": (AUCKLAND_DAY + datetime.timedelta(days=1)).isoformat()}
    assert "occurred_on" in ExpiryEventForm(tomorrow, today=auckland.today()).errors
