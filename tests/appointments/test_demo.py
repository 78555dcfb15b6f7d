"""The demo shows appointment reminders as the person chose them herself in the portal."""

import pytest
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.appointments.models import ReminderPreference
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clinics.demo import build_demo

pytestmark = pytest.mark.slow  # builds the whole demo


@pytest.mark.django_db
def test_marisol_turned_her_own_reminders_on(client):
    build_demo()
    marisol = User.objects.get(email="client@demo.test")
    preference = ReminderPreference.objects.get(client__portal_user=marisol)
    assert preference.email_reminders is True
    (event,) = AuditEvent.objects.filter(
        action=AuditAction.CHANGE,
        object_type="appointments.reminderpreference",
        client_id=preference.client_id,
    )
    assert event.actor_id == marisol.pk  # her own choice, not the clinic's
    client.force_login(marisol, backend="django.contrib.auth.backends.ModelBackend")
    assert "Email reminders are on." in client.get(reverse("portal-home")).content.decode()
