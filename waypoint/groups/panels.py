"""The "Groups" panels: on the chart, this person's groups and their own parts of group notes;
in the portal, the person's own groups and the sessions they came to.

Only rows of this chart are read (their memberships and their own attendance rows): no roster,
no other member, and never a session's shared part. The portal shows no note at all (neither
part is written for the member to read) and no absences (an open group asks nothing of anyone).
"""

from dataclasses import dataclass

from waypoint.clients.extensions import Panel
from waypoint.groups.models import Attendance, AttendanceStatus, Membership, TherapyGroup

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


@dataclass
class PortalGroup:
    """One group as the person sees it: theirs (on the roster) or one they dropped in to."""

    group: TherapyGroup
    member_since: object = None  # a date, when on the roster now
    sessions_came: int = 0
    last_came: object = None  # a date


def portal_panel(request, client):
    """The person's current groups and the groups they came to as a drop-in (two queries)."""
    groups: dict[int, PortalGroup] = {}
    for membership in (
        Membership.objects.current()
        .filter(client=client, group__is_active=True)
        .select_related("group")
        .order_by("joined_on", "id")
    ):
        groups[membership.group_id] = PortalGroup(membership.group, membership.joined_on)
    for row in (
        Attendance.objects.filter(
            client=client,
            status__in=[AttendanceStatus.PRESENT, AttendanceStatus.DROP_IN],
            session__group__organization_id=client.organization_id,
        )
        .select_related("session__group")
        .only("session__held_on", "session__group__name", "session__group__description")
        .order_by("session__held_on")
    ):
        session = row.session
        shown = groups.setdefault(session.group_id, PortalGroup(session.group))
        shown.sessions_came += 1
        shown.last_came = session.held_on
    if not groups:
        return None
    ordered = sorted(groups.values(), key=lambda g: (g.member_since is None, g.group.name))
    return Panel("groups/_panel_portal.html", {"groups": ordered})
