"""A chart as a FHIR R4 Bundle and back (issue #14, "FHIR")."""

import copy
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waypoint.appointments import actions as appointment_actions
from waypoint.assessment import actions as assessment_actions
from waypoint.audit.models import AuditEvent
from waypoint.clients import actions as client_actions
from waypoint.clients.models import Client
from waypoint.diary import actions as diary_actions
from waypoint.exchange.fhir_export import client_bundle
from waypoint.exchange.fhir_import import BundleError, import_bundle
from waypoint.goals import actions as goal_actions
from waypoint.measures import actions as measure_actions
from waypoint.medications import actions as medication_actions
from waypoint.plans import actions as plan_actions
from waypoint.privacy import actions as privacy_actions

pytestmark = pytest.mark.django_db

PHQ9 = [1, 2, 0, 1, 3, 0, 1, 2, 0]


@pytest.fixture
def rich_chart(client_chart, clinician, clinic):
    """Robin's chart with a bit of everything the Bundle carries."""
    today = clinic.today()
    client = client_chart
    client.pronouns, client.phone, client.email = "they/them", "555-0100", "robin@example.org"
    client.address, client.languages = "1 Main St\nSpringfield", "English, Spanish"
    client.emergency_contact_name, client.emergency_contact_phone = "Sam Rivera", "555-0199"
    client.emergency_contact_relationship = "sibling"
    client.date_of_birth = datetime.date(1990, 4, 12)
    client.drinking_thresholds = "male"
    client.save()
    first = today - datetime.timedelta(days=200)
    if client.current_episode() is None:
        client_actions.admit_client(client, by=clinician, admitted_on=first)
    client_actions.discharge_client(
        client, by=clinician, discharged_on=first + datetime.timedelta(days=30), reason="moved"
    )
    client_actions.admit_client(
        client, by=clinician, admitted_on=today - datetime.timedelta(days=100), program="Groups"
    )
    goal_actions.choose_goal(
        client,
        by=clinician,
        substance="alcohol",
        kind="moderation",
        started_on=today - datetime.timedelta(days=90),
        chosen_by_client=True,
        limit_unit="drinks",
        max_per_day=Decimal("3"),
        max_use_days_per_week=3,
        in_own_words="I want weekends back",
        review_on=today + datetime.timedelta(days=30),
    )
    goal_actions.choose_goal(
        client,
        by=clinician,
        substance="opioids",
        kind="safer_use",
        started_on=today - datetime.timedelta(days=60),
        chosen_by_client=True,
        practices=["never_alone", "naloxone"],
        practices_other="tell Sam first",
    )
    diary_actions.add_entry(
        client,
        by=clinician,
        source="clinician",
        day=today - datetime.timedelta(days=3),
        substance="alcohol",
        amount=Decimal("2"),
        unit="beverage",
        beverage="beer",
        volume_ml=Decimal("355"),
        abv=Decimal("5"),
        mood=6,
        note="a birthday",
    )
    diary_actions.add_entry(
        client,
        by=clinician,
        source="clinician",
        day=today - datetime.timedelta(days=2),
        substance="cannabis",
        amount=Decimal("1"),
        unit="joints",
        route="smoked",
        money_spent=Decimal("10"),
        setting_where="home",
    )
    diary_actions.record_no_use(
        client, by=clinician, source="clinician", day=today - datetime.timedelta(days=1)
    )
    measure_actions.record_administration(
        client,
        by=clinician,
        instrument_id="phq-9",
        answers=PHQ9,
        administered_at=timezone.now() - datetime.timedelta(days=5),
    )
    _later_parts(client, clinician, today)
    privacy_actions.create_consent(
        client,
        by=clinician,
        recipient_kind="individual",
        recipient_name="Dr. Lee",
        purpose="treatment",
        info_kinds=["attendance"],
        expires_on=today + datetime.timedelta(days=90),
    )
    return client


OVERDOSE_PLAN = {
    "naloxone": ["Narcan in the blue backpack"],
    "naloxone_people": ["Sam"],
    "never_alone": ["Text Sam before I use"],
    "after_a_break": ["Half the amount after any break"],
    "who_to_call": ["911", "Sam, 555-0199"],
}
CRISIS_PLAN = {
    "warning_signs": ["Not sleeping"],
    "coping": ["Walk the dog"],
    "help_people": ["Sam"],
    "environment": ["Sam keeps the pills"],
    "reasons": ["My dog Pepper"],
}


