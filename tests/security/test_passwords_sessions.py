"""Password policy, session fixation and the idle timeout."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from waypoint.accounts.models import Invitation, User
from waypoint.accounts.password_validation import BreachedPatternValidator

pytestmark = pytest.mark.django_db  # the validator reads organization names


@pytest.mark.parametrize(
    "password",
    [
        "P@ssw0rd2024!",  # common word, look-alike letters, a year and a symbol
        "Password1234!",
        "Sunshine!!2025",
        "iloveyou12345",
        "passwordpassword",  # a common password twice
        "qwertyuiop12",  # keyboard walk
        "zxcvbnm,./1234",
        "1qaz2wsx3edc4rfv",  # column walk
        "1234567890ab",  # sequence
        "aaaaaaaaaaaaaaa",  # one character
        "abababababab",  # too few different characters
        "Waypoint2026!!",  # the site's name
    ],
)
def test_breached_patterns_are_refused(password):
    with pytest.raises(ValidationError):
        BreachedPatternValidator().validate(password)


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "tangerine-lantern-fjord-97",
        "Xk9#mQ2vLp8$wR",
        "My dog Biscuit likes rain",
        "qwerty-correct-horse",  # a short walk inside a real passphrase is fine
    ],
)
def test_good_passwords_pass(password):
    configured = password_validation.get_default_password_validators()
    assert any(isinstance(v, BreachedPatternValidator) for v in configured)
    assert password_validation.validate_password(password) is None  # every configured validator


def test_organization_and_person_names_are_refused(clinic):
    validator = BreachedPatternValidator()
    with pytest.raises(ValidationError):
        validator.validate("HarmReduction#2026")  # the clinic's name
    with pytest.raises(ValidationError):
        validator.validate(
            "Quillfeather1988!", User(email="robin@client.test", full_name="Robin Quillfeather")
        )


def test_validator_is_installed_with_length_and_common_list():
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert {"MinimumLengthValidator", "CommonPasswordValidator", "BreachedPatternValidator"} <= set(
        names
    )
    with pytest.raises(ValidationError):
        password_validation.validate_password("short-1!")
    assert "keyboard pattern" in " ".join(password_validation.password_validators_help_texts())


def test_accepting_an_invitation_with_a_patterned_password_is_refused(client, clinic, admin):
    invitation = Invitation.objects.create(
        organization=clinic, email="new@clinic.test", full_name="Nia New", invited_by=admin
    )
    url = reverse("accounts-accept-invite", args=[invitation.token])
    response = client.post(url, {"password1": "Summer2024!!!", "password2": "Summer2024!!!"})
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="new@clinic.test").exists()


# Sessions -------------------------------------------------------------------------------------


def test_session_key_changes_at_sign_in(client, clinician):
    """Session fixation: a key planted before sign-in is worthless afterwards."""
    session = client.session
    session["planted"] = "yes"
    session.save()
    before = session.session_key
    client.cookies[settings.SESSION_COOKIE_NAME] = before
    response = client.post(reverse("login"), {"username": clinician.email, "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.session["_auth_user_id"] == str(clinician.pk)


def test_idle_session_expires_after_fifteen_minutes(client, clinician):
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    client.post(reverse("login"), {"username": clinician.email, "password": PASSWORD})
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.get(reverse("caseload")).status_code == 200

    # Every request pushes the expiry 15 minutes ahead (idle, not absolute, timeout).
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert client.get(reverse("caseload")).status_code == 200
    expiry = Session.objects.get(session_key=key).expire_date
    assert expiry > timezone.now() + datetime.timedelta(minutes=14)

    # Fifteen idle minutes later the session is gone: back to sign-in.
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_session_cookie_flags(client, clinician):
    response = client.post(reverse("login"), {"username": clinician.email, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # ends with the browser too
