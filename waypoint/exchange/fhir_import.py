"""A new chart from a FHIR R4 Bundle, all or nothing (`waypoint fhir-import FILE`, the upload
page). The reverse of `fhir_export`: standard elements and Waypoint extensions back to fields.

The Bundle is first validated with `fhir.resources.R4B` (structure and types); then every
resource is mapped and written through the apps' own actions (goals, diary, measures, episodes,
medications, safety plans, appointments, assessment),
so every rule the web enforces applies, including the diary's plausibility limits. Any problem
raises `BundleError` naming the element's path (`entry[3].resource.birthDate`), and the whole
import rolls back: nothing is created. Consents are not imported (docs/fhir.md): a Part 2
consent names the program that may disclose, so one given elsewhere authorizes nothing here.
"""

import contextlib
import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pydantic
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from waypoint.appointments import actions as appointment_actions
from waypoint.appointments.models import AppointmentKind, AppointmentStatus
from waypoint.assessment import actions as assessment_actions
from waypoint.assessment.models import CELLS, DSS_TEXT, Stage
from waypoint.clients import actions as client_actions
from waypoint.clients.models import ChartStatus, Client, DrinkingThresholds
from waypoint.diary import actions as diary_actions
from waypoint.diary import plausibility
from waypoint.exchange.fhir_export import (
    APPOINTMENT_KIND_SYSTEM,
    ASSESSMENT_QUESTIONNAIRE,
    ASSESSMENT_SYSTEM,
    COMMUNICATION_SYSTEM,
    CONTINUUM_SYSTEM,
    DIARY_FIELDS,
    DIARY_SYSTEM,
    EXT,
    GOAL_FIELDS,
    ICD10CM,
    LIFE_AREA_SYSTEM,
    PLAN_SECTION_SYSTEM,
    PLAN_SYSTEM,
    ROUTE_SYSTEM,
    STAGE_SYSTEM,
)
from waypoint.goals import actions as goal_actions
from waypoint.goals.models import Substance
from waypoint.measures import actions as measure_actions
from waypoint.measures import instruments
from waypoint.measures.fhir import LOINC
from waypoint.measures.scoring import ScoringError
from waypoint.medications import actions as medication_actions
from waypoint.medications import reference as medication_reference
from waypoint.plans import actions as plan_actions
from waypoint.plans import guide as plan_guides
from waypoint.plans.models import PlanKind

MAX_ENTRIES = 20_000
IMPORTED = {
    "Patient",
    "Encounter",
    "Goal",
    "Observation",
    "QuestionnaireResponse",
    "Consent",
    "MedicationStatement",
    "Condition",
    "AllergyIntolerance",
    "CarePlan",
    "Communication",
}


class BundleError(ValueError):
    """The Bundle cannot be imported; `path` names the element, the message says why."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


@dataclass
class ImportResult:
    client: Client
    counts: dict = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _pydantic_path(loc) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part)[:1].isupper():  # model names in the loc (union branches) are noise
            path += ("." if path else "") + str(part)
    return path or "Bundle"


def validate(data) -> None:
    if not isinstance(data, dict):
        raise BundleError("Bundle", "the file must hold one JSON object")
    if data.get("resourceType") != "Bundle":
        raise BundleError("resourceType", "must be Bundle")
    entries = data.get("entry")
    if isinstance(entries, list) and len(entries) > MAX_ENTRIES:
        raise BundleError("entry", f"more than {MAX_ENTRIES} entries")
    try:
        Bundle.model_validate(data)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        raise BundleError(_pydantic_path(error["loc"]), error["msg"]) from None
    except Exception as exc:  # noqa: BLE001 - the FHIR library's own failures on hostile input
        raise BundleError("Bundle", f"not a valid FHIR R4 Bundle ({type(exc).__name__})") from None
    if data.get("type") not in ("collection", "transaction", "document"):
        raise BundleError("type", "must be collection, transaction or document")


@contextlib.contextmanager
def _at(path: str):
    """Anything malformed that FHIR's structure allows but Waypoint cannot map, at `path`."""
    try:
        yield
    except BundleError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, ValidationError) as exc:
        raise BundleError(path, _reason(exc) or "missing or malformed element") from None
    except OverflowError:  # a date at the edge of the calendar, moved by a minute
        raise BundleError(path, "a date is out of range") from None


def _key(resource: dict, *names) -> str:
    value = resource
    for name in names:
        value = value.get(name) if isinstance(value, dict) else None
    return str(value or "")


