"""The demo clinic shows off goals and diaries: every page renders with realistic data."""

import pytest
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.clinics.demo import build_demo
from waypoint.diary.models import DiaryEntry
from waypoint.goals.models import Goal

pytestmark = pytest.mark.slow  # each builds the whole demo


@pytest.fixture
def demo(db):
    return build_demo()


def _as(client, email):
    client.force_login(
        User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


def test_demo_has_varied_goals_and_diaries(demo):
    kinds = set(Goal.objects.values_list("kind", flat=True))
    assert kinds == {"no_change", "safer_use", "moderation", "abstinence"}
    assert Goal.objects.filter(ended_on__isnull=False).exists()  # a change of mind, kept
    assert DiaryEntry.objects.filter(source="tlfb").exists()
    assert DiaryEntry.objects.filter(kind="no_use").exists()


def test_demo_pages_render(client, demo):
    _as(client, "clinician@demo.test")
    marisol = demo.clients[0]
    for url in [
        reverse("clients-detail", args=[marisol.pk]),
        reverse("clients-detail", args=[marisol.pk]) + "?outcomes=90",
        reverse("goals-list", args=[marisol.pk]),
        reverse("diary-list", args=[marisol.pk]) + "?days=90",
        reverse("diary-tlfb", args=[marisol.pk]) + "?days=90",
        reverse("diary-report"),
        reverse("caseload"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    chart = client.get(
        reverse("clients-detail", args=[marisol.pk]) + "?outcomes=90"
    ).content.decode()
    assert "moved down" in chart
    caseload = client.get(reverse("caseload")).content.decode()
    assert caseload.count('class="sparkline"') >= 5


def test_demo_portal_celebrates_reductions(client, demo):
    _as(client, "client@demo.test")
    home = client.get(reverse("portal-home")).content.decode()
    assert "How it's going" in home and "streak" not in home.lower()
    assert client.get(reverse("diary-week")).status_code == 200
    assert client.get(reverse("diary-checkin")).status_code == 200
