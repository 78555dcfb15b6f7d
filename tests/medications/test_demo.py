"""The demo's medication lists: written through the actions, with Dev's combination alert and
Marisol's list in her portal."""

import pytest
from django.test import Client as Browser

from waypoint.accounts.models import User
from waypoint.clients.models import Alert
from waypoint.clinics.demo import build_demo
from waypoint.medications.alerts import MEDICATION_COMBINATION_KIND
from waypoint.medications.models import Allergy, CoordinationNote, Diagnosis, Medication

pytestmark = [pytest.mark.slow, pytest.mark.django_db]  # builds the whole demo


def test_demo_lists_alert_and_portal_page():
    demo = build_demo()
    active = [c for c in demo.clients if c.status == "active"]
    marisol, dev, jun = active[:3]
    today = demo.clinic.today()
    assert [m.name for m in Medication.objects.filter(client=dev)] == ["Suboxone", "Methadone"]
    suboxone = Medication.objects.get(client=dev, stopped_on__isnull=True)
    assert suboxone.is_current_on(today) and suboxone.for_opioid_use
    assert Diagnosis.objects.get(client=dev).code == "F11.20"
    assert "Penicillin" in Allergy.objects.get(client=dev).text
    assert "Spotting-line card" in CoordinationNote.objects.get(client=dev).note
    assert Alert.objects.filter(client=dev, kind=MEDICATION_COMBINATION_KIND).count() == 1
    assert {d.code for d in Diagnosis.objects.filter(client=marisol)} == {"F41.1", "F33.0"}
    assert Medication.objects.get(client=jun).name == "Acamprosate"

    browser = Browser()
    browser.force_login(
        User.objects.get(email="client@demo.test"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    page = browser.get("/portal/medications/").content.decode()
    now, before = page.split('id="h-my-earlier"')
    assert "Sertraline" in now and "Naltrexone" in before
    assert "(MAUD)" in before
    assert "F41.1" not in page and "anxiety" not in page.lower()
