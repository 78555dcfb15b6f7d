"""The assessment in the client's record, disclosures per consent, and the anonymizer."""

import datetime

import pytest

from waypoint.assessment import actions
from waypoint.assessment.models import DecisionalBalance, StageOfChange
from waypoint.assessment.records import anonymize_assessment
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import build_parts

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 2, 2)


@pytest.fixture
def assessed(client_chart, clinician):
    actions.record_stage(
        client_chart,
        by=clinician,
        substance="kratom",
        stage="preparation",
        noted_on=DAY,
        note="Tapering before the trip",
    )
    actions.save_balance(
        client_chart,
        by=clinician,
        substance="kratom",
        noted_on=DAY,
        benefits_of_using="Energy for double shifts",
    )
    return client_chart


def test_record_part_is_assessment_kind_with_stages_and_balances(assessed):
    parts = {p.key: p for p in build_parts(assessed)}
    part = parts["assessment"]
    assert part.kind == InfoKind.ASSESSMENT
    assert part.data["stages"][0]["stage_label"] == "Preparation"
    assert part.data["decisional_balances"][0]["substance_label"] == "Kratom"
    assert "Energy" not in str(part.data) and "Tapering" not in str(part.data)
    words = parts["assessment_words"]
    assert words.kind is None  # the person's own words: their own copy only
    assert words.data["stage_notes"][0]["note"] == "Tapering before the trip"
    assert words.data["decisional_balances"][0]["benefits_of_using"] == "Energy for double shifts"


def test_no_part_without_assessment(client_chart):
    assert "assessment" not in {p.key for p in build_parts(client_chart)}


def test_anonymizer_blanks_free_text_and_keeps_stages(assessed):
    anonymize_assessment(assessed)
    row = StageOfChange.objects.get()
    assert (row.stage, row.note) == ("preparation", "")
    assert DecisionalBalance.objects.get().benefits_of_using == ""


def test_disclosures_include_it_only_when_the_consent_names_assessments(assessed):
    assert "assessment" not in {p.key for p in build_parts(assessed, kinds=[InfoKind.MEASURES])}
    disclosed = {p.key for p in build_parts(assessed, kinds=list(InfoKind.values))}
    assert "assessment" in disclosed
    assert "assessment_words" not in disclosed  # never, whatever the consent covers


def test_drug_set_setting_in_the_record_and_anonymized(assessed, clinician):
    from waypoint.assessment.models import DrugSetSetting

    actions.save_drug_set_setting(
        assessed,
        by=clinician,
        substance="kratom",
        noted_on=DAY,
        route="swallowed",
        does_for_them="Gets me through the warehouse shift",
        setting_notes="Buys it at the corner shop",
    )
    parts = {p.key: p for p in build_parts(assessed, kinds=[InfoKind.ASSESSMENT])}
    dss = parts["assessment"].data["drug_set_setting"][0]
    assert (dss["route_label"], dss["setting_notes"]) == (
        "Swallowed (drink, pill, edible)",
        "Buys it at the corner shop",
    )
    assert "warehouse" not in str(parts["assessment"].data)  # the person's words: own copy
    own = {p.key: p for p in build_parts(assessed)}["assessment_words"]
    assert own.data["drug_set_setting"][0]["does_for_them"].startswith("Gets me through")
    anonymize_assessment(assessed)
    row = DrugSetSetting.objects.get()
    assert (row.route, row.does_for_them, row.setting_notes) == ("swallowed", "", "")
