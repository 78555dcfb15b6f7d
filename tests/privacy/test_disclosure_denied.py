"""A refused disclosure is audited as DENIED, with the rule that refused it (issue #9).

The refused transaction rolls back (no ledger row, no DISCLOSE event), but the refusal itself
stays in the audit trail: which chart, who asked, which consent or exception, the purpose,
recipient kind and requested kinds, and codes naming the rules. Never the recipient's name,
the typed reasons or any record content.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.privacy import actions
from waypoint.privacy.actions import PrivacyRefused
from waypoint.privacy.models import (
    Disclosure,
    ExceptionKind,
    InfoKind,
    Purpose,
    RevocationMethod,
)

pytestmark = pytest.mark.django_db


def _denied():
    return list(
        AuditEvent.objects.filter(action=AuditAction.DENIED, object_type="privacy.disclosure")
    )


def _refuse(client_chart, clinician, **fields):
    with pytest.raises(PrivacyRefused):
        actions.disclose(client_chart, by=clinician, **fields)
    assert not Disclosure.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.DISCLOSE).exists()
    (event,) = _denied()
    assert event.client_id == client_chart.pk
    assert event.actor_id == clinician.pk
    return event


@pytest.mark.parametrize(
    "case,code",
    [
        ("no consent", "no_basis"),
        ("revoked", "consent_revoked"),
        ("expired", "consent_expired"),
        ("unsigned", "consent_unsigned"),
        ("wrong recipient", "recipient_not_covered"),
        ("wrong purpose", "purpose_not_covered"),
        ("kinds not covered", "kinds_not_covered"),
        ("another chart's consent", "consent_other_chart"),
        ("emergency to a non-medical recipient", "emergency_not_medical"),
    ],
)
def test_every_refusal_is_audited_as_denied_with_its_reason(
    case, code, client_chart, colleague_chart, clinician, make_consent, disclosure_fields, today
):
    consents = {
        "revoked": lambda: make_consent(
            revoked_at=timezone.now(), revocation_method=RevocationMethod.PORTAL
        ),
        "expired": lambda: make_consent(expires_on=today - datetime.timedelta(days=1)),
        "unsigned": lambda: make_consent(signed=False),
        "another chart's consent": lambda: make_consent(colleague_chart),
    }
    fields = dict(disclosure_fields)
    if case in consents:
        fields["consent"] = consents[case]()
    elif case == "wrong recipient":
        fields.update(
            consent=make_consent(),
            recipient_name="Probation Officer Diaz",
            recipient_organization="",
        )
    elif case == "wrong purpose":
        fields.update(consent=make_consent(), purpose=Purpose.PAYMENT)
    elif case == "kinds not covered":
        fields.update(consent=make_consent(), kinds=[InfoKind.ATTENDANCE, InfoKind.NOTES])
    elif case == "emergency to a non-medical recipient":
        fields.update(
            exception_kind=ExceptionKind.MEDICAL_EMERGENCY,
            exception_reason="Unresponsive in the waiting room",
            recipient_role="other",
        )
    event = _refuse(client_chart, clinician, **fields)
    assert code in event.detail["refused"]
    assert event.detail["purpose"] == fields["purpose"]
    assert event.detail["recipient_role"] == fields["recipient_role"]
    if "consent" in fields:
        assert event.detail["consent"] == fields["consent"].pk
    # No names, no typed text, no record content.
    text = repr(event.detail) + event.object_label
    for secret in ("Ana Lee", "Eastside", "Diaz", "Unresponsive", client_chart.legal_name):
        assert secret not in text


def test_refusal_from_the_disclose_page_is_audited(
    login, clinician, client_chart, make_consent, today
):
    expired = make_consent(expires_on=today - datetime.timedelta(days=2))
    response = login(clinician).post(
        reverse("privacy-disclose", args=[client_chart.pk]),
        {
            "recipient_name": "Dr. Ana Lee",
            "recipient_organization": "Eastside Community Health",
            "recipient_role": "treating_provider",
            "purpose": Purpose.TREATMENT,
            "info_kinds": [InfoKind.ATTENDANCE],
            "method": "fax",
            "basis": "consent",
            "consent": expired.pk,
        },
    )
    assert response.status_code == 200
    (event,) = _denied()
    assert event.detail["refused"] == ["consent_expired"]
    assert event.detail["consent"] == expired.pk


def test_allowed_disclosure_writes_no_denied_event(
    client_chart, clinician, consent, disclosure_fields
):
    actions.disclose(client_chart, by=clinician, consent=consent, **disclosure_fields)
    assert _denied() == []
