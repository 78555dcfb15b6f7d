"""A whole chart as one FHIR R4 Bundle (R4B models), for another system or another Waypoint.

Resources, whichever the chart has: Patient; Encounter per episode of care; Goal per goal;
Observation per diary entry; QuestionnaireResponse and its Observations per completed measure
(from `waypoint.measures.fhir`; a correction "amended", naming the response it corrects, after
its original); MedicationStatement per medication;
Condition per diagnosis; AllergyIntolerance per allergy; Communication per contact with a
prescriber; CarePlan per safety-plan version;
Encounter per appointment; Observation per stage of change; QuestionnaireResponse per decisional
balance, drug-set-setting assessment and priorities; Consent per consent. Standard elements
carry what FHIR has a place for; the rest of each field goes in Waypoint extensions
(`EXT + name`), so an import into Waypoint (`fhir_import`) keeps every exported field. Every
resource is validated with `fhir.resources.R4B` before it leaves this module. docs/fhir.md.
"""

import datetime
import json
import uuid
from decimal import Decimal

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from waypoint.appointments.models import Appointment
from waypoint.assessment.models import (
    CELLS,
    DSS_TEXT,
    DecisionalBalance,
    DrugSetSetting,
    LifeArea,
    NeedsPriorities,
    StageOfChange,
)
from waypoint.measures import fhir as measures_fhir
from waypoint.medications.models import Allergy, CoordinationNote, Diagnosis, Medication
from waypoint.plans.models import SafetyPlan

EXT = "urn:waypoint:fhir:extension:"
DIARY_SYSTEM = "urn:waypoint:diary"
SOCIAL_HISTORY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "social-history",
            "display": "Social History",
        }
    ]
}
CONSENT_SCOPE = {
    "coding": [
        {"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}
    ]
}
CONSENT_CATEGORY = [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}]
AMBULATORY = {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"}


# The whole Bundle is 42 CFR Part 2 information (HL7 security labels, as the FHIR Data
# Segmentation for Privacy guide uses them): restricted, under Part 2, substance use information.
PART2_SECURITY_LABELS = [
    {
        "system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
        "code": "R",
        "display": "restricted",
    },
    {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "code": "42CFRPart2",
        "display": "42 CFR Part2",
    },
    {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
        "code": "ETH",
        "display": "substance abuse information sensitivity",
    },
]


def _id(kind: str, pk) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"waypoint:{kind}:{pk}"))


def ext(name: str, value) -> dict | None:
    """One Waypoint extension, typed by the Python value; None for empty values."""
    if value in (None, "", []):
        return None
    url = EXT + name
    if isinstance(value, bool):
        return {"url": url, "valueBoolean": value}
    if isinstance(value, int):
        return {"url": url, "valueInteger": value}
    if isinstance(value, Decimal | float):
        return {"url": url, "valueDecimal": float(value)}
    if isinstance(value, list | dict):
        return {"url": url, "valueString": json.dumps(value, sort_keys=True)}
    if hasattr(value, "isoformat"):
        return {"url": url, "valueDate": value.isoformat()}
    return {"url": url, "valueString": str(value)}


def _extensions(pairs) -> list[dict]:
    return [e for e in (ext(name, value) for name, value in pairs) if e is not None]


def _with(data: dict, **optional) -> dict:
    data.update({key: value for key, value in optional.items() if value not in (None, "", [])})
    return data


def patient(client) -> dict:
    names = [{"use": "official", "text": client.legal_name}]
    if client.preferred_name:
        names.append({"use": "usual", "text": client.preferred_name})
    telecom = [
        {"system": system, "value": value}
        for system, value in (("phone", client.phone), ("email", client.email))
        if value
    ]
    contact = None
    if client.emergency_contact_name or client.emergency_contact_phone:
        contact = [
            _with(
                {},
                name={"text": client.emergency_contact_name}
                if client.emergency_contact_name
                else None,
                telecom=[{"system": "phone", "value": client.emergency_contact_phone}]
                if client.emergency_contact_phone
                else None,
                relationship=[{"text": client.emergency_contact_relationship}]
                if client.emergency_contact_relationship
                else None,
            )
        ]
    return _with(
        {
            "resourceType": "Patient",
            "id": _id("client", client.pk),
            "identifier": [measures_fhir._subject(client)["identifier"]],
            "name": names,
            "extension": _extensions(
                [
                    ("pronouns", client.pronouns),
                    ("drinking-thresholds", client.drinking_thresholds),
                    ("chart-status", client.status),
                ]
            ),
        },
        birthDate=client.date_of_birth.isoformat() if client.date_of_birth else None,
        telecom=telecom,
        address=[{"text": client.address}] if client.address else None,
        communication=[{"language": {"text": client.languages}}] if client.languages else None,
        contact=contact,
    )


