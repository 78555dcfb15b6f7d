"""The "Groups" panel on the chart: this person's groups and their own parts of group notes.

Only rows of this chart are read (their memberships and their own attendance rows): no roster,
no other member, and never a session's shared part.
"""

from waypoint.clients.extensions import Panel
from waypoint.groups.models import Attendance, Membership

RECENT = 8


def chart_panel(request, access):
    client = access.client
    memberships = list(
        Membership.objects.filter(client=client)
        .select_related("group")
        .order_by("-joined_on", "-id")
    )
    attendance = list(
        Attendance.objects.filter(client=client)
        .select_related("session__group")
        .order_by("-session__held_on", "-id")[:RECENT]
    )
    if not memberships and not attendance:
        return None
    return Panel(
        "groups/_panel_groups.html",
        {"client": client, "memberships": memberships, "attendance": attendance},
    )