def _later_parts(client, clinician, today):
    """Medications, diagnoses, allergies, safety plans, appointments and assessments."""
    ago = lambda days: today - datetime.timedelta(days=days)  # noqa: E731
    medication_actions.add_medication(
        client,
        by=clinician,
        name="Methadone",
        dose="60 mg liquid daily",
        prescriber="Eastbay OTP",
        started_on=ago(400),
        stopped_on=ago(150),
    )
    medication_actions.add_medication(
        client, by=clinician, name="Suboxone", dose="16/4 mg film", started_on=ago(149)
    )
    medication_actions.add_medication(client, by=clinician, name="Sertraline", started_on=ago(149))
    medication_actions.add_diagnosis(
        client, by=clinician, description="Opioid use disorder", code="F11.20", noted_on=ago(149)
    )
    medication_actions.add_diagnosis(
        client, by=clinician, description="Trouble sleeping after moving", noted_on=ago(20)
    )
    medication_actions.add_allergy(client, by=clinician, text="Penicillin: hives", noted_on=ago(90))
    medication_actions.add_coordination_note(
        client,
        by=clinician,
        occurred_on=ago(15),
        prescriber="Dr. Lee",
        note="With Robin's consent: sleep after the move; no dose change.",
    )
    earlier = timezone.now() - datetime.timedelta(days=40)
    plan_actions.save_plan(
        client, by=clinician, kind="overdose", items=OVERDOSE_PLAN, saved_at=earlier
    )
    plan_actions.save_plan(
        client,
        by=clinician,
        kind="overdose",
        items={"after_a_break": ["Out of jail: a quarter of the old amount", "Narcan out"]},
        client_may_edit=["naloxone_people", "who_to_call"],
    )
    plan_actions.save_plan(client, by=clinician, kind="crisis", items=CRISIS_PLAN)
    now = timezone.now()
    start = now - datetime.timedelta(days=7)
    past = appointment_actions.schedule_appointment(
        client,
        by=clinician,
        clinician=clinician,
        starts_at=start,
        duration_minutes=50,
        note="Talked about the move",
        now=start - datetime.timedelta(days=3),
    )
    appointment_actions.update_appointment(past, by=clinician, status="did_not_attend")
    appointment_actions.record_drop_in(
        client,
        by=clinician,
        clinician=clinician,
        starts_at=now - datetime.timedelta(days=2),
        duration_minutes=20,
    )
    appointment_actions.schedule_appointment(
        client,
        by=clinician,
        clinician=clinician,
        starts_at=now + datetime.timedelta(days=5),
        duration_minutes=45,
    )
    assessment_actions.record_stage(
        client, by=clinician, substance="opioids", stage="contemplation", noted_on=ago(60)
    )
    assessment_actions.record_stage(
        client,
        by=clinician,
        substance="opioids",
        stage="action",
        noted_on=ago(10),
        note="Using with Sam around",
    )
    assessment_actions.record_stage(
        client, by=clinician, substance="alcohol", stage="preparation", noted_on=ago(10)
    )
    assessment_actions.save_balance(
        client,
        by=clinician,
        substance="alcohol",
        noted_on=ago(30),
        benefits_of_using="Relaxes me",
        costs_of_changing="Friends drink",
    )
    assessment_actions.save_balance(
        client,
        by=clinician,
        substance="alcohol",
        noted_on=ago(5),
        by_client=True,
        benefits_of_using="Relaxes me",
        costs_of_using="Mornings",
        benefits_of_changing="Weekends back",
    )
    assessment_actions.save_drug_set_setting(
        client,
        by=clinician,
        substance="opioids",
        noted_on=ago(30),
        amount_and_frequency="A point most days",
        route="smoked",
        age_first_use=19,
        does_for_them="Quiets the pain",
        continuum_client="misuse",
        continuum_clinician="dependence",
        setting_notes="Shares a flat with Sam",
    )
    assessment_actions.save_priorities(
        client,
        by=clinician,
        order=["housing", "health", "money", "relationships", "substance_use", "work", "legal"],
        noted_on=ago(30),
        note="A lease first",
        by_client=True,
    )