def _subject(client) -> dict:
    return {"reference": f"urn:uuid:{_id('client', client.pk)}"}


def encounter(episode) -> dict:
    period = _with({"start": episode.admitted_on.isoformat()})
    if episode.discharged_on:
        period["end"] = episode.discharged_on.isoformat()
    return _with(
        {
            "resourceType": "Encounter",
            "id": _id("episode", episode.pk),
            "status": "finished" if episode.discharged_on else "in-progress",
            "class": AMBULATORY,
            "subject": _subject(episode.client),
            "period": period,
            "extension": _extensions(
                [
                    ("discharge-reason", episode.discharge_reason),
                    ("discharge-note", episode.discharge_note),
                ]
            ),
        },
        serviceType={"text": episode.program} if episode.program else None,
    )


GOAL_FIELDS = (
    "review_on",
    "practices",
    "practices_other",
    "limit_unit",
    "max_per_occasion",
    "max_per_day",
    "max_use_days_per_week",
    "no_use_situations",
)


def goal(goal) -> dict:
    extensions = _extensions(
        [("substance", goal.substance), ("kind", goal.kind), ("ended-on", goal.ended_on)]
        + [(name.replace("_", "-"), getattr(goal, name)) for name in GOAL_FIELDS]
    )
    return _with(
        {
            "resourceType": "Goal",
            "id": _id("goal", goal.pk),
            "lifecycleStatus": "completed" if goal.ended_on else "active",
            "description": {"text": f"{goal.get_kind_display()}: {goal.get_substance_display()}"},
            "subject": _subject(goal.client),
            "startDate": goal.started_on.isoformat(),
            "expressedBy": _subject(goal.client),  # the person's own choice
            "extension": extensions,
        },
        note=[{"text": goal.in_own_words}] if goal.in_own_words else None,
    )


DIARY_FIELDS = (
    "substance",
    "unit",
    "beverage",
    "volume_ml",
    "abv",
    "route",
    "practices",
    "mood",
    "urge",
    "money_spent",
    "setting_where",
    "setting_with_whom",
    "source",
)


def diary_observation(entry) -> dict:
    data = {
        "resourceType": "Observation",
        "id": _id("diary", entry.pk),
        "status": "final",
        "category": [SOCIAL_HISTORY],
        "code": {
            "coding": [{"system": DIARY_SYSTEM, "code": entry.kind}],
            "text": "No use today" if entry.kind == "no_use" else "Substance use (diary)",
        },
        "subject": _subject(entry.client),
        "effectiveDateTime": entry.day.isoformat(),
        "extension": _extensions(
            [(name.replace("_", "-"), getattr(entry, name)) for name in DIARY_FIELDS]
        ),
    }
    if entry.amount is not None:
        data["valueQuantity"] = {"value": float(entry.amount), "unit": entry.unit}
    if entry.note:
        data["note"] = [{"text": entry.note}]
    return data


def consent(consent) -> dict:
    period = {}
    if consent.expires_on:
        period["end"] = consent.expires_on.isoformat()
    status = "active" if consent.is_signed and not consent.revoked_at else "inactive"
    if not consent.is_signed:
        status = "draft"
    return _with(
        {
            "resourceType": "Consent",
            "id": _id("consent", consent.pk),
            "status": status,
            "scope": CONSENT_SCOPE,
            "category": CONSENT_CATEGORY,
            "patient": _subject(consent.client),
            "dateTime": consent.created_at.isoformat(),
            "policy": [
                {"uri": "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"}
            ],
            "extension": _extensions(
                [
                    ("recipient", consent.recipient_label),
                    ("purpose", consent.purpose),
                    ("information", consent.info_kinds),
                ]
            ),
        },
        provision={"period": period} if period else None,
    )


