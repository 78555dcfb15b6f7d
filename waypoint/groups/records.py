"""Groups in the client's record (privacy app registries) and their retention anonymizer.

What a member's record holds of a group is only what is theirs:
- `group_attendance_part` (kind `InfoKind.ATTENDANCE`): the groups they were on the roster of
  (group name, join and leave dates) and each session they attended or missed (date, status).
- `group_notes_part` (kind `InfoKind.NOTES`, group notes are session notes): their own part of
  each group note, as "Group: <group name>, <date>: <their own part>".
Neither part names another member, their chart number, the session topic or the shared part
(themes and process), which may mention other members: those stay with the group.

`anonymize_groups` (ANONYMIZERS): deletes the chart's roster rows and attendance (with its own
parts of group notes). The group and its sessions stay; the person simply no longer appears.

See docs/groups.md and docs/privacy.md.
"""

import base64

from fhir.resources.R4B.documentreference import DocumentReference

from waypoint.groups.models import Attendance, Membership
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import RecordPart


def _attendance(client):
    return list(
        Attendance.objects.filter(client=client)
        .select_related("session__group")
        .order_by("session__held_on", "id")
    )


def group_attendance_part(client, ctx):
    memberships = list(
        Membership.objects.filter(client=client).select_related("group").order_by("joined_on", "id")
    )
    attendance = _attendance(client)
    if not memberships and not attendance:
        return None
    data = {
        "groups": [
            {
                "group": m.group.name,
                "joined_on": m.joined_on.isoformat(),
                "left_on": m.left_on.isoformat() if m.left_on else None,
            }
            for m in memberships
        ],
        "sessions": [
            {
                "group": a.session.group.name,
                "date": a.session.held_on.isoformat(),
                "status": a.get_status_display(),
            }
            for a in attendance
        ],
    }
    return RecordPart(
        key="group_attendance",
        title="Group attendance",
        kind=InfoKind.ATTENDANCE,
        template="groups/parts/_attendance.html",
        data=data,
    )


def own_part_text(attendance: Attendance) -> str:
    """How a member's own part of a group note reads in their chart."""
    session = attendance.session
    return f"Group: {session.group.name}, {session.held_on.isoformat()}: {attendance.member_note}"


def group_notes_part(client, ctx):
    rows = [a for a in _attendance(client) if a.member_note]
    if not rows:
        return None
    data, fhir = [], []
    for row in rows:
        item = {
            "group": row.session.group.name,
            "date": row.session.held_on.isoformat(),
            "status": row.get_status_display(),
            "text": row.member_note,
        }
        data.append(item)
        resource = DocumentReference.model_validate(
            {
                "resourceType": "DocumentReference",
                "status": "current",
                "type": {"text": "Group session note (own part)"},
                "subject": {"reference": ctx.patient_ref},
                "description": f"Group session of {item['date']}",
                "content": [
                    {
                        "attachment": {
                            "contentType": "text/plain; charset=utf-8",
                            "data": base64.b64encode(own_part_text(row).encode()).decode(),
                            "title": f"Group session note {item['date']}",
                        }
                    }
                ],
            }
        )
        fhir.append((ctx.ref("group-attendance", row.pk), resource))
    return RecordPart(
        key="group_notes",
        title="Group session notes",
        kind=InfoKind.NOTES,
        template="groups/parts/_notes.html",
        data=data,
        fhir=fhir,
    )


def anonymize_groups(client) -> None:
    """Remove the person from every group: their attendance (and own parts) and roster rows."""
    Attendance.objects.filter(client=client).delete()
    Membership.objects.filter(client=client).delete()
