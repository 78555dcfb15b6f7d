"""The demo clinic shows stages of change (with history) and decisional balances."""

import pytest
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.assessment.models import DecisionalBalance, Stage, StageOfChange
from waypoint.clinics.demo import build_demo

pytestmark = pytest.mark.slow  # builds the whole demo


def _as(client, email):
    client.force_login(
        User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


@pytest.mark.django_db
def test_demo_shows_every_stage_history_and_balances(client):
    demo = build_demo()
    assert set(StageOfChange.objects.values_list("stage", flat=True)) == set(Stage.values)
    marisol = demo.clients[0]
    own = DecisionalBalance.objects.filter(client=marisol, by_client=True).get()
    assert "Oaxaca" in own.benefits_of_changing
    assert DecisionalBalance.objects.filter(client=marisol).count() == 2  # an earlier version
    _as(client, "clinician@demo.test")
    stages = client.get(reverse("assessment-stages", args=[marisol.pk]))
    assert stages.status_code == 200
    assert "Alcohol: action" in stages.content.decode()
    assert "Stage" in client.get(reverse("caseload")).content.decode()
    balances = client.get(reverse("assessment-balances", args=[marisol.pk]))
    assert "written by the person" in balances.content.decode()
    client.logout()
    _as(client, "client@demo.test")
    portal = client.get(reverse("assessment-portal-balance-edit", args=["alcohol"]))
    assert portal.status_code == 200
    assert "Thursday quiz night" in portal.content.decode()
