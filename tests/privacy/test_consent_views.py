"""Staff consent pages: write, send for e-signature, record a paper form, revoke, expire."""

import base64
import datetime

import pytest
from django.db import connection
from django.urls import reverse

from tests.privacy.conftest import PDF_BYTES, png_bytes
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.privacy.models import Consent, ConsentScan, ConsentStatus, RevocationMethod

pytestmark = pytest.mark.django_db


def _new(today, **changes):
    data = {
        "recipient_kind": "named",
        "recipient_name": "Harbor Primary Care",
        "purpose": "treatment",
        "purpose_detail": "",
        "info_kinds": ["attendance", "demographics"],
        "info_description": "Attendance since January only",
        "expires_on": (today + datetime.timedelta(days=365)).isoformat(),
        "expiry_event": "",
    }
    data.update(changes)
    return data


def test_create_consent_draft(login, clinician, client_chart, today):
    web = login(clinician)
    url = reverse("privacy-consent-create", args=[client_chart.pk])
    assert web.get(url).status_code == 200
    response = web.post(url, _new(today))
    consent = Consent.objects.get()
    assert response["Location"] == consent.get_absolute_url()
    assert consent.status == ConsentStatus.DRAFT
    assert consent.info_kinds == ["attendance", "demographics"]
    assert consent.created_by == clinician
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(consent.pk)).exists()
    detail = web.get(consent.get_absolute_url()).content.decode()
    assert "Harbor Primary Care" in detail and "Draft" in detail


