"""Consent scans: only files a maintained parser reads completely are accepted (issue #9).

Polyglots are built here, in the test: a `%PDF-` header followed by HTML, and a real PDF with
`<html><script>` appended after its `%%EOF`. Both must be refused with a field error and
nothing saved; a sound PDF or image is still accepted and served as an attachment with nosniff.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.privacy.conftest import PDF_BYTES, png_bytes
from waypoint.privacy import actions, scans
from waypoint.privacy.models import ConsentScan, ConsentStatus

SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="JPEG")
    return buffer.getvalue()


POLYGLOTS = {
    "pdf header then html": b"%PDF-1.7\n" + SCRIPT + b"\n%%EOF\n",
    "html after the pdf's %%EOF": PDF_BYTES + SCRIPT,
    "html after %%EOF and a newline": PDF_BYTES + b"\n\n" + SCRIPT + b"\n",
    "html in a pdf comment up front": PDF_BYTES.replace(b"\n", b"\n%" + SCRIPT + b"\n", 1),
    "html after the png's IEND": png_bytes() + SCRIPT,
    "html after the jpeg's end marker": jpeg_bytes() + SCRIPT,
}


def test_sound_files_are_accepted():
    assert scans.check_scan(PDF_BYTES) == "application/pdf"
    assert scans.check_scan(PDF_BYTES + b"\r\n") == "application/pdf"  # whitespace after %%EOF
    assert scans.check_scan(png_bytes()) == "image/png"
    assert scans.check_scan(jpeg_bytes()) == "image/jpeg"


@pytest.mark.parametrize("name", sorted(POLYGLOTS))
def test_polyglots_are_refused(name):
    with pytest.raises(scans.ScanRefused) as refused:
        scans.check_scan(POLYGLOTS[name])
    assert str(refused.value).startswith("Upload a PDF, JPEG or PNG file.")


def test_pdf_that_pypdf_cannot_parse_is_refused():
    # Header and end marker are present, but there is no cross-reference table or page tree.
    fake = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    with pytest.raises(scans.ScanRefused, match="could not be read"):
        scans.check_scan(fake)


def test_encrypted_pdf_is_refused():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(scans.ScanRefused, match="password-protected"):
        scans.check_scan(buffer.getvalue())


@pytest.mark.parametrize("name", sorted(POLYGLOTS))
def test_polyglot_upload_shows_field_error_and_saves_nothing(
    login, clinician, client_chart, make_consent, today, name
):
    draft = make_consent(signed=False)
    response = login(clinician).post(
        reverse("privacy-consent-paper", args=[client_chart.pk, draft.pk]),
        {
            "signed_on": today.isoformat(),
            "scan": SimpleUploadedFile("form.pdf", POLYGLOTS[name], "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["scan"][0].startswith("Upload a PDF, JPEG or PNG")
    draft.refresh_from_db()
    assert draft.status == ConsentStatus.DRAFT
    assert not ConsentScan.objects.exists()


def test_action_refuses_a_polyglot_even_without_the_form(clinician, make_consent, today):
    draft = make_consent(signed=False)
    with pytest.raises(actions.PrivacyRefused):
        actions.record_paper_signature(
            draft,
            by=clinician,
            signed_on=today,
            content=POLYGLOTS["html after the pdf's %%EOF"],
            content_type="application/pdf",
        )
    assert not ConsentScan.objects.exists()


def test_accepted_scan_is_served_as_attachment_with_nosniff(
    login, clinician, client_chart, make_consent, today
):
    draft = make_consent(signed=False)
    web = login(clinician)
    web.post(
        reverse("privacy-consent-paper", args=[client_chart.pk, draft.pk]),
        {"signed_on": today.isoformat(), "scan": SimpleUploadedFile("f.pdf", PDF_BYTES)},
    )
    download = web.get(reverse("privacy-consent-scan", args=[client_chart.pk, draft.pk]))
    assert download.content == PDF_BYTES
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
