"""Signing a consent in the portal proves again who is signing (issue #9).

Browser-free view tests: a password (or, with an authenticator app, a real TOTP code computed
from the device key) is asked again; the method is recorded on the consent and shown on the
consent page and in the record download; a wrong password or code signs nothing and is
audited; a typed name that is not the chart's name needs an explicit confirmation.
"""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from tests.conftest import PASSWORD
from tests.security.test_two_factor import code
from waypoint.accounts import twofactor
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.privacy import actions
from waypoint.privacy.models import ConsentStatus, SignatureAuthentication, SignatureMethod
from waypoint.privacy.records import build_parts

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(make_consent, client_user):
    return make_consent(signed=False, sent=True, recipient_name="Harbor Primary Care")


def _sign(web, consent, **fields):
    data = {"typed_name": "Robin Quillfeather", "agree": "on", **fields}
    return web.post(reverse("privacy-portal-sign", args=[consent.pk]), data)


def test_sign_page_asks_for_the_password(login, client_user, awaiting):
    page = login(client_user).get(reverse("privacy-portal-sign", args=[awaiting.pk]))
    form = page.context["form"]
    assert "password" in form.fields and "code" not in form.fields
    assert 'autocomplete="current-password"' in page.content.decode()


def test_password_signature_is_recorded_and_shown(login, client_user, clinician, awaiting):
    response = _sign(login(client_user), awaiting, password=PASSWORD)
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == ConsentStatus.ACTIVE
    assert awaiting.signature_authentication == SignatureAuthentication.PASSWORD_REAUTH
    assert not awaiting.signed_name_mismatch_confirmed
    event = AuditEvent.objects.filter(action=AuditAction.CHANGE, object_id=str(awaiting.pk)).last()
    assert event.detail["authentication"] == "password_reauth"
    staff_page = login(clinician).get(awaiting.get_absolute_url()).content.decode()
    assert "The client entered their password again to sign" in staff_page
    (part,) = [p for p in build_parts(awaiting.client) if p.key == "consents"]
    assert part.data[0]["signature_authentication"] == (
        "The client entered their password again to sign"
    )


def test_wrong_password_is_a_field_error_and_signs_nothing(login, client_user, awaiting):
    response = _sign(login(client_user), awaiting, password="not my password at all")
    assert response.status_code == 200
    assert response.context["form"].errors["password"] == ["That is not your password."]
    awaiting.refresh_from_db()
    assert awaiting.status == ConsentStatus.AWAITING_SIGNATURE
    assert awaiting.signature_authentication == ""
    denied = AuditEvent.objects.get(action=AuditAction.DENIED, object_id=str(awaiting.pk))
    assert denied.detail["refused"] == ["wrong_password"]


def test_missing_password_signs_nothing(login, client_user, awaiting):
    response = _sign(login(client_user), awaiting)
    assert "password" in response.context["form"].errors
    awaiting.refresh_from_db()
    assert awaiting.status == ConsentStatus.AWAITING_SIGNATURE


@pytest.fixture
def app_user(client, client_user):
    """Robin with a confirmed authenticator app, signed in with a verified session."""
    device = twofactor.start_enrolment(client_user)
    assert twofactor.confirm_enrolment(device, code(device), by=client_user) is not None
    device.refresh_from_db()
    client.force_login(client_user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client, device


def test_with_an_authenticator_app_the_code_is_asked(app_user, awaiting):
    web, device = app_user
    page = web.get(reverse("privacy-portal-sign", args=[awaiting.pk]))
    assert "code" in page.context["form"].fields and "password" not in page.context["form"].fields
    response = _sign(web, awaiting, code="000000" if code(device, 1) != "000000" else "111111")
    assert response.context["form"].errors["code"][0].startswith("That code is not right.")
    awaiting.refresh_from_db()
    assert awaiting.status == ConsentStatus.AWAITING_SIGNATURE
    response = _sign(web, awaiting, code=code(device, steps_ahead=1))
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.signature_authentication == SignatureAuthentication.TOTP_REAUTH


def test_name_mismatch_asks_for_confirmation(login, client_user, awaiting):
    web = login(client_user)
    response = _sign(web, awaiting, typed_name="Robyn Quilfeather", password=PASSWORD)
    assert response.status_code == 200
    form = response.context["form"]
    assert "confirm_name" in form.fields
    assert form.errors["confirm_name"][0].startswith("The name you typed is not the name")
    awaiting.refresh_from_db()
    assert awaiting.status == ConsentStatus.AWAITING_SIGNATURE  # not silently accepted
    response = _sign(
        web, awaiting, typed_name="Robyn Quilfeather", password=PASSWORD, confirm_name="on"
    )
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == ConsentStatus.ACTIVE
    assert awaiting.signed_name == "Robyn Quilfeather"
    assert awaiting.signed_name_mismatch_confirmed


@pytest.mark.parametrize("typed", ["robin quillfeather", "  Robin   Quillfeather "])
def test_chart_name_matches_ignoring_case_and_spacing(client_chart, typed):
    assert actions.typed_name_matches_chart(client_chart, typed)
    assert not actions.typed_name_matches_chart(client_chart, "Maya Clinician")


def test_paper_signature_is_recorded_as_staff_witnessed(
    login, clinician, client_chart, make_consent, today
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.privacy.conftest import PDF_BYTES

    draft = make_consent(signed=False)
    login(clinician).post(
        reverse("privacy-consent-paper", args=[client_chart.pk, draft.pk]),
        {"signed_on": today.isoformat(), "scan": SimpleUploadedFile("f.pdf", PDF_BYTES)},
    )
    draft.refresh_from_db()
    assert draft.signature_method == SignatureMethod.PAPER
    assert draft.signature_authentication == SignatureAuthentication.STAFF_WITNESSED
