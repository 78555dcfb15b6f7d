"""The goals panel on the chart and in the portal, and the caseload's goal-review column."""

import datetime
from collections import defaultdict

from django.template.defaultfilters import date as date_filter

from waypoint.clients.cells import badges, e
from waypoint.clients.extensions import Panel
from waypoint.clinics.templatetags.dates import day
from waypoint.goals.models import Goal
from waypoint.goals.timeline import goal_timelines
from waypoint.lib.idlists import IdIn

REVIEW_SOON_DAYS = 14


def goals_panel(request, access):
    client = access.client
    return Panel(
        "goals/_panel_goals.html",
        {
            "timelines": goal_timelines(client),
            "can_write": access.can_write,
            "today": client.organization.today(),
        },
    )


def portal_goals_panel(request, client):
    goals = list(client.goals.current().order_by("substance"))
    if not goals:
        return None
    return Panel("goals/_panel_portal_goals.html", {"goals": goals})


def annotate_goal_reviews(clients: list, user) -> None:
    """Sets `goal_reviews` on each caseload row: current goals whose review date has passed or
    comes within two weeks, each with `review_passed`, in ONE query for the whole list
    (issue #10: a review date that has passed is flagged on the chart and the caseload)."""
    today = user.organization.today()
    horizon = today + datetime.timedelta(days=REVIEW_SOON_DAYS)
    by_client = defaultdict(list)
    rows = (
        Goal.objects.current()
        .filter(IdIn("client_id", [c.pk for c in clients]))
        .filter(review_on__isnull=False, review_on__lte=horizon)
        .order_by("review_on", "substance")
        .only("id", "client_id", "substance", "review_on")
    )
    for goal in rows:
        goal.review_passed = goal.review_on < today
        by_client[goal.client_id].append(goal)
    for client in clients:
        client.goal_reviews = by_client.get(client.pk, [])


def _review_badge(goal) -> str:
    substance = e(goal.get_substance_display())
    passed = goal.review_passed
    when = "review date passed" if passed else f"review {e(day(goal.review_on))}"
    return (
        f'<span class="badge{" alert" if passed else ""}" title="{substance} goal: review '
        f'{e(date_filter(goal.review_on, "M j, Y"))}">{substance}: {when}</span>'
    )


def goal_review_cell(client) -> str:
    """Caseload cell: the reviews set by `annotate_goal_reviews`."""
    return badges(client.goal_reviews, _review_badge)
