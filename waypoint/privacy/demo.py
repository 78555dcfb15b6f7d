"""Demo consents, disclosures and retention: every consent status, both disclosure bases.

- Marisol (the portal login): an active consent to her primary care clinic (e-signed), a
  treatment-team consent awaiting her e-signature, an expired one and one she revoked; one
  disclosure to the primary care clinic under her consent.
- Rosa: a medical-emergency disclosure (42 CFR 2.51) to an emergency department.
- Dev: a consent to his probation officer signed on paper (a scanned form), expired by event.
- Jun: a consent revoked by telling staff.
- Vera Oldfield (D-0990): a chart migrated from the clinic's previous system, discharged more
  than seven years ago, so the retention page has a chart an admin may purge or anonymize.
"""

import base64
import datetime

from django.utils import timezone

from waypoint.clients import actions as client_actions
from waypoint.privacy import actions
from waypoint.privacy.models import (
    Consent,
    ConsentScan,
    Disclosure,
    ExceptionKind,
    InfoKind,
    PrivacySettings,
    Purpose,
    RecipientKind,
    RevocationMethod,
    SignatureAuthentication,
    SignatureMethod,
)


def _demo_scan() -> bytes:
    """A blank one-page PDF standing in for a scanned signed form (passes scans.check_scan)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _consent(client, *, by, created, **fields) -> Consent:
    consent = Consent(client=client, created_by=by, created_at=_at(created), **fields)
    consent._history_user = by
    consent.save()
    return consent


def _esigned(consent, *, user, day):
    consent.sent_for_signature_at = _at(day, 9)
    consent.signature_method = SignatureMethod.E_SIGNATURE
    consent.signature_authentication = SignatureAuthentication.PASSWORD_REAUTH
    consent.signed_on = day
    consent.signed_name = "Marisol Brightwater"
    consent.signed_ip = "203.0.113.24"  # documentation range (RFC 5737)
    consent.signature_recorded_at = _at(day, 18)
    consent.signature_recorded_by = user
    consent.save()


def _backdate(disclosure, when):
    Disclosure.objects.filter(pk=disclosure.pk).update(disclosed_at=when)


def populate(ctx):
    today = ctx.today
    days = datetime.timedelta
    clinician = ctx.users["clinician"]
    admin = ctx.users["admin"]
    for organization in (ctx.clinic, ctx.other_clinic):
        PrivacySettings.objects.get_or_create(organization=organization)

    marisol, dev, jun, rosa = ctx.clients[0], ctx.clients[1], ctx.clients[2], ctx.clients[3]
    portal_user = ctx.client_user

    primary_care = _consent(
        marisol,
        by=clinician,
        created=today - days(60),
        recipient_name="Harbor Community Primary Care",
        purpose=Purpose.TREATMENT,
        purpose_detail="So my doctor knows I'm in care here and can coordinate my medications",
        info_kinds=[InfoKind.DEMOGRAPHICS, InfoKind.ATTENDANCE],
        expires_on=today + days(305),
    )
    _esigned(primary_care, user=portal_user, day=today - days(58))
    disclosure = actions.disclose(
        marisol,
        by=clinician,
        consent=primary_care,
        recipient_name="Dr. Ana Lee",
        recipient_organization="Harbor Community Primary Care",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=[InfoKind.DEMOGRAPHICS, InfoKind.ATTENDANCE],
        method="fax",
        day=today,
    )
    _backdate(disclosure, _at(today - days(21), 14))

    awaiting = _consent(
        marisol,
        by=clinician,
        created=today - days(2),
        recipient_kind=RecipientKind.TPO,
        purpose=Purpose.TPO,
        info_kinds=[InfoKind.ATTENDANCE, InfoKind.MEASURES, InfoKind.DIARY_GOALS],
        expiry_event="End of my treatment at this clinic",
    )
    awaiting.sent_for_signature_at = _at(today - days(2), 15)
    awaiting.save(update_fields=["sent_for_signature_at"])

    housing = _consent(
        marisol,
        by=clinician,
        created=today - days(200),
        recipient_name="Sunrise Housing Program",
        purpose=Purpose.CLIENT_REQUEST,
        info_kinds=[InfoKind.ATTENDANCE],
        info_description="Only that I attend sessions, for my housing application",
        expires_on=today - days(30),
    )
    _esigned(housing, user=portal_user, day=today - days(198))

    employer = _consent(
        marisol,
        by=clinician,
        created=today - days(120),
        recipient_name="Brightline Employee Assistance Program",
        purpose=Purpose.CLIENT_REQUEST,
        info_kinds=[InfoKind.ATTENDANCE],
        expires_on=today + days(240),
    )
    _esigned(employer, user=portal_user, day=today - days(119))
    actions.revoke_consent(employer, by=portal_user, method=RevocationMethod.PORTAL)
    Consent.objects.filter(pk=employer.pk).update(revoked_at=_at(today - days(40), 20))

    probation = _consent(
        dev,
        by=clinician,
        created=today - days(150),
        recipient_name="Westside County Probation",
        purpose=Purpose.CLIENT_REQUEST,
        info_kinds=[InfoKind.ATTENDANCE],
        info_description="Attendance dates only, no clinical detail",
        expiry_event="End of my probation term",
    )
    probation.signature_method = SignatureMethod.PAPER
    probation.signature_authentication = SignatureAuthentication.STAFF_WITNESSED
    probation.signed_on = today - days(150)
    probation.signature_recorded_at = _at(today - days(149))
    probation.signature_recorded_by = clinician
    probation.save()
    scan = _demo_scan()
    ConsentScan.objects.create(
        consent=probation,
        content=base64.b64encode(scan).decode("ascii"),
        content_type="application/pdf",
        size=len(scan),
        uploaded_by=clinician,
    )
    to_probation = actions.disclose(
        dev,
        by=clinician,
        consent=probation,
        recipient_name="Officer R. Diaz",
        recipient_organization="Westside County Probation",
        recipient_role="other",
        purpose=Purpose.CLIENT_REQUEST,
        kinds=[InfoKind.ATTENDANCE],
        method="secure_email",
        day=today,
    )
    _backdate(to_probation, _at(today - days(45), 11))
    actions.mark_expiry_event(probation, by=clinician, occurred_on=today - days(10))

    family = _consent(
        jun,
        by=clinician,
        created=today - days(90),
        recipient_name="Sam Quillfeather (sibling)",
        purpose=Purpose.CLIENT_REQUEST,
        info_kinds=[InfoKind.ATTENDANCE],
        expires_on=today + days(90),
    )
    family.signature_method = SignatureMethod.PAPER
    family.signature_authentication = SignatureAuthentication.STAFF_WITNESSED
    family.signed_on = today - days(90)
    family.signature_recorded_at = _at(today - days(90))
    family.signature_recorded_by = clinician
    family.save()
    actions.revoke_consent(
        family,
        by=clinician,
        method=RevocationMethod.TOLD_STAFF,
        note="Jun said in session they no longer want updates shared with their sibling.",
    )

    emergency = actions.disclose(
        rosa,
        by=clinician,
        recipient_name="Dr. Lena Park",
        recipient_organization="Mercy General Hospital Emergency Department",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=[InfoKind.DEMOGRAPHICS, InfoKind.ATTENDANCE],
        method="phone",
        exception_kind=ExceptionKind.MEDICAL_EMERGENCY,
        exception_reason=(
            "Brought in unresponsive after a suspected opioid overdose; the ED physician asked "
            "whether she is in care and who to contact. She could not consent."
        ),
        day=today,
    )
    _backdate(emergency, _at(today - days(12), 23))

    # A chart migrated from the previous system, discharged more than 7 years ago.
    admitted = today - days(365 * 9)
    vera = client_actions.create_client(
        by=admin,
        organization=ctx.clinic,
        chart_number="D-0990",
        legal_name="Vera Oldfield",
        pronouns="she/her",
        date_of_birth=datetime.date(today.year - 61, 5, 14),
        phone="555-0990",
        primary_clinician=clinician,
        admitted_on=admitted,
    )
    for week in range(0, 40, 3):
        client_actions.record_contact(
            vera, by=clinician, occurred_on=admitted + days(7 * week), kind="individual", minutes=50
        )
    client_actions.discharge_client(
        vera,
        by=clinician,
        discharged_on=today - days(365 * 8),
        reason="goals_met",
        note="Migrated record. Reached her goals; the door stays open.",
    )