def _by_type(bundle):
    found = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def _comparable(bundle):
    """What must survive a round trip: every resource but its ids, references, the
    organization-specific identifier system, who entered it, and consents (not imported)."""
    volatile = {
        "id",
        "subject",
        "patient",
        "expressedBy",
        "derivedFrom",
        "replaces",
        "valueReference",
        "author",
        "performer",
        "source",
        "identifier",
        "dateTime",
    }

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in volatile}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    kept = {k: v for k, v in _by_type(bundle).items() if k != "Consent"}
    return {kind: [strip(r) for r in resources] for kind, resources in kept.items()}


def test_export_is_a_valid_r4_bundle_with_every_kind(rich_chart):
    bundle = client_bundle(rich_chart)
    Bundle.model_validate(bundle)
    kinds = _by_type(bundle)
    assert {k: len(v) for k, v in kinds.items()} == {
        "Patient": 1,
        "Encounter": 5,  # two episodes, three appointments
        "Goal": 2,
        "Observation": 8,  # three diary entries, two scores, three stages of change
        "QuestionnaireResponse": 5,  # PHQ-9, two balances, drug-set-setting, priorities
        "MedicationStatement": 3,
        "Condition": 2,
        "AllergyIntolerance": 1,
        "Communication": 1,
        "CarePlan": 3,  # two versions of the overdose plan, the crisis plan
        "Consent": 1,
    }
    # labelled as Part 2 information for whoever receives it (sending it is a disclosure)
    assert {"42CFRPart2", "R", "ETH"} == {c["code"] for c in bundle["meta"]["security"]}
    patient = kinds["Patient"][0]
    assert patient["birthDate"] == "1990-04-12"
    assert {"use": "official", "text": rich_chart.legal_name} in patient["name"]


def _ext(resource, name):
    return next(
        {k: v for k, v in e.items() if k != "url"}
        for e in resource.get("extension", [])
        if e["url"] == f"urn:waypoint:fhir:extension:{name}"
    )


def test_the_later_chart_parts_map_to_standard_elements(rich_chart):
    kinds = _by_type(client_bundle(rich_chart))
    methadone, suboxone, sertraline = kinds["MedicationStatement"]
    assert methadone["status"] == "completed" and suboxone["status"] == "active"
    assert methadone["medicationCodeableConcept"] == {"text": "Methadone"}
    assert methadone["dosage"] == [{"text": "60 mg liquid daily"}]
    assert set(methadone["effectivePeriod"]) == {"start", "end"}
    assert _ext(methadone, "prescriber") == {"valueString": "Eastbay OTP"}
    assert _ext(suboxone, "for-opioid-use-disorder") == {"valueBoolean": True}
    assert _ext(sertraline, "for-opioid-use-disorder") == {"valueBoolean": False}
    coded, words_only = kinds["Condition"]
    assert coded["code"]["coding"] == [
        {
            "system": "http://hl7.org/fhir/sid/icd-10-cm",
            "code": "F11.20",
            "display": "Opioid dependence, uncomplicated",
        }
    ]
    assert "coding" not in words_only["code"]
    assert kinds["AllergyIntolerance"][0]["code"] == {"text": "Penicillin: hives"}
    contact = kinds["Communication"][0]
    assert contact["recipient"] == [{"display": "Dr. Lee"}]
    assert contact["payload"][0]["contentString"].startswith("With Robin's consent")
    crisis, first, current = kinds["CarePlan"]
    assert (first["status"], current["status"], crisis["status"]) == ("revoked", "active", "active")
    assert current["replaces"] == [{"reference": f"urn:uuid:{first['id']}"}]
    assert current["category"][0]["coding"][0] == {
        "system": "urn:waypoint:safety-plan",
        "code": "overdose",
    }
    sections = [a["detail"]["code"]["coding"][0]["code"] for a in current["activity"]]
    assert sections.count("after_a_break") == 2 and sections[0] == "naloxone"
    assert json.loads(_ext(current, "client-may-edit")["valueString"]) == [
        "naloxone_people",
        "who_to_call",
    ]
    appointments = [e for e in kinds["Encounter"] if "type" in e]
    assert [e["status"] for e in appointments] == ["cancelled", "finished", "planned"]
    assert _ext(appointments[0], "appointment-status") == {"valueString": "did_not_attend"}
    assert appointments[1]["type"][0]["coding"][0]["code"] == "drop_in"
    assert appointments[1]["length"]["value"] == 20
    stages = [
        o for o in kinds["Observation"] if o["code"]["coding"][0]["code"] == "stage-of-change"
    ]
    assert [s["valueCodeableConcept"]["coding"][0]["code"] for s in stages] == [
        "contemplation",
        "action",
        "preparation",
    ]
    assessments = [
        r["questionnaire"]
        for r in kinds["QuestionnaireResponse"]
        if "assessment" in r["questionnaire"]
    ]
    assert assessments == [
        "urn:waypoint:assessment:decisional-balance",
        "urn:waypoint:assessment:decisional-balance",
        "urn:waypoint:assessment:drug-set-setting",
        "urn:waypoint:assessment:priorities",
    ]


