"""A client's record as parts: one registry feeds disclosure documents and the client's downloads.

Each entry of RECORD_PARTS is a dotted path to a callable `(client, ctx) -> RecordPart | None`.
A part says which kind of information it is (`InfoKind`, or None for parts only the client's own
copy includes, such as their consents), carries its content as plain JSON-able data (so a
disclosure can keep an exact snapshot and re-render it later), an HTML fragment template that
renders `data`, and optionally FHIR R4B resources for the client's FHIR download.

Another app adds its data with a one-line edit here, e.g. the measures app appends
"waypoint.measures.records.scores_part" with kind=InfoKind.MEASURES. Disclosures then include it
whenever a consent covers measures, and the client's JSON, FHIR and PDF downloads pick it up.
"""

import datetime
import json
import uuid
from dataclasses import asdict, dataclass, field

from django.utils import timezone
from django.utils.module_loading import import_string
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.careteam import CareTeam
from fhir.resources.R4B.consent import Consent as FhirConsent
from fhir.resources.R4B.encounter import Encounter
from fhir.resources.R4B.episodeofcare import EpisodeOfCare
from fhir.resources.R4B.organization import Organization as FhirOrganization
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner

from waypoint.privacy.models import ConsentStatus, InfoKind, kind_labels

RECORD_PARTS = [
    "waypoint.privacy.records.demographics_part",
    "waypoint.privacy.records.care_part",
    "waypoint.privacy.records.discharge_notes_part",
    "waypoint.privacy.records.consents_part",
    "waypoint.privacy.records.alerts_part",
    "waypoint.measures.records.measures_part",
    "waypoint.goals.records.goals_part",
    "waypoint.goals.records.goal_reasons_part",
    "waypoint.diary.records.diary_part",
    "waypoint.diary.records.diary_notes_part",
    "waypoint.appointments.records.appointments_part",
    "waypoint.appointments.records.appointment_notes_part",
    "waypoint.notes.records.notes_part",
    "waypoint.groups.records.group_attendance_part",
    "waypoint.groups.records.group_notes_part",
    "waypoint.plans.records.plans_part",
    "waypoint.assessment.records.assessment_part",
    "waypoint.assessment.records.assessment_words_part",
    "waypoint.medications.records.medications_part",
    "waypoint.medications.records.diagnoses_part",
]

EXPORT_FORMAT = "waypoint-client-record"
EXPORT_VERSION = 1


@dataclass
class RecordContext:
    """What part builders share: FHIR references and the day the record is made."""

    today: datetime.date
    organization_ref: str
    patient_ref: str

    def ref(self, kind: str, pk) -> str:
        return _urn(self.organization_ref, kind, pk)


@dataclass
class RecordPart:
    key: str  # top-level key in the JSON download, e.g. "demographics"
    title: str
    kind: str | None  # an InfoKind value; None: only in the client's own copy
    template: str  # HTML fragment rendering `data`
    data: dict | list
    fhir: list = field(default_factory=list)  # (fullUrl, R4B resource) pairs

    def as_snapshot(self) -> dict:
        values = asdict(self)
        values.pop("fhir")
        return values


def _urn(namespace: str, kind: str, pk) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{namespace}/{kind}/{pk}"))


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def record_context(client) -> RecordContext:
    org_ref = "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"waypoint/organization/{client.organization.slug}")
    )
    return RecordContext(
        today=client.organization.today(),
        organization_ref=org_ref,
        patient_ref=_urn(org_ref, "patient", client.pk),
    )


def build_parts(client, *, kinds=None, progress=None) -> list[RecordPart]:
    """The record's parts: all of them (the client's own copy), or only the listed kinds.

    `progress(done, of)`, if given, is called after each registry entry (the worker's progress
    bar for a large record, `waypoint.reports`)."""
    ctx = record_context(client)
    parts = []
    for done, dotted in enumerate(RECORD_PARTS, 1):
        part = import_string(dotted)(client, ctx)
        if progress is not None:
            progress(done, len(RECORD_PARTS))
        if part is None:
            continue
        if kinds is not None and part.kind not in kinds:
            continue
        parts.append(part)
    return parts


# Built-in parts: what the clients app holds today.