def client_bundle(client) -> dict:
    """The chart as a validated FHIR R4 (R4B) collection Bundle."""
    resources = [patient(client)]
    resources += [encounter(e) for e in client.episodes.order_by("admitted_on", "pk")]
    resources += [goal(g) for g in client.goals.order_by("started_on", "pk")]
    resources += [diary_observation(e) for e in client.diary_entries.order_by("day", "pk")]
    for administration in (
        client.administrations.completed()
        .select_related("client", "entered_by")
        .order_by("administered_at", "pk")
    ):
        response = measures_fhir.questionnaire_response(administration)
        response["subject"] = _subject(client)
        if administration.supersedes_id:  # a correction: which response it replaces, and why
            original = measures_fhir._uuid(administration.supersedes, "response")
            response.setdefault("extension", []).append(
                {"url": EXT + "corrects", "valueReference": {"reference": f"urn:uuid:{original}"}}
            )
            response["extension"] += _extensions(
                [("correction-reason", administration.correction_reason)]
            )
        resources.append(response)
        for observation in measures_fhir.observations(administration):
            observation["subject"] = _subject(client)
            resources.append(observation)
    resources += chart_parts(client)
    resources += [consent(c) for c in client.consents.order_by("created_at", "pk")]
    data = {
        "resourceType": "Bundle",
        "id": _id("bundle", client.pk),
        "meta": {"security": PART2_SECURITY_LABELS},
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
    return json.loads(Bundle.model_validate(data).model_dump_json(exclude_none=True))


# Chart parts added with issue #14's second round: medications, diagnoses, allergies, safety
# plans, appointments and the assessment tools. The local code systems below are documented in
# docs/fhir.md ("Waypoint code systems").

ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
CONDITION_CATEGORY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/condition-category",
            "code": "problem-list-item",
            "display": "Problem List Item",
        }
    ]
}
COMMUNICATION_SYSTEM = "urn:waypoint:communication"
PLAN_SYSTEM = "urn:waypoint:safety-plan"
PLAN_SECTION_SYSTEM = "urn:waypoint:safety-plan-section"
APPOINTMENT_KIND_SYSTEM = "urn:waypoint:appointment-kind"
ASSESSMENT_SYSTEM = "urn:waypoint:assessment"
STAGE_SYSTEM = "urn:waypoint:stage-of-change"
ROUTE_SYSTEM = "urn:waypoint:assessment:route"
CONTINUUM_SYSTEM = "urn:waypoint:assessment:continuum"
LIFE_AREA_SYSTEM = "urn:waypoint:assessment:life-area"
ASSESSMENT_QUESTIONNAIRE = "urn:waypoint:assessment:"  # + decisional-balance, drug-set-setting…
UCUM = "http://unitsofmeasure.org"
# Waypoint's appointment status -> the nearest FHIR R4 Encounter.status (the exact one travels
# in the `appointment-status` extension: R4's Encounter has no "no-show").
ENCOUNTER_STATUS = {
    "scheduled": "planned",
    "attended": "finished",
    "did_not_attend": "cancelled",
    "cancelled_client": "cancelled",
    "cancelled_clinic": "cancelled",
}


def _coding(system: str, code: str, display: str = "") -> dict:
    return _with({"system": system, "code": code}, display=display)


def medication_statement(medication, today) -> dict:
    """A medication as the person takes (or took) it; MOUD/MAUD flags follow from the name."""
    if medication.started_on > today:
        status = "intended"
    elif medication.stopped_on is not None and medication.stopped_on < today:
        status = "completed"
    else:
        status = "active"
    period = {"start": medication.started_on.isoformat()}
    if medication.stopped_on:
        period["end"] = medication.stopped_on.isoformat()
    flags = medication.flags
    return _with(
        {
            "resourceType": "MedicationStatement",
            "id": _id("medication", medication.pk),
            "status": status,
            "medicationCodeableConcept": {"text": medication.name},
            "subject": _subject(medication.client),
            "effectivePeriod": period,
            "extension": _extensions(
                [
                    ("prescriber", medication.prescriber),
                    ("for-opioid-use-disorder", flags.opioid_use),
                    ("for-alcohol-use-disorder", flags.alcohol_use),
                ]
            ),
        },
        dosage=[{"text": medication.dose}] if medication.dose else None,
    )


