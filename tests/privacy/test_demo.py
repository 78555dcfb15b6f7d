"""The demo shows every consent status and both kinds of disclosure, and its pages render."""

import pytest
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.clients.models import Client
from waypoint.clinics.demo import build_demo
from waypoint.privacy.models import ConsentStatus, Disclosure
from waypoint.privacy.retention import retention_status

pytestmark = pytest.mark.slow  # each builds the whole demo


@pytest.fixture
def demo(db):
    return build_demo()


def _web(client, email):
    client.force_login(
        User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


def test_demo_has_every_status_and_basis(demo):
    marisol = demo.clients[0]
    statuses = {c.status for c in marisol.consents.all()}
    assert statuses == {
        ConsentStatus.ACTIVE,
        ConsentStatus.AWAITING_SIGNATURE,
        ConsentStatus.EXPIRED,
        ConsentStatus.REVOKED,
    }
    assert Disclosure.objects.filter(client=marisol, consent__isnull=False).exists()
    assert Disclosure.objects.filter(exception_kind="medical_emergency").exists()
    vera = Client.objects.get(organization=demo.clinic, chart_number="D-0990")
    assert retention_status(vera).eligible


def test_demo_privacy_pages_render(client, demo):
    marisol = demo.clients[0]
    consent = marisol.consents.first()
    disclosure = Disclosure.objects.filter(client=marisol).first()
    vera = Client.objects.get(organization=demo.clinic, chart_number="D-0990")
    web = _web(client, "admin@demo.test")
    for url in [
        reverse("clients-detail", args=[marisol.pk]),
        reverse("privacy-consents", args=[marisol.pk]),
        reverse("privacy-consent-detail", args=[marisol.pk, consent.pk]),
        reverse("privacy-disclose", args=[marisol.pk]),
        reverse("privacy-disclosure", args=[marisol.pk, disclosure.pk]),
        reverse("privacy-chart-accounting", args=[marisol.pk]),
        reverse("privacy-accounting"),
        reverse("privacy-settings"),
        reverse("privacy-retention"),
        reverse("privacy-chart-retention", args=[vera.pk]),
    ]:
        assert web.get(url).status_code == 200, url
    web = _web(client, "client@demo.test")
    for url in [
        reverse("portal-home"),
        reverse("privacy-portal"),
        reverse("privacy-portal-accounting"),
    ]:
        response = web.get(url)
        assert response.status_code == 200, url
    assert "waiting for your signature" in web.get(reverse("portal-home")).content.decode()
