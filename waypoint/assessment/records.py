"""The assessment in the client's record (privacy registries) and its retention anonymizer.

- `assessment_part` (kind `InfoKind.ASSESSMENT`): stages of change per substance with their
  dated history, every version of the decisional balance, and of the person's priorities. A
  disclosure includes it only when the consent names assessments (42 CFR 2.31(a)(3)).
- `anonymize_assessment` (ANONYMIZERS): blanks the free text (stage notes, the four cells,
  priority notes) and keeps substances, stages, orders and dates for de-identified reports.
"""

from waypoint.assessment.models import CELLS, DecisionalBalance, NeedsPriorities, StageOfChange
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import RecordPart


def assessment_part(client, ctx):
    stages = list(
        StageOfChange.objects.filter(client=client).order_by("substance", "noted_on", "id")
    )
    balances = list(
        DecisionalBalance.objects.filter(client=client).order_by("substance", "noted_on", "id")
    )
    priorities = list(NeedsPriorities.objects.filter(client=client).order_by("noted_on", "id"))
    if not stages and not balances and not priorities:
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
                    "note": row.note,
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
                    **{cell: getattr(row, cell) for cell in CELLS},
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
                    "note": row.note,
                }
                for row in priorities
            ],
        },
    )


def anonymize_assessment(client) -> None:
    """Blank the assessment's free text; substances, stages and dates stay."""
    StageOfChange.objects.filter(client=client).update(note="")
    DecisionalBalance.objects.filter(client=client).update(**{cell: "" for cell in CELLS})
    NeedsPriorities.objects.filter(client=client).update(note="")
