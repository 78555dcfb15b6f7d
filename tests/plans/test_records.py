"""Safety plans in the client's record, disclosures per consent, anonymizing, key rotation."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from waypoint.lib import keyrotation
from waypoint.plans.models import SafetyPlanVersion
from waypoint.plans.records import anonymize_plans
from waypoint.privacy import records
from waypoint.privacy.models import InfoKind

pytestmark = pytest.mark.django_db


def test_record_part_carries_both_plans(client_chart, crisis_plan, overdose_plan):
    parts = {part.key: part for part in records.build_parts(client_chart)}
    part = parts["safety_plans"]
    assert part.kind == InfoKind.SAFETY_PLANS
    kinds = [p["kind"] for p in part.data]
    assert kinds == ["crisis", "overdose"]
    crisis = part.data[0]
    reasons = next(s for s in crisis["sections"] if s["key"] == "reasons")
    assert reasons["items"] == ["My greyhound Pemberton"]
    assert crisis["client_may_edit"] == ["coping", "reasons"]
    assert crisis["versions"][0]["saved_by"] == "staff"
    resources = [resource for _, resource in part.fhir]
    assert {r.get_resource_type() for r in resources} == {"CarePlan"}
    bundle = records.record_fhir_bundle(client_chart, list(parts.values()))
    assert "Pemberton" in bundle.model_dump_json()


def test_disclosures_include_plans_only_when_the_consent_covers_them(client_chart, crisis_plan):
    covered = records.build_parts(client_chart, kinds=[InfoKind.SAFETY_PLANS])
    assert [p.key for p in covered] == ["safety_plans"]
    other = records.build_parts(client_chart, kinds=[InfoKind.MEASURES, InfoKind.DIARY_GOALS])
    assert "safety_plans" not in {p.key for p in other}


def test_no_part_without_a_plan(client_chart):
    assert "safety_plans" not in {p.key for p in records.build_parts(client_chart)}


def test_record_document_renders_the_plans(client_chart, crisis_plan):
    from django.utils import timezone

    from waypoint.privacy.documents import client_copy_context, render_document_pdf

    parts = records.build_parts(client_chart)
    body = render_document_pdf(
        client_copy_context(client_chart, parts, generated_at=timezone.now())
    )
    pypdf = pytest.importorskip("pypdf")
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages)
    assert "Safety plans" in text and "My greyhound Pemberton" in text


def test_anonymizer_blanks_every_version(client_chart, clinician, crisis_plan):
    from waypoint.plans import actions

    actions.save_plan(client_chart, by=clinician, kind="crisis", items={"coping": ["Run"]})
    anonymize_plans(client_chart)
    versions = SafetyPlanVersion.objects.filter(plan__client=client_chart)
    assert versions.count() == 2
    assert all(v.sections() == {} for v in versions)


def test_the_anonymizer_is_registered():
    from waypoint.privacy.retention import ANONYMIZERS

    assert "waypoint.plans.records.anonymize_plans" in ANONYMIZERS


def test_rotate_keys_reencrypts_plan_items(client_chart, crisis_plan, settings):
    columns = {m._meta.label: [f.name for f in fs] for m, fs in keyrotation.encrypted_columns()}
    assert columns["plans.SafetyPlanVersion"] == ["items"]
    before = crisis_plan.current_version().sections()
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    call_command("rotate_keys", stdout=io.StringIO())
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    raw = SafetyPlanVersion.objects.values_list("items", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT items FROM plans_safetyplanversion")
        tokens = [row[0] for row in cursor.fetchall()]
    assert tokens and all(t.startswith("gAAAAA") for t in tokens)
    for token in tokens:
        Fernet(new_key.encode()).decrypt(token.encode())
    assert list(raw)  # the ORM still reads them
    assert SafetyPlanVersion.objects.get().sections() == before
