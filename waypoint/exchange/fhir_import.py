"""A new chart from a FHIR R4 Bundle, all or nothing (`waypoint fhir-import FILE`, the upload
page). The reverse of `fhir_export`: standard elements and Waypoint extensions back to fields.

The Bundle is first validated with `fhir.resources.R4B` (structure and types); then every
resource is mapped and written through the apps' own actions (goals, diary, measures, episodes),
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
from fhir.resources.R4B.bundle import Bundle

from waypoint.clients import actions as client_actions
from waypoint.clients.models import ChartStatus, Client, DrinkingThresholds
from waypoint.diary import actions as diary_actions
from waypoint.diary import plausibility
from waypoint.exchange.fhir_export import DIARY_FIELDS, DIARY_SYSTEM, EXT, GOAL_FIELDS
from waypoint.goals import actions as goal_actions
from waypoint.measures import actions as measure_actions
from waypoint.measures import instruments
from waypoint.measures.fhir import LOINC
from waypoint.measures.scoring import ScoringError

MAX_ENTRIES = 20_000
IMPORTED = {"Patient", "Encounter", "Goal", "Observation", "QuestionnaireResponse", "Consent"}


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
                created.save(update_fields=["ended_on"])


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
            try:
                measure_actions.record_administration(
                    client,
                    by=by,
                    instrument_id=instrument.id,
                    answers=answers,
                    administered_at=authored,
                    target=target,
                )
            except (ScoringError, measure_actions.MeasureError) as exc:
                raise BundleError(path, str(exc)) from None


def _import_all(client, by, grouped, diary, status) -> None:
    _import_episodes(client, by, grouped.get("Encounter", []))
    if status in ChartStatus.values and client.status != status:
        client.status = status
        client.save(update_fields=["status"])
    _import_goals(client, by, grouped.get("Goal", []))
    _import_diary(client, by, diary)
    _import_measures(client, by, grouped.get("QuestionnaireResponse", []))


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
        },
        skipped=skipped,
    )
