"""The decision timeline of a person's goals: each choice, and each edit, in order.

A change of goal is shown as the person's next decision, never as a failure or a "relapse".
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from waypoint.goals.models import Goal, Substance


@dataclass
class Decision:
    goal: Goal
    started_on: date
    ended_on: date | None
    edits: list[tuple[datetime, str, list[str]]] = field(default_factory=list)


@dataclass
class SubstanceTimeline:
    substance: str
    label: str
    current: Goal | None
    decisions: list[Decision]


_TRACKED = [
    "review_on",
    "practices",
    "practices_other",
    "limit_unit",
    "max_per_occasion",
    "max_per_day",
    "max_use_days_per_week",
    "no_use_situations",
    "in_own_words",
]


def goal_timelines(client) -> list[SubstanceTimeline]:
    """Goals grouped by substance, oldest decision first, with the edits made to each."""
    goals = list(
        client.goals.select_related("recorded_by").order_by("substance", "started_on", "id")
    )
    history = {}
    if goals:
        for rec in (
            Goal.history.filter(id__in=[g.pk for g in goals])
            .select_related("history_user")
            .order_by("id", "history_date")
        ):
            history.setdefault(rec.id, []).append(rec)
    labels = dict(Substance.choices)
    by_substance: dict[str, list[Decision]] = {}
    for goal in goals:
        decision = Decision(goal=goal, started_on=goal.started_on, ended_on=goal.ended_on)
        records = history.get(goal.pk, [])
        for before, after in zip(records, records[1:], strict=False):
            delta = after.diff_against(before)
            changed = [
                str(Goal._meta.get_field(c.field).verbose_name)
                for c in delta.changes
                if c.field in _TRACKED
            ]
            if changed:
                decision.edits.append((after.history_date, str(after.history_user or ""), changed))
        by_substance.setdefault(goal.substance, []).append(decision)
    result = []
    for substance, decisions in by_substance.items():
        current = next((d.goal for d in decisions if d.goal.is_current), None)
        result.append(
            SubstanceTimeline(substance, labels.get(substance, substance), current, decisions)
        )
    result.sort(key=lambda t: (t.current is None, t.label))
    return result
