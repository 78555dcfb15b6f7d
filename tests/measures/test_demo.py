"""The demo clinic shows off measures: histories, due items, portal assignments, one open alert."""

import pytest
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.clients.models import Alert
from waypoint.clinics.demo import build_demo
from waypoint.measures import instruments, reliable_change
from waypoint.measures.models import Administration, Schedule

pytestmark = pytest.mark.slow  # each builds the whole demo


@pytest.fixture
def demo(db):
    return build_demo()


def _sign_in(client, email):
    client.force_login(
        User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


def test_demo_data(demo):
    """One build, several checks: the demo build takes a couple of seconds."""
    _exactly_one_open_item9_alert_on_maya_chens_caseload()
    _histories_include_reliable_improvement(demo)


def _exactly_one_open_item9_alert_on_maya_chens_caseload():
    item9 = Alert.objects.filter(kind="phq9_item9")
    open_alerts = list(item9.filter(acknowledged_at__isnull=True))
    assert len(open_alerts) == 1
    assert open_alerts[0].client.primary_clinician.email == "clinician@demo.test"
    assert item9.filter(acknowledged_at__isnull=False).count() >= 2


def _histories_include_reliable_improvement(demo):
    phq9 = instruments.get("phq-9")
    params = phq9.reliable_change
    improved = 0
    for client in demo.clients:
        totals = list(
            Administration.objects.current()
            .filter(client=client, instrument_id="phq-9")
            .order_by("administered_at")
            .values_list("total", flat=True)
        )
        if len(totals) >= 2:
            change = reliable_change.classify(
                totals[0], totals[-1], sd=params.sd, reliability=params.reliability
            )
            improved += change.outcome == reliable_change.IMPROVEMENT
    assert improved >= 5
    used = set(Administration.objects.values_list("instrument_id", flat=True))
    assert used == {i.id for i in instruments.all_instruments()}
    assert Administration.objects.filter(supersedes__isnull=False).exists()


def test_demo_portal_and_pages(demo, client):
    _marisol_has_questionnaires_waiting_in_the_portal(demo, client)
    client.logout()
    _demo_measures_pages_render(demo, client)


def _marisol_has_questionnaires_waiting_in_the_portal(demo, client):
    marisol = demo.clients[0]
    waiting = Administration.objects.open().filter(client=marisol, in_portal=True)
    assert {a.instrument_id for a in waiting} >= {"phq-9", "gad-7", "readiness-ruler"}
    assert Schedule.objects.filter(client=marisol, active=True).count() == 2
    html = _sign_in(client, "client@demo.test").get(reverse("portal-home")).content.decode()
    assert "Questionnaires from your care team" in html
    item = waiting.get(instrument_id="phq-9")
    assert (
        _sign_in(client, "client@demo.test")
        .get(reverse("portal-measure", args=[item.pk]))
        .status_code
        == 200
    )


def _demo_measures_pages_render(demo, client):
    _sign_in(client, "clinician@demo.test")
    caseload = client.get(reverse("caseload")).content.decode()
    assert "Measures due" in caseload and "overdue" in caseload
    maya = demo.users["clinician"]
    statuses = set()
    for chart in demo.clients[:19]:
        on_team = chart.primary_clinician_id == maya.pk or maya in chart.care_team.all()
        status = client.get(reverse("measures-list", args=[chart.pk])).status_code
        assert status == (200 if on_team else 404), chart.chart_number  # 404: not her chart
        statuses.add(status)
    assert statuses == {200, 404}  # the demo has charts of both kinds
    chart = demo.clients[0]
    assert "Measures" in client.get(reverse("clients-detail", args=[chart.pk])).content.decode()
    for instrument in instruments.all_instruments():
        url = reverse("measures-history", args=[chart.pk, instrument.id])
        assert client.get(url).status_code == 200, url
    for administration in Administration.objects.completed().filter(client=chart)[:5]:
        assert client.get(administration.get_absolute_url()).status_code == 200
