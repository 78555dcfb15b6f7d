"""The person turns their own appointment reminders on and off in the portal."""

import pytest
from django.urls import reverse

from waypoint.appointments import actions
from waypoint.appointments.models import ReminderPreference
from waypoint.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

URL = "appointments-portal-reminders"


def test_the_portal_panel_links_to_the_reminder_choice(login, appointment, client_user):
    body = login(client_user).get(reverse("portal-home")).content.decode()
    assert "Email reminders are off." in body
    assert reverse(URL) in body


def test_opting_in_and_out_in_the_portal(login, client_chart, client_user):
    web = login(client_user)
    page = web.get(reverse(URL))
    assert page.status_code == 200
    assert "It does not name the clinic" in page.content.decode()

    response = web.post(reverse(URL), {"email_reminders": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("portal-home")
    preference = ReminderPreference.objects.get(client=client_chart)
    assert preference.email_reminders is True
    assert preference.address() == "robin@client.test"  # no chart email: the sign-in email
    event = AuditEvent.objects.filter(action=AuditAction.CHANGE, client_id=client_chart.pk).get()
    assert event.actor_id == client_user.pk
    assert event.detail == {"email_reminders": True, "own_email": False}

    home = web.get(reverse("portal-home")).content.decode()
    assert "Reminders are on." in home  # the message
    assert "Email reminders are on." in home  # the panel shows while reminders are on

    web.post(reverse(URL), {"email": "robin.other@example.test", "email_reminders": ""})
    preference.refresh_from_db()
    assert (preference.email_reminders, preference.email) == (False, "robin.other@example.test")
    assert web.get(reverse("portal-home")).content.decode().count("Email reminders are") == 0


def test_a_bad_address_changes_nothing(login, client_chart, client_user):
    actions.set_reminder_preference(client_chart, by=client_user, email_reminders=False)
    response = login(client_user).post(
        reverse(URL), {"email_reminders": "on", "email": "not an address"}
    )
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert ReminderPreference.objects.get(client=client_chart).email_reminders is False


def test_the_form_needs_some_address_to_opt_in(client_chart):
    from waypoint.appointments.forms import PortalReminderForm, ReminderForm

    for form_class in (ReminderForm, PortalReminderForm):
        form = form_class({"email_reminders": "on"}, fallback="")
        assert not form.is_valid()
        assert form.errors["email"] == [str(form_class.no_address)]
        assert form_class({"email_reminders": "on"}, fallback="a@example.test").is_valid()
        assert form_class({"email_reminders": ""}, fallback="").is_valid()  # opting out


def test_in_spanish(login, client_user):
    response = login(client_user).get(reverse(URL), HTTP_ACCEPT_LANGUAGE="es")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Recordatorios de citas" in body
    assert "Tiene una cita el martes 8 de diciembre a las 14:00." in body


@pytest.mark.parametrize("who", ["clinician", "admin"])
def test_staff_are_refused_the_portal_reminders_page(login, request, who):
    assert login(request.getfixturevalue(who)).get(reverse(URL)).status_code == 403


def test_anonymous_goes_to_sign_in(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_wrong_method_is_405(login, client_user):
    assert login(client_user).put(reverse(URL)).status_code == 405
