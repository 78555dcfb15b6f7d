"""FHIR R4 (R4B models) for measures: a Questionnaire per instrument; for each administration a
QuestionnaireResponse plus Observations (the total with its LOINC code where one exists, key
items such as PHQ-9 item 9, and subscales).

Resources are built as plain dicts and validated through `fhir.resources.R4B` before they leave
this module. The library checks structure, not code values, so LOINC codes are checked by the
instrument loader (check digits) and come only from the instrument files, which cite
loinc.org for each one.

A correction is exported with QuestionnaireResponse status "amended" and Observation status
"corrected"; its original stays "completed"/"final" with a note that it was superseded.
"""

import json
import uuid

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

LOINC = "http://loinc.org"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"


def canonical(instrument) -> str:
    return f"urn:waypoint:questionnaire:{instrument.id}"


def _answer_system(instrument) -> str:
    return f"urn:waypoint:questionnaire:{instrument.id}:answers"


def _validated(model, data: dict) -> dict:
    return json.loads(model.model_validate(data).model_dump_json(exclude_none=True))


def _option_coding(instrument, item, index: int) -> dict:
    option = item.options[index]
    if option.loinc:
        return {"system": LOINC, "code": option.loinc, "display": option.label}
    return {
        "system": _answer_system(instrument),
        "code": f"{item.id}.{index}",
        "display": option.label,
    }


def questionnaire(instrument) -> dict:
    items = []
    if instrument.target:
        items.append(
            {
                "linkId": "target",
                "text": instrument.target.get("label", "The change this is about"),
                "type": "string",
                "required": True,
            }
        )
    for number, item in enumerate(instrument.items, 1):
        entry = {
            "linkId": item.id,
            "prefix": f"{number}.",
            "text": item.text,
            "type": "choice",
            "required": item.required,
            "answerOption": [],
        }
        if item.loinc:
            entry["code"] = [{"system": LOINC, "code": item.loinc}]
        for index, option in enumerate(item.options):
            answer = {"valueCoding": _option_coding(instrument, item, index)}
            if item.scored and option.score is not None:
                answer["extension"] = [{"url": ORDINAL_VALUE, "valueDecimal": option.score}]
            entry["answerOption"].append(answer)
        items.append(entry)
    data = {
        "resourceType": "Questionnaire",
        "id": instrument.id,
        "url": canonical(instrument),
        "version": instrument.version,
        "name": "".join(ch for ch in instrument.short_name.title() if ch.isalnum()),
        "title": instrument.name,
        "status": "active",
        "subjectType": ["Patient"],
        "description": instrument.measures or instrument.name,
        "copyright": instrument.licence,
        "item": items,
    }
    if instrument.loinc_panel:
        data["code"] = [{"system": LOINC, "code": instrument.loinc_panel}]
    return _validated(Questionnaire, data)


def _uuid(administration, part: str) -> str:
    return str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"waypoint:administration:{administration.pk}:{part}")
    )


def _subject(client) -> dict:
    return {
        "identifier": {
            "system": f"urn:waypoint:organization:{client.organization_id}:chart-number",
            "value": client.chart_number,
        }
    }


def _performer(administration) -> list[dict]:
    if administration.completed_in_portal:
        return [_subject(administration.client)]
    user = administration.entered_by
    if user is None:
        return []
    return [
        {
            "identifier": {"system": "urn:waypoint:user", "value": str(user.pk)},
            "display": user.display_name,
        }
    ]


def questionnaire_response(administration) -> dict:
    instrument = administration.instrument
    answers = administration.answer_indices()
    items = []
    if instrument.target and administration.target:
        items.append(
            {
                "linkId": "target",
                "text": instrument.target.get("label", ""),
                "answer": [{"valueString": administration.target}],
            }
        )
    for number, item in enumerate(instrument.items):
        index = answers[number] if number < len(answers) else None
        if index is None:
            continue
        items.append(
            {
                "linkId": item.id,
                "text": item.text,
                "answer": [{"valueCoding": _option_coding(instrument, item, index)}],
            }
        )
    data = {
        "resourceType": "QuestionnaireResponse",
        "id": _uuid(administration, "response"),
        "questionnaire": f"{canonical(instrument)}|{administration.instrument_version}",
        "status": "amended" if administration.supersedes_id else "completed",
        "subject": _subject(administration.client),
        "authored": administration.administered_at.isoformat(),
        "item": items,
    }
    performer = _performer(administration)
    if performer:
        data["author"] = performer[0]
    if administration.completed_in_portal:
        data["source"] = _subject(administration.client)
    return _validated(QuestionnaireResponse, data)


def _observation(administration, part: str, code: dict, *, response_id: str, **value) -> dict:
    superseded = _has_correction(administration)
    data = {
        "resourceType": "Observation",
        "id": _uuid(administration, part),
        "status": "corrected" if administration.supersedes_id else "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": code,
        "subject": _subject(administration.client),
        "effectiveDateTime": administration.administered_at.isoformat(),
        "derivedFrom": [{"reference": f"urn:uuid:{response_id}"}],
        **value,
    }
    performer = _performer(administration)
    if performer:
        data["performer"] = performer
    if superseded:
        data["note"] = [{"text": "Superseded by a later correction of the same administration."}]
    return data


def _has_correction(administration) -> bool:
    try:
        administration.superseded_by  # noqa: B018 - reverse one-to-one lookup
    except administration.__class__.superseded_by.RelatedObjectDoesNotExist:
        return False
    return True


def observations(administration) -> list[dict]:
    instrument = administration.instrument
    response_id = _uuid(administration, "response")
    result = []
    if administration.total is not None:
        if instrument.loinc_total:
            code = {
                "coding": [{"system": LOINC, "code": instrument.loinc_total}],
                "text": f"{instrument.short_name} total score",
            }
        else:
            code = {"text": f"{instrument.short_name} total score"}
        value = {"valueInteger": administration.total}
        if administration.band:
            value["interpretation"] = [{"text": administration.band}]
        result.append(_observation(administration, "total", code, response_id=response_id, **value))
    answers = administration.answer_indices()
    for key, item_id in instrument.key_items.items():
        position = instrument.item_index(item_id)
        item = instrument.items[position]
        index = answers[position] if position < len(answers) else None
        if index is None:
            continue
        code = {"text": f"{instrument.short_name} {key}"}
        if item.loinc:
            code["coding"] = [{"system": LOINC, "code": item.loinc}]
        result.append(
            _observation(
                administration,
                f"item-{item_id}",
                code,
                response_id=response_id,
                valueCodeableConcept={
                    "coding": [_option_coding(instrument, item, index)],
                    "text": item.options[index].label,
                },
            )
        )
    for sub in instrument.subscales:
        value = administration.subscales.get(sub.key)
        if value is None:
            continue
        result.append(
            _observation(
                administration,
                f"subscale-{sub.key}",
                {"text": f"{instrument.short_name} {sub.label}"},
                response_id=response_id,
                valueInteger=value,
            )
        )
    return [_validated(Observation, data) for data in result]


def administration_bundle(administration) -> dict:
    response = questionnaire_response(administration)
    entries = [{"fullUrl": f"urn:uuid:{response['id']}", "resource": response}]
    entries += [
        {"fullUrl": f"urn:uuid:{obs['id']}", "resource": obs}
        for obs in observations(administration)
    ]
    data = {
        "resourceType": "Bundle",
        "id": _uuid(administration, "bundle"),
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": entries,
    }
    return _validated(Bundle, data)
