"""The disclosure engine: a valid consent or a permitted exception, or nothing happens."""

import datetime
import json

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.privacy import actions, notice
from waypoint.privacy.actions import PrivacyRefused
from waypoint.privacy.documents import (
    DOCUMENT_TEMPLATE,
    LocalOnlyFetcher,
    disclosure_context,
    render_document_pdf,
    render_pdf,
)
from waypoint.privacy.models import (
    Consent,
    Disclosure,
    ExceptionKind,
    InfoKind,
    Purpose,
    RecipientKind,
    RevocationMethod,
)

pytestmark = pytest.mark.django_db


def _disclosed_events():
    return AuditEvent.objects.filter(action=AuditAction.DISCLOSE)


def _document_html(disclosure) -> str:
    from django.template.loader import render_to_string

    return render_to_string("privacy/record_document.html", disclosure_context(disclosure))


def test_disclosure_under_consent_is_logged_twice(
    client_chart, clinician, consent, disclosure_fields
):
    disclosure = actions.disclose(client_chart, by=clinician, consent=consent, **disclosure_fields)
    assert disclosure.consent == consent
    assert disclosure.info_kinds == [InfoKind.ATTENDANCE]
    assert disclosure.disclosed_by == clinician
    [event] = _disclosed_events()
    assert event.client_id == client_chart.pk
    assert event.object_id == str(disclosure.pk)
    assert event.detail["consent"] == consent.pk
    assert event.detail["kinds"] == ["attendance"]
    # The audit row holds ids and labels, never the recipient's name.
    assert "Lee" not in json.dumps(event.detail) and "Eastside" not in event.object_label


def test_document_contains_only_consented_kinds(
    client_chart, clinician, consent, disclosure_fields
):
    disclosure = actions.disclose(client_chart, by=clinician, consent=consent, **disclosure_fields)
    html = _document_html(disclosure)
    assert "Episodes of care" in html
    assert client_chart.phone not in html  # demographics were not consented
    # nor the date of birth, in any form a document prints it (a bare "1988" could be an id)
    for date_of_birth in (
        "1988-04-02",
        "April 2, 1988",
        "Apr. 2, 1988",
        "2 April 1988",
        "04/02/1988",
    ):
        assert date_of_birth not in html
    snapshot = json.loads(disclosure.snapshot)
    assert [part["kind"] for part in snapshot["parts"]] == ["attendance"]


def test_consented_kind_with_nothing_recorded_says_so(client_chart, clinician, make_consent):
    consent = make_consent(info_kinds=[InfoKind.ATTENDANCE, InfoKind.DIAGNOSES])
    disclosure = actions.disclose(
        client_chart,
        by=clinician,
        consent=consent,
        recipient_name="Eastside Community Health",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=[InfoKind.DIAGNOSES],
        method="mail",
    )
    assert json.loads(disclosure.snapshot)["empty_kinds"] == ["Diagnoses"]
    assert "Nothing of this kind is recorded." in _document_html(disclosure)


def test_notice_is_in_every_document_and_pdf(client_chart, clinician, consent, disclosure_fields):
    under_consent = actions.disclose(
        client_chart, by=clinician, consent=consent, **disclosure_fields
    )
    emergency = actions.disclose(
        client_chart,
        by=clinician,
        recipient_name="Dr. Okoro",
        recipient_organization="County General Emergency Department",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=[InfoKind.DEMOGRAPHICS, InfoKind.ATTENDANCE],
        method="phone",
        exception_kind=ExceptionKind.MEDICAL_EMERGENCY,
        exception_reason="Unresponsive after suspected opioid overdose; ED asked about medications",
    )
    for disclosure in (under_consent, emergency):
        html = _document_html(disclosure)
        assert notice.REDISCLOSURE_NOTICE_LEAD in html
        for item in notice.REDISCLOSURE_NOTICE_ITEMS:
            assert item in html
        assert notice.REDISCLOSURE_NOTICE_TAIL in html
        assert "42 CFR 2.32(a)(1)" in html
        # The PDF is made from the same template and context, with the stylesheet inlined.
        context = disclosure_context(disclosure, for_pdf=True)
        pdf_html = render_to_string(DOCUMENT_TEMPLATE, context)
        assert notice.REDISCLOSURE_NOTICE_LEAD in pdf_html
        assert render_document_pdf(context).startswith(b"%PDF")
    # The scope of the consent accompanies a disclosure made under it (42 CFR 2.32(b)).
    assert "Scope of the client's consent" in _document_html(under_consent)
    assert "Unresponsive after suspected opioid overdose" in _document_html(emergency)