def test_round_trip_keeps_every_exported_field(rich_chart, other_clinic, other_clinician):
    exported = client_bundle(rich_chart)
    result = import_bundle(
        json.loads(json.dumps(exported)), organization=other_clinic, by=other_clinician
    )
    assert result.client.organization == other_clinic
    assert result.client.chart_number == rich_chart.chart_number
    again = client_bundle(result.client)
    assert _comparable(again) == _comparable(exported)
    assert result.skipped and "consent" in result.skipped[0]


def test_import_is_audited_and_creates_one_chart(rich_chart, other_clinic, other_clinician):
    from waypoint.exchange.actions import import_chart

    before = Client.objects.count()
    result = import_chart(client_bundle(rich_chart), by=other_clinician)
    assert Client.objects.count() == before + 1
    assert AuditEvent.objects.filter(
        client_id=result.client.pk, action="create", object_type="clients.client"
    ).exists()


def _bundle(rich_chart):
    return json.loads(json.dumps(client_bundle(rich_chart)))


def _patient_index(bundle):
    return next(
        i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == "Patient"
    )


@pytest.mark.parametrize(
    "break_it,path",
    [
        (lambda b, p: b.update(resourceType="Patient"), "resourceType"),
        (
            lambda b, p: b["entry"][p]["resource"].update(birthDate="1990-02-30"),
            "entry[0].resource.birthDate",
        ),
        (lambda b, p: b["entry"].pop(p), "entry"),
        (lambda b, p: b["entry"].append(copy.deepcopy(b["entry"][p])), "entry"),
        (lambda b, p: b["entry"][p]["resource"].update(name=[]), "entry[0].resource.name"),
        (lambda b, p: b.update(type="searchset"), "type"),
        (
            lambda b, p: b["entry"].append({"resource": {"resourceType": "Device", "id": "x"}}),
            "resourceType",
        ),
    ],
)
def test_a_broken_bundle_is_refused_with_its_path_and_creates_nothing(
    rich_chart, other_clinic, other_clinician, break_it, path
):
    bundle = _bundle(rich_chart)
    break_it(bundle, _patient_index(bundle))
    before = (Client.objects.count(), AuditEvent.objects.count())
    with pytest.raises(BundleError) as caught:
        import_bundle(bundle, organization=other_clinic, by=other_clinician)
    assert path in caught.value.path, caught.value
    assert (Client.objects.count(), AuditEvent.objects.count()) == before


def test_implausible_diary_amount_rolls_everything_back(rich_chart, other_clinic, other_clinician):
    bundle = _bundle(rich_chart)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if (
            resource["resourceType"] == "Observation"
            and resource.get("valueQuantity", {}).get("unit") == "joints"
        ):
            resource["valueQuantity"]["value"] = 5000
    with pytest.raises(BundleError, match="valueQuantity"):
        import_bundle(bundle, organization=other_clinic, by=other_clinician)
    assert not Client.objects.filter(
        organization=other_clinic, chart_number=rich_chart.chart_number
    ).exists()


def test_a_use_entry_without_its_substance_is_refused_not_a_database_error(
    rich_chart, other_clinic, other_clinician
):
    """Found by the fuzz test: a blanked diary code reached the database's check constraint."""
    bundle = _bundle(rich_chart)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        if resource["resourceType"] == "Observation" and "valueQuantity" in resource:
            resource["extension"] = [
                e for e in resource.get("extension", []) if not e["url"].endswith("substance")
            ]
            break
    with pytest.raises(BundleError, match="substance"):
        import_bundle(bundle, organization=other_clinic, by=other_clinician)
    assert not Client.objects.filter(organization=other_clinic).exists()


