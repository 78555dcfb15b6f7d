"""Consent validity (42 CFR 2.31): status by date, event and revocation; what a consent covers."""

import datetime

import pytest
from django.utils import timezone

from waypoint.privacy.models import (
    ConsentStatus,
    InfoKind,
    Purpose,
    RecipientKind,
    RecipientRole,
    RevocationMethod,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 6, 15)


def reasons(consent, chart, **overrides):
    request = {
        "client": chart,
        "recipient_name": "Dr. Ana Lee",
        "recipient_organization": "Eastside Community Health",
        "recipient_role": RecipientRole.TREATING_PROVIDER,
        "purpose": Purpose.TREATMENT,
        "kinds": [InfoKind.ATTENDANCE],
        "day": DAY,
    }
    request.update(overrides)
    return consent.refusal_reasons(**request)


def test_status_draft_awaiting_active(make_consent):
    assert make_consent(signed=False).status_on(DAY) == ConsentStatus.DRAFT
    assert make_consent(signed=False, sent=True).status_on(DAY) == ConsentStatus.AWAITING_SIGNATURE
    assert make_consent(expires_on=DAY).status_on(DAY) == ConsentStatus.ACTIVE


def test_expiry_date_is_the_last_valid_day(make_consent):
    consent = make_consent(expires_on=DAY)
    assert consent.status_on(DAY) == ConsentStatus.ACTIVE
    assert consent.status_on(DAY + datetime.timedelta(days=1)) == ConsentStatus.EXPIRED


def test_expired_by_event(make_consent):
    consent = make_consent(expires_on=None, expiry_event="When I finish treatment")
    assert consent.status_on(DAY) == ConsentStatus.ACTIVE
    consent.expiry_event_occurred_on = DAY
    assert consent.status_on(DAY - datetime.timedelta(days=1)) == ConsentStatus.ACTIVE
    assert consent.status_on(DAY) == ConsentStatus.EXPIRED


def test_revocation_wins_over_everything(make_consent):
    consent = make_consent(revoked_at=timezone.now(), revocation_method=RevocationMethod.TOLD_STAFF)
    assert consent.status_on(DAY) == ConsentStatus.REVOKED
    consent.expires_on = DAY - datetime.timedelta(days=10)
    assert consent.status_on(DAY) == ConsentStatus.REVOKED


def test_expired_unsigned_consent_is_expired_not_awaiting(make_consent):
    consent = make_consent(signed=False, sent=True, expires_on=DAY - datetime.timedelta(days=1))
    assert consent.status_on(DAY) == ConsentStatus.EXPIRED


def test_active_matching_consent_has_no_refusals(make_consent, client_chart):
    assert reasons(make_consent(expires_on=DAY), client_chart) == []


def test_refused_when_expired_by_date(make_consent, client_chart):
    consent = make_consent(expires_on=DAY - datetime.timedelta(days=1))
    assert reasons(consent, client_chart) == ["This consent expired on June 14, 2026."]


def test_refused_when_expired_by_event(make_consent, client_chart):
    consent = make_consent(
        expires_on=None, expiry_event="end of probation", expiry_event_occurred_on=DAY
    )
    assert reasons(consent, client_chart) == [
        "This consent expired when its event happened (June 15, 2026)."
    ]


def test_refused_when_revoked(make_consent, client_chart):
    consent = make_consent(
        expires_on=DAY,
        revoked_at=datetime.datetime(2026, 6, 1, 18, tzinfo=datetime.UTC),
        revocation_method=RevocationMethod.PORTAL,
    )
    [reason] = reasons(consent, client_chart)
    assert reason == "This consent was revoked on June 1, 2026."


@pytest.mark.parametrize("sent", [False, True])
def test_refused_when_not_signed(make_consent, client_chart, sent):
    consent = make_consent(signed=False, sent=sent, expires_on=DAY)
    assert reasons(consent, client_chart) == ["This consent has not been signed yet."]


def test_refused_when_kinds_not_covered(make_consent, client_chart):
    consent = make_consent(expires_on=DAY, info_kinds=[InfoKind.ATTENDANCE])
    [reason] = reasons(
        consent, client_chart, kinds=[InfoKind.ATTENDANCE, InfoKind.NOTES, InfoKind.DIAGNOSES]
    )
    assert reason == "This consent does not cover: diagnoses, session notes."


