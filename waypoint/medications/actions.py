"""Writes to the medication list, diagnoses, allergies and prescriber coordination notes.

Each is one row and one audit event, inside a transaction; `by` is the acting user. Values are
checked with the model's own validation (a stop date before the start date never saves).
"""

from django.db import transaction

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.medications.models import Allergy, CoordinationNote, Diagnosis, Medication
from waypoint.medications.reference import normal_code


def _create(model, client, *, by, detail=None, **fields):
    obj = model(client=client, recorded_by=by, **fields)
    obj.full_clean(exclude=["client", "recorded_by"])
    obj.save()
    record(by=by, action=AuditAction.CREATE, obj=obj, client=client, detail=detail or {})
    return obj


@transaction.atomic
def add_medication(client, *, by, **fields) -> Medication:
    return _create(Medication, client, by=by, **fields)


@transaction.atomic
def update_medication(medication: Medication, *, by, changed_fields: list[str]) -> Medication:
    """Save edits made in memory (a stop date, a new dose); audited with the field names."""
    if not changed_fields:
        return medication
    medication.full_clean(exclude=["client", "recorded_by"])
    medication.save(update_fields=changed_fields)
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=medication,
        client=medication.client,
        detail={"fields": sorted(changed_fields)},
    )
    return medication


@transaction.atomic
def add_diagnosis(client, *, by, description: str, code: str = "", noted_on) -> Diagnosis:
    return _create(
        Diagnosis,
        client,
        by=by,
        description=description,
        code=normal_code(code),
        noted_on=noted_on,
    )


@transaction.atomic
def add_allergy(client, *, by, text: str, noted_on) -> Allergy:
    return _create(Allergy, client, by=by, text=text, noted_on=noted_on)


@transaction.atomic
def add_coordination_note(client, *, by, occurred_on, prescriber: str, note: str):
    return _create(
        CoordinationNote,
        client,
        by=by,
        occurred_on=occurred_on,
        prescriber=prescriber,
        note=note,
    )
