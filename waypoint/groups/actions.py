"""Writing groups: create and edit a group, roster changes, sessions, attendance and notes.

Every write is atomic and audited. Writes that touch a chart (a roster row, an attendance row,
a member's part of a group note) write their audit event against that chart, so the chart's
access history shows them. `at=` / dates let the demo and tests write a history.

Rules:
- a chart joins a group once at a time (a new membership only after the last one ended);
- a member leaves on or after the day they joined;
- at a session, a chart on the roster that day is present or absent; any other chart of the
  organization may come as a drop-in (open, low-threshold groups: Little 2006).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.groups.models import (
    Attendance,
    AttendanceStatus,
    GroupSession,
    Membership,
    TherapyGroup,
)


class GroupError(ValueError):
    """A request that does not fit the group's rules (message for the user). At a session,
    `client_id` and `field` ("client_id", "status" or "member_note") say which row and which
    part of it broke the rule, so the API can name the field."""

    def __init__(self, message: str, *, client_id: int | None = None, field: str | None = None):
        super().__init__(message)
        self.client_id = client_id
        self.field = field


@transaction.atomic
def create_group(organization, *, by, name: str, description: str = "", facilitators=()):
    if TherapyGroup.objects.filter(organization=organization, name=name).exists():
        raise GroupError("Your organization already has a group with this name.")
    group = TherapyGroup.objects.create(
        organization=organization, name=name, description=description
    )
    group.facilitators.set(facilitators or [by])
    record(by=by, action=AuditAction.CREATE, obj=group, organization_id=organization.pk)
    return group


@transaction.atomic
def edit_group(group, *, by, name: str, description: str, facilitators, is_active: bool = True):
    if (
        TherapyGroup.objects.filter(organization_id=group.organization_id, name=name)
        .exclude(pk=group.pk)
        .exists()
    ):
        raise GroupError("Your organization already has a group with this name.")
    group.name, group.description, group.is_active = name, description, is_active
    group.save(update_fields=["name", "description", "is_active"])
    group.facilitators.set(facilitators)
    record(by=by, action=AuditAction.CHANGE, obj=group, organization_id=group.organization_id)
    return group


@transaction.atomic
def add_member(group, client, *, by, joined_on: datetime.date) -> Membership:
    if client.organization_id != group.organization_id:
        raise GroupError("Only your organization's charts can join its groups.")
    if Membership.objects.filter(group=group, client=client).current().exists():
        raise GroupError("This person is already on the roster.")
    if Membership.objects.filter(group=group, client=client, left_on__gte=joined_on).exists():
        raise GroupError("This person was on the roster then; choose a later join date.")
    membership = Membership.objects.create(group=group, client=client, joined_on=joined_on)
    # The group's name is a label of the clinic's; no other member is named in the event.
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=membership,
        client=client,
        detail={"group": group.pk, "joined_on": joined_on.isoformat()},
    )
    return membership


@transaction.atomic
def end_membership(membership, *, by, left_on: datetime.date) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise GroupError("This person has already left the group.")
    if left_on < membership.joined_on:
        raise GroupError("The leave date cannot be before the join date.")
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=membership,
        client=membership.client,
        detail={"group": membership.group_id, "left_on": left_on.isoformat()},
    )
    return membership


@transaction.atomic
def add_session(group, *, by, held_on: datetime.date, topic: str = "") -> GroupSession:
    if GroupSession.objects.filter(group=group, held_on=held_on).exists():
        raise GroupError("This group already has a session on that day.")
    session = GroupSession.objects.create(group=group, held_on=held_on, topic=topic, created_by=by)
    record(by=by, action=AuditAction.CREATE, obj=session, organization_id=group.organization_id)
    return session


def roster_on(group, day: datetime.date):
    """Charts on the roster that day."""
    return Membership.objects.filter(group=group).on(day)


@transaction.atomic
def record_session(
    session,
    *,
    by,
    topic: str,
    shared_note: str,
    rows: dict[int, tuple[str, str]],
    at: datetime.datetime | None = None,
) -> GroupSession:
    """Save a session's topic, shared part and attendance with each member's own part.

    `rows` maps a chart id to (status, member note); a status of "" removes the chart's row
    (a drop-in who did not come after all). Roster charts are present or absent; others may
    only be drop-ins, and only charts of the group's organization.
    """
    from waypoint.clients.models import Client

    now = at or timezone.now()
    session = GroupSession.objects.select_for_update().select_related("group").get(pk=session.pk)
    group = session.group
    on_roster = set(roster_on(group, session.held_on).values_list("client_id", flat=True))
    charts = {
        c.pk: c
        for c in Client.objects.filter(organization_id=group.organization_id, pk__in=list(rows))
    }
    existing = {a.client_id: a for a in Attendance.objects.filter(session=session)}
    for client_id, (status, note) in rows.items():
        client = charts.get(client_id)
        if client is None:
            raise GroupError(
                "Only your organization's charts can attend its groups.",
                client_id=client_id,
                field="client_id",
            )
        note = (note or "").strip()
        if status and status not in AttendanceStatus.values:
            raise GroupError(
                "Choose present, drop-in or absent.", client_id=client_id, field="status"
            )
        if status == AttendanceStatus.DROP_IN and client_id in on_roster:
            raise GroupError(
                "A member on the roster is present or absent, not a drop-in.",
                client_id=client_id,
                field="status",
            )
        if status in (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT) and (
            client_id not in on_roster
        ):
            raise GroupError(
                "Someone not on the roster that day can only come as a drop-in.",
                client_id=client_id,
                field="status",
            )
        if status == AttendanceStatus.ABSENT and note:
            raise GroupError(
                "A member who was absent has no note for this session.",
                client_id=client_id,
                field="member_note",
            )
        row = existing.get(client_id)
        if not status:
            if row is not None:
                row.delete()
                record(by=by, action=AuditAction.DELETE, obj=row, client=client)
            continue
        if row is None:
            row = Attendance.objects.create(
                session=session,
                client=client,
                status=status,
                member_note=note,
                updated_by=by,
                updated_at=now,
            )
            record(
                by=by,
                action=AuditAction.CREATE,
                obj=row,
                client=client,
                detail={"session": session.pk, "status": status},
            )
        elif row.status != status or row.member_note != note:
            row.status, row.member_note, row.updated_by, row.updated_at = status, note, by, now
            row.save(update_fields=["status", "member_note", "updated_by", "updated_at"])
            record(
                by=by,
                action=AuditAction.CHANGE,
                obj=row,
                client=client,
                detail={"session": session.pk, "status": status},
            )
    session.topic, session.shared_note, session.updated_at = topic, shared_note.strip(), now
    session.save(update_fields=["topic", "shared_note", "updated_at"])
    record(by=by, action=AuditAction.CHANGE, obj=session, organization_id=group.organization_id)
    return session
