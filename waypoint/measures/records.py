"""Measures in the client's record (privacy app registries) and their retention anonymizer.

- `measures_part` is registered in `waypoint.privacy.records.RECORD_PARTS` with the kind
  "Questionnaire scores (measures)" (`InfoKind.MEASURES`): every completed administration with
  its instrument, date, total, band, subscales and flags, corrections marked. A disclosure holds
  it only when the consent covers measures (42 CFR 2.31(a)(3): how much and what kind of
  information); the client's own downloads always do (45 CFR 164.524; 42 CFR 2.23). In the FHIR
  download each administration is a QuestionnaireResponse plus its Observations, made by
  `waypoint.measures.fhir` (the same resources as the staff FHIR export), with the instrument's
  Questionnaire, and the subject pointing at the bundle's Patient.
- `anonymize_measures` is registered in `waypoint.privacy.retention.ANONYMIZERS`: it blanks the
  free text a person or clinician typed (the change a Readiness Ruler is about, the reason for a
  correction) and keeps the de-identified numbers (chosen options, totals, bands, dates).

See docs/privacy.md, "Client data rights" and "Retention".
"""

import datetime

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from waypoint.measures import fhir
from waypoint.measures.models import Administration, AdministrationStatus
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import RecordPart


def local_date(moment: datetime.datetime | None, organization) -> datetime.date | None:
    """The clinic's calendar day of a timestamp (Organization.timezone)."""
    return None if moment is None else organization.local_date(moment)


def _point_at_patient(value, subject: dict, patient_ref: str):
    """Replace the chart-number identifier the measures FHIR export uses for the subject with a
    reference to the bundle's Patient resource, wherever it appears."""
    if value == subject:
        return {"reference": patient_ref}
    if isinstance(value, dict):
        return {k: _point_at_patient(v, subject, patient_ref) for k, v in value.items()}
    if isinstance(value, list):
        return [_point_at_patient(v, subject, patient_ref) for v in value]
    return value


def completed_administrations(client) -> list[Administration]:
    return list(
        Administration.objects.filter(client=client, status=AdministrationStatus.COMPLETED)
        .select_related("entered_by", "superseded_by")
        .order_by("administered_at", "id")
    )


def measures_part(client, ctx):
    administrations = completed_administrations(client)
    if not administrations:
        return None
    data = []
    fhir_entries = []
    questionnaires = {}
    subject = fhir._subject(client)
    for adm in administrations:
        adm.client = client  # the FHIR builders read it: no query per administration
        instrument = adm.instrument
        corrected_by = getattr(adm, "superseded_by", None)
        data.append(
            {
                "id": adm.pk,
                "instrument": adm.instrument_id,
                "instrument_name": instrument.name if instrument else adm.instrument_id,
                "short_name": adm.instrument_name,
                "version": adm.instrument_version,
                "date": _iso(local_date(adm.administered_at, client.organization)),
                "about": adm.target,
                "total": adm.total,
                "band": adm.band,
                "subscales": [
                    {"label": sub.label, "score": adm.subscales.get(sub.key)}
                    for sub in (instrument.subscales if instrument else ())
                    if adm.subscales.get(sub.key) is not None
                ],
                "flags": adm.flag_labels(),
                "prorated": adm.prorated,
                "completed_in_portal": adm.completed_in_portal,
                "corrects": adm.supersedes_id,
                "correction_reason": adm.correction_reason,
                "corrected_by": corrected_by.pk if corrected_by else None,
            }
        )
        if instrument is None:
            continue  # an instrument file that is gone: the scores stay, no FHIR resources
        if instrument.id not in questionnaires:
            questionnaires[instrument.id] = (
                ctx.ref("questionnaire", instrument.id),
                Questionnaire.model_validate(fhir.questionnaire(instrument)),
            )
        response = _point_at_patient(fhir.questionnaire_response(adm), subject, ctx.patient_ref)
        fhir_entries.append(
            (
                f"urn:uuid:{response['id']}",
                QuestionnaireResponse.model_validate(response),
            )
        )
        for observation in fhir.observations(adm):
            observation = _point_at_patient(observation, subject, ctx.patient_ref)
            fhir_entries.append(
                (f"urn:uuid:{observation['id']}", Observation.model_validate(observation))
            )
    return RecordPart(
        key="measures",
        title="Questionnaire scores (measures)",
        kind=InfoKind.MEASURES,
        template="measures/parts/_record.html",
        data=data,
        fhir=[*questionnaires.values(), *fhir_entries],
    )


def anonymize_measures(client) -> None:
    """Blank typed free text of the chart's measures; keep answers (option numbers) and scores."""
    Administration.objects.filter(client=client).update(target="", correction_reason="")


def _iso(day) -> str | None:
    return day.isoformat() if day else None