def test_notice_wording_is_the_2024_statement_1():
    # Spot-check the regulation's own words (42 CFR 2.32(a)(1), 89 FR 12472).
    assert notice.REDISCLOSURE_NOTICE.startswith(
        "This record which has been disclosed to you is protected by Federal confidentiality "
        "rules (42 CFR part 2)."
    )
    assert (
        "civil, criminal, administrative, or legislative proceedings" in notice.REDISCLOSURE_NOTICE
    )
    assert "42 CFR 2.64 or 2.65" in notice.REDISCLOSURE_NOTICE
    assert "is NOT sufficient" in notice.REDISCLOSURE_NOTICE


def _refused(client_chart, clinician, **request):
    consents_before = list(Consent.objects.values())
    with pytest.raises(PrivacyRefused) as refused:
        actions.disclose(client_chart, by=clinician, **request)
    assert not Disclosure.objects.exists()
    assert not _disclosed_events().exists()
    assert list(Consent.objects.values()) == consents_before
    return refused.value.reasons


def test_refused_under_expired_consent(
    client_chart, clinician, make_consent, disclosure_fields, today
):
    consent = make_consent(expires_on=today - datetime.timedelta(days=1))
    reasons = _refused(client_chart, clinician, consent=consent, **disclosure_fields)
    assert reasons[0].startswith("This consent expired on")


def test_refused_under_revoked_consent(client_chart, clinician, make_consent, disclosure_fields):
    consent = make_consent(revoked_at=timezone.now(), revocation_method=RevocationMethod.PORTAL)
    reasons = _refused(client_chart, clinician, consent=consent, **disclosure_fields)
    assert reasons[0].startswith("This consent was revoked on")


def test_refused_for_kinds_not_covered(client_chart, clinician, consent, disclosure_fields):
    disclosure_fields["kinds"] = [InfoKind.ATTENDANCE, InfoKind.NOTES]
    reasons = _refused(client_chart, clinician, consent=consent, **disclosure_fields)
    assert reasons == ["This consent does not cover: session notes."]


def test_refused_for_wrong_recipient(client_chart, clinician, consent, disclosure_fields):
    disclosure_fields.update(recipient_name="Probation Officer Diaz", recipient_organization="")
    reasons = _refused(client_chart, clinician, consent=consent, **disclosure_fields)
    assert "names Eastside Community Health" in reasons[0]


def test_refused_without_consent_or_exception(client_chart, clinician, disclosure_fields):
    reasons = _refused(client_chart, clinician, **disclosure_fields)
    assert reasons == [
        "A disclosure needs the client's valid written consent or a permitted exception."
    ]


def test_refused_with_both_consent_and_exception(
    client_chart, clinician, consent, disclosure_fields
):
    reasons = _refused(
        client_chart,
        clinician,
        consent=consent,
        exception_kind=ExceptionKind.MEDICAL_EMERGENCY,
        exception_reason="x",
        **disclosure_fields,
    )
    assert reasons == ["Choose either a consent or an exception, not both."]


def test_refused_under_another_charts_consent(
    client_chart, colleague_chart, clinician, make_consent, disclosure_fields
):
    consent = make_consent(colleague_chart)
    reasons = _refused(client_chart, clinician, consent=consent, **disclosure_fields)
    assert reasons == ["This consent belongs to another chart."]


@pytest.mark.parametrize(
    "changes,expected",
    [
        ({"exception_reason": ""}, "Record the reason for disclosing without consent."),
        ({"recipient_organization": ""}, "Record the health care facility"),
        ({"recipient_role": "other"}, "may go only to medical personnel"),
        ({"exception_kind": "research"}, "Choose a permitted exception."),
    ],
)
def test_emergency_exception_needs_its_elements(client_chart, clinician, changes, expected):
    request = {
        "recipient_name": "Dr. Okoro",
        "recipient_organization": "County General",
        "recipient_role": "treating_provider",
        "purpose": Purpose.TREATMENT,
        "kinds": [InfoKind.ATTENDANCE],
        "method": "phone",
        "exception_kind": ExceptionKind.MEDICAL_EMERGENCY,
        "exception_reason": "Overdose, unresponsive",
    }
    request.update(changes)
    reasons = _refused(client_chart, clinician, **request)
    assert any(expected in reason for reason in reasons), reasons


def test_general_designation_consent_discloses_to_a_treating_provider(
    client_chart, clinician, make_consent
):
    consent = make_consent(
        recipient_kind=RecipientKind.TPO,
        recipient_name="",
        purpose=Purpose.TPO,
        info_kinds=[InfoKind.ATTENDANCE, InfoKind.DEMOGRAPHICS],
    )
    disclosure = actions.disclose(
        client_chart,
        by=clinician,
        consent=consent,
        recipient_name="Harbor Health Plan",
        recipient_role="health_plan",
        purpose=Purpose.PAYMENT,
        kinds=[InfoKind.DEMOGRAPHICS],
        method="secure_email",
    )
    assert client_chart.phone in _document_html(disclosure)


