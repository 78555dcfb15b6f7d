"""Sign-in, sign-out, lockout, idle timeout and password reset; none of them tells a stranger
whether an email address has an account."""

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from waypoint.audit.models import AuditAction, AuditEvent

NEW_PASSWORD = "a long and unusual passphrase 42"


def _body(response) -> str:
    return response.content.decode()


def _sign_in(client, email, password=PASSWORD, next=None, **extra):
    data = {"username": email, "password": password}
    if next:
        data["next"] = next
    return client.post(reverse("login"), data, **extra)


# --- sign in and out -------------------------------------------------------------------------


def test_login_page_renders(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'autocomplete="email"' in _body(response) and "Forgot your password?" in _body(response)


def test_staff_sign_in_lands_on_caseload_and_is_audited_with_address(client, clinician):
    response = _sign_in(client, "Maya@Clinic.test", REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0] == "/caseload/"
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert (event.actor_id, event.ip_address, event.organization_id) == (
        clinician.pk,
        "203.0.113.7",
        clinician.organization_id,
    )


def test_client_sign_in_lands_on_the_portal(client, client_user):
    response = _sign_in(client, client_user.email)
    assert client.get(response["Location"])["Location"] == reverse("portal-home")


def test_sign_in_follows_a_safe_next_only(client, clinician, client_chart):
    url = client_chart.get_absolute_url()
    assert _sign_in(client, clinician.email, next=url)["Location"] == url
    client.logout()
    assert _sign_in(client, clinician.email, next="https://evil.example/")["Location"] == "/"


def test_signed_in_people_skip_the_login_page(login, clinician):
    assert login(clinician).get(reverse("login")).status_code == 302


def test_wrong_password_unknown_email_and_deactivated_account_look_the_same(
    client, clinician, colleague
):
    colleague.is_active = False
    colleague.save()
    answers = []
    for email, password in [
        (clinician.email, "wrong password"),
        ("nobody@clinic.test", PASSWORD),
        (colleague.email, PASSWORD),
    ]:
        response = _sign_in(client, email, password)
        assert response.status_code == 200
        errors = response.context["form"].non_field_errors()
        answers.append(list(errors))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0] == ["That email and password do not match an active account."]
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_failed_sign_ins_are_audited_without_the_typed_password(client, clinician):
    _sign_in(client, clinician.email, "hunter2-wrong", REMOTE_ADDR="198.51.100.9")
    _sign_in(client, "nobody@clinic.test", "hunter3-wrong")
    failed = list(AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("id"))
    assert len(failed) == 2
    assert failed[0].actor_id == clinician.pk and failed[0].ip_address == "198.51.100.9"
    assert failed[0].organization_id == clinician.organization_id
    assert failed[1].actor_id is None  # unknown address: nobody to attribute it to
    for event in failed:
        assert "hunter" not in str(event.detail) + event.object_label + event.actor_label
    assert "nobody@clinic.test" not in str(failed[1].detail) + failed[1].actor_label


def test_sign_out_is_post_only_and_audited(login, clinician):
    signed_in = login(clinician)
    assert signed_in.get(reverse("logout")).status_code == 405
    response = signed_in.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor_id=clinician.pk).exists()
    assert signed_in.get(reverse("caseload")).status_code == 302


# --- lockout (django-axes) -------------------------------------------------------------------


@pytest.mark.parametrize("email", ["maya@clinic.test", "nobody@clinic.test"])
def test_five_failures_lock_the_account_with_a_friendly_page(client, clinician, email):
    for _ in range(4):
        assert _sign_in(client, email, "wrong password").status_code == 200
    locked = _sign_in(client, email, "wrong password")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in _body(locked)
    assert "reset your password" in _body(locked)
    assert "wait 15 minutes" in _body(locked)
    # Even the right password is refused while locked, and looks the same for unknown emails.
    again = _sign_in(client, email, PASSWORD)
    assert again.status_code == 429
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_lockout_is_per_address_and_account(client, clinician, colleague):
    for _ in range(5):
        _sign_in(client, clinician.email, "wrong password", REMOTE_ADDR="203.0.113.1")
    assert _sign_in(client, clinician.email, PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 429
    # Another account from the same address still signs in.
    assert _sign_in(client, colleague.email, PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 302


def test_a_success_resets_the_failure_count(client, clinician):
    for _ in range(4):
        _sign_in(client, clinician.email, "wrong password")
    assert _sign_in(client, clinician.email, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert _sign_in(client, clinician.email, "wrong password").status_code == 200


# --- idle timeout ----------------------------------------------------------------------------


def test_session_lasts_the_idle_timeout_and_is_renewed_on_each_request(client, clinician):
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    _sign_in(client, clinician.email)
    session = Session.objects.get()
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=14) < remaining <= datetime.timedelta(minutes=15)
    # Idle almost 15 minutes: one more request renews it.
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=30)
    )
    assert client.get(reverse("caseload")).status_code == 200
    renewed = Session.objects.get(pk=session.pk).expire_date - timezone.now()
    assert renewed > datetime.timedelta(minutes=14)


def test_an_idle_session_is_signed_out(client, clinician):
    _sign_in(client, clinician.email)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("caseload"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- password reset --------------------------------------------------------------------------


def test_password_reset_end_to_end(client, clinician):
    response = client.post(reverse("password_reset"), {"email": "MAYA@clinic.test"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == [clinician.email]
    link = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    clinician.refresh_from_db()
    assert clinician.check_password(NEW_PASSWORD)
    # The link works once.
    assert not client.get(link, follow=True).context["validlink"]
    assert _sign_in(client, clinician.email, NEW_PASSWORD).status_code == 302


def test_password_reset_does_not_reveal_whether_an_address_has_an_account(client, clinician):
    known = client.post(reverse("password_reset"), {"email": clinician.email})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@clinic.test"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert len(mail.outbox) == 1
    done = client.get(reverse("password_reset_done"))
    assert "If that address belongs to an account" in _body(done)


def test_password_reset_sends_nothing_to_deactivated_accounts(client, clinician):
    clinician.is_active = False
    clinician.save()
    client.post(reverse("password_reset"), {"email": clinician.email})
    assert mail.outbox == []


def test_password_reset_bad_input(client, clinician):
    response = client.post(reverse("password_reset"), {"email": "not an email"})
    assert response.status_code == 200 and "email" in response.context["form"].errors
    assert mail.outbox == []


def test_password_reset_with_a_tampered_link_is_refused_kindly(client, clinician):
    client.post(reverse("password_reset"), {"email": clinician.email})
    link = re.search(r"(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link[:-3] + "xx/", follow=True)
    assert response.status_code == 200
    assert "This link no longer works" in _body(response)


def test_password_reset_confirm_rejects_weak_passwords(client, clinician):
    client.post(reverse("password_reset"), {"email": clinician.email})
    link = re.search(r"(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200 and response.context["form"].errors
    clinician.refresh_from_db()
    assert clinician.check_password(PASSWORD)


def test_password_change(login, clinician):
    signed_in = login(clinician)
    assert signed_in.get(reverse("password_change")).status_code == 200
    response = signed_in.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    clinician.refresh_from_db()
    assert clinician.check_password(NEW_PASSWORD)