def test_a_negative_goal_limit_is_refused_not_a_database_error(
    rich_chart, other_clinic, other_clinician
):
    """Found by the fuzz test: a negative limit reached the goals' check constraint."""
    bundle = _bundle(rich_chart)
    changed = False
    for entry in bundle["entry"]:
        for extension in entry["resource"].get("extension", []):
            if extension["url"].endswith("max-per-day") and "valueDecimal" in extension:
                extension["valueDecimal"] = -2.0
                changed = True
    assert changed, "the rich chart exports a goal with a daily limit"
    with pytest.raises(BundleError):
        import_bundle(bundle, organization=other_clinic, by=other_clinician)
    assert not Client.objects.filter(organization=other_clinic).exists()


def test_an_answer_outside_the_options_is_refused(rich_chart, other_clinic, other_clinician):
    bundle = _bundle(rich_chart)
    for entry in bundle["entry"]:
        if entry["resource"].get("questionnaire", "").startswith("urn:waypoint:questionnaire:"):
            entry["resource"]["item"][0]["answer"][0]["valueCoding"]["code"] = "nope"
    with pytest.raises(BundleError, match="not one of the item's options"):
        import_bundle(bundle, organization=other_clinic, by=other_clinician)


def test_a_chart_number_in_use_is_refused(rich_chart, clinic, clinician):
    with pytest.raises(BundleError, match="already used here"):
        import_bundle(_bundle(rich_chart), organization=clinic, by=clinician)


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@pytest.mark.slow
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hostile_bundles_never_crash_and_never_half_import(
    rich_chart, other_clinic, other_clinician, data
):
    """Any element replaced by junk: the import either succeeds whole or is refused with a
    path, and a refusal creates nothing."""
    bundle = _bundle(rich_chart)
    paths = [p for p in _paths(bundle) if p]
    path = data.draw(st.sampled_from(paths))
    target = bundle
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = data.draw(JUNK)
    before = Client.objects.filter(organization=other_clinic).count()
    try:
        result = import_bundle(bundle, organization=other_clinic, by=other_clinician)
    except BundleError as exc:
        assert exc.path and exc.message
        assert Client.objects.filter(organization=other_clinic).count() == before
    else:
        result.client.delete()


def test_download_is_audited_and_follows_access(login, clinician, colleague, rich_chart):
    response = login(clinician).get(f"/clients/{rich_chart.pk}/fhir.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["resourceType"] == "Bundle"
    assert AuditEvent.objects.filter(action="export", client_id=rich_chart.pk).exists()
    assert login(colleague).get(f"/clients/{rich_chart.pk}/fhir.json").status_code == 404


def test_upload_page(login, rich_chart, other_clinician, client_user, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    browser = login(other_clinician)
    assert browser.get("/clients/import/fhir/").status_code == 200
    bad = browser.post("/clients/import/fhir/", {"bundle": SimpleUploadedFile("b.json", b"{no")})
    assert bad.status_code == 400 and "not JSON" in bad.content.decode()
    good = SimpleUploadedFile("b.json", json.dumps(client_bundle(rich_chart)).encode())
    response = browser.post("/clients/import/fhir/", {"bundle": good})
    assert response.status_code == 302
    assert Client.objects.filter(
        organization=other_clinician.organization, chart_number=rich_chart.chart_number
    ).exists()


def test_clients_cannot_import(login, client_user):
    assert login(client_user).get("/clients/import/fhir/").status_code == 403


def test_cli_refuses_with_the_path(tmp_path, rich_chart, other_clinic, other_clinician):
    bundle = _bundle(rich_chart)
    bundle["entry"][_patient_index(bundle)]["resource"]["birthDate"] = "soon"
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle))
    with pytest.raises(
        CommandError, match=r"refused, nothing created: entry\[0\]\.resource\.birthDate"
    ):
        call_command(
            "fhir-import",
            str(path),
            "--organization",
            other_clinic.slug,
            "--by",
            other_clinician.email,
        )
    path.write_text(json.dumps(_bundle(rich_chart)))
    out = io.StringIO()
    call_command(
        "fhir-import",
        str(path),
        "--organization",
        other_clinic.slug,
        "--by",
        other_clinician.email,
        stdout=out,
    )
    assert Client.objects.filter(organization=other_clinic).count() == 1
    assert "3 medications, 2 diagnoses, 1 allergies, 1 contacts with prescribers, 3 safety" in (
        out.getvalue()
    )


