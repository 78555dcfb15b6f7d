"""Medications and co-occurring conditions in the client's record, and their anonymizer.

- `medications_part` (kind "Medications", `InfoKind.MEDICATIONS`): every medication (current
  and past, with dose, prescriber, dates and the MOUD/MAUD flags), allergies, and the notes of
  contacts with prescribers.
- `diagnoses_part` (kind "Diagnoses", `InfoKind.DIAGNOSES`): each diagnosis in words with its
  ICD-10-CM code and title.
- `anonymize_medications` (ANONYMIZERS): blanks every free-text field (names, doses,
  prescribers, diagnoses in words, allergies, coordination notes); dates and ICD-10-CM codes
  stay. The MOUD/MAUD flags come from the name, so they go with it.

See docs/medications.md and docs/privacy.md.
"""

from waypoint.medications.models import Allergy, CoordinationNote, Diagnosis, Medication
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import RecordPart


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def medications_part(client, ctx):
    today = ctx.today
    medications = [
        {
            "name": m.name,
            "dose": m.dose,
            "prescriber": m.prescriber,
            "started_on": _iso(m.started_on),
            "stopped_on": _iso(m.stopped_on),
            "current": m.is_current_on(today),
            "for_opioid_use_disorder": m.for_opioid_use,
            "for_alcohol_use_disorder": m.for_alcohol_use,
        }
        for m in Medication.objects.filter(client=client).order_by("started_on", "id")
    ]
    allergies = [
        {"text": a.text, "noted_on": _iso(a.noted_on)}
        for a in Allergy.objects.filter(client=client).order_by("noted_on", "id")
    ]
    coordination = [
        {"occurred_on": _iso(n.occurred_on), "prescriber": n.prescriber, "note": n.note}
        for n in CoordinationNote.objects.filter(client=client).order_by("occurred_on", "id")
    ]
    if not (medications or allergies or coordination):
        return None
    return RecordPart(
        key="medications",
        title="Medications",
        kind=InfoKind.MEDICATIONS,
        template="medications/parts/_record.html",
        data={"medications": medications, "allergies": allergies, "coordination": coordination},
    )


def diagnoses_part(client, ctx):
    data = [
        {
            "description": d.description,
            "code": d.code,
            "code_title": d.code_title,
            "noted_on": _iso(d.noted_on),
        }
        for d in Diagnosis.objects.filter(client=client).order_by("noted_on", "id")
    ]
    if not data:
        return None
    return RecordPart(
        key="diagnoses",
        title="Diagnoses",
        kind=InfoKind.DIAGNOSES,
        template="medications/parts/_diagnoses.html",
        data=data,
    )


def anonymize_medications(client) -> None:
    """Blank the free text; dates and ICD-10-CM codes stay for de-identified reports."""
    Medication.objects.filter(client=client).update(name="", dose="", prescriber="")
    Diagnosis.objects.filter(client=client).update(description="")
    Allergy.objects.filter(client=client).update(text="")
    CoordinationNote.objects.filter(client=client).update(prescriber="", note="")
