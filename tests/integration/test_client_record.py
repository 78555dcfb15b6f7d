"""Measures, goals and diary in the client's downloads (PDF, JSON, FHIR) and in disclosures.

Expected numbers are worked by hand from the sources, not read back from the code:
- PHQ-9 (Kroenke et al. 2001): each item scores its option index; 8 is "Mild" (5–9), 11 is
  "Moderate" (10–14).
- AUDIT-C (Bradley et al. 2007): 2 + 2 + 0 = 4, positive with female thresholds (>= 3).
- Readiness Ruler: each ruler is its own 0–10 score (8, 5, 6).
- Diary over the last 90 days (docs/outcomes.md): 3 known days out of 90 (87 unknown); one day
  with no use → PDA 100 × 1/3 = 33.33 %; 3 US standard drinks = 42 g on one drinking day →
  drinks per drinking day 3.0, drinks per week 7 × 3 / 3 = 7.0, grams per day 42 / 3 = 14.0,
  WHO level "low" for women (0–20 g/day, WHO 2000), no heavy day (>= 56 g, NIAAA) → PHDD 0.
  Plan: the alcohol safer-use goal wants both practices (only one followed: not kept); the
  cannabis abstinence goal is kept on the two days without cannabis; so 1 of 3 plan days.
"""

import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle

from tests.integration.conftest import MARKERS, OWN_WORDS
from waypoint.measures.models import Administration
from waypoint.privacy import actions as privacy_actions
from waypoint.privacy import documents
from waypoint.privacy.models import InfoKind, Purpose

pytestmark = pytest.mark.django_db


def _download(login, user, fmt):
    response = login(user).get(reverse("privacy-portal-download", args=[fmt]))
    assert response.status_code == 200
    return response


def test_json_download_has_measures_goals_and_diary(login, client_user, rich_chart, today):
    body = json.loads(_download(login, client_user, "json").content)

    measures = body["measures"]
    assert [(m["short_name"], m["total"], m["band"]) for m in measures] == [
        ("PHQ-9", 8, "Mild"),
        ("PHQ-9", 11, "Moderate"),
        ("Readiness Ruler", None, ""),
        ("AUDIT-C", 4, "Positive screen"),
    ]
    original, correction, ruler, audit_c = measures
    assert correction["corrects"] == original["id"]
    assert original["corrected_by"] == correction["id"]
    assert ruler["about"] == MARKERS["measures.Administration.target"]
    assert ruler["subscales"] == [
        {"label": "Importance", "score": 8},
        {"label": "Confidence", "score": 5},
        {"label": "Readiness", "score": 6},
    ]
    assert audit_c["completed_in_portal"] is True
    assert audit_c["date"] == today.isoformat()
    assert all(m["instrument"] and m["date"] for m in measures)

    goals = body["goals"]
    assert [(g["substance"], g["goal"], g["current"]) for g in goals] == [
        ("alcohol", "moderation", False),
        ("alcohol", "safer_use", True),
        ("cannabis", "abstinence", True),
    ]
    moderation, safer, abstinence = goals
    assert moderation["ended_on"] == safer["started_on"]
    assert moderation["limits"]["max_per_day"] == 3.0
    assert moderation["limits"]["max_use_days_per_week"] == 4
    assert moderation["no_use_situations"] == MARKERS["goals.Goal.no_use_situations"]
    assert safer["practices"] == [
        "Eat and drink water",
        "Never use alone (or call a spotting line)",
    ]
    assert safer["practices_other"] == MARKERS["goals.Goal.practices_other"]
    assert abstinence["review_on"] is not None
    assert body["goal_reasons"] == [
        {
            "goal_id": safer["id"],
            "substance_label": "Alcohol",
            "goal_label": "Safer use",
            "started_on": safer["started_on"],
            "in_own_words": MARKERS["goals.Goal.in_own_words"],
        }
    ]

    diary = body["diary"]
    outcomes = diary["outcomes_last_90_days"]
    assert outcomes["window_days"] == 90
    assert outcomes["last_day"] == today.isoformat()
    assert outcomes["days"] == 3
    assert outcomes["days_unknown"] == 87
    assert outcomes["no_use_days"] == 1
    assert outcomes["pda"] == pytest.approx(33.33)
    assert outcomes["phdd"] == 0
    assert outcomes["ddd"] == pytest.approx(3.0)
    assert outcomes["drinks_per_week"] == pytest.approx(7.0)
    assert outcomes["grams_per_day"] == pytest.approx(14.0)
    assert outcomes["who_risk_level"] == "low"
    assert outcomes["who_risk_label"] == "Low risk"
    assert (outcomes["days_within_plan"], outcomes["plan_days"]) == (1, 3)
    assert outcomes["substance_use_days"] == {"alcohol": 1, "cannabis": 1}
    assert outcomes["money_spent"] == "12.50"
    entries = diary["entries"]
    assert [(e["kind"], e["substance"], e["amount"]) for e in entries] == [
        ("use", "alcohol", 3.0),
        ("no_use", "", None),
        ("use", "cannabis", 1.0),
    ]
    assert entries[0]["alcohol_grams"] == pytest.approx(42.0)
    assert entries[0]["practices"] == ["Eat and drink water"]
    assert (entries[0]["mood"], entries[0]["urge"], entries[0]["money_spent"]) == (6, 4, 12.5)
    for entry in entries:  # the summary holds no free text
        assert not {"note", "where", "with_whom"} & set(entry)
    notes = body["diary_notes"]
    assert notes["entries"] == [
        {
            "entry_id": entries[0]["id"],
            "day": entries[0]["day"],
            "where": MARKERS["diary.DiaryEntry.setting_where"],
            "with_whom": MARKERS["diary.DiaryEntry.setting_with_whom"],
            "note": MARKERS["diary.DiaryEntry.note"],
        }
    ]
    assert notes["anchor_events"][0]["label"] == MARKERS["diary.AnchorEvent.label"]


