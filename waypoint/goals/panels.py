"""The goals panel on the chart and in the portal."""

from waypoint.clients.extensions import Panel
from waypoint.goals.timeline import goal_timelines


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