def _assert_same(again, exported, chart):
    """Equal, or fail naming the first resource that differs (the whole dicts are unreadable)."""
    assert sorted(again) == sorted(exported), chart
    for kind, resources in exported.items():
        assert len(again[kind]) == len(resources), (chart, kind)
        for before, after in zip(resources, again[kind], strict=True):
            assert after == before, (chart, kind)


@pytest.mark.slow
def test_every_demo_chart_survives_a_round_trip():
    """The demo clinic's charts (every part the Bundle carries, written by each app's demo step)
    exported, imported into the other clinic under a new number, and exported again."""
    from waypoint.clinics.demo import build_demo

    demo = build_demo()
    importer = demo.users["other"]
    charts = Client.objects.filter(organization=demo.clinic).order_by("pk")
    seen = set()
    for number, chart in enumerate(charts, start=1):
        exported = client_bundle(chart)
        seen |= set(_by_type(exported))
        result = import_bundle(
            json.loads(json.dumps(exported)),
            organization=demo.other_clinic,
            by=importer,
            chart_number=f"RT-{number}",
        )
        _assert_same(_comparable(client_bundle(result.client)), _comparable(exported), chart)
    assert seen >= {
        "MedicationStatement",
        "Condition",
        "AllergyIntolerance",
        "CarePlan",
        "Encounter",
        "Observation",
        "QuestionnaireResponse",
    }


def _first(bundle, predicate):
    """(index, resource) of the first entry whose resource matches."""
    return next(
        (i, e["resource"]) for i, e in enumerate(bundle["entry"]) if predicate(e["resource"])
    )


def _kind(name):
    return lambda r: r["resourceType"] == name


def _questionnaire(name):
    return lambda r: r.get("questionnaire") == f"urn:waypoint:assessment:{name}"


def _is_appointment(status):
    return lambda r: any(
        e == {"url": "urn:waypoint:fhir:extension:appointment-status", "valueString": status}
        for e in r.get("extension", [])
    )


def _set_ext(resource, name, **value):
    url = f"urn:waypoint:fhir:extension:{name}"
    resource["extension"] = [e for e in resource.get("extension", []) if e["url"] != url]
    resource["extension"].append({"url": url, **value})


def _stage(r):
    return (
        r["resourceType"] == "Observation"
        and "valueCodeableConcept" in r
        and any(c["code"] == "stage-of-change" for c in r["code"].get("coding", []))
    )


def _correct_phq9(client, by):
    original = client.administrations.current().get()
    return measure_actions.correct_administration(
        original, by=by, answers=[1, 2, 0, 1, 3, 0, 1, 2, 1], reason="Item 9 was misread"
    )


