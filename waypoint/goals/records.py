"""Goals in the client's record (privacy app registries) and their retention anonymizer.

- `goals_part` (kind "Diary and goals summaries", `InfoKind.DIARY_GOALS`): every goal the person
  chose, per substance, current and earlier decisions, with its type, safer-use practices,
  limits, situations with no use, and dates. In the FHIR download each goal is a FHIR Goal
  (lifecycleStatus active, or completed once the person chose a new goal: a change of goal is a
  new decision, never a failure), expressed by the Patient.
- `goal_reasons_part` (kind None: only the client's own copy): why, in the person's words. It is
  the person's own voice rather than the plan, so a disclosure of "goals summaries" leaves it out
  (minimum necessary, 42 CFR 2.13(a)).
- `anonymize_goals` (ANONYMIZERS): blanks the goals' free text (other practices, situations with
  no use, reasons) and keeps the goal types, limits (numbers) and dates.

See docs/privacy.md.
"""

from fhir.resources.R4B.goal import Goal as FhirGoal

from waypoint.goals.models import Goal
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import RecordPart


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _number(value):
    return None if value is None else float(value)


def _goals(client) -> list[Goal]:
    return list(Goal.objects.filter(client=client).order_by("substance", "started_on", "id"))


def goals_part(client, ctx):
    goals = _goals(client)
    if not goals:
        return None
    data = []
    resources = []
    for goal in goals:
        unit = goal.get_limit_unit_display() if goal.limit_unit else ""
        data.append(
            {
                "id": goal.pk,
                "substance": goal.substance,
                "substance_label": goal.get_substance_display(),
                "goal": goal.kind,
                "goal_label": goal.get_kind_display(),
                "chosen_by_client": goal.chosen_by_client,
                "current": goal.is_current,
                "started_on": _iso(goal.started_on),
                "ended_on": _iso(goal.ended_on),
                "review_on": _iso(goal.review_on),
                "practices": goal.practice_labels(),
                "practices_other": goal.practices_other,
                "limits": {
                    "unit": goal.limit_unit,
                    "unit_label": unit,
                    "max_per_occasion": _number(goal.max_per_occasion),
                    "max_per_day": _number(goal.max_per_day),
                    "max_use_days_per_week": goal.max_use_days_per_week,
                },
                "limits_text": goal.limits_text(),
                "no_use_situations": goal.no_use_situations,
            }
        )
        resources.append((ctx.ref("goal", goal.pk), _fhir_goal(goal, ctx, unit)))
    return RecordPart(
        key="goals",
        title="Goals",
        kind=InfoKind.DIARY_GOALS,
        template="goals/parts/_record.html",
        data=data,
        fhir=resources,
    )


def _fhir_goal(goal: Goal, ctx, unit: str) -> FhirGoal:
    targets = []
    for label, value, target_unit in (
        ("Most per occasion", goal.max_per_occasion, unit),
        ("Most per day", goal.max_per_day, unit),
        ("Most days of use per week", goal.max_use_days_per_week, "days per week"),
    ):
        if value is not None:
            targets.append(
                {
                    "measure": {"text": label},
                    "detailQuantity": {"value": value, "unit": target_unit},
                }
            )
    for practice in goal.practice_labels():
        targets.append(
            {"measure": {"text": "Safer-use practice"}, "detailCodeableConcept": {"text": practice}}
        )
    notes = []
    if goal.practices_other:
        notes.append({"text": f"Other practices: {goal.practices_other}"})
    if goal.no_use_situations:
        notes.append({"text": f"Situations with no use: {goal.no_use_situations}"})
    if goal.review_on:
        notes.append({"text": f"Review date: {goal.review_on.isoformat()}"})
    resource = {
        "resourceType": "Goal",
        "lifecycleStatus": "active" if goal.is_current else "completed",
        "category": [{"text": "Substance use"}],
        "description": {"text": f"{goal.get_substance_display()}: {goal.get_kind_display()}"},
        "subject": {"reference": ctx.patient_ref},
        "startDate": goal.started_on.isoformat(),
        "target": targets or None,
        "statusDate": _iso(goal.ended_on),
        "expressedBy": {"reference": ctx.patient_ref} if goal.chosen_by_client else None,
        "note": notes or None,
    }
    return FhirGoal.model_validate({k: v for k, v in resource.items() if v is not None})


def goal_reasons_part(client, ctx):
    reasons = [
        {
            "goal_id": goal.pk,
            "substance_label": goal.get_substance_display(),
            "goal_label": goal.get_kind_display(),
            "started_on": _iso(goal.started_on),
            "in_own_words": goal.in_own_words,
        }
        for goal in _goals(client)
        if goal.in_own_words
    ]
    if not reasons:
        return None
    return RecordPart(
        key="goal_reasons",
        title="Why you chose your goals, in your words",
        kind=None,
        template="goals/parts/_reasons.html",
        data=reasons,
    )


def anonymize_goals(client) -> None:
    """Blank the goals' free text; goal types, limits and dates stay for de-identified reports."""
    Goal.objects.filter(client=client).update(
        practices_other="", no_use_situations="", in_own_words=""
    )
