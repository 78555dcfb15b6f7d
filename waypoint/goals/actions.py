"""Recording the goals a person chooses. A new choice closes the previous goal for that
substance (kept in the timeline as an earlier decision) and starts the new one; both steps and
every edit are kept by simple-history. Plan status in the diary rollups is recomputed from the
affected date on, inside the same transaction.
"""

import datetime

from django.db import transaction

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.diary import rollups
from waypoint.diary.actions import lock_client
from waypoint.goals.models import Goal, GoalKind

GOAL_FIELDS = (
    "practices",
    "practices_other",
    "limit_unit",
    "max_per_occasion",
    "max_per_day",
    "max_use_days_per_week",
    "no_use_situations",
    "in_own_words",
    "review_on",
)


def _clear_unused(goal: Goal) -> None:
    """Keep only the fields that belong to the goal's kind."""
    if goal.kind != GoalKind.SAFER_USE:
        goal.practices, goal.practices_other = [], ""
    if goal.kind != GoalKind.MODERATION:
        goal.limit_unit = ""
        goal.max_per_occasion = goal.max_per_day = goal.max_use_days_per_week = None
        goal.no_use_situations = ""


@transaction.atomic
def choose_goal(
    client,
    *,
    by,
    substance: str,
    kind: str,
    started_on: datetime.date,
    chosen_by_client: bool,
    **fields,
) -> Goal:
    """Record the goal the person chose for a substance, starting on `started_on`."""
    if not chosen_by_client:
        raise ValueError("Record a goal only when the person has chosen it.")
    if kind not in GoalKind.values:
        raise ValueError(f"unknown goal kind {kind!r}")
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown goal fields: {sorted(unknown)}")
    lock_client(client)
    previous = Goal.objects.filter(client=client, substance=substance).current().first()
    if previous is not None:
        if started_on < previous.started_on:
            raise ValueError("A new goal cannot start before the current goal for this substance.")
        previous.ended_on = started_on
        previous._history_user = by
        previous.save(update_fields=["ended_on"])
        record(
            by=by, action=AuditAction.CHANGE, obj=previous, client=client, detail={"ended": True}
        )
    goal = Goal(
        client=client,
        substance=substance,
        kind=kind,
        started_on=started_on,
        chosen_by_client=True,
        recorded_by=by,
        **fields,
    )
    _clear_unused(goal)
    goal._history_user = by
    # Check constraints too (limits not negative, review after start...): an import or the API
    # then gets a reason instead of a database IntegrityError (found by the FHIR fuzz test).
    goal.full_clean(exclude=["client", "recorded_by"])
    goal.save()
    rollups.refresh_client_from(client, started_on)
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=goal,
        client=client,
        detail={"substance": substance, "kind": kind},
    )
    return goal


@transaction.atomic
def update_goal(goal: Goal, *, by, changed_fields: list[str]) -> Goal:
    """Save edits to the current goal (limits, practices, review date) made in memory."""
    if not changed_fields:
        return goal
    lock_client(goal.client)
    _clear_unused(goal)
    goal._history_user = by
    goal.full_clean(exclude=["client", "recorded_by"])
    goal.save()
    rollups.refresh_client_from(goal.client, goal.started_on)
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=goal,
        client=goal.client,
        detail={"fields": sorted(changed_fields)},
    )
    return goal
