"""Group parts of the record: attendance and own parts by kind, the anonymizer, the purge."""

import pytest

from waypoint.groups.models import Attendance, GroupSession, Membership
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import build_parts

pytestmark = pytest.mark.django_db


def test_parts_by_kind(group_world):
    chart = group_world["members"][1]
    parts = {p.key: p for p in build_parts(chart)}
    assert parts["group_attendance"].kind == InfoKind.ATTENDANCE
    assert parts["group_notes"].kind == InfoKind.NOTES
    assert parts["group_notes"].data == [
        {
            "group": "Tuesday open group",
            "date": "2026-03-03",
            "status": "Present",
            "text": "Own part: spoke about the gooseberry plan.",
        }
    ]
    only_attendance = build_parts(chart, kinds=[InfoKind.ATTENDANCE])
    assert "group_notes" not in {p.key for p in only_attendance}


def test_anonymizer_removes_the_members_rows_only(group_world):
    from waypoint.groups.records import anonymize_groups
    from waypoint.privacy.retention import ANONYMIZERS

    assert "waypoint.groups.records.anonymize_groups" in ANONYMIZERS
    chart = group_world["members"][0]
    anonymize_groups(chart)
    assert not Attendance.objects.filter(client=chart).exists()
    assert not Membership.objects.filter(client=chart).exists()
    assert Attendance.objects.count() == 3 and GroupSession.objects.count() == 1
    assert not {p.key for p in build_parts(chart)} & {"group_attendance", "group_notes"}


def test_purge_of_a_chart_cascades(group_world):
    chart = group_world["members"][0]
    chart.delete()
    assert not Attendance.objects.filter(client_id=chart.pk).exists()
    assert Membership.objects.count() == 2