LATER_BREAKS = [
    # (which resource, how to break it, the path the refusal names, after "entry[i].resource")
    (
        _kind("MedicationStatement"),
        lambda r: r.update(medicationCodeableConcept={"text": " "}),
        ".medicationCodeableConcept.text",
    ),
    (
        _kind("MedicationStatement"),
        lambda r: r.update(effectivePeriod={"start": "2020-05-01", "end": "2020-04-01"}),
        ".effectivePeriod.end",
    ),
    (_kind("MedicationStatement"), lambda r: r.pop("effectivePeriod"), ".effectivePeriod.start"),
    (
        _kind("Condition"),
        lambda r: r["code"]["coding"][0].update(code="F11.2X"),
        ".code.coding[0].code",
    ),
    (
        _kind("Condition"),
        lambda r: r["code"]["coding"][0].update(code="A00.0"),  # well formed, not on our list
        ".code.coding[0].code",
    ),
    (_kind("Condition"), lambda r: r.pop("recordedDate"), ".recordedDate"),
    (_kind("AllergyIntolerance"), lambda r: r.update(code={"text": ""}), ".code.text"),
    (_kind("Communication"), lambda r: r.pop("category"), ".category"),
    (_kind("Communication"), lambda r: r.update(sent="last week"), ".sent"),
    (_kind("Communication"), lambda r: r.update(payload=[{"contentString": " "}]), ""),
    (
        _kind("CarePlan"),
        lambda r: r["activity"][0]["detail"]["code"]["coding"][0].update(code="hopes"),
        ".activity[0].detail.code",
    ),
    (
        _kind("CarePlan"),
        lambda r: r.update(activity=[a for a in r["activity"][1:]]),  # a required section gone
        ".activity",
    ),
    (
        _kind("CarePlan"),
        lambda r: r["activity"][0]["detail"].update(description="x" * 201),
        ".activity[0].detail.description",
    ),
    (
        _kind("CarePlan"),
        lambda r: r["category"][0]["coding"][0].update(code="relapse"),
        ".category",
    ),
    (_kind("CarePlan"), lambda r: r.update(created="2026-01-01T10:00:00"), ".created"),
    (
        _is_appointment("scheduled"),  # in the future: nobody has attended it yet
        lambda r: _set_ext(r, "appointment-status", valueString="attended"),
        ".extension",
    ),
    (
        _is_appointment("attended"),
        lambda r: r["period"].update(end=r["period"]["start"]),
        ".period.end",
    ),
    (
        _is_appointment("attended"),
        lambda r: r["type"][0]["coding"][0].update(code="group"),
        ".type",
    ),
    (
        _is_appointment("attended"),
        lambda r: r.update(
            period={"start": "0001-01-01T00:00:00+00:00", "end": "0001-01-01T00:20:00+00:00"}
        ),
        ".period.start",
    ),
    (
        _is_appointment("did_not_attend"),
        lambda r: _set_ext(r, "appointment-status", valueString="no_show"),
        ".extension",
    ),
    (
        _stage,
        lambda r: r["valueCodeableConcept"]["coding"][0].update(code="relapse"),
        ".valueCodeableConcept",
    ),
    (_stage, lambda r: _set_ext(r, "substance", valueString="sugar"), ".extension"),
    (
        _questionnaire("decisional-balance"),
        lambda r: r["item"][0].update(linkId="pros"),
        ".item[0].linkId",
    ),
    (
        _questionnaire("decisional-balance"),
        lambda r: _set_ext(r, "by-client", valueString="yes"),
        ".extension",
    ),
    (
        _questionnaire("drug-set-setting"),
        lambda r: next(i for i in r["item"] if i["linkId"] == "age_first_use")["answer"][0].update(
            valueInteger=300
        ),
        ".item[4].answer[0].valueInteger",  # after three answers in words and the route
    ),
    (
        _questionnaire("drug-set-setting"),
        lambda r: next(i for i in r["item"] if i["linkId"] == "route")["answer"][0][
            "valueCoding"
        ].update(code="IV"),
        "",
    ),
    (
        _questionnaire("priorities"),
        lambda r: r["item"][0]["answer"].pop(),
        ".item[0].answer",
    ),
]


def _later_counts(organization):
    from waypoint.appointments.models import Appointment
    from waypoint.assessment.models import DecisionalBalance, StageOfChange
    from waypoint.medications.models import CoordinationNote, Diagnosis, Medication
    from waypoint.plans.models import SafetyPlanVersion

    return [
        model.objects.filter(
            **{
                "plan__client__organization"
                if model is SafetyPlanVersion
                else "client__organization": organization
            }
        ).count()
        for model in (
            Medication,
            Diagnosis,
            CoordinationNote,
            SafetyPlanVersion,
            Appointment,
            StageOfChange,
            DecisionalBalance,
        )
    ] + [Client.objects.filter(organization=organization).count(), AuditEvent.objects.count()]


@pytest.mark.parametrize("which,break_it,suffix", LATER_BREAKS)
def test_a_broken_later_part_is_refused_with_its_path_and_creates_nothing(
    rich_chart, other_clinic, other_clinician, which, break_it, suffix
):
    bundle = _bundle(rich_chart)
    index, resource = _first(bundle, which)
    break_it(resource)
    before = _later_counts(other_clinic)
    with pytest.raises(BundleError) as caught:
        import_bundle(bundle, organization=other_clinic, by=other_clinician)
    assert caught.value.path == f"entry[{index}].resource{suffix}", caught.value
    assert caught.value.message
    assert _later_counts(other_clinic) == before