def test_fhir_download_is_a_valid_r4b_bundle_with_measures_and_goals(
    login, client_user, rich_chart
):
    response = _download(login, client_user, "fhir")
    raw = json.loads(response.content)
    bundle = Bundle.model_validate(raw)  # fhir.resources.R4B validates structure
    assert bundle.type == "collection"
    entries = raw["entry"]
    full_urls = [e["fullUrl"] for e in entries]
    assert len(full_urls) == len(set(full_urls))  # bdl-7: fullUrl unique
    by_type = {}
    for entry in entries:
        by_type.setdefault(entry["resource"]["resourceType"], []).append(entry)
    patient_url = by_type["Patient"][0]["fullUrl"]

    responses = [e["resource"] for e in by_type["QuestionnaireResponse"]]
    assert len(responses) == Administration.objects.filter(client=rich_chart).count()
    assert sorted(r["status"] for r in responses) == [
        "amended",
        "completed",
        "completed",
        "completed",
    ]
    for resource in responses:
        assert resource["subject"] == {"reference": patient_url}
    portal_response = next(r for r in responses if "source" in r)
    assert portal_response["source"] == {"reference": patient_url}
    assert {e["resource"]["id"] for e in by_type["Questionnaire"]} == {
        "phq-9",
        "readiness-ruler",
        "audit-c",
    }

    observations = [e["resource"] for e in by_type["Observation"]]
    totals = sorted(
        (o["code"]["coding"][0]["code"], o["valueInteger"], o["status"])
        for o in observations
        if o["code"].get("coding") and "valueInteger" in o
    )
    # LOINC 44261-6 PHQ-9 total, 75626-2 AUDIT-C total (from the instrument files).
    assert totals == [
        ("44261-6", 8, "final"),
        ("44261-6", 11, "corrected"),
        ("75626-2", 4, "final"),
    ]
    rulers = sorted(
        o["valueInteger"] for o in observations if o["code"]["text"].startswith("Readiness")
    )
    assert rulers == [5, 6, 8]
    for observation in observations:
        assert observation["subject"] == {"reference": patient_url}
        for source in observation["derivedFrom"]:
            assert source["reference"] in full_urls  # resolvable inside the bundle

    goals = [e["resource"] for e in by_type["Goal"]]
    assert sorted((g["description"]["text"], g["lifecycleStatus"]) for g in goals) == [
        ("Alcohol: Moderation, with my own limits", "completed"),
        ("Alcohol: Safer use", "active"),
        ("Cannabis: Abstinence from this substance", "active"),
    ]
    moderation = next(g for g in goals if g["lifecycleStatus"] == "completed")
    assert {(t["measure"]["text"], t["detailQuantity"]["value"]) for t in moderation["target"]} == {
        ("Most per day", 3),
        ("Most days of use per week", 4),
    }
    assert all(g["expressedBy"] == {"reference": patient_url} for g in goals)


