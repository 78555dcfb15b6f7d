"""Every core page renders for the roles that may see it, using the demo clinic's data."""

import pytest
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.clinics.demo import build_demo


@pytest.fixture
def demo(db):
    return build_demo()


def _signed_in(client, email):
    client.force_login(
        User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


@pytest.mark.parametrize(
    "email", ["admin@demo.test", "supervisor@demo.test", "clinician@demo.test"]
)
def test_staff_pages_render(client, demo, email):
    _signed_in(client, email)
    chart = demo.clients[0]
    for url in [
        "/caseload/",
        "/caseload/?q=mar",
        "/clients/",
        "/clients/?status=discharged",
        "/clients/new/",
        reverse("clients-detail", args=[chart.pk]),
        reverse("clients-history", args=[chart.pk]),
        reverse("clients-print", args=[chart.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_admin_pages_render(client, demo):
    _signed_in(client, "admin@demo.test")
    chart = demo.clients[0]
    for url in [
        "/staff/",
        "/staff/invite/",
        f"/staff/{demo.users['clinician'].pk}/",
        "/settings/",
        "/audit/",
        reverse("clients-access-log", args=[chart.pk]),
        reverse("clients-edit", args=[chart.pk]),
        reverse("clients-care-team", args=[chart.pk]),
        reverse("clients-discharge", args=[chart.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_portal_renders(client, demo):
    _signed_in(client, "client@demo.test")
    response = client.get("/portal/")
    assert response.status_code == 200
    assert "Marisol" in response.content.decode()