def demographics_part(client, ctx):
    data = {
        "legal_name": client.legal_name,
        "preferred_name": client.preferred_name,
        "pronouns": client.pronouns,
        "date_of_birth": _iso(client.date_of_birth),
        "phone": client.phone,
        "email": client.email,
        "address": client.address,
        "languages": client.languages,
        "emergency_contact": {
            "name": client.emergency_contact_name,
            "relationship": client.emergency_contact_relationship,
            "phone": client.emergency_contact_phone,
        },
    }
    names = [{"use": "official", "text": client.legal_name}]
    if client.preferred_name:
        names.append({"use": "usual", "text": client.preferred_name})
    telecom = []
    if client.phone:
        telecom.append({"system": "phone", "value": client.phone})
    if client.email:
        telecom.append({"system": "email", "value": client.email})
    patient = {
        "resourceType": "Patient",
        "identifier": [
            {
                "use": "usual",
                "system": f"{ctx.organization_ref}/chart-number",
                "value": client.chart_number,
            }
        ],
        "active": client.status != "discharged",
        "name": names,
        "telecom": telecom or None,
        "birthDate": _iso(client.date_of_birth),
        "address": [{"text": client.address}] if client.address else None,
        "communication": [
            {"language": {"text": language.strip()}}
            for language in client.languages.split(",")
            if language.strip()
        ]
        or None,
        "managingOrganization": {"reference": ctx.organization_ref},
    }
    if client.emergency_contact_name:
        contact = {
            "relationship": [{"text": client.emergency_contact_relationship or "emergency"}],
            "name": {"text": client.emergency_contact_name},
        }
        if client.emergency_contact_phone:
            contact["telecom"] = [{"system": "phone", "value": client.emergency_contact_phone}]
        patient["contact"] = [contact]
    return RecordPart(
        key="demographics",
        title="Demographics and contact details",
        kind=InfoKind.DEMOGRAPHICS,
        template="privacy/parts/_demographics.html",
        data=data,
        fhir=[(ctx.patient_ref, Patient.model_validate(_drop_none(patient)))],
    )


# Encounter.class from the HL7 v3 ActCode system (R4B binds Encounter.class to it).
_ENCOUNTER_CLASS = {
    "phone": ("VR", "virtual"),
    "outreach": ("FLD", "field"),
}


def care_part(client, ctx):
    episodes = list(client.episodes.all())
    team = client.team_members()
    contacts = list(client.contacts.all())
    data = {
        "chart_status": client.get_status_display(),
        "episodes": [
            {
                "program": e.program,
                "admitted_on": _iso(e.admitted_on),
                "discharged_on": _iso(e.discharged_on),
                "discharge_reason": e.get_discharge_reason_display() if e.discharge_reason else "",
            }
            for e in episodes
        ],
        "care_team": [
            {
                "name": str(member),
                "credentials": member.credentials,
                "primary": member.pk == client.primary_clinician_id,
            }
            for member in team
        ],
        "contacts": [
            {"date": _iso(c.occurred_on), "kind": c.get_kind_display(), "minutes": c.minutes}
            for c in contacts
        ],
    }
    fhir = []
    for member in team:
        practitioner = {"resourceType": "Practitioner", "name": [{"text": str(member)}]}
        if member.credentials:
            practitioner["qualification"] = [{"code": {"text": member.credentials}}]
        fhir.append((ctx.ref("practitioner", member.pk), Practitioner.model_validate(practitioner)))
    if team:
        care_team = {
            "resourceType": "CareTeam",
            "status": "active",
            "subject": {"reference": ctx.patient_ref},
            "managingOrganization": [{"reference": ctx.organization_ref}],
            "participant": [
                {
                    "member": {"reference": ctx.ref("practitioner", m.pk)},
                    "role": [
                        {
                            "text": "Primary clinician"
                            if m.pk == client.primary_clinician_id
                            else "Care team member"
                        }
                    ],
                }
                for m in team
            ],
        }
        fhir.append((ctx.ref("careteam", client.pk), CareTeam.model_validate(care_team)))
    for episode in episodes:
        period = {"start": _iso(episode.admitted_on)}
        if episode.discharged_on:
            period["end"] = _iso(episode.discharged_on)
        resource = {
            "resourceType": "EpisodeOfCare",
            "status": "active" if episode.is_open else "finished",
            "type": [{"text": episode.program}] if episode.program else None,
            "patient": {"reference": ctx.patient_ref},
            "managingOrganization": {"reference": ctx.organization_ref},
            "period": period,
        }
        if client.primary_clinician_id and episode.is_open:
            resource["careManager"] = {
                "reference": ctx.ref("practitioner", client.primary_clinician_id)
            }
        fhir.append(
            (ctx.ref("episode", episode.pk), EpisodeOfCare.model_validate(_drop_none(resource)))
        )
    for contact in contacts:
        code, display = _ENCOUNTER_CLASS.get(contact.kind, ("AMB", "ambulatory"))
        resource = {
            "resourceType": "Encounter",
            "status": "finished",
            "class": {
                "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
                "code": code,
                "display": display,
            },
            "type": [{"text": contact.get_kind_display()}],
            "subject": {"reference": ctx.patient_ref},
            "period": {"start": _iso(contact.occurred_on), "end": _iso(contact.occurred_on)},
            "serviceProvider": {"reference": ctx.organization_ref},
        }
        if contact.minutes:
            resource["length"] = {
                "value": contact.minutes,
                "unit": "min",
                "system": "http://unitsofmeasure.org",
                "code": "min",
            }
        fhir.append((ctx.ref("encounter", contact.pk), Encounter.model_validate(resource)))
    return RecordPart(
        key="care",
        title="Attendance: episodes of care, care team and contacts",
        kind=InfoKind.ATTENDANCE,
        template="privacy/parts/_care.html",
        data=data,
        fhir=fhir,
    )