def condition(diagnosis) -> dict:
    code = {"text": diagnosis.description}
    if diagnosis.code:
        code["coding"] = [_coding(ICD10CM, diagnosis.code, diagnosis.code_title)]
    return {
        "resourceType": "Condition",
        "id": _id("diagnosis", diagnosis.pk),
        "category": [CONDITION_CATEGORY],
        "code": code,
        "subject": _subject(diagnosis.client),
        "recordedDate": diagnosis.noted_on.isoformat(),
    }


def allergy_intolerance(allergy) -> dict:
    return {
        "resourceType": "AllergyIntolerance",
        "id": _id("allergy", allergy.pk),
        "code": {"text": allergy.text},
        "patient": _subject(allergy.client),
        "recordedDate": allergy.noted_on.isoformat(),
    }


def communication(note) -> dict:
    """A contact with a prescriber about the person's medications (made with their consent)."""
    return {
        "resourceType": "Communication",
        "id": _id("coordination-note", note.pk),
        "status": "completed",
        "category": [{"coding": [_coding(COMMUNICATION_SYSTEM, "prescriber-coordination")]}],
        "subject": _subject(note.client),
        "sent": note.occurred_on.isoformat(),
        "recipient": [{"display": note.prescriber}],
        "payload": [{"contentString": note.note}],
    }


def care_plans(plan) -> list[dict]:
    """Every version of a safety plan as a CarePlan, oldest first: the current one is active,
    each earlier one revoked and `replaces`-linked from its successor. Each item is one
    activity whose code is its section."""
    versions = sorted(plan.versions.all(), key=lambda v: v.number)
    resources, previous = [], None
    for version in versions:
        current = version is versions[-1]
        activities = [
            {
                "detail": {
                    "code": {
                        "coding": [_coding(PLAN_SECTION_SYSTEM, section.key)],
                        "text": section.title,
                    },
                    "status": "in-progress",
                    "description": item,
                }
            }
            for section, items in version.filled_sections()
            for item in items
        ]
        resource = _with(
            {
                "resourceType": "CarePlan",
                "id": _id("safety-plan-version", version.pk),
                "status": "active" if current else "revoked",
                "intent": "plan",
                "category": [
                    {
                        "coding": [_coding(PLAN_SYSTEM, plan.kind)],
                        "text": plan.get_kind_display(),
                    }
                ],
                "title": plan.get_kind_display(),
                "subject": _subject(plan.client),
                "created": version.saved_at.isoformat(),
                "extension": _extensions(
                    [
                        ("version", version.number),
                        ("client-may-edit", plan.client_may_edit if current else None),
                    ]
                ),
            },
            activity=activities,
            replaces=[{"reference": f"urn:uuid:{previous}"}] if previous else None,
            # saved by the person in the portal: they are the author of this version
            author=_subject(plan.client) if version.by_client else None,
        )
        resources.append(resource)
        previous = resource["id"]
    return resources


def appointment_encounter(appointment) -> dict:
    start = appointment.starts_at.astimezone(datetime.UTC)
    end = appointment.ends_at.astimezone(datetime.UTC)
    return {
        "resourceType": "Encounter",
        "id": _id("appointment", appointment.pk),
        "status": ENCOUNTER_STATUS[appointment.status],
        "class": AMBULATORY,
        "type": [
            {
                "coding": [_coding(APPOINTMENT_KIND_SYSTEM, appointment.kind)],
                "text": appointment.get_kind_display(),
            }
        ],
        "subject": _subject(appointment.client),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "length": {
            "value": appointment.duration_minutes,
            "unit": "min",
            "system": UCUM,
            "code": "min",
        },
        "extension": _extensions(
            [("appointment-status", appointment.status), ("note", appointment.note)]
        ),
    }


def stage_observation(stage) -> dict:
    return _with(
        {
            "resourceType": "Observation",
            "id": _id("stage-of-change", stage.pk),
            "status": "final",
            "category": [SOCIAL_HISTORY],
            "code": {
                "coding": [_coding(ASSESSMENT_SYSTEM, "stage-of-change", "Stage of change")],
                "text": f"Stage of change: {stage.get_substance_display()}",
            },
            "subject": _subject(stage.client),
            "effectiveDateTime": stage.noted_on.isoformat(),
            "valueCodeableConcept": {
                "coding": [_coding(STAGE_SYSTEM, stage.stage, stage.get_stage_display())]
            },
            "extension": _extensions([("substance", stage.substance)]),
        },
        note=[{"text": stage.note}] if stage.note else None,
    )