def _extensions(resource: dict, path: str) -> dict:
    found = {}
    for i, item in enumerate(resource.get("extension") or []):
        url = item.get("url", "")
        if not url.startswith(EXT):
            continue
        values = [v for k, v in item.items() if k.startswith("value")]
        if len(values) != 1:
            raise BundleError(f"{path}.extension[{i}]", "needs exactly one value")
        found[url[len(EXT) :]] = values[0]
    return found


def _text(value, path: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BundleError(path, "must be text")
    if len(value) > limit:
        raise BundleError(path, f"is longer than {limit} characters")
    return value


def _date(value, path: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise BundleError(path, "must be a date (YYYY-MM-DD)") from None


def _decimal(value, path: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BundleError(path, "must be a number") from None
    if not number.is_finite():
        raise BundleError(path, "must be a finite number")
    return number


def _client_fields(resource: dict, path: str) -> dict:
    ext = _extensions(resource, path)
    names = resource.get("name") or []
    official = next((n for n in names if n.get("use") == "official"), names[0] if names else None)
    usual = next((n for n in names if n.get("use") == "usual"), None)
    if not official or not official.get("text"):
        raise BundleError(f"{path}.name", "the person's name (text) is required")
    telecom = {t.get("system"): t.get("value") for t in resource.get("telecom") or []}
    contact = (resource.get("contact") or [{}])[0]
    contact_phone = next(
        (t.get("value") for t in contact.get("telecom") or [] if t.get("system") == "phone"), ""
    )
    thresholds = ext.get("drinking-thresholds") or DrinkingThresholds.FEMALE
    if thresholds not in DrinkingThresholds.values:
        raise BundleError(f"{path}.extension", "drinking-thresholds must be female or male")
    return {
        "legal_name": _text(official["text"], f"{path}.name", 200),
        "preferred_name": _text((usual or {}).get("text"), f"{path}.name", 100),
        "pronouns": _text(ext.get("pronouns"), f"{path}.extension", 40),
        "date_of_birth": _date(resource.get("birthDate"), f"{path}.birthDate"),
        "phone": _text(telecom.get("phone"), f"{path}.telecom", 40),
        "email": _text(telecom.get("email"), f"{path}.telecom", 200),
        "address": _text(
            ((resource.get("address") or [{}])[0]).get("text"), f"{path}.address", 2000
        ),
        "languages": _text(
            (((resource.get("communication") or [{}])[0]).get("language") or {}).get("text"),
            f"{path}.communication",
            200,
        ),
        "emergency_contact_name": _text(
            (contact.get("name") or {}).get("text"), f"{path}.contact", 200
        ),
        "emergency_contact_phone": _text(contact_phone, f"{path}.contact", 40),
        "emergency_contact_relationship": _text(
            ((contact.get("relationship") or [{}])[0]).get("text"), f"{path}.contact", 80
        ),
        "drinking_thresholds": thresholds,
    }, ext.get("chart-status")


def _chart_number(resource: dict, override: str) -> str:
    if override:
        return override
    for identifier in resource.get("identifier") or []:
        if identifier.get("value"):
            return identifier["value"]
    raise BundleError("Patient.identifier", "no chart number: give one to import under")


def _import_episodes(client, by, encounters):
    for path, resource in sorted(encounters, key=lambda e: _key(e[1], "period", "start")):
        with _at(path):
            period = resource.get("period") or {}
            start = _date(period.get("start"), f"{path}.period.start")
            if start is None:
                raise BundleError(f"{path}.period.start", "is required")
            ext = _extensions(resource, path)
            try:
                client_actions.admit_client(
                    client,
                    by=by,
                    admitted_on=start,
                    program=(resource.get("serviceType") or {}).get("text", "")[:100],
                )
                end = _date(period.get("end"), f"{path}.period.end")
                if end is not None:
                    client_actions.discharge_client(
                        client,
                        by=by,
                        discharged_on=end,
                        reason=_text(ext.get("discharge-reason"), f"{path}.extension", 20)
                        or "other",
                        note=_text(ext.get("discharge-note"), f"{path}.extension", 5000),
                    )
            except ValueError as exc:
                raise BundleError(path, str(exc)) from None


def _import_goals(client, by, goals):
    for path, resource in sorted(goals, key=lambda g: _key(g[1], "startDate")):
        with _at(path):
            ext = _extensions(resource, path)
            started = _date(resource.get("startDate"), f"{path}.startDate")
            if started is None:
                raise BundleError(f"{path}.startDate", "is required")
            fields = {}
            for name in GOAL_FIELDS:
                value = ext.get(name.replace("_", "-"))
                if name == "practices":
                    value = json.loads(value) if value else []
                elif name in ("max_per_occasion", "max_per_day"):
                    value = _decimal(value, f"{path}.extension")
                elif name == "review_on":
                    value = _date(value, f"{path}.extension")
                elif name == "max_use_days_per_week":
                    value = value if value is None or isinstance(value, int) else "x"
                elif value is None:
                    value = ""
                fields[name] = value
            notes = resource.get("note") or []
            fields["in_own_words"] = _text(
                notes[0].get("text") if notes else "", f"{path}.note", 5000
            )
            try:
                created = goal_actions.choose_goal(
                    client,
                    by=by,
                    substance=ext.get("substance", ""),
                    kind=ext.get("kind", ""),
                    started_on=started,
                    chosen_by_client=True,
                    **fields,
                )
            except (ValueError, TypeError, ValidationError, json.JSONDecodeError) as exc:
                raise BundleError(path, _reason(exc)) from None
            ended = _date(ext.get("ended-on"), f"{path}.extension")
            if ended is not None and created.ended_on is None:
                created.ended_on = ended
                goal_actions.update_goal(created, by=by, changed_fields=["ended_on"])


def _reason(exc) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return str(exc)


def _import_diary(client, by, observations):
    for path, resource in sorted(observations, key=lambda o: _key(o[1], "effectiveDateTime")):
        with _at(path):
            ext = _extensions(resource, path)
            day = _date(resource.get("effectiveDateTime"), f"{path}.effectiveDateTime")
            if day is None:
                raise BundleError(f"{path}.effectiveDateTime", "is required")
            code = next(
                c.get("code") for c in resource["code"]["coding"] if c.get("system") == DIARY_SYSTEM
            )
            source = _text(ext.get("source"), f"{path}.extension", 10) or "import"
            try:
                if code == "no_use":
                    diary_actions.record_no_use(client, by=by, source=source, day=day)
                    continue
                fields = {}
                for name in DIARY_FIELDS:
                    if name == "source":
                        continue
                    value = ext.get(name.replace("_", "-"))
                    if name == "practices":
                        value = json.loads(value) if value else []
                    elif name in ("volume_ml", "abv", "money_spent"):
                        value = _decimal(value, f"{path}.extension")
                    elif name in ("mood", "urge"):
                        value = value if value is None or isinstance(value, int) else "x"
                    elif value is None:
                        value = ""
                    fields[name] = value
                fields["day"] = day
                quantity = resource.get("valueQuantity") or {}
                fields["amount"] = _decimal(quantity.get("value"), f"{path}.valueQuantity")
                problem = plausibility.amount_problem(fields["unit"], fields["amount"])
                if problem and fields["substance"] != "alcohol":
                    raise BundleError(f"{path}.valueQuantity", problem)
                notes = resource.get("note") or []
                fields["note"] = _text(notes[0].get("text") if notes else "", f"{path}.note", 5000)
                entry = diary_actions.add_entry(client, by=by, source=source, **fields)
                if fields["substance"] == "alcohol":
                    problem = plausibility.amount_problem(
                        entry.unit, entry.amount, alcohol_grams=entry.alcohol_grams
                    )
                    if problem:
                        raise BundleError(f"{path}.valueQuantity", problem)
            except BundleError:
                raise
            except (ValueError, TypeError, ValidationError) as exc:  # JSON and unit errors too
                raise BundleError(path, _reason(exc)) from None


def _answers(instrument, resource: dict, path: str) -> tuple[list, str]:
    by_link = {item.get("linkId"): item for item in resource.get("item") or []}
    target = ""
    if "target" in by_link:
        target = _text(by_link["target"]["answer"][0].get("valueString"), f"{path}.item", 2000)
    answers = []
    for item in instrument.items:
        given = by_link.get(item.id)
        if given is None:
            answers.append(None)
            continue
        coding = (given.get("answer") or [{}])[0].get("valueCoding") or {}
        index = None
        for number, option in enumerate(item.options):
            if (
                coding.get("system") == LOINC
                and option.loinc
                and coding.get("code") == option.loinc
            ) or coding.get("code") == f"{item.id}.{number}":
                index = number
        if index is None:
            raise BundleError(
                f"{path}.item[{item.id}]", "the answer is not one of the item's options"
            )
        answers.append(index)
    return answers, target


def _import_measures(client, by, responses):
    imported = {}  # "urn:uuid:<response id>" -> its administration, for corrections
    for path, resource in sorted(responses, key=lambda r: _key(r[1], "authored")):
        with _at(path):
            canonical = (resource.get("questionnaire") or "").split("|")[0]
            prefix = "urn:waypoint:questionnaire:"
            if not canonical.startswith(prefix):
                raise BundleError(f"{path}.questionnaire", "is not a Waypoint questionnaire")
            try:
                instrument = instruments.get(canonical[len(prefix) :])
            except instruments.UnknownInstrument:
                raise BundleError(f"{path}.questionnaire", "unknown instrument") from None
            answers, target = _answers(instrument, resource, path)
            try:
                authored = datetime.datetime.fromisoformat(resource["authored"])
            except (KeyError, TypeError, ValueError):
                raise BundleError(f"{path}.authored", "a date and time is required") from None
            if authored.tzinfo is None:
                raise BundleError(f"{path}.authored", "needs a time zone")
            ext = _extensions(resource, path)
            try:
                if "corrects" in ext:
                    original = imported.get(_key(ext, "corrects", "reference"))
                    if original is None or original.instrument_id != instrument.id:
                        raise BundleError(
                            f"{path}.extension",
                            "corrects a response of this instrument earlier in the Bundle",
                        )
                    administration = measure_actions.correct_administration(
                        original,
                        by=by,
                        answers=answers,
                        target=target,
                        reason=_text(ext.get("correction-reason"), f"{path}.extension", 2000),
                    )
                else:
                    administration = measure_actions.record_administration(
                        client,
                        by=by,
                        instrument_id=instrument.id,
                        answers=answers,
                        administered_at=authored,
                        target=target,
                    )
            except (ScoringError, measure_actions.MeasureError) as exc:
                raise BundleError(path, str(exc)) from None
            imported[f"urn:uuid:{resource.get('id')}"] = administration


def _import_all(client, by, grouped, diary, status) -> None:
    _import_episodes(client, by, grouped.get("Encounter", []))
    if status in ChartStatus.values and client.status != status:
        client.status = status
        client_actions.update_client(client, by=by, changed_fields=["status"])
    _import_goals(client, by, grouped.get("Goal", []))
    _import_diary(client, by, diary)
    _import_measures(client, by, grouped.get("QuestionnaireResponse", []))
    _import_medications(client, by, grouped.get("MedicationStatement", []))
    _import_diagnoses(client, by, grouped.get("Condition", []))
    _import_allergies(client, by, grouped.get("AllergyIntolerance", []))
    _import_coordination_notes(client, by, grouped.get("Communication", []))
    _import_plans(client, by, grouped.get("CarePlan", []))
    _import_appointments(client, by, grouped.get("appointments", []))
    _import_stages(client, by, grouped.get("stages", []))
    _import_assessments(client, by, grouped.get("assessments", []))


def import_bundle(data, *, organization, by, chart_number: str = "") -> ImportResult:
    """Create a new chart in `organization` from `data` (parsed JSON), or raise BundleError."""
    validate(data)
    grouped: dict[str, list] = {}
    for i, entry in enumerate(data.get("entry") or []):
        resource = entry.get("resource") or {}
        kind = resource.get("resourceType")
        path = f"entry[{i}].resource"
        if kind not in IMPORTED:
            raise BundleError(f"{path}.resourceType", f"Waypoint does not import {kind}")
        if kind == "Encounter" and is_appointment(resource):
            kind = "appointments"  # an Encounter is an episode of care unless it is one of these
        elif kind == "QuestionnaireResponse" and is_assessment(resource):
            kind = "assessments"  # the assessment tools, not a measure's instrument
        elif kind == "Observation" and is_stage_of_change(resource):
            kind = "stages"
        grouped.setdefault(kind, []).append((path, resource))
    patients = grouped.get("Patient", [])
    if len(patients) != 1:
        raise BundleError("entry", f"needs exactly one Patient, found {len(patients)}")
    patient_path, patient_resource = patients[0]
    with _at(patient_path):
        fields, status = _client_fields(patient_resource, patient_path)
        number = _chart_number(patient_resource, chart_number)
    if Client.objects.filter(organization=organization, chart_number=number).exists():
        raise BundleError(
            f"{patient_path}.identifier", f"chart number {number} is already used here"
        )
    diary, measures_observations = [], 0
    for path, resource in grouped.get("Observation", []):
        codings = (resource.get("code") or {}).get("coding") or []
        if any(c.get("system") == DIARY_SYSTEM for c in codings):
            diary.append((path, resource))
        elif resource.get("derivedFrom"):
            measures_observations += 1  # scores: recomputed from the answers
        else:
            raise BundleError(path, "an Observation Waypoint cannot place (not diary, not a score)")
    with transaction.atomic():
        try:
            client = client_actions.create_client(
                by=by, organization=organization, chart_number=number, **fields
            )
        except ValidationError as exc:
            raise BundleError(f"{patient_path}.identifier", _reason(exc)) from None
        with _at("entry"):
            _import_all(client, by, grouped, diary, status)
    skipped = []
    if grouped.get("Consent"):
        skipped.append(
            f"{len(grouped['Consent'])} consent(s): a consent names the program that may "
            "disclose, so it is asked for again here"
        )
    return ImportResult(
        client=client,
        counts={
            "episodes": len(grouped.get("Encounter", [])),
            "goals": len(grouped.get("Goal", [])),
            "diary entries": len(diary),
            "measures": len(grouped.get("QuestionnaireResponse", [])),
            "scores recomputed": measures_observations,
            "medications": len(grouped.get("MedicationStatement", [])),
            "diagnoses": len(grouped.get("Condition", [])),
            "allergies": len(grouped.get("AllergyIntolerance", [])),
            "contacts with prescribers": len(grouped.get("Communication", [])),
            "safety plan versions": len(grouped.get("CarePlan", [])),
            "appointments": len(grouped.get("appointments", [])),
            "stages of change": len(grouped.get("stages", [])),
            "assessments": len(grouped.get("assessments", [])),
        },
        skipped=skipped,
    )


# The later chart parts (docs/fhir.md, "What is in the Bundle"). Each importer sorts its
# resources by the same date the export orders them by (a stable sort), so a round trip keeps
# the order of records that share a day.


def _datetime(value, path: str, *, required: bool = True) -> datetime.datetime | None:
    if value in (None, ""):
        if required:
            raise BundleError(path, "a date and time is required")
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        raise BundleError(path, "must be a date and time (ISO 8601)") from None
    if moment.tzinfo is None:
        raise BundleError(path, "needs a time zone")
    return moment


def _required_date(value, path: str) -> datetime.date:
    day = _date(value, path)
    if day is None:
        raise BundleError(path, "is required")
    return day


def _codes(concepts, system: str) -> list:
    """The codes of `system` in one CodeableConcept or a list of them."""
    if isinstance(concepts, dict):
        concepts = [concepts]
    return [
        coding.get("code")
        for concept in concepts or []
        for coding in concept.get("coding") or []
        if coding.get("system") == system
    ]


def _concept_text(concept: dict | None) -> str | None:
    """A CodeableConcept's text, or its first coding's display (how other systems send names)."""
    concept = concept or {}
    if concept.get("text"):
        return concept["text"]
    return next((c.get("display") for c in concept.get("coding") or [] if c.get("display")), None)


def is_appointment(resource: dict) -> bool:
    return bool(_codes(resource.get("type"), APPOINTMENT_KIND_SYSTEM))


def is_stage_of_change(resource: dict) -> bool:
    return "stage-of-change" in _codes(resource.get("code"), ASSESSMENT_SYSTEM)


def is_assessment(resource: dict) -> bool:
    return str(resource.get("questionnaire") or "").startswith(ASSESSMENT_QUESTIONNAIRE)


def _import_medications(client, by, statements):
    for path, resource in sorted(statements, key=lambda r: _key(r[1], "effectivePeriod", "start")):
        with _at(path):
            if "medicationCodeableConcept" not in resource:
                raise BundleError(
                    f"{path}.medicationCodeableConcept", "the medication's name is required"
                )
            name = _text(
                _concept_text(resource["medicationCodeableConcept"]),
                f"{path}.medicationCodeableConcept.text",
                120,
            )
            if not name.strip():
                raise BundleError(
                    f"{path}.medicationCodeableConcept.text", "the medication's name is required"
                )
            period = resource.get("effectivePeriod") or {}
            started = _required_date(
                period.get("start") or resource.get("effectiveDateTime"),
                f"{path}.effectivePeriod.start",
            )
            stopped = _date(period.get("end"), f"{path}.effectivePeriod.end")
            if stopped is not None and stopped < started:
                raise BundleError(f"{path}.effectivePeriod.end", "is before the start")
            ext = _extensions(resource, path)
            dosage = resource.get("dosage") or [{}]
            try:
                medication_actions.add_medication(
                    client,
                    by=by,
                    name=name.strip(),
                    dose=_text(dosage[0].get("text"), f"{path}.dosage[0].text", 120),
                    prescriber=_text(ext.get("prescriber"), f"{path}.extension", 120),
                    started_on=started,
                    stopped_on=stopped,
                )
            except ValidationError as exc:
                raise BundleError(path, _reason(exc)) from None
            # The MOUD/MAUD flags are not read: they follow from the name (reference.py).


def _icd10(code, path: str) -> str:
    """A code the diagnosis form would accept: well formed and in Waypoint's ICD-10-CM list."""
    code = medication_reference.normal_code(_text(code, path, 8))
    if not medication_reference.ICD10_FORMAT.match(code):
        raise BundleError(path, "is not an ICD-10-CM code (e.g. F11.20)")
    if code not in medication_reference.icd10_titles():
        raise BundleError(
            path, "is not in Waypoint's list of ICD-10-CM codes; keep the diagnosis in words only"
        )
    return code


def _import_diagnoses(client, by, conditions):
    for path, resource in sorted(conditions, key=lambda r: _key(r[1], "recordedDate")):
        with _at(path):
            concept = resource.get("code") or {}
            code = ""
            for i, coding in enumerate(concept.get("coding") or []):
                if coding.get("system") == ICD10CM:
                    code = _icd10(coding.get("code"), f"{path}.code.coding[{i}].code")
                    break
            description = _text(_concept_text(concept), f"{path}.code.text", 5000)
            if not description.strip():
                raise BundleError(f"{path}.code.text", "the diagnosis in words is required")
            medication_actions.add_diagnosis(
                client,
                by=by,
                description=description,
                code=code,
                noted_on=_required_date(resource.get("recordedDate"), f"{path}.recordedDate"),
            )


def _import_allergies(client, by, allergies):
    for path, resource in sorted(allergies, key=lambda r: _key(r[1], "recordedDate")):
        with _at(path):
            text = _text(_concept_text(resource.get("code")), f"{path}.code.text", 5000)
            if not text.strip():
                raise BundleError(f"{path}.code.text", "the allergy or reaction is required")
            medication_actions.add_allergy(
                client,
                by=by,
                text=text,
                noted_on=_required_date(resource.get("recordedDate"), f"{path}.recordedDate"),
            )


def _import_coordination_notes(client, by, communications):
    for path, resource in sorted(communications, key=lambda r: _key(r[1], "sent")):
        with _at(path):
            if "prescriber-coordination" not in _codes(
                resource.get("category"), COMMUNICATION_SYSTEM
            ):
                raise BundleError(
                    f"{path}.category", "Waypoint imports only contacts with prescribers"
                )
            recipients = resource.get("recipient") or [{}]
            prescriber = _text(recipients[0].get("display"), f"{path}.recipient[0].display", 120)
            payload = resource.get("payload") or [{}]
            note = _text(payload[0].get("contentString"), f"{path}.payload[0].contentString", 5000)
            if not prescriber.strip() or not note.strip():
                raise BundleError(
                    path, "a contact with a prescriber needs the prescriber and a note"
                )
            try:
                medication_actions.add_coordination_note(
                    client,
                    by=by,
                    occurred_on=_required_date(resource.get("sent"), f"{path}.sent"),
                    prescriber=prescriber,
                    note=note,
                )
            except ValidationError as exc:
                raise BundleError(path, _reason(exc)) from None


def _plan_items(kind: str, resource: dict, path: str) -> dict[str, list[str]]:
    """Every section of the plan (empty ones too, so nothing carries over from the version
    before) with the items of the CarePlan's activities, in their order."""
    plan_guide = plan_guides.guide(kind)
    items = {key: [] for key in plan_guide.section_keys}
    for j, activity in enumerate(resource.get("activity") or []):
        where = f"{path}.activity[{j}].detail"
        detail = activity.get("detail") or {}
        keys = _codes(detail.get("code"), PLAN_SECTION_SYSTEM)
        if len(keys) != 1 or keys[0] not in items:
            raise BundleError(f"{where}.code", f"must name one section of the {kind} plan")
        text = _text(detail.get("description"), f"{where}.description", plan_guides.MAX_ITEM_LENGTH)
        items[keys[0]].append(text)
        if len(items[keys[0]]) > plan_guides.MAX_ITEMS:
            raise BundleError(where, f"more than {plan_guides.MAX_ITEMS} items in {keys[0]}")
    return items


def _import_plans(client, by, careplans):
    by_kind: dict[str, list] = {}
    for path, resource in careplans:
        with _at(path):
            kinds = _codes(resource.get("category"), PLAN_SYSTEM)
            if len(kinds) != 1 or kinds[0] not in PlanKind.values:
                raise BundleError(
                    f"{path}.category", "must name one Waypoint safety plan (overdose or crisis)"
                )
            ext = _extensions(resource, path)
            number = ext.get("version", 0)
            if not isinstance(number, int) or isinstance(number, bool):
                raise BundleError(f"{path}.extension", "version must be a whole number")
            created = _datetime(resource.get("created"), f"{path}.created")
            by_kind.setdefault(kinds[0], []).append((number, created, path, resource, ext))
    for kind, versions in sorted(by_kind.items()):
        versions.sort(key=lambda v: (v[0], v[1]))
        for i, (_, created, path, resource, ext) in enumerate(versions):
            with _at(path):
                may_edit = None
                if i == len(versions) - 1:  # the plan as it stands decides what the client edits
                    raw = ext.get("client-may-edit")
                    may_edit = json.loads(raw) if raw else []
                    if not isinstance(may_edit, list) or not all(
                        isinstance(key, str) for key in may_edit
                    ):
                        raise BundleError(
                            f"{path}.extension", "client-may-edit: a list of sections"
                        )
                try:
                    plan_actions.save_plan(
                        client,
                        by=by,
                        kind=kind,
                        items=_plan_items(kind, resource, path),
                        client_may_edit=may_edit,
                        saved_at=created,
                    )
                except plan_actions.PlanRefused as exc:
                    raise BundleError(
                        f"{path}.activity", f"{exc} ({', '.join(exc.sections)})"
                    ) from None


APPOINTMENT_YEARS = (1900, 2200)
APPOINTMENT_FIELD_PATHS = {
    "status": ".extension",
    "start_date": ".period.start",
    "duration_minutes": ".period.end",
}


def _import_appointments(client, by, encounters):
    """Each appointment is booked as it was (the action's clock set just before its start, as
    the demo does), then what happened is recorded now; the importer is its clinician."""
    now = timezone.now()
    for path, resource in sorted(encounters, key=lambda r: _key(r[1], "period", "start")):
        with _at(path):
            kinds = _codes(resource.get("type"), APPOINTMENT_KIND_SYSTEM)
            if len(kinds) != 1 or kinds[0] not in AppointmentKind.values:
                raise BundleError(f"{path}.type", "must name one appointment kind")
            period = resource.get("period") or {}
            start = _datetime(period.get("start"), f"{path}.period.start")
            end = _datetime(period.get("end"), f"{path}.period.end")
            if not APPOINTMENT_YEARS[0] <= start.year <= APPOINTMENT_YEARS[1]:
                raise BundleError(f"{path}.period.start", "is not a plausible appointment time")
            minutes = (end - start).total_seconds() / 60
            if minutes != int(minutes):
                raise BundleError(
                    f"{path}.period.end", "must be a whole number of minutes after the start"
                )
            ext = _extensions(resource, path)
            status = ext.get("appointment-status")
            if status not in AppointmentStatus.values:
                raise BundleError(f"{path}.extension", "appointment-status is missing or unknown")
            note = _text(ext.get("note"), f"{path}.extension", 5000)
            try:
                if kinds[0] == AppointmentKind.DROP_IN:
                    if status != AppointmentStatus.ATTENDED:
                        raise BundleError(f"{path}.extension", "a drop-in is always attended")
                    appointment_actions.record_drop_in(
                        client,
                        by=by,
                        clinician=by,
                        starts_at=start,
                        duration_minutes=int(minutes),
                        note=note,
                        now=now,
                    )
                    continue
                appointment = appointment_actions.schedule_appointment(
                    client,
                    by=by,
                    clinician=by,
                    starts_at=start,
                    duration_minutes=int(minutes),
                    note=note,
                    now=min(now, start - datetime.timedelta(minutes=1)),
                )
                if status != AppointmentStatus.SCHEDULED:
                    appointment_actions.update_appointment(
                        appointment, by=by, status=status, now=now
                    )
            except appointment_actions.AppointmentError as exc:
                where = APPOINTMENT_FIELD_PATHS.get(exc.field, "")
                raise BundleError(f"{path}{where}", str(exc)) from None


def _import_stages(client, by, observations):
    for path, resource in sorted(observations, key=lambda o: _key(o[1], "effectiveDateTime")):
        with _at(path):
            stages = _codes(resource.get("valueCodeableConcept"), STAGE_SYSTEM)
            if len(stages) != 1 or stages[0] not in Stage.values:
                raise BundleError(f"{path}.valueCodeableConcept", "must give one stage of change")
            ext = _extensions(resource, path)
            notes = resource.get("note") or [{}]
            assessment_actions.record_stage(
                client,
                by=by,
                substance=_substance(ext, path),
                stage=stages[0],
                noted_on=_required_date(
                    resource.get("effectiveDateTime"), f"{path}.effectiveDateTime"
                ),
                note=_text(notes[0].get("text"), f"{path}.note", 5000),
            )


def _answer_items(resource: dict, path: str, allowed) -> dict[str, tuple[str, list]]:
    found = {}
    for i, item in enumerate(resource.get("item") or []):
        link = item.get("linkId")
        if link not in allowed or link in found:
            raise BundleError(f"{path}.item[{i}].linkId", "not an item of this assessment")
        found[link] = (f"{path}.item[{i}].answer", item.get("answer") or [{}])
    return found


def _string_answer(items: dict, name: str) -> str:
    if name not in items:
        return ""
    where, answers = items[name]
    return _text(answers[0].get("valueString"), f"{where}[0].valueString", 5000)


def _coded_answer(items: dict, name: str, system: str) -> str:
    if name not in items:
        return ""
    where, answers = items[name]
    codes = _codes([{"coding": [a.get("valueCoding") or {} for a in answers]}], system)
    if len(codes) != 1:
        raise BundleError(f"{where}[0].valueCoding", "needs one code")
    return _text(codes[0], f"{where}[0].valueCoding.code", 20)


def _substance(ext: dict, path: str) -> str:
    substance = ext.get("substance")
    if substance not in Substance.values:
        raise BundleError(f"{path}.extension", "substance is missing or not one Waypoint knows")
    return substance


def _by_client(ext: dict, path: str) -> bool:
    value = ext.get("by-client", False)
    if not isinstance(value, bool):
        raise BundleError(f"{path}.extension", "by-client must be true or false")
    return value


DSS_CODED = {
    "route": ROUTE_SYSTEM,
    "continuum_client": CONTINUUM_SYSTEM,
    "continuum_clinician": CONTINUUM_SYSTEM,
}


def _import_assessments(client, by, responses):
    for path, resource in sorted(responses, key=lambda r: _key(r[1], "authored")):
        with _at(path):
            kind = str(resource.get("questionnaire")).split("|")[0][len(ASSESSMENT_QUESTIONNAIRE) :]
            ext = _extensions(resource, path)
            noted_on = _required_date(resource.get("authored"), f"{path}.authored")
            substance = _substance(ext, path) if kind != "priorities" else ""
            try:
                if kind == "decisional-balance":
                    items = _answer_items(resource, path, CELLS)
                    assessment_actions.save_balance(
                        client,
                        by=by,
                        substance=substance,
                        noted_on=noted_on,
                        by_client=_by_client(ext, path),
                        **{cell: _string_answer(items, cell) for cell in CELLS},
                    )
                elif kind == "drug-set-setting":
                    items = _answer_items(resource, path, {*DSS_TEXT, *DSS_CODED, "age_first_use"})
                    fields = {name: _string_answer(items, name) for name in DSS_TEXT}
                    for name, system in DSS_CODED.items():
                        fields[name] = _coded_answer(items, name, system)
                    age = None
                    if "age_first_use" in items:
                        where, answers = items["age_first_use"]
                        age = answers[0].get("valueInteger")
                        if not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 120:
                            raise BundleError(f"{where}[0].valueInteger", "must be an age in years")
                    assessment_actions.save_drug_set_setting(
                        client,
                        by=by,
                        substance=substance,
                        noted_on=noted_on,
                        age_first_use=age,
                        **fields,
                    )
                elif kind == "priorities":
                    items = _answer_items(resource, path, {"order", "note"})
                    where, answers = items.get("order", (f"{path}.item", []))
                    order = [
                        (a.get("valueCoding") or {}).get("code")
                        for a in answers
                        if (a.get("valueCoding") or {}).get("system") == LIFE_AREA_SYSTEM
                    ]
                    try:
                        assessment_actions.save_priorities(
                            client,
                            by=by,
                            order=order,
                            noted_on=noted_on,
                            by_client=_by_client(ext, path),
                            note=_string_answer(items, "note"),
                        )
                    except ValueError as exc:
                        raise BundleError(where, str(exc)) from None
                else:
                    raise BundleError(f"{path}.questionnaire", "unknown Waypoint assessment")
            except ValidationError as exc:
                raise BundleError(path, _reason(exc)) from None