def test_revocation_after_disclosure_keeps_the_ledger(
    client_chart, clinician, consent, disclosure_fields
):
    disclosure = actions.disclose(client_chart, by=clinician, consent=consent, **disclosure_fields)
    actions.revoke_consent(consent, by=clinician, method=RevocationMethod.TOLD_STAFF)
    assert Disclosure.objects.get(pk=disclosure.pk).consent_id == consent.pk
    with pytest.raises(PrivacyRefused):
        actions.disclose(client_chart, by=clinician, consent=consent, **disclosure_fields)
    assert Disclosure.objects.count() == 1


def test_pdf_fetcher_refuses_remote_and_arbitrary_local_urls():
    fetcher = LocalOnlyFetcher()
    for url in ("http://example.org/x.png", "https://169.254.169.254/", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    # A document pointing at a remote image still renders, without fetching it.
    pdf = render_pdf('<html><body><img src="http://example.org/x.png"><p>hi</p></body></html>')
    assert pdf.startswith(b"%PDF")


# Views


def _form(consent=None, **changes):
    data = {
        "recipient_name": "Dr. Ana Lee",
        "recipient_organization": "Eastside Community Health",
        "recipient_role": "treating_provider",
        "purpose": "treatment",
        "purpose_detail": "",
        "info_kinds": ["attendance"],
        "method": "fax",
        "basis": "consent",
        "consent": consent.pk if consent else "",
        "exception_kind": "",
        "exception_reason": "",
    }
    data.update(changes)
    return data


def test_disclose_view_makes_document_and_pdf(login, clinician, client_chart, consent):
    web = login(clinician)
    url = reverse("privacy-disclose", args=[client_chart.pk])
    assert web.get(url).status_code == 200
    response = web.post(url, _form(consent))
    disclosure = Disclosure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == disclosure.get_absolute_url()
    page = web.get(disclosure.get_absolute_url())
    assert page.status_code == 200
    assert notice.REDISCLOSURE_NOTICE_TAIL in page.content.decode()
    pdf = web.get(reverse("privacy-disclosure-pdf", args=[client_chart.pk, disclosure.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action=AuditAction.PRINT, object_id=str(disclosure.pk)
    ).exists()


def test_disclose_view_refusal_shows_reason_and_changes_nothing(
    login, clinician, client_chart, make_consent, today
):
    expired = make_consent(expires_on=today - datetime.timedelta(days=2))
    response = login(clinician).post(
        reverse("privacy-disclose", args=[client_chart.pk]), _form(expired)
    )
    assert response.status_code == 200
    assert "This consent expired on" in response.content.decode()
    assert "Dr. Ana Lee" in response.content.decode()  # what was typed is kept
    assert not Disclosure.objects.exists() and not _disclosed_events().exists()


def test_disclose_view_requires_a_basis(login, clinician, client_chart):
    response = login(clinician).post(
        reverse("privacy-disclose", args=[client_chart.pk]), _form(None)
    )
    assert response.status_code == 200
    assert "Choose the consent this disclosure is made under." in response.content.decode()
    assert not Disclosure.objects.exists()


def test_disclose_view_emergency_exception(login, clinician, client_chart):
    response = login(clinician).post(
        reverse("privacy-disclose", args=[client_chart.pk]),
        _form(
            None,
            basis="exception",
            exception_kind="medical_emergency",
            exception_reason="Overdose; ED needs medication history",
            recipient_organization="County General ED",
        ),
    )
    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.consent is None
    assert disclosure.exception_kind == "medical_emergency"


def test_audit_exception_needs_written_agreement(login, clinician, client_chart):
    response = login(clinician).post(
        reverse("privacy-disclose", args=[client_chart.pk]),
        _form(None, basis="exception", exception_kind="audit", exception_reason="State audit"),
    )
    assert "An audit disclosure needs the written agreement." in response.content.decode()
    assert not Disclosure.objects.exists()


def test_other_charts_disclosure_is_404(login, admin, client_chart, colleague_chart, make_consent):
    consent = make_consent(colleague_chart, info_kinds=[InfoKind.ATTENDANCE])
    disclosure = actions.disclose(
        colleague_chart,
        by=admin,
        consent=consent,
        recipient_name="Eastside Community Health",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=[InfoKind.ATTENDANCE],
        method="fax",
    )
    web = login(admin)
    url = reverse("privacy-disclosure", args=[client_chart.pk, disclosure.pk])
    assert web.get(url).status_code == 404
