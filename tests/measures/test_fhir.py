"""FHIR R4 resources validate with fhir.resources' R4B models and carry the right codes."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from waypoint.measures import actions, fhir, instruments

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("instrument", instruments.all_instruments(), ids=lambda i: i.id)
def test_questionnaire_per_instrument_validates(instrument):
    data = fhir.questionnaire(instrument)
    parsed = Questionnaire.model_validate(data)
    assert parsed.url == f"urn:waypoint:questionnaire:{instrument.id}"
    choice_items = [i for i in parsed.item if i.type == "choice"]
    assert len(choice_items) == len(instrument.items)
    labels = [o.valueCoding.display for o in choice_items[0].answerOption]
    assert labels == [o.label for o in instrument.items[0].options]


def test_phq9_questionnaire_codes():
    data = fhir.questionnaire(instruments.get("phq-9"))
    assert data["code"] == [{"system": "http://loinc.org", "code": "44249-1"}]
    item9 = next(i for i in data["item"] if i["linkId"] == "q9")
    assert item9["code"] == [{"system": "http://loinc.org", "code": "44260-8"}]
    assert [o["valueCoding"]["code"] for o in item9["answerOption"]] == [
        "LA6568-5",
        "LA6569-3",
        "LA6570-1",
        "LA6571-9",
    ]
    assert item9["answerOption"][2]["extension"][0]["valueDecimal"] == 2


def test_phq9_bundle(phq9):
    administration = phq9([1, 1, 1, 1, 1, 0, 0, 0, 2])
    bundle = fhir.administration_bundle(administration)
    Bundle.model_validate(bundle)
    resources = [entry["resource"] for entry in bundle["entry"]]
    response = QuestionnaireResponse.model_validate(resources[0])
    assert response.status == "completed"
    assert response.questionnaire == "urn:waypoint:questionnaire:phq-9|1.0"
    assert response.subject.identifier.value == "C-001"
    assert len(response.item) == 9  # the optional difficulty item was not answered
    observations = [Observation.model_validate(r) for r in resources[1:]]
    total = observations[0]
    assert total.code.coding[0].code == "44261-6"
    assert total.valueInteger == 7
    assert total.status == "final"
    assert total.derivedFrom[0].reference == f"urn:uuid:{response.id}"
    item9 = observations[1]
    assert item9.code.coding[0].code == "44260-8"
    assert item9.valueCodeableConcept.coding[0].code == "LA6570-1"


def test_observation_without_loinc_and_subscales(client_chart, clinician):
    cudit = actions.record_administration(
        client_chart, by=clinician, instrument_id="cudit-r", answers=[4, 2, 0, 0, 0, 0, 0, 1]
    )
    (total,) = fhir.observations(cudit)
    assert total["code"] == {"text": "CUDIT-R total score"} and total["valueInteger"] == 8
    socrates = actions.record_administration(
        client_chart, by=clinician, instrument_id="socrates-8a", answers=[2] * 19
    )
    values = {o["code"]["text"]: o["valueInteger"] for o in fhir.observations(socrates)}
    assert values == {
        "SOCRATES 8A Recognition": 21,
        "SOCRATES 8A Ambivalence": 12,
        "SOCRATES 8A Taking Steps": 24,
    }
    ruler = actions.record_administration(
        client_chart,
        by=clinician,
        instrument_id="readiness-ruler",
        answers=[7, 5, 6],
        target="drinking on fewer days",
    )
    response = fhir.questionnaire_response(ruler)
    assert response["item"][0] == {
        "linkId": "target",
        "text": "The change this is about",
        "answer": [{"valueString": "drinking on fewer days"}],
    }
    Bundle.model_validate(fhir.administration_bundle(ruler))


def test_correction_statuses(phq9, clinician):
    original = phq9([0] * 9)
    correction = actions.correct_administration(
        original, by=clinician, answers=[1] + [0] * 8, reason="Item 1 misread"
    )
    assert fhir.questionnaire_response(correction)["status"] == "amended"
    assert fhir.observations(correction)[0]["status"] == "corrected"
    original_total = fhir.observations(original)[0]
    assert original_total["status"] == "final"
    assert "Superseded" in original_total["note"][0]["text"]