def test_a_measure_correction_travels_with_its_original(rich_chart, other_clinic, other_clinician):
    correction = _correct_phq9(rich_chart, rich_chart.primary_clinician)
    bundle = _bundle(rich_chart)
    responses = [
        r for r in _by_type(bundle)["QuestionnaireResponse"] if "phq-9" in r["questionnaire"]
    ]
    assert [r["status"] for r in responses] == ["completed", "amended"]
    assert _ext(responses[1], "corrects") == {
        "valueReference": {"reference": f"urn:uuid:{responses[0]['id']}"}
    }
    imported = import_bundle(bundle, organization=other_clinic, by=other_clinician).client
    again = imported.administrations.current().get()
    assert again.supersedes is not None and again.correction_reason == "Item 9 was misread"
    assert again.total == correction.total and again.supersedes.total == correction.total - 1
    _assert_same(_comparable(client_bundle(imported)), _comparable(bundle), imported)

    broken = _bundle(rich_chart)
    index, response = _first(broken, lambda r: r.get("status") == "amended")
    _set_ext(response, "corrects", valueReference={"reference": "urn:uuid:nowhere"})
    with pytest.raises(BundleError) as caught:
        import_bundle(broken, organization=other_clinic, by=other_clinician, chart_number="N-2")
    assert caught.value.path == f"entry[{index}].resource.extension"


def test_the_import_writes_through_the_apps_actions_audited(
    rich_chart, other_clinic, other_clinician
):
    result = import_bundle(_bundle(rich_chart), organization=other_clinic, by=other_clinician)
    created = set(
        AuditEvent.objects.filter(client_id=result.client.pk, action="create").values_list(
            "object_type", flat=True
        )
    )
    assert created >= {
        "medications.medication",
        "medications.diagnosis",
        "medications.allergy",
        "medications.coordinationnote",
        "plans.safetyplan",
        "plans.safetyplanversion",
        "appointments.appointment",
        "assessment.stageofchange",
        "assessment.decisionalbalance",
        "assessment.drugsetsetting",
        "assessment.needspriorities",
    }
    assert result.counts["safety plan versions"] == 3 and result.counts["appointments"] == 3
    # the importer is the appointments' clinician; what happened is kept
    assert sorted(result.client.appointments.values_list("status", flat=True)) == [
        "attended",
        "did_not_attend",
        "scheduled",
    ]
    assert set(result.client.appointments.values_list("clinician", flat=True)) == {
        other_clinician.pk
    }


LATER_TYPES = {
    "MedicationStatement",
    "Communication",
    "Condition",
    "AllergyIntolerance",
    "CarePlan",
}


def _later(resource) -> bool:
    return (
        resource["resourceType"] in LATER_TYPES
        or "type" in resource  # appointments
        or _stage(resource)
        or resource.get("questionnaire", "").startswith("urn:waypoint:assessment:")
        or "urn:waypoint:fhir:extension:corrects" in json.dumps(resource)
    )


@pytest.mark.slow
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_hostile_later_parts_never_crash_and_never_half_import(
    rich_chart, other_clinic, other_clinician, data
):
    """As the test above, with junk only in the later parts (medications to assessments, and a
    measure correction), so each of their importers meets hostile values."""
    if not rich_chart.administrations.filter(supersedes__isnull=False).exists():
        _correct_phq9(rich_chart, rich_chart.primary_clinician)
    bundle = _bundle(rich_chart)
    paths = [
        ("entry", i, "resource", *p)
        for i, entry in enumerate(bundle["entry"])
        if _later(entry["resource"])
        for p in _paths(entry["resource"])
        if p
    ]
    path = data.draw(st.sampled_from(paths))
    target = bundle
    for part in path[:-1]:
        target = target[part]
    if data.draw(st.booleans()) and isinstance(target, dict):
        del target[path[-1]]  # a missing element, as well as a wrong one
    else:
        target[path[-1]] = data.draw(JUNK)
    before = _later_counts(other_clinic)[:-1]
    try:
        result = import_bundle(bundle, organization=other_clinic, by=other_clinician)
    except BundleError as exc:
        assert exc.path and exc.message
        assert exc.path.startswith(("entry", "Bundle", "Patient")), exc.path
        assert _later_counts(other_clinic)[:-1] == before
    else:
        result.client.delete()