def test_consent_fields_are_encrypted_at_rest(login, clinician, client_chart, today):
    login(clinician).post(reverse("privacy-consent-create", args=[client_chart.pk]), _new(today))
    with connection.cursor() as cursor:
        cursor.execute("SELECT recipient_name, info_description FROM privacy_consent")
        stored = cursor.fetchone()
    assert "Harbor" not in stored[0] and "January" not in stored[1]


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"recipient_name": ""}, "recipient_name", "Name the person or organization."),
        ({"purpose": "other"}, "purpose_detail", "Describe the purpose."),
        ({"expires_on": "", "expiry_event": ""}, "expires_on", "Give an expiry date"),
        ({"expires_on": "2000-01-01"}, "expires_on", "cannot be in the past"),
        ({"info_kinds": []}, "info_kinds", "This field is required."),
        ({"info_kinds": ["everything"]}, "info_kinds", "Select a valid choice."),
    ],
)
def test_invalid_consent_changes_nothing(
    login, clinician, client_chart, today, changes, field, message
):
    response = login(clinician).post(
        reverse("privacy-consent-create", args=[client_chart.pk]), _new(today, **changes)
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Consent.objects.exists()


def test_event_only_expiry_and_general_designation(login, clinician, client_chart, today):
    login(clinician).post(
        reverse("privacy-consent-create", args=[client_chart.pk]),
        _new(
            today,
            recipient_kind="tpo",
            recipient_name="ignored for a designation",
            purpose="tpo",
            expires_on="",
            expiry_event="End of treatment",
        ),
    )
    consent = Consent.objects.get()
    assert consent.recipient_name == ""
    assert consent.recipient_label.startswith("my treating providers, health plans")


def test_edit_draft_only(login, clinician, client_chart, make_consent, today):
    web = login(clinician)
    draft = make_consent(signed=False)
    url = reverse("privacy-consent-edit", args=[client_chart.pk, draft.pk])
    assert web.post(url, _new(today, recipient_name="New Name")).status_code == 302
    draft.refresh_from_db()
    assert draft.recipient_name == "New Name"
    signed = make_consent()
    url = reverse("privacy-consent-edit", args=[client_chart.pk, signed.pk])
    assert web.post(url, _new(today, recipient_name="Sneaky")).status_code == 302
    signed.refresh_from_db()
    assert signed.recipient_name == "Eastside Community Health"


def test_send_for_signature_needs_portal_account(login, clinician, client_chart, make_consent):
    draft = make_consent(signed=False)
    url = reverse("privacy-consent-send", args=[client_chart.pk, draft.pk])
    login(clinician).post(url)
    draft.refresh_from_db()
    assert draft.status == ConsentStatus.DRAFT  # Robin has no portal login in this test


def test_send_for_signature(login, clinician, client_chart, client_user, make_consent):
    draft = make_consent(signed=False)
    login(clinician).post(reverse("privacy-consent-send", args=[client_chart.pk, draft.pk]))
    draft.refresh_from_db()
    assert draft.status == ConsentStatus.AWAITING_SIGNATURE


@pytest.mark.parametrize(
    "content,filename,content_type",
    [(PDF_BYTES, "form.pdf", "application/pdf"), (None, "form.png", "image/png")],
)
def test_record_paper_form_stores_scan_encrypted(
    login, clinician, client_chart, make_consent, today, content, filename, content_type
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = content or png_bytes()
    draft = make_consent(signed=False)
    web = login(clinician)
    url = reverse("privacy-consent-paper", args=[client_chart.pk, draft.pk])
    assert web.get(url).status_code == 200
    upload = SimpleUploadedFile(filename, content, content_type="application/octet-stream")
    response = web.post(url, {"signed_on": today.isoformat(), "scan": upload})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ConsentStatus.ACTIVE
    assert draft.signed_on == today
    scan = ConsentScan.objects.get(consent=draft)
    assert scan.content_type == content_type  # sniffed, not the declared type
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM privacy_consentscan")
        (stored,) = cursor.fetchone()
    assert base64.b64encode(content).decode() not in stored
    assert content not in stored.encode()
    download = web.get(reverse("privacy-consent-scan", args=[client_chart.pk, draft.pk]))
    assert download.content == content
    assert download["Content-Type"] == content_type
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.parametrize(
    "content,message",
    [
        (b"MZ\x90\x00 not a scan", "Upload a PDF, JPEG or PNG file."),
        (b"<html><script>alert(1)</script></html>", "Upload a PDF, JPEG or PNG file."),
        (b"\x89PNG\r\n\x1a\n truncated", "Upload a PDF, JPEG or PNG file."),
        (b"%PDF-1.4 no end marker", "Upload a PDF, JPEG or PNG file."),
        (b"%PDF-1.4\n" + b"0" * (5 * 1024 * 1024) + b"\n%%EOF", "larger than 5 MB"),
    ],
)
def test_bad_uploads_are_refused(
    login, clinician, client_chart, make_consent, today, content, message
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    draft = make_consent(signed=False)
    response = login(clinician).post(
        reverse("privacy-consent-paper", args=[client_chart.pk, draft.pk]),
        {"signed_on": today.isoformat(), "scan": SimpleUploadedFile("form.pdf", content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ConsentStatus.DRAFT
    assert not ConsentScan.objects.exists()


def test_future_signature_date_refused(login, clinician, client_chart, make_consent, today):
    from django.core.files.uploadedfile import SimpleUploadedFile

    draft = make_consent(signed=False)
    response = login(clinician).post(
        reverse("privacy-consent-paper", args=[client_chart.pk, draft.pk]),
        {
            "signed_on": (today + datetime.timedelta(days=3)).isoformat(),
            "scan": SimpleUploadedFile("f.pdf", PDF_BYTES),
        },
    )
    assert "cannot be in the future" in response.content.decode()
    assert not ConsentScan.objects.exists()


def test_staff_revoke_on_clients_word(login, clinician, client_chart, consent):
    web = login(clinician)
    url = reverse("privacy-consent-revoke", args=[client_chart.pk, consent.pk])
    assert web.post(url, {}).status_code == 200  # the method is required
    consent.refresh_from_db()
    assert consent.revoked_at is None
    response = web.post(url, {"method": "told_staff", "note": "Called on Tuesday"})
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.REVOKED
    assert consent.revoked_by == clinician
    assert consent.revocation_method == RevocationMethod.TOLD_STAFF
    assert consent.revocation_note == "Called on Tuesday"
    # Revoking twice is refused.
    web.post(url, {"method": "in_writing"})
    consent.refresh_from_db()
    assert consent.revocation_method == RevocationMethod.TOLD_STAFF
    assert [h.history_type for h in consent.history.order_by("history_id")] == ["+", "~"]


def test_mark_expiry_event(login, clinician, client_chart, make_consent, today):
    consent = make_consent(expires_on=None, expiry_event="End of probation")
    url = reverse("privacy-consent-expiry-event", args=[client_chart.pk, consent.pk])
    web = login(clinician)
    web.post(url, {"occurred_on": (today + datetime.timedelta(days=1)).isoformat()})
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.ACTIVE
    web.post(url, {"occurred_on": today.isoformat()})
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.EXPIRED


def test_chart_panel_shows_consent_status(login, clinician, client_chart, consent):
    page = login(clinician).get(client_chart.get_absolute_url()).content.decode()
    assert "Consents and disclosures" in page
    assert "Eastside Community Health" in page
    assert "consent-active" in page
    assert reverse("privacy-disclose", args=[client_chart.pk]) in page


def test_consent_list(login, supervisor, client_chart, consent):
    page = login(supervisor).get(reverse("privacy-consents", args=[client_chart.pk]))
    assert page.status_code == 200
    assert "Eastside Community Health" in page.content.decode()
    assert not page.context["can_write"]


def test_consent_of_other_chart_is_404(login, admin, client_chart, colleague_chart, make_consent):
    theirs = make_consent(colleague_chart)
    web = login(admin)
    for name in ("privacy-consent-detail", "privacy-consent-revoke", "privacy-consent-edit"):
        assert web.get(reverse(name, args=[client_chart.pk, theirs.pk])).status_code == 404
