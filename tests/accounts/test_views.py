"""Staff pages: staff list, invitations (send, accept, withdraw), staff edit, organization
settings and the organization's audit trail."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from waypoint.accounts import actions
from waypoint.accounts.models import Invitation, User
from waypoint.accounts.roles import Role
from waypoint.audit.models import AuditAction, AuditEvent

NEW_PASSWORD = "a long and unusual passphrase 42"


def _body(response) -> str:
    return response.content.decode()


@pytest.fixture
def invitation(admin):
    return actions.invite_staff(
        by=admin,
        email="nell@clinic.test",
        full_name="Nell Newhire",
        role=Role.CLINICIAN,
        base_url="http://testserver",
    )


# --- staff list ------------------------------------------------------------------------------


def test_staff_list_shows_my_organizations_staff_and_waiting_invitations(
    login, admin, clinician, supervisor, client_user, other_clinician, invitation
):
    response = login(admin).get(reverse("accounts-staff"))
    assert response.status_code == 200
    staff = list(response.context["staff"])
    assert {u.email for u in staff} == {admin.email, clinician.email, supervisor.email}
    body = _body(response)
    assert "Sol Supervisor" in body  # Maya's supervisor
    assert "nell@clinic.test" in body and "Withdraw" in body
    assert "otis@other.test" not in body and "robin@client.test" not in body


def test_staff_list_is_admin_only_and_get_only(client, login, admin, clinician):
    assert client.get(reverse("accounts-staff")).status_code == 302
    assert login(clinician).get(reverse("accounts-staff")).status_code == 403
    assert login(admin).post(reverse("accounts-staff")).status_code == 405


# --- invitations -----------------------------------------------------------------------------


def test_invite_sends_an_email_with_a_working_link(client, login, admin):
    response = login(admin).post(
        reverse("accounts-invite"),
        {"full_name": "Nell Newhire", "email": "Nell@Clinic.test", "role": "supervisor"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts-staff")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.organization_id) == (
        "nell@clinic.test",
        "supervisor",
        admin.organization_id,
    )
    (message,) = mail.outbox
    assert message.to == ["nell@clinic.test"]
    assert "Demo Harm Reduction Clinic" in message.subject
    link = re.search(r"http://testserver(/accounts/invite/\S+/)", message.body).group(1)
    assert link == reverse("accounts-accept-invite", args=[invitation.token])
    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT, object_type="accounts.invitation")
    assert event.actor_id == admin.pk

    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "Nell Newhire" in _body(page)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not an email"}, "email"),
        ({"role": "client"}, "role"),  # clients are linked to charts, not invited as staff
        ({"role": "root"}, "role"),
        ({"full_name": ""}, "full_name"),
    ],
)
def test_invite_bad_input(login, admin, clinician, data, field):
    form = {"full_name": "Nell Newhire", "email": "nell@clinic.test", "role": "clinician", **data}
    response = login(admin).post(reverse("accounts-invite"), form)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    if field != "full_name":
        assert 'value="Nell Newhire"' in _body(response)
    assert not Invitation.objects.exists() and not mail.outbox


def test_accepting_an_invitation_creates_the_account_and_signs_in(client, invitation):
    url = reverse("accounts-accept-invite", args=[invitation.token])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = User.objects.get(email="nell@clinic.test")
    assert (user.role, user.organization_id, user.full_name) == (
        Role.CLINICIAN,
        invitation.organization_id,
        "Nell Newhire",
    )
    assert user.check_password(NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert client.get(reverse("caseload")).status_code == 200  # signed in
    # The link is single-use.
    client.logout()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("state", ["expired", "used", "revoked", "unknown"])
def test_unusable_invitation_links_are_refused(client, admin, invitation, state):
    token = invitation.token
    if state == "expired":
        invitation.created_at = timezone.now() - datetime.timedelta(days=8)
        invitation.save()
    elif state == "used":
        invitation.accepted_at = timezone.now()
        invitation.save()
    elif state == "revoked":
        actions.revoke_invitation(invitation, by=admin)
    else:
        token = "not-a-real-token"
    url = reverse("accounts-accept-invite", args=[token])
    for response in (
        client.get(url),
        client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}),
    ):
        assert response.status_code == 404
        assert "This invitation link does not work" in _body(response)
    assert not User.objects.filter(email="nell@clinic.test").exists()


def test_invitation_still_works_just_before_it_expires(client, invitation):
    invitation.created_at = timezone.now() - datetime.timedelta(days=6, hours=23)
    invitation.save()
    url = reverse("accounts-accept-invite", args=[invitation.token])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("password1", "password2", "field"),
    [
        (NEW_PASSWORD, NEW_PASSWORD + "x", "password2"),
        ("short", "short", "password1"),
        ("password1234", "password1234", "password1"),  # common
        ("nell@clinic.test", "nell@clinic.test", "password1"),  # like the email
        ("", "", "password1"),
    ],
)
def test_accept_invitation_bad_passwords(client, invitation, password1, password2, field):
    url = reverse("accounts-accept-invite", args=[invitation.token])
    response = client.post(url, {"password1": password1, "password2": password2})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not User.objects.filter(email="nell@clinic.test").exists()


def test_second_invitation_for_the_same_person_is_refused_not_a_crash(client, admin, invitation):
    """Two invitations for one address: once one is accepted, the other must not 500."""
    second = actions.invite_staff(
        by=admin,
        email="nell@clinic.test",
        full_name="Nell Newhire",
        role=Role.SUPERVISOR,
        base_url="http://testserver",
    )
    first_url = reverse("accounts-accept-invite", args=[invitation.token])
    client.post(first_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.logout()
    url = reverse("accounts-accept-invite", args=[second.token])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    # Nobody may take an address that already has an account: the link no longer works.
    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "accounts/invite_invalid.html"
    assert User.objects.get(email="nell@clinic.test").role == Role.CLINICIAN


def test_withdraw_an_invitation(client, login, admin, invitation):
    url = reverse("accounts-invitation-revoke", args=[invitation.pk])
    assert login(admin).get(url).status_code == 405
    response = login(admin).post(url)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(detail={"revoked": True}).exists()
    assert invitation not in login(admin).get(reverse("accounts-staff")).context["invitations"]
    client.logout()
    assert client.get(reverse("accounts-accept-invite", args=[invitation.token])).status_code == 404


def test_withdraw_refuses_other_organizations_and_accepted_invitations(
    login, other_admin, admin, invitation
):
    url = reverse("accounts-invitation-revoke", args=[invitation.pk])
    assert login(other_admin).post(url).status_code == 404
    invitation.accepted_at = timezone.now()
    invitation.save()
    assert login(admin).post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- staff edit ------------------------------------------------------------------------------


def _staff_data(user, **changes):
    data = {
        "full_name": user.full_name,
        "credentials": user.credentials,
        "role": user.role,
        "supervisors": [s.pk for s in user.supervisors.all()],
        "is_active": "on" if user.is_active else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_admin_changes_a_role_and_supervisors(login, admin, clinician, supervisor, colleague):
    url = reverse("accounts-staff-edit", args=[colleague.pk])
    signed_in = login(admin)
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(
        url,
        _staff_data(colleague, role="supervisor", credentials="LCSW", supervisors=[supervisor.pk]),
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert (colleague.role, colleague.credentials) == (Role.SUPERVISOR, "LCSW")
    assert list(colleague.supervisors.all()) == [supervisor]
    event = AuditEvent.objects.filter(action=AuditAction.ACCOUNT, object_id=str(colleague.pk)).get()
    assert event.detail["fields"] == ["credentials", "role", "supervisors"]
    assert event.detail["role"] == "supervisor"


def test_supervisor_choices_are_this_organizations_supervisors_and_admins(
    login, admin, clinician, supervisor, colleague, other_admin
):
    form = login(admin).get(reverse("accounts-staff-edit", args=[supervisor.pk])).context["form"]
    offered = set(form.fields["supervisors"].queryset)
    assert offered == {admin}  # not Sol himself, not clinicians, not Other Clinic's admin


def test_deactivating_ends_their_sessions_at_once(client, login, admin, clinician):
    from django.test import Client

    maya = Client()
    maya.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    assert maya.get(reverse("caseload")).status_code == 200
    response = login(admin).post(
        reverse("accounts-staff-edit", args=[clinician.pk]), _staff_data(clinician, is_active="")
    )
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert not clinician.is_active
    after = maya.get(reverse("caseload"))
    assert after.status_code == 302 and after["Location"].startswith(reverse("login"))
    # And they cannot sign in again.
    fresh = Client()
    response = fresh.post(
        reverse("login"),
        {"username": clinician.email, "password": "correct horse battery staple"},
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert fresh.get(reverse("caseload")).status_code == 302


def test_deactivation_keeps_other_peoples_sessions(login, admin, clinician, colleague):
    from django.test import Client

    cole = Client()
    cole.force_login(colleague, backend="django.contrib.auth.backends.ModelBackend")
    login(admin).post(
        reverse("accounts-staff-edit", args=[clinician.pk]), _staff_data(clinician, is_active="")
    )
    assert cole.get(reverse("caseload")).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"role": "clinician"}, "role"), ({"is_active": ""}, "is_active")],
)
def test_admin_cannot_demote_or_deactivate_themselves(login, admin, changes, field):
    response = login(admin).post(
        reverse("accounts-staff-edit", args=[admin.pk]), _staff_data(admin, **changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN and admin.is_active


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "client"}, "role"),
        ({"role": "god"}, "role"),
        ({"supervisors": [99999]}, "supervisors"),
    ],
)
def test_staff_edit_bad_input(login, admin, colleague, changes, field):
    response = login(admin).post(
        reverse("accounts-staff-edit", args=[colleague.pk]),
        _staff_data(colleague, full_name="Cole Typed", **changes),
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'value="Cole Typed"' in _body(response)
    colleague.refresh_from_db()
    assert (colleague.role, colleague.full_name) == (Role.CLINICIAN, "Cole Colleague")


def test_staff_edit_refuses_other_organizations_and_client_accounts(
    login, admin, other_clinician, client_user, clinician
):
    signed_in = login(admin)
    for person in (other_clinician, client_user):
        assert signed_in.get(reverse("accounts-staff-edit", args=[person.pk])).status_code == 404
    assert signed_in.get(reverse("accounts-staff-edit", args=[99999])).status_code == 404
    assert (
        login(clinician).get(reverse("accounts-staff-edit", args=[clinician.pk])).status_code == 403
    )


# --- organization settings -------------------------------------------------------------------


def test_organization_settings_save_and_audit(login, admin, clinic):
    url = reverse("accounts-organization")
    signed_in = login(admin)
    assert signed_in.get(url).context["form"].initial["name"] == clinic.name
    response = signed_in.post(
        url,
        {
            "name": "Renamed Clinic",
            "timezone": "America/Chicago",
            "clinicians_see_all_charts": "on",
        },
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert (clinic.name, clinic.timezone, clinic.clinicians_see_all_charts) == (
        "Renamed Clinic",
        "America/Chicago",
        True,
    )
    event = AuditEvent.objects.get(action=AuditAction.CHANGE, object_type="clinics.organization")
    assert event.detail == {"fields": ["clinicians_see_all_charts", "name", "timezone"]}


@pytest.mark.parametrize(
    "data", [{"name": "", "timezone": "UTC"}, {"name": "X", "timezone": "Mars/Olympus"}]
)
def test_organization_settings_bad_input(login, admin, clinic, data):
    response = login(admin).post(reverse("accounts-organization"), data)
    assert response.status_code == 200 and response.context["form"].errors
    clinic.refresh_from_db()
    assert (clinic.name, clinic.timezone) == ("Demo Harm Reduction Clinic", "America/Los_Angeles")


def test_organization_settings_only_for_admins(login, clinician, client_user):
    assert login(clinician).get(reverse("accounts-organization")).status_code == 403
    assert login(client_user).post(reverse("accounts-organization"), {}).status_code == 403


# --- audit trail -----------------------------------------------------------------------------


def test_audit_trail_shows_my_organizations_events_only(
    login, admin, clinician, client_chart, other_clinician, other_chart
):
    login(other_clinician).get(other_chart.get_absolute_url())
    login(clinician).get(client_chart.get_absolute_url())
    response = login(admin).get(reverse("audit-log"))
    assert response.status_code == 200
    events = list(response.context["page"].object_list)
    assert events and {e.organization_id for e in events} == {admin.organization_id}
    assert "O-001" not in _body(response)


def test_audit_trail_filter_by_action_survives_paging(login, admin, clinician, client_chart):
    from waypoint.audit.actions import record

    for _ in range(105):
        record(by=clinician, action=AuditAction.VIEW, obj=client_chart, client=client_chart)
    response = login(admin).get(reverse("audit-log"), {"action": "view"})
    page = response.context["page"]
    assert page.has_next() and {e.action for e in page.object_list} == {"view"}
    assert "action=view&amp;page=2" in _body(response)
    second = login(admin).get(reverse("audit-log"), {"action": "view", "page": 2})
    assert {e.action for e in second.context["page"].object_list} == {"view"}


def test_audit_trail_ignores_an_unknown_action_filter(login, admin, client_chart):
    response = login(admin).get(reverse("audit-log"), {"action": "nonsense"})
    assert response.status_code == 200


def test_a_refused_staff_edit_keeps_the_real_name_in_the_heading(login, admin, colleague):
    response = login(admin).post(
        reverse("accounts-staff-edit", args=[colleague.pk]),
        _staff_data(colleague, full_name="Typed Name", role="god"),
    )
    assert response.status_code == 200
    assert "<h1>Cole Colleague</h1>" in _body(response)