def test_pdf_download_renders_every_part(
    login, client_user, rich_chart, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    real = documents.render_pdf

    def capture(html):
        seen.append(html)
        return real(html)

    monkeypatch.setattr(documents, "render_pdf", capture)
    web = login(client_user)
    with django_capture_on_commit_callbacks(execute=True):  # the worker's part, made at once
        job_url = web.post(reverse("reports-portal-record-pdf"))["Location"]
    job_pk = int(job_url.rstrip("/").rsplit("/", 1)[1])
    response = web.get(reverse("reports-export-download", args=[job_pk]))
    assert response.content.startswith(b"%PDF")
    (html,) = seen
    for title in (
        "Questionnaire scores (measures)",
        "Goals",
        "Use diary: outcomes of the last 90 days and entries",
        "Why you chose your goals, in your words",
        "Your diary notes and memorable days, in your words",
    ):
        assert title in html
    assert "Moderate" in html and "Positive screen" in html
    assert "Low risk" in html
    for marker in MARKERS.values():
        assert marker.replace("'", "&#x27;") in html, marker


def _disclose(chart, by, consent, kinds):
    return privacy_actions.disclose(
        chart,
        by=by,
        recipient_name="Dr. Ana Lee",
        recipient_organization="Eastside Community Health",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=kinds,
        method="fax",
        consent=consent,
    )


def _document(login, user, chart, disclosure) -> str:
    response = login(user).get(reverse("privacy-disclosure", args=[chart.pk, disclosure.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_disclosure_of_measures_only(login, clinician, rich_chart, make_consent):
    consent = make_consent([InfoKind.MEASURES])
    disclosure = _disclose(rich_chart, clinician, consent, [InfoKind.MEASURES])
    parts = {p["key"] for p in json.loads(disclosure.snapshot)["parts"]}
    assert parts == {"measures"}
    html = _document(login, clinician, rich_chart, disclosure)
    assert "Questionnaire scores (measures)" in html
    assert "Moderate" in html
    assert "Use diary" not in html
    assert "Safer use" not in html
    for key, marker in MARKERS.items():
        if not key.startswith("measures."):
            assert marker.replace("'", "&#x27;") not in html, key


def test_disclosure_of_diary_and_goals_leaves_out_own_words(
    login, clinician, rich_chart, make_consent
):
    consent = make_consent([InfoKind.DIARY_GOALS])
    disclosure = _disclose(rich_chart, clinician, consent, [InfoKind.DIARY_GOALS])
    snapshot = json.loads(disclosure.snapshot)
    assert [p["key"] for p in snapshot["parts"]] == ["goals", "diary"]
    assert snapshot["empty_kinds"] == []
    html = _document(login, clinician, rich_chart, disclosure)
    assert "Safer use" in html and "Low risk" in html
    assert "Questionnaire scores" not in html
    assert MARKERS["goals.Goal.practices_other"] in html  # part of the plan
    for key in OWN_WORDS:
        assert MARKERS[key].replace("'", "&#x27;") not in html, key
        assert MARKERS[key] not in disclosure.snapshot, key
    assert MARKERS["measures.Administration.target"] not in html


def test_disclosure_of_assessments_has_stages_and_priorities_not_own_words(
    login, clinician, rich_chart, make_consent
):
    consent = make_consent([InfoKind.ASSESSMENT])
    disclosure = _disclose(rich_chart, clinician, consent, [InfoKind.ASSESSMENT])
    snapshot = json.loads(disclosure.snapshot)
    assert [p["key"] for p in snapshot["parts"]] == ["assessment"]
    html = _document(login, clinician, rich_chart, disclosure)
    assert "Contemplation" in html and "Housing" in html
    for key in OWN_WORDS:
        assert MARKERS[key].replace("'", "&#x27;") not in html, key
        assert MARKERS[key] not in disclosure.snapshot, key


def test_refused_when_the_consent_does_not_cover_measures(clinician, rich_chart, make_consent):
    consent = make_consent([InfoKind.DIARY_GOALS])
    with pytest.raises(privacy_actions.PrivacyRefused, match="does not cover"):
        _disclose(rich_chart, clinician, consent, [InfoKind.DIARY_GOALS, InfoKind.MEASURES])


def test_attendance_disclosure_holds_none_of_these_apps(login, clinician, rich_chart, make_consent):
    consent = make_consent([InfoKind.ATTENDANCE])
    disclosure = _disclose(rich_chart, clinician, consent, [InfoKind.ATTENDANCE])
    # Care (episodes, contacts, team) and appointments (times and what happened, no notes).
    assert [p["key"] for p in json.loads(disclosure.snapshot)["parts"]] == ["care", "appointments"]
    for marker in MARKERS.values():
        assert marker not in disclosure.snapshot


def test_a_chart_without_these_records_has_no_empty_parts(login, client_user, client_chart):
    body = json.loads(_download(login, client_user, "json").content)
    for key in ("measures", "goals", "goal_reasons", "diary", "diary_notes", "appointments"):
        assert key not in body
    Bundle.model_validate(json.loads(_download(login, client_user, "fhir").content))


def test_record_parts_query_count_does_not_grow_with_records(rich_chart, clinician):
    from waypoint.measures import actions as measure_actions
    from waypoint.privacy.records import build_parts

    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            build_parts(rich_chart)
        return len(captured)

    queries()  # the first call also loads the chart's organization
    before = queries()
    for _ in range(5):
        measure_actions.record_administration(
            rich_chart, by=clinician, instrument_id="gad-7", answers=[1] * 7 + [0]
        )
    assert queries() == before
