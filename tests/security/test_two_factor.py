"""Two-factor sign-in, driven with real TOTP codes computed from the device key (no mocks)."""

import time

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from tests.conftest import PASSWORD
from waypoint.accounts import twofactor
from waypoint.accounts.models import AuthenticatorDevice, RecoveryCode, RecoveryCodeDevice
from waypoint.audit.models import AuditEvent
from waypoint.clinics.models import Organization


def code(device, steps_ahead=0) -> str:
    """The code an authenticator app would show now (or `steps_ahead` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def enrolled(clinician):
    """Maya with a confirmed authenticator app; returns (device, recovery codes)."""
    device = twofactor.start_enrolment(clinician)
    codes = twofactor.confirm_enrolment(device, code(device), by=clinician)
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def sign_in(client, email="maya@clinic.test", next_url=""):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": email, "password": PASSWORD})


# Enrolment --------------------------------------------------------------------------------------


def test_enrolment_with_a_real_code(login, clinician):
    client = login(clinician)
    response = client.get(reverse("accounts-two-factor-setup"))
    assert response.status_code == 200
    assert response.context["qr"].startswith("data:image/svg+xml;base64,")
    assert response["Cache-Control"] == "no-store" or "no-store" in response["Cache-Control"]
    device = AuthenticatorDevice.objects.get(user=clinician)
    assert not device.confirmed
    # Reloading keeps the same key (the person may be mid-scan).
    client.get(reverse("accounts-two-factor-setup"))
    assert AuthenticatorDevice.objects.filter(user=clinician).count() == 1

    wrong = "000000" if code(device) != "000000" else "111111"
    response = client.post(reverse("accounts-two-factor-setup"), {"token": wrong})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    device.throttle_reset()
    response = client.post(reverse("accounts-two-factor-setup"), {"token": code(device)})
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    device.refresh_from_db()
    assert device.confirmed
    assert RecoveryCode.objects.filter(device__user=clinician).count() == 10
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert AuditEvent.objects.filter(actor_id=clinician.pk, detail__two_factor="enabled").exists()
    assert client.get(reverse("caseload")).status_code == 200


def test_setup_page_requires_sign_in(client):
    response = client.get(reverse("accounts-two-factor-setup"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# Sign-in ----------------------------------------------------------------------------------------


def test_password_alone_does_not_sign_in_an_enrolled_person(client, enrolled):
    device, _ = enrolled
    response = sign_in(client, next_url="/clients/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts-two-factor-verify")
    # Not signed in yet: every page still sends them to the login page.
    assert "_auth_user_id" not in client.session
    assert reverse("login") in client.get(reverse("caseload"))["Location"]

    response = client.post(reverse("accounts-two-factor-verify"), {"token": "12345x"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", detail__second_factor=True).exists()

    device.refresh_from_db()
    device.throttle_reset()
    pending_key = client.session.session_key
    response = client.post(reverse("accounts-two-factor-verify"), {"token": code(device, 1)})
    assert response.status_code == 302
    assert response["Location"] == "/clients/"
    assert client.session.session_key != pending_key  # a fresh session key at sign-in
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("caseload")).status_code == 200
    assert AuditEvent.objects.filter(action="login", actor_id=device.user_id).count() == 1


def test_a_code_cannot_be_replayed(client, enrolled):
    device, _ = enrolled
    used = code(device)  # the code that confirmed enrolment
    sign_in(client)
    response = client.post(reverse("accounts-two-factor-verify"), {"token": used})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_recovery_code_works_once(client, enrolled, clinician):
    _, codes = enrolled
    sign_in(client)
    response = client.post(reverse("accounts-two-factor-verify"), {"token": codes[0].upper()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(clinician.pk)
    assert RecoveryCode.objects.filter(device__user=clinician).count() == 9
    assert AuditEvent.objects.filter(detail__two_factor="recovery_code_used").exists()
    client.post(reverse("logout"))

    RecoveryCodeDevice.objects.filter(user=clinician).update(throttling_failure_count=0)
    sign_in(client)
    response = client.post(reverse("accounts-two-factor-verify"), {"token": codes[0]})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_too_many_wrong_codes_restart_sign_in(client, enrolled):
    sign_in(client)
    for _ in range(twofactor.PENDING_MAX_ATTEMPTS):
        response = client.post(reverse("accounts-two-factor-verify"), {"token": "zzzz-zzzz"})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert twofactor.PENDING_SESSION_KEY not in client.session


def test_pending_sign_in_expires(client, enrolled):
    device, _ = enrolled
    sign_in(client)
    session = client.session
    state = session[twofactor.PENDING_SESSION_KEY]
    state["started"] -= twofactor.PENDING_MAX_SECONDS + 1
    session[twofactor.PENDING_SESSION_KEY] = state
    session.save()
    response = client.post(reverse("accounts-two-factor-verify"), {"token": code(device, 1)})
    assert response["Location"] == reverse("login")
    assert "_auth_user_id" not in client.session


def test_verify_without_pending_sign_in_goes_to_login(client):
    assert client.get(reverse("accounts-two-factor-verify"))["Location"] == reverse("login")


def test_open_redirects_are_refused(client, enrolled):
    device, _ = enrolled
    sign_in(client, next_url="https://evil.example/")
    response = client.post(reverse("accounts-two-factor-verify"), {"token": code(device, 1)})
    assert response["Location"] == reverse("home")


def test_unverified_session_of_an_enrolled_person_must_verify(login, enrolled):
    device, _ = enrolled
    client = login(device.user)  # e.g. a session begun before enrolment elsewhere
    response = client.get(reverse("caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts-two-factor-verify"))
    response = client.post(
        reverse("accounts-two-factor-verify") + "?next=/clients/", {"token": code(device, 1)}
    )
    assert response["Location"] == "/clients/"
    assert client.get(reverse("caseload")).status_code == 200


# Organization policy ----------------------------------------------------------------------------


def test_required_policy_sends_staff_to_enrolment_before_any_page(login, clinic, clinician):
    clinic.require_staff_two_factor = True
    clinic.save()
    client = login(clinician)
    for url in [reverse("caseload"), reverse("clients-list"), reverse("accounts-two-factor")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts-two-factor-setup"))
    response = client.get(reverse("caseload"), headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts-two-factor-setup"))
    # Sign-out and the setup page stay reachable.
    assert client.get(reverse("accounts-two-factor-setup")).status_code == 200
    device = AuthenticatorDevice.objects.get(user=clinician)
    client.post(reverse("accounts-two-factor-setup"), {"token": code(device)})
    assert client.get(reverse("caseload")).status_code == 200


def test_required_policy_does_not_force_clients_but_they_may_opt_in(
    login, clinic, client_user, client_chart
):
    clinic.require_staff_two_factor = True
    clinic.save()
    client = login(client_user)
    assert client.get(reverse("portal-home")).status_code == 200
    assert client.get(reverse("accounts-two-factor")).status_code == 200
    client.get(reverse("accounts-two-factor-setup"))
    device = AuthenticatorDevice.objects.get(user=client_user)
    response = client.post(reverse("accounts-two-factor-setup"), {"token": code(device)})
    assert len(response.context["codes"]) == 10
    assert twofactor.is_enrolled(client_user)


def test_new_organizations_require_two_factor_in_production(db, settings):
    settings.PRODUCTION = True
    assert Organization.objects.create(name="Prod Clinic", slug="prod").require_staff_two_factor
    settings.PRODUCTION = False
    assert not Organization.objects.create(name="Dev Clinic", slug="dev").require_staff_two_factor


def test_turning_off_is_refused_when_required(login, clinic, enrolled):
    device, _ = enrolled
    clinic.require_staff_two_factor = True
    clinic.save()
    client = login(device.user)
    client.post(reverse("accounts-two-factor-verify"), {"token": code(device, 1)})
    client.post(reverse("accounts-two-factor-disable"))
    assert twofactor.is_enrolled(device.user)


def test_turning_off_when_optional(login, enrolled):
    device, _ = enrolled
    client = login(device.user)
    client.post(reverse("accounts-two-factor-verify"), {"token": code(device, 1)})
    response = client.post(reverse("accounts-two-factor-disable"))
    assert response.status_code == 302
    assert not twofactor.is_enrolled(device.user)
    assert not RecoveryCodeDevice.objects.filter(user=device.user).exists()
    assert client.get(reverse("caseload")).status_code == 200


def test_new_recovery_codes_replace_the_old(login, enrolled):
    device, old_codes = enrolled
    client = login(device.user)
    client.post(reverse("accounts-two-factor-verify"), {"token": code(device, 1)})
    response = client.post(reverse("accounts-two-factor-codes"))
    new_codes = response.context["codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert RecoveryCode.objects.filter(device__user=device.user).count() == 10
    assert client.get(reverse("accounts-two-factor-codes")).status_code == 405


# Admin reset ------------------------------------------------------------------------------------


def test_admin_resets_two_factor_audited_and_signs_the_person_out(
    client, login, admin, enrolled, django_user_model
):
    device, _ = enrolled
    from django.test import Client

    maya = Client()
    sign_in(maya)
    maya.post(reverse("accounts-two-factor-verify"), {"token": code(device, 1)})
    assert maya.get(reverse("caseload")).status_code == 200

    staff_client = login(admin)
    url = reverse("accounts-two-factor-reset", args=[device.user.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url)
    assert response.status_code == 302
    assert not AuthenticatorDevice.objects.filter(user=device.user).exists()
    assert not RecoveryCodeDevice.objects.filter(user=device.user).exists()
    event = AuditEvent.objects.get(detail__two_factor="reset_by_admin")
    assert event.actor_id == admin.pk and event.object_id == str(device.user.pk)
    assert reverse("login") in maya.get(reverse("caseload"))["Location"]  # signed out


def test_admin_reset_is_for_admins_of_the_same_organization(
    client, login, clinician, colleague, other_clinician, make_user, other_clinic
):
    url = reverse("accounts-two-factor-reset", args=[clinician.pk])
    assert reverse("login") in client.get(url)["Location"]
    assert login(colleague).get(url).status_code == 403
    from waypoint.accounts.roles import Role

    other_admin = make_user("oa@other.test", other_clinic, Role.ADMIN)
    assert login(other_admin).get(url).status_code == 404
    assert login(other_admin).post(url).status_code == 404


# Secrets at rest --------------------------------------------------------------------------------


def _raw(sql, params):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def test_the_totp_key_is_encrypted_and_recovery_codes_are_hashed(enrolled):
    device, codes = enrolled
    (raw_key,) = _raw("SELECT key FROM accounts_authenticatordevice WHERE id = %s", [device.pk])
    assert raw_key.startswith("gAAAAA") and device.key not in raw_key
    assert len(device.key) == 40 and int(device.key, 16) >= 0  # the hex key, decrypted on load
    hashes = _raw("SELECT code_hash FROM accounts_recoverycode", [])
    assert len(hashes) == 10
    plain = {c.replace("-", "") for c in codes}
    assert not any(h in plain or any(p in h for p in plain) for h in hashes)
    # django-otp's own tables, which hold secrets in clear, stay empty.
    assert _raw("SELECT COUNT(*) FROM otp_totp_totpdevice", []) == [0]
    assert _raw("SELECT COUNT(*) FROM otp_static_statictoken", []) == [0]


def test_key_rotation_re_encrypts_totp_keys(enrolled, settings):
    from cryptography.fernet import Fernet

    from waypoint.lib import keyrotation

    device, _ = enrolled
    labels = {m._meta.label for m, _ in keyrotation.encrypted_columns()}
    assert "accounts.AuthenticatorDevice" in labels
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    assert keyrotation.rotate().total("rotated") >= 1
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert twofactor.verify(device.user, code(device, 1)) is not None  # the key still works


def test_existing_django_otp_devices_are_migrated(clinician):
    """The data step of accounts/0003 moves clear django-otp secrets into the protected models."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.hashers import check_password
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    old = TOTPDevice.objects.create(user=clinician, name="app", confirmed=True)
    static = StaticDevice.objects.create(user=clinician, name="codes", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345")
    migration = importlib.import_module(
        "waypoint.accounts.migrations.0003_encrypted_second_factors"
    )
    migration.move_devices(apps, None)
    new = AuthenticatorDevice.objects.get(user=clinician)
    assert new.key == old.key and new.confirmed
    (recovery,) = RecoveryCode.objects.filter(device__user=clinician)
    assert check_password("abcd2345", recovery.code_hash)
    assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()
    assert twofactor.verify(clinician, "abcd-2345") is not None


# Sessions and the gate --------------------------------------------------------------------------


def test_turning_two_factor_on_ends_the_persons_other_sessions(login, clinician):
    from django.test import Client

    elsewhere = Client()
    sign_in(elsewhere)  # signed in with the password alone, e.g. on a shared computer
    assert elsewhere.get(reverse("caseload")).status_code == 200
    client = login(clinician)
    client.get(reverse("accounts-two-factor-setup"))
    device = AuthenticatorDevice.objects.get(user=clinician)
    response = client.post(reverse("accounts-two-factor-setup"), {"token": code(device)})
    assert len(response.context["codes"]) == 10
    assert reverse("login") in elsewhere.get(reverse("caseload"))["Location"]  # ended
    assert client.get(reverse("caseload")).status_code == 200  # the enrolling one goes on


def test_the_gate_reads_enrolment_from_the_database_each_request(login, clinic, clinician):
    client = login(clinician)
    assert client.get(reverse("caseload")).status_code == 200
    # A device confirmed outside this session (another browser, a restored backup, an admin
    # script): this unverified session must now be asked for a code.
    AuthenticatorDevice.objects.create(user=clinician, name="app", confirmed=True)
    response = client.get(reverse("caseload"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts-two-factor-verify"))
    # Removed again in the database (an admin reset): with the policy on, enrolment is next.
    clinic.require_staff_two_factor = True
    clinic.save()
    AuthenticatorDevice.objects.filter(user=clinician).delete()
    response = client.get(reverse("caseload"))
    assert response["Location"].startswith(reverse("accounts-two-factor-setup"))
