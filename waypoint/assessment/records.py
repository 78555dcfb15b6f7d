"""The assessment in the client's record (privacy registries) and its retention anonymizer.

- `assessment_part` (kind `InfoKind.ASSESSMENT`): stages of change per substance with their
  dated history, the person's order of priorities across life areas (each version), and the
  dates of each decisional-balance version. A disclosure includes it only when the consent names
  assessments (42 CFR 2.31(a)(3)).
  It also carries each version of the drug, set and setting assessment: substance, route, age
  of first use, the continuum as each sees it, how much and how often, and the clinician's set
  and setting notes.
- `assessment_words_part` (kind None: only the client's own copy): the words themselves — the
  four decisional-balance cells, stage notes, priority notes, and what the drug does for and
  costs the person. Like the goal reasons and diary
  notes they are the person's own voice and can name other people, so no disclosure carries
  them (minimum necessary, 42 CFR 2.13(a)); docs/privacy.md.
- `anonymize_assessment` (ANONYMIZERS): blanks that free text and keeps substances, stages,
  orders and dates for de-identified reports.
"""

from waypoint.assessment.models import (
    CELLS,
    DSS_TEXT,
    DecisionalBalance,
    DrugSetSetting,
    NeedsPriorities,
    StageOfChange,
)
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import RecordPart


def _rows(client):
    stages = list(
        StageOfChange.objects.filter(client=client).order_by("substance", "noted_on", "id")
    )
    balances = list(
        DecisionalBalance.objects.filter(client=client).order_by("substance", "noted_on", "id")
    )
    priorities = list(NeedsPriorities.objects.filter(client=client).order_by("noted_on", "id"))
    return stages, balances, priorities


def _dss(client):
    return list(
        DrugSetSetting.objects.filter(client=client).order_by("substance", "noted_on", "id")
    )


def assessment_part(client, ctx):
    stages, balances, priorities = _rows(client)
    dss = _dss(client)
    if not stages and not balances and not priorities and not dss:
        return None
    return RecordPart(
        key="assessment",
        title="Assessment",
        kind=InfoKind.ASSESSMENT,
        template="assessment/parts/_record.html",
        data={
            "stages": [
                {
                    "id": row.pk,
                    "substance": row.substance,
                    "substance_label": row.get_substance_display(),
                    "stage": row.stage,
                    "stage_label": row.get_stage_display(),
                    "noted_on": row.noted_on.isoformat(),
                }
                for row in stages
            ],
            "decisional_balances": [
                {
                    "id": row.pk,
                    "substance": row.substance,
                    "substance_label": row.get_substance_display(),
                    "noted_on": row.noted_on.isoformat(),
                    "by_client": row.by_client,
                }
                for row in balances
            ],
            "priorities": [
                {
                    "id": row.pk,
                    "noted_on": row.noted_on.isoformat(),
                    "by_client": row.by_client,
                    "order": row.order,
                    "order_labels": row.labels(),
                }
                for row in priorities
            ],
            "drug_set_setting": [
                {
                    "id": row.pk,
                    "substance": row.substance,
                    "substance_label": row.get_substance_display(),
                    "noted_on": row.noted_on.isoformat(),
                    "amount_and_frequency": row.amount_and_frequency,
                    "route": row.route,
                    "route_label": row.get_route_display() if row.route else "",
                    "age_first_use": row.age_first_use,
                    "continuum_client": row.continuum_client,
                    "continuum_clinician": row.continuum_clinician,
                    "set_notes": row.set_notes,
                    "setting_notes": row.setting_notes,
                }
                for row in dss
            ],
        },
    )


def assessment_words_part(client, ctx):
    stages, balances, priorities = _rows(client)
    data = {
        "stage_notes": [
            {
                "stage_id": row.pk,
                "substance_label": row.get_substance_display(),
                "stage_label": row.get_stage_display(),
                "noted_on": row.noted_on.isoformat(),
                "note": row.note,
            }
            for row in stages
            if row.note
        ],
        "decisional_balances": [
            {
                "id": row.pk,
                "substance_label": row.get_substance_display(),
                "noted_on": row.noted_on.isoformat(),
                "by_client": row.by_client,
                **{cell: getattr(row, cell) for cell in CELLS},
            }
            for row in balances
        ],
        "priority_notes": [
            {"priorities_id": row.pk, "noted_on": row.noted_on.isoformat(), "note": row.note}
            for row in priorities
            if row.note
        ],
        "drug_set_setting": [
            {
                "id": row.pk,
                "substance_label": row.get_substance_display(),
                "noted_on": row.noted_on.isoformat(),
                "does_for_them": row.does_for_them,
                "costs_them": row.costs_them,
            }
            for row in _dss(client)
            if row.does_for_them or row.costs_them
        ],
    }
    if not any(data.values()):
        return None
    return RecordPart(
        key="assessment_words",
        title="Weighing it up and what matters to you, in your words",
        kind=None,
        template="assessment/parts/_words.html",
        data=data,
    )


def anonymize_assessment(client) -> None:
    """Blank the assessment's free text; substances, stages, orders and dates stay."""
    StageOfChange.objects.filter(client=client).update(note="")
    DecisionalBalance.objects.filter(client=client).update(**{cell: "" for cell in CELLS})
    NeedsPriorities.objects.filter(client=client).update(note="")
    DrugSetSetting.objects.filter(client=client).update(**{name: "" for name in DSS_TEXT})
