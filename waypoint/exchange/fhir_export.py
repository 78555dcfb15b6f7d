"""A whole chart as one FHIR R4 Bundle (R4B models), for another system or another Waypoint.

Resources, whichever the chart has: Patient; Encounter per episode of care; Goal per goal;
Observation per diary entry; QuestionnaireResponse and its Observations per completed measure
(from `waypoint.measures.fhir`, current versions only); Consent per consent. Standard elements
carry what FHIR has a place for; the rest of each field goes in Waypoint extensions
(`EXT + name`), so an import into Waypoint (`fhir_import`) keeps every exported field. Every
resource is validated with `fhir.resources.R4B` before it leaves this module. docs/fhir.md.
"""

import json
import uuid
from decimal import Decimal

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from waypoint.measures import fhir as measures_fhir

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
        client.administrations.current()
        .select_related("client", "entered_by")
        .order_by("administered_at", "pk")
    ):
        response = measures_fhir.questionnaire_response(administration)
        response["subject"] = _subject(client)
        resources.append(response)
        for observation in measures_fhir.observations(administration):
            observation["subject"] = _subject(client)
            resources.append(observation)
    resources += [consent(c) for c in client.consents.order_by("created_at", "pk")]
    data = {
        "resourceType": "Bundle",
        "id": _id("bundle", client.pk),
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }
    return json.loads(Bundle.model_validate(data).model_dump_json(exclude_none=True))