def test_subset_of_kinds_is_covered(make_consent, client_chart):
    consent = make_consent(expires_on=DAY, info_kinds=[InfoKind.ATTENDANCE, InfoKind.MEASURES])
    assert reasons(consent, client_chart, kinds=[InfoKind.MEASURES]) == []


def test_refused_when_named_recipient_differs(make_consent, client_chart):
    consent = make_consent(expires_on=DAY)
    [reason] = reasons(
        consent,
        client_chart,
        recipient_name="Westside Probation Office",
        recipient_organization="County of Example",
    )
    assert "names Eastside Community Health" in reason


@pytest.mark.parametrize(
    "name,organization",
    [
        ("eastside  community HEALTH", ""),  # case and spacing do not matter
        ("Dr. Ana Lee", "Eastside Community Health"),  # the named organization's clinician
        ("Éastside Community Health", ""),  # nor accents
    ],
)
def test_named_recipient_matches(make_consent, client_chart, name, organization):
    consent = make_consent(expires_on=DAY)
    assert (
        reasons(consent, client_chart, recipient_name=name, recipient_organization=organization)
        == []
    )


def test_named_recipient_must_match_whole_name(make_consent, client_chart):
    consent = make_consent(expires_on=DAY)
    assert reasons(
        consent, client_chart, recipient_name="Eastside", recipient_organization="Eastside Clinic"
    )


@pytest.mark.parametrize(
    "kind,role,allowed",
    [
        (RecipientKind.TREATING_PROVIDERS, RecipientRole.TREATING_PROVIDER, True),
        (RecipientKind.TREATING_PROVIDERS, RecipientRole.HEALTH_PLAN, False),
        (RecipientKind.TREATING_PROVIDERS, RecipientRole.OPERATIONS, False),
        (RecipientKind.TREATING_PROVIDERS, RecipientRole.OTHER, False),
        (RecipientKind.TPO, RecipientRole.TREATING_PROVIDER, True),
        (RecipientKind.TPO, RecipientRole.HEALTH_PLAN, True),
        (RecipientKind.TPO, RecipientRole.OPERATIONS, True),
        (RecipientKind.TPO, RecipientRole.OTHER, False),
    ],
)
def test_general_designation_covers_roles(make_consent, client_chart, kind, role, allowed):
    consent = make_consent(
        expires_on=DAY, recipient_kind=kind, recipient_name="", purpose=Purpose.TPO
    )
    result = reasons(consent, client_chart, recipient_role=role)
    assert (result == []) is allowed


@pytest.mark.parametrize(
    "consented,requested,allowed",
    [
        (Purpose.TPO, Purpose.TREATMENT, True),
        (Purpose.TPO, Purpose.PAYMENT, True),
        (Purpose.TPO, Purpose.OPERATIONS, True),
        (Purpose.TPO, Purpose.CLIENT_REQUEST, False),
        (Purpose.TREATMENT, Purpose.PAYMENT, False),
        (Purpose.CLIENT_REQUEST, Purpose.CLIENT_REQUEST, True),
        (Purpose.OTHER, Purpose.TREATMENT, False),
    ],
)
def test_purpose_coverage(make_consent, client_chart, consented, requested, allowed):
    consent = make_consent(expires_on=DAY, purpose=consented, purpose_detail="court letter")
    assert (reasons(consent, client_chart, purpose=requested) == []) is allowed


def test_consent_of_another_chart_is_refused(make_consent, colleague_chart, client_chart):
    consent = make_consent(colleague_chart, expires_on=DAY)
    assert reasons(consent, client_chart) == ["This consent belongs to another chart."]


def test_every_failing_element_is_reported(make_consent, client_chart):
    consent = make_consent(expires_on=DAY - datetime.timedelta(days=3))
    result = reasons(
        consent,
        client_chart,
        recipient_name="Someone Else",
        recipient_organization="",
        purpose=Purpose.PAYMENT,
        kinds=[InfoKind.NOTES],
    )
    assert len(result) == 4
