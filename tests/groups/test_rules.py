"""Roster and attendance rules: one open membership per chart, leave after join, roster members
present or absent, others only as drop-ins, and a refused save changes nothing."""

import datetime

import pytest

from tests.groups.conftest import DAY
from waypoint.groups import actions
from waypoint.groups.models import Attendance, AttendanceStatus, GroupSession, Membership

pytestmark = pytest.mark.django_db


def test_a_chart_joins_once_at_a_time(group, client_chart, clinician):
    membership = actions.add_member(group, client_chart, by=clinician, joined_on=DAY)
    with pytest.raises(actions.GroupError, match="already on the roster"):
        actions.add_member(group, client_chart, by=clinician, joined_on=DAY)
    actions.end_membership(membership, by=clinician, left_on=DAY + datetime.timedelta(days=7))
    with pytest.raises(actions.GroupError, match="later join date"):
        actions.add_member(group, client_chart, by=clinician, joined_on=DAY)
    actions.add_member(group, client_chart, by=clinician, joined_on=DAY + datetime.timedelta(30))
    assert Membership.objects.filter(client=client_chart).count() == 2


def test_leave_date_before_join_is_refused(group, client_chart, clinician):
    membership = actions.add_member(group, client_chart, by=clinician, joined_on=DAY)
    with pytest.raises(actions.GroupError, match="before the join date"):
        actions.end_membership(membership, by=clinician, left_on=DAY - datetime.timedelta(1))
    membership.refresh_from_db()
    assert membership.left_on is None


def test_another_organizations_chart_cannot_join(group, other_chart, clinician):
    with pytest.raises(actions.GroupError):
        actions.add_member(group, other_chart, by=clinician, joined_on=DAY)
    assert not Membership.objects.exists()


def test_roster_on_a_day_follows_join_and_leave(group, member_charts, clinician):
    a, b, c = member_charts
    actions.add_member(group, a, by=clinician, joined_on=DAY - datetime.timedelta(30))
    left = actions.add_member(group, b, by=clinician, joined_on=DAY - datetime.timedelta(30))
    actions.end_membership(left, by=clinician, left_on=DAY - datetime.timedelta(1))
    actions.add_member(group, c, by=clinician, joined_on=DAY + datetime.timedelta(1))
    assert {m.client_id for m in actions.roster_on(group, DAY)} == {a.pk}


def _session(group, clinician):
    return actions.add_session(group, by=clinician, held_on=DAY)


def test_one_session_per_day(group, clinician):
    _session(group, clinician)
    with pytest.raises(actions.GroupError):
        _session(group, clinician)
    assert GroupSession.objects.count() == 1


@pytest.mark.parametrize(
    ("who", "status", "note", "message"),
    [
        ("member", AttendanceStatus.DROP_IN, "", "not a drop-in"),
        ("visitor", AttendanceStatus.PRESENT, "", "only come as a drop-in"),
        ("visitor", AttendanceStatus.ABSENT, "", "only come as a drop-in"),
        ("member", AttendanceStatus.ABSENT, "Wrote about them anyway.", "no note"),
        ("member", "late", "", "Choose present"),
    ],
)
def test_attendance_rules_refuse_and_save_nothing(
    group, member_charts, client_chart, clinician, who, status, note, message
):
    member = member_charts[0]
    actions.add_member(group, member, by=clinician, joined_on=DAY)
    session = _session(group, clinician)
    chart = member if who == "member" else client_chart
    rows = {member_charts[0].pk: (AttendanceStatus.PRESENT, "Fine row first.")}
    rows[chart.pk] = (status, note)
    with pytest.raises(actions.GroupError, match=message):
        actions.record_session(session, by=clinician, topic="T", shared_note="S", rows=rows)
    assert not Attendance.objects.exists()
    session.refresh_from_db()
    assert session.shared_note == "" and session.topic == ""


def test_session_saves_members_and_drop_ins(group_world):
    session = group_world["session"]
    statuses = dict(Attendance.objects.filter(session=session).values_list("client_id", "status"))
    assert statuses[group_world["drop_in"].pk] == AttendanceStatus.DROP_IN
    assert [statuses[c.pk] for c in group_world["members"]] == [AttendanceStatus.PRESENT] * 3
    assert "Sheltering-mackerel" in GroupSession.objects.get(pk=session.pk).shared_note


def test_empty_status_removes_a_drop_in(group_world, clinician):
    session, robin = group_world["session"], group_world["drop_in"]
    actions.record_session(
        session, by=clinician, topic="", shared_note="", rows={robin.pk: ("", "")}
    )
    assert not Attendance.objects.filter(session=session, client=robin).exists()


def test_every_chart_write_is_audited_on_that_chart(group_world):
    from waypoint.audit.models import AuditEvent

    for chart in [*group_world["members"], group_world["drop_in"]]:
        types = set(
            AuditEvent.objects.filter(client_id=chart.pk).values_list("object_type", flat=True)
        )
        assert "groups.attendance" in types
    for chart in group_world["members"]:
        assert AuditEvent.objects.filter(
            client_id=chart.pk, object_type="groups.membership"
        ).exists()
