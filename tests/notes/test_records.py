"""Signed notes and addenda in the record download and in disclosures per consent; drafts and
notes awaiting co-signature excluded; the anonymizer and purge remove them."""

import datetime
import json

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from waypoint.notes import actions
from waypoint.notes.models import Addendum, Note
from waypoint.privacy import actions as privacy_actions
from waypoint.privacy.documents import disclosure_context
from waypoint.privacy.models import (
    Consent,
    InfoKind,
    Purpose,
    RecipientKind,
    SignatureAuthentication,
    SignatureMethod,
)
from waypoint.privacy.records import build_parts, record_fhir_bundle, record_json


@pytest.fixture
def notes_on_chart(make_note, clinician, supervisor, colleague, make_trainee):
    signed = make_note(texts={"goals": "Signed: heron goal text.", "plan": "Plan text."})
    signed = actions.sign_note(signed, by=clinician, credentials="LCSW")
    actions.add_addendum(signed, by=clinician, text="Addendum: saffron follow-up call.")
    make_note(texts={"goals": "Draft: quartz unfinished thought."})
    make_trainee(clinician)
    actions.sign_note(
        make_note(texts={"goals": "Pending: tangerine awaiting co-sign."}), by=clinician
    )
    return signed


def _consent(chart, clinician, kinds):
    today = chart.organization.today()
    return Consent.objects.create(
        client=chart,
        recipient_kind=RecipientKind.NAMED,
        recipient_name="Eastside Community Health",
        purpose=Purpose.TREATMENT,
        info_kinds=kinds,
        expires_on=today + datetime.timedelta(days=90),
        created_by=clinician,
        signature_method=SignatureMethod.PAPER,
        signature_authentication=SignatureAuthentication.STAFF_WITNESSED,
        signed_on=today - datetime.timedelta(days=1),
        signature_recorded_at=timezone.now(),
    )


def _disclose(chart, clinician, consent, kinds):
    return privacy_actions.disclose(
        chart,
        by=clinician,
        consent=consent,
        recipient_name="Dr. Ana Lee",
        recipient_organization="Eastside Community Health",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=kinds,
        method="fax",
    )


def test_record_download_has_signed_notes_and_addenda_only(client_chart, notes_on_chart):
    parts = build_parts(client_chart)
    [part] = [p for p in parts if p.key == "session_notes"]
    assert part.kind == InfoKind.NOTES
    text = json.dumps(record_json(client_chart, parts))
    assert "heron goal text" in text
    assert "saffron follow-up call" in text
    assert "Maya Clinician, LCSW" in text
    assert "quartz" not in text  # a draft
    assert "tangerine" not in text  # awaiting co-signature
    bundle = record_fhir_bundle(client_chart, parts).model_dump_json()
    assert "DocumentReference" in bundle
    html = render_to_string(part.template, {"data": part.data})
    assert "heron goal text" in html and "saffron follow-up call" in html


def test_disclosure_includes_notes_only_when_consented(client_chart, clinician, notes_on_chart):
    attendance = _consent(client_chart, clinician, [InfoKind.ATTENDANCE])
    disclosure = _disclose(client_chart, clinician, attendance, [InfoKind.ATTENDANCE])
    html = render_to_string("privacy/record_document.html", disclosure_context(disclosure))
    assert "heron goal text" not in html and "saffron" not in html
    notes = _consent(client_chart, clinician, [InfoKind.NOTES])
    disclosure = _disclose(client_chart, clinician, notes, [InfoKind.NOTES])
    html = render_to_string("privacy/record_document.html", disclosure_context(disclosure))
    assert "heron goal text" in html and "saffron follow-up call" in html
    assert "quartz" not in html and "tangerine" not in html
    assert [p["kind"] for p in json.loads(disclosure.snapshot)["parts"]] == ["notes"]


def test_no_part_without_signed_notes(client_chart, make_note):
    make_note()
    assert "session_notes" not in {p.key for p in build_parts(client_chart)}


def test_anonymizer_removes_notes_and_addenda(client_chart, notes_on_chart):
    from waypoint.notes.records import anonymize_notes
    from waypoint.privacy.retention import ANONYMIZERS

    assert "waypoint.notes.records.anonymize_notes" in ANONYMIZERS
    anonymize_notes(client_chart)
    assert not Note.objects.filter(client=client_chart).exists()
    assert not Addendum.objects.exists()


def test_purge_of_the_chart_removes_signed_notes(client_chart, notes_on_chart, admin):
    client_chart.delete()
    assert not Note.objects.exists() and not Addendum.objects.exists()