def _string_item(link_id: str, text: str, value) -> dict | None:
    if not value:
        return None
    return {"linkId": link_id, "text": text, "answer": [{"valueString": value}]}


def _assessment_response(kind: str, row, items, *, pk_kind: str, by_client=None) -> dict:
    extensions = [("substance", getattr(row, "substance", None))]
    if by_client is not None:
        extensions.append(("by-client", by_client))
    return _with(
        {
            "resourceType": "QuestionnaireResponse",
            "id": _id(pk_kind, row.pk),
            "questionnaire": ASSESSMENT_QUESTIONNAIRE + kind,
            "status": "completed",
            "subject": _subject(row.client),
            "authored": row.noted_on.isoformat(),
            "extension": _extensions(extensions),
        },
        item=[i for i in items if i],
        source=_subject(row.client) if by_client else None,  # the person wrote it
    )


def balance_response(balance) -> dict:
    labels = {name: str(DecisionalBalance._meta.get_field(name).verbose_name) for name in CELLS}
    items = [_string_item(name, labels[name], getattr(balance, name)) for name in CELLS]
    return _assessment_response(
        "decisional-balance",
        balance,
        items,
        pk_kind="decisional-balance",
        by_client=balance.by_client,
    )


def drug_set_setting_response(row) -> dict:
    def label(name):
        return str(DrugSetSetting._meta.get_field(name).verbose_name)

    items = [_string_item(name, label(name), getattr(row, name)) for name in DSS_TEXT]
    if row.route:
        items.append(
            {
                "linkId": "route",
                "text": label("route"),
                "answer": [
                    {"valueCoding": _coding(ROUTE_SYSTEM, row.route, row.get_route_display())}
                ],
            }
        )
    if row.age_first_use is not None:
        items.append(
            {
                "linkId": "age_first_use",
                "text": label("age_first_use"),
                "answer": [{"valueInteger": row.age_first_use}],
            }
        )
    for name in ("continuum_client", "continuum_clinician"):
        value = getattr(row, name)
        if value:
            display = getattr(row, f"get_{name}_display")()
            items.append(
                {
                    "linkId": name,
                    "text": label(name),
                    "answer": [{"valueCoding": _coding(CONTINUUM_SYSTEM, value, display)}],
                }
            )
    return _assessment_response("drug-set-setting", row, items, pk_kind="drug-set-setting")


def priorities_response(row) -> dict:
    names = dict(LifeArea.choices)
    order = {
        "linkId": "order",
        "text": "Life areas, most important first",
        "answer": [
            {"valueCoding": _coding(LIFE_AREA_SYSTEM, code, names.get(code, ""))}
            for code in row.order
        ],
    }
    items = [order, _string_item("note", "In the person's words", row.note)]
    return _assessment_response(
        "priorities", row, items, pk_kind="priorities", by_client=row.by_client
    )


def chart_parts(client) -> list[dict]:
    """The resources of the later chart parts, each kind in a stable order (date, then id)."""
    today = client.organization.today()
    resources = [
        medication_statement(m, today)
        for m in Medication.objects.filter(client=client).order_by("started_on", "pk")
    ]
    resources += [
        condition(d) for d in Diagnosis.objects.filter(client=client).order_by("noted_on", "pk")
    ]
    resources += [
        allergy_intolerance(a)
        for a in Allergy.objects.filter(client=client).order_by("noted_on", "pk")
    ]
    resources += [
        communication(n)
        for n in CoordinationNote.objects.filter(client=client).order_by("occurred_on", "pk")
    ]
    for plan in (
        SafetyPlan.objects.filter(client=client).prefetch_related("versions").order_by("kind")
    ):
        resources += care_plans(plan)
    resources += [
        appointment_encounter(a)
        for a in Appointment.objects.filter(client=client).order_by("starts_at", "pk")
    ]
    resources += [
        stage_observation(s)
        for s in StageOfChange.objects.filter(client=client).order_by("noted_on", "pk")
    ]
    resources += [
        balance_response(b)
        for b in DecisionalBalance.objects.filter(client=client).order_by("noted_on", "pk")
    ]
    resources += [
        drug_set_setting_response(r)
        for r in DrugSetSetting.objects.filter(client=client).order_by("noted_on", "pk")
    ]
    resources += [
        priorities_response(p)
        for p in NeedsPriorities.objects.filter(client=client).order_by("noted_on", "pk")
    ]
    return resources
