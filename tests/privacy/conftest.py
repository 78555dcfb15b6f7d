"""Extra cast for the privacy tests.

Robin's chart (client_chart, Maya's client) gets consents made straight through the model, so
each test states exactly the consent it needs. Oona is the admin of Other Clinic.
"""

import datetime

import pytest
from django.utils import timezone

from waypoint.accounts.roles import Role
from waypoint.privacy.models import (
    Consent,
    InfoKind,
    Purpose,
    RecipientKind,
    SignatureAuthentication,
    SignatureMethod,
)


def pdf_bytes() -> bytes:
    """A small, well-formed one-page PDF (written by pypdf)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# A small well-formed PDF, and (png_bytes) a 1x1 PNG.
PDF_BYTES = pdf_bytes()


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1, 1), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def today(clinic):
    return clinic.today()


@pytest.fixture
def other_admin(make_user, other_clinic):
    return make_user("oona@other.test", other_clinic, Role.ADMIN, "Oona Otheradmin")


@pytest.fixture
def make_consent(client_chart, clinician, today):
    """An active consent to Eastside Community Health for attendance, unless told otherwise."""

    def make(chart=None, *, signed=True, sent=False, **fields):
        values = {
            "recipient_kind": RecipientKind.NAMED,
            "recipient_name": "Eastside Community Health",
            "purpose": Purpose.TREATMENT,
            "info_kinds": [InfoKind.ATTENDANCE],
            "expires_on": today + datetime.timedelta(days=90),
            "created_by": clinician,
        }
        values.update(fields)
        if signed:
            values.setdefault("signature_method", SignatureMethod.PAPER)
            values.setdefault("signature_authentication", SignatureAuthentication.STAFF_WITNESSED)
            values.setdefault("signed_on", today - datetime.timedelta(days=1))
            values.setdefault("signature_recorded_at", timezone.now())
        if sent:
            values.setdefault("sent_for_signature_at", timezone.now())
        return Consent.objects.create(client=chart or client_chart, **values)

    return make


@pytest.fixture
def consent(make_consent):
    return make_consent()


@pytest.fixture
def disclosure_fields():
    """A disclosure request matching the default consent."""
    return {
        "recipient_name": "Dr. Ana Lee",
        "recipient_organization": "Eastside Community Health",
        "recipient_role": "treating_provider",
        "purpose": Purpose.TREATMENT,
        "kinds": [InfoKind.ATTENDANCE],
        "method": "fax",
    }