def discharge_notes_part(client, ctx):
    notes = [
        {"discharged_on": _iso(e.discharged_on), "note": e.discharge_note}
        for e in client.episodes.all()
        if e.discharge_note
    ]
    if not notes:
        return None
    return RecordPart(
        key="discharge_notes",
        title="Discharge notes",
        kind=InfoKind.NOTES,
        template="privacy/parts/_discharge_notes.html",
        data=notes,
    )


# FHIR R4B Consent.status for our computed statuses.
_CONSENT_STATUS = {
    ConsentStatus.DRAFT: "draft",
    ConsentStatus.AWAITING_SIGNATURE: "proposed",
    ConsentStatus.ACTIVE: "active",
    ConsentStatus.EXPIRED: "inactive",
    ConsentStatus.REVOKED: "inactive",
}


def consents_part(client, ctx):
    consents = list(client.consents.all())
    if not consents:
        return None
    data = []
    fhir = []
    for consent in consents:
        status = consent.status_on(ctx.today)
        data.append(
            {
                "id": consent.pk,
                "status": ConsentStatus(status).label,
                "recipient": consent.recipient_label,
                "purpose": consent.purpose_label,
                "information": consent.info_labels,
                "description": consent.info_description,
                "expires": consent.expiry_label,
                "redisclosure": consent.tpo_redisclosure_statement,
                "signed_on": _iso(consent.signed_on),
                "signature": consent.get_signature_method_display(),
                "signature_authentication": consent.get_signature_authentication_display(),
                "revoked_on": _iso(consent.client.organization.local_date(consent.revoked_at))
                if consent.revoked_at
                else None,
            }
        )
        provision = {
            "type": "permit",
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/"
                                "v3-ParticipationType",
                                "code": "IRCP",
                                "display": "information recipient",
                            }
                        ]
                    },
                    "reference": {"display": consent.recipient_label},
                }
            ],
        }
        if consent.expires_on:
            provision["period"] = {"end": _iso(consent.expires_on)}
        resource = {
            "resourceType": "Consent",
            "status": _CONSENT_STATUS[status],
            "scope": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                        "code": "patient-privacy",
                    }
                ]
            },
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://loinc.org",
                            "code": "59284-0",
                            "display": "Consent Document",
                        }
                    ]
                }
            ],
            "patient": {"reference": ctx.patient_ref},
            "organization": [{"reference": ctx.organization_ref}],
            "policy": [
                {"uri": "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2"}
            ],
            "provision": provision,
        }
        if consent.signature_recorded_at:
            resource["dateTime"] = consent.signature_recorded_at.isoformat()
        fhir.append((ctx.ref("consent", consent.pk), FhirConsent.model_validate(resource)))
    return RecordPart(
        key="consents",
        title="Your consents to share information",
        kind=None,
        template="privacy/parts/_consents.html",
        data=data,
        fhir=fhir,
    )


def alerts_part(client, ctx):
    total = client.alerts.count()
    return RecordPart(
        key="alerts",
        title="Safety alerts",
        kind=None,
        template="privacy/parts/_alerts.html",
        data={"total": total, "open": client.alerts.filter(acknowledged_at__isnull=True).count()},
    )


def _drop_none(values: dict) -> dict:
    return {k: v for k, v in values.items() if v is not None}


# Assembling documents and downloads.


def record_json(client, parts: list[RecordPart]) -> dict:
    """The machine-readable download: stable top-level keys, one per part."""
    body = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "organization": client.organization.name,
        "chart_number": client.chart_number,
    }
    for part in parts:
        body[part.key] = part.data
    return body


def record_fhir_bundle(client, parts: list[RecordPart]) -> Bundle:
    """A FHIR R4B collection Bundle: Organization, Patient, and each part's resources."""
    ctx = record_context(client)
    organization = FhirOrganization.model_validate(
        {"resourceType": "Organization", "name": client.organization.name}
    )
    entries = [{"fullUrl": ctx.organization_ref, "resource": organization}]
    for part in parts:
        entries.extend({"fullUrl": url, "resource": resource} for url, resource in part.fhir)
    return Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": timezone.now().isoformat(),
            "entry": entries,
        }
    )


def record_json_text(client, parts: list[RecordPart]) -> str:
    """The JSON download's text (the portal's "Machine-readable copy" and the ZIP's file)."""
    return json.dumps(record_json(client, parts), indent=2, ensure_ascii=False)


def record_fhir_text(client, parts: list[RecordPart]) -> str:
    """The FHIR download's text (the portal's "Health-data standard copy" and the ZIP's file)."""
    return record_fhir_bundle(client, parts).model_dump_json(indent=2, exclude_none=True)


def snapshot(client, parts: list[RecordPart], kinds) -> str:
    """JSON kept with a disclosure: exactly what it released, to re-render it later."""
    present = {part.kind for part in parts}
    return json.dumps(
        {
            "generated_at": timezone.now().isoformat(),
            "organization": client.organization.name,
            "client_name": client.legal_name,
            "chart_number": client.chart_number,
            "parts": [part.as_snapshot() for part in parts],
            "empty_kinds": kind_labels([k for k in kinds if k not in present]),
        }
    )
