"""`waypoint rotate-keys` re-encrypts the columns of every app that holds chart data too:
measures, goals, diary, privacy, appointments, assessment, notes, plans, medications, groups.

Rows (and their simple-history rows) are written under the test key list; a new key is put in
front; rotate-keys runs; the old keys are removed; every encrypted value of those apps must still
read back exactly as before, and every raw token must open with the new key alone.
"""

import datetime
import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.db.models.functions import Cast

from tests.conftest import PASSWORD
from waypoint.lib import keyrotation
from waypoint.privacy import actions as privacy_actions
from waypoint.privacy.models import (
    ExceptionKind,
    InfoKind,
    Purpose,
    RecipientKind,
    RevocationMethod,
)

pytestmark = pytest.mark.django_db

APPS = (
    "measures",
    "goals",
    "diary",
    "privacy",
    "appointments",
    "assessment",
    "notes",
    "plans",
    "medications",
    "groups",
    "reports",
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\r\xefF\xb8\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def privacy_rows(rich_chart, clinician, client_user, today):
    """Consents (e-signed, paper with a scan, revoked with a note) and a disclosure."""
    expires = today + datetime.timedelta(days=60)
    signed = privacy_actions.create_consent(
        rich_chart,
        by=clinician,
        recipient_kind=RecipientKind.NAMED,
        recipient_name="Harbor Clinic",
        purpose=Purpose.OTHER,
        purpose_detail="Housing application support",
        info_kinds=[InfoKind.MEASURES],
        info_description="Only the latest scores",
        expires_on=expires,
        expiry_event="End of the housing application",
    )
    privacy_actions.send_for_signature(signed, by=clinician)
    privacy_actions.esign_consent(
        signed,
        by=client_user,
        typed_name="Robin Quillfeather",
        ip_address="203.0.113.9",
        password=PASSWORD,
    )
    paper = privacy_actions.create_consent(
        rich_chart,
        by=clinician,
        recipient_kind=RecipientKind.NAMED,
        recipient_name="County Court Liaison",
        purpose=Purpose.TREATMENT,
        info_kinds=[InfoKind.DIARY_GOALS],
        expires_on=expires,
    )
    privacy_actions.record_paper_signature(
        paper, by=clinician, signed_on=today, content=PNG, content_type="image/png"
    )
    privacy_actions.revoke_consent(
        paper, by=clinician, method=RevocationMethod.TOLD_STAFF, note="Changed their mind"
    )
    privacy_actions.disclose(
        rich_chart,
        by=clinician,
        recipient_name="Dr. Okoro",
        recipient_organization="County General",
        recipient_role="treating_provider",
        purpose=Purpose.OTHER,
        purpose_detail="Emergency department visit",
        kinds=[InfoKind.MEASURES, InfoKind.DIARY_GOALS],
        method="phone",
        exception_kind=ExceptionKind.MEDICAL_EMERGENCY,
        exception_reason="Unresponsive on arrival",
    )
    # A finished record export (reports app): the file is an encrypted column too.
    from waypoint.reports import actions as report_actions

    job = report_actions.request_export("record_pdf", by=client_user, client=rich_chart)
    report_actions.make_export(job)
    return rich_chart


@pytest.fixture
def chart_rows(privacy_rows, clinician, supervisor, today):
    """Besides the privacy rows: a value in every encrypted column of the notes, plans,
    medications and groups apps (a returned trainee note, an addendum, a supervision note, a
    safety plan, the medication list, a group session with the member's own part)."""
    from waypoint.groups import actions as group_actions
    from waypoint.medications import actions as medication_actions
    from waypoint.notes import actions as note_actions
    from waypoint.notes.models import NoteSettings
    from waypoint.plans import actions as plan_actions

    chart = privacy_rows

    def note():
        return note_actions.start_note(
            chart,
            by=clinician,
            template_key="dap",
            session_date=today,
            texts={"data": "Quillon talked about the week"},
        )

    note_actions.add_addendum(
        note_actions.sign_note(note(), by=clinician), by=clinician, text="Quillon called later"
    )
    NoteSettings.for_organization(chart.organization).trainees.add(clinician)
    pending = note_actions.sign_note(note(), by=clinician)
    note_actions.return_note(pending, by=supervisor, comment="Quillon: add the plan")
    note_actions.write_supervision_note(
        by=supervisor, supervisee=clinician, met_on=today, text="Quillon's case discussed"
    )
    plan_actions.save_plan(
        chart,
        by=clinician,
        kind="overdose",
        items={
            "naloxone": ["Quillon's kit in the blue bag"],
            "never_alone": ["Call the line"],
            "after_a_break": ["Half dose"],
            "who_to_call": ["911"],
        },
    )
    medication_actions.add_medication(
        chart,
        by=clinician,
        name="Suboxone",
        dose="16/4 mg film daily",
        prescriber="Dr. Quillon Reyes",
        started_on=today,
    )
    medication_actions.add_diagnosis(
        chart, by=clinician, description="Opioid use disorder", code="F11.20", noted_on=today
    )
    medication_actions.add_allergy(chart, by=clinician, text="Quillon: penicillin", noted_on=today)
    medication_actions.add_coordination_note(
        chart, by=clinician, occurred_on=today, prescriber="Dr. Quillon Reyes", note="Dose kept"
    )
    group = group_actions.create_group(chart.organization, by=clinician, name="Open group")
    group_actions.add_member(group, chart, by=clinician, joined_on=today)
    session = group_actions.add_session(group, by=clinician, held_on=today)
    group_actions.record_session(
        session,
        by=clinician,
        topic="",
        shared_note="Quillon's group talked about sleep",
        rows={chart.pk: ("present", "Quillon spoke first")},
    )
    return chart


def _columns():
    return [
        (model, fields)
        for model, fields in keyrotation.encrypted_columns()
        if model._meta.app_label in APPS
    ]


def _decrypted(model, field) -> dict:
    return dict(model._base_manager.order_by("pk").values_list("pk", field.attname))


def _raw(model, field) -> list[str]:
    alias = Cast(field.attname, models.TextField())
    return [
        value
        for value in model._base_manager.annotate(_raw=alias).values_list("_raw", flat=True)
        if value
    ]


class _Sink(io.StringIO):
    pass


def test_rotate_keys_covers_every_app_with_chart_data(chart_rows, settings):
    columns = _columns()
    labels = {model._meta.label for model, _ in columns}
    assert {
        "measures.Administration",
        "goals.Goal",
        "goals.HistoricalGoal",
        "diary.DiaryEntry",
        "diary.HistoricalDiaryEntry",
        "diary.AnchorEvent",
        "privacy.Consent",
        "privacy.HistoricalConsent",
        "privacy.ConsentScan",
        "privacy.Disclosure",
        "appointments.Appointment",
        "appointments.ReminderPreference",
        "assessment.StageOfChange",
        "assessment.DecisionalBalance",
        "assessment.NeedsPriorities",
        "assessment.DrugSetSetting",
        "notes.Note",
        "notes.Addendum",
        "notes.SupervisionNote",
        "plans.SafetyPlanVersion",
        "medications.Medication",
        "medications.Diagnosis",
        "medications.Allergy",
        "medications.CoordinationNote",
        "groups.GroupSession",
        "groups.Attendance",
        "reports.ExportJob",
    } <= labels
    before = {}
    for model, fields in columns:
        for field in fields:
            label = f"{model._meta.label}.{field.name}"
            values = _decrypted(model, field)
            # The fixtures put a value in every encrypted column of these apps.
            assert any(values.values()), label
            before[label] = values

    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_keys]
    with pytest.raises(CommandError, match="still on older keys"):
        call_command("rotate_keys", "--check", stdout=_Sink())
    out = _Sink()
    call_command("rotate_keys", "--batch-size", "3", stdout=out)
    assert "re-encrypted" in out.getvalue()
    call_command("rotate_keys", "--check", stdout=_Sink())

    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    newest = Fernet(new_key.encode())
    for model, fields in columns:
        for field in fields:
            label = f"{model._meta.label}.{field.name}"
            assert _decrypted(model, field) == before[label], label
            for token in _raw(model, field):
                newest.decrypt(token.encode())  # raises InvalidToken if still on an old key
    # And the apps read their own rows, e.g. the record parts that decrypt every column.
    from waypoint.privacy.records import build_parts

    keys = {part.key for part in build_parts(chart_rows)}
    assert {"measures", "goals", "goal_reasons", "diary", "diary_notes", "consents"} <= keys
    assert {"appointments", "appointment_notes"} <= keys
    assert "assessment" in keys
    assert {"session_notes", "safety_plans", "medications", "diagnoses"} <= keys
    assert {"group_attendance", "group_notes"} <= keys
