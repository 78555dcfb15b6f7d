"""API writes for appointments and groups (issue #14): the web's forms, actions and access
rules; a read token 403; a chart or group one cannot open 404; a chart one may only read 403;
bad input a 400 naming the field with nothing written; each write audited."""

import datetime

import pytest
from django.test import Client as Browser

from waypoint.appointments import actions as appointment_actions
from waypoint.appointments.models import Appointment
from waypoint.audit.models import AuditEvent
from waypoint.groups import actions as group_actions
from waypoint.groups.models import Attendance, GroupSession, Membership

pytestmark = pytest.mark.django_db


def _last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _events_since(first: int):
    return list(AuditEvent.objects.filter(id__gt=first).order_by("id"))


def _booking(day, **extra):
    return {"start_date": day.isoformat(), "start_time": "14:00", **extra}


@pytest.fixture
def writer(clinician, make_token, api):
    return api(make_token(clinician, scope="read-write"))


@pytest.fixture
def booked(client_chart, clinician):
    zone = client_chart.organization.zone
    day = client_chart.organization.today() + datetime.timedelta(days=3)
    return appointment_actions.schedule_appointment(
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=datetime.datetime.combine(day, datetime.time(14, 0), zone),
        duration_minutes=50,
        note="Bring the housing letter.",
    )


@pytest.fixture
def past(client_chart, clinician, booked):
    """An appointment two days ago, still marked scheduled (nobody recorded what happened)."""
    zone = client_chart.organization.zone
    day = client_chart.organization.today() - datetime.timedelta(days=2)
    Appointment.objects.filter(pk=booked.pk).update(
        starts_at=datetime.datetime.combine(day, datetime.time(10, 0), zone)
    )
    booked.refresh_from_db()
    return booked


# Appointments ------------------------------------------------------------------------------


def test_book_an_appointment(writer, client_chart, clinician, clinic):
    day = clinic.today() + datetime.timedelta(days=5)
    first = _last_event_id()
    response = writer.post(
        f"/api/v1/clients/{client_chart.pk}/appointments",
        _booking(day, duration_minutes=30, note="Prefers the side door."),
    )
    assert response.status_code == 201, response.content
    appointment = Appointment.objects.get()
    body = response.json()
    assert body["id"] == appointment.pk and body["kind"] == "individual"
    assert body["status"] == "scheduled" and body["duration_minutes"] == 30
    assert "note" not in body and "side door" not in response.content.decode()
    local = appointment.starts_at.astimezone(clinic.zone)
    assert (local.date(), local.hour, local.minute) == (day, 14, 0)
    assert appointment.clinician == clinician  # the chart's primary clinician by default
    assert appointment.created_by == clinician and appointment.note == "Prefers the side door."
    events = _events_since(first)
    assert [(e.action, e.object_type) for e in events] == [
        ("view", "api"),
        ("view", "clients.client"),
        ("create", "appointments.appointment"),
    ]
    assert events[1].detail == {"page": "api appointment add"}
    assert events[2].client_id == client_chart.pk and events[2].object_id == str(appointment.pk)


def test_record_a_drop_in(writer, client_chart, colleague, clinic):
    yesterday = clinic.today() - datetime.timedelta(days=1)
    response = writer.post(
        f"/api/v1/clients/{client_chart.pk}/appointments",
        {**_booking(yesterday), "kind": "drop_in", "clinician_id": colleague.pk},
    )
    assert response.status_code == 201, response.content
    drop_in = Appointment.objects.get()
    assert (drop_in.kind, drop_in.status, drop_in.clinician) == ("drop_in", "attended", colleague)
    assert response.json()["clinician"] == colleague.full_name


def test_moments_are_answered_in_utc_as_the_list_gives_them(writer, client_chart, clinic):
    """Liberia kept an offset of -00:44:30 until 1972: a written row is answered in UTC, as the
    list reads it back, since RFC 3339 offsets have no seconds."""
    clinic.timezone = "Africa/Monrovia"
    clinic.save(update_fields=["timezone"])
    url = f"/api/v1/clients/{client_chart.pk}/appointments"
    written = writer.post(url, {**_booking(datetime.date(1960, 5, 4)), "kind": "drop_in"})
    assert written.status_code == 201, written.content
    body = written.json()
    assert (body["starts_at"], body["ends_at"]) == ("1960-05-04T14:44:30Z", "1960-05-04T15:34:30Z")
    listed = writer.get(url).json()["items"]
    assert [(row["starts_at"], row["ends_at"]) for row in listed] == [
        (body["starts_at"], body["ends_at"])
    ]


@pytest.mark.parametrize(
    "change,field",
    [
        ({"start_date": "PAST"}, "start_date"),  # a booking must start in the future
        ({"kind": "drop_in"}, "start_date"),  # a drop-in is recorded after it happened
        ({"start_date": "2026-13-01"}, "start_date"),
        ({"start_date": 0}, "start_date"),  # not seconds since 1970
        ({"start_date": "9999-12-31", "start_time": "23:00"}, "start_date"),  # no UTC moment
        # Local mean time before 1900 (-07:52:58 in Los Angeles): no RFC 3339 offset for it.
        ({"start_date": "0076-10-01", "kind": "drop_in"}, "start_date"),
        ({"start_date": "1899-12-31", "kind": "drop_in"}, "start_date"),
        ({"start_time": "25:00"}, "start_time"),
        ({"start_time": "2pm"}, "start_time"),
        ({"duration_minutes": 17}, "duration_minutes"),
        ({"duration_minutes": "long"}, "duration_minutes"),
        ({"clinician_id": "OTHER"}, "clinician_id"),  # staff of another clinic
        ({"clinician_id": 10**12}, "clinician_id"),
        ({"kind": "group"}, "kind"),
        ({"status": "attended"}, "status"),  # unknown on a booking
        ({"shoe_size": 9}, "shoe_size"),
    ],
)
def test_bad_bookings_are_400_naming_the_field(
    writer, client_chart, clinic, other_clinician, change, field
):
    change = dict(change)
    if change.get("start_date") == "PAST":
        change["start_date"] = (clinic.today() - datetime.timedelta(days=2)).isoformat()
    if change.get("clinician_id") == "OTHER":
        change["clinician_id"] = other_clinician.pk
    response = writer.post(
        f"/api/v1/clients/{client_chart.pk}/appointments",
        {**_booking(clinic.today() + datetime.timedelta(days=4)), **change},
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert field in body["fields"], body
    assert body["error"]
    assert not Appointment.objects.exists()


def test_a_booking_without_its_date_names_it(writer, client_chart):
    response = writer.post(f"/api/v1/clients/{client_chart.pk}/appointments", {})
    assert response.status_code == 400
    assert {"start_date", "start_time"} <= set(response.json()["fields"])


def test_reschedule_and_record_what_happened(writer, booked, clinic):
    url = f"/api/v1/appointments/{booked.pk}"
    Appointment.objects.filter(pk=booked.pk).update(
        reminder_sent_at=datetime.datetime.now(datetime.UTC)
    )
    first = _last_event_id()
    response = writer.patch(url, {"start_time": "16:30", "duration_minutes": 60})
    assert response.status_code == 200, response.content
    booked.refresh_from_db()
    local = booked.starts_at.astimezone(clinic.zone)
    assert (local.hour, local.minute, booked.duration_minutes) == (16, 30, 60)
    assert booked.note == "Bring the housing letter."  # not sent, so not changed
    assert booked.reminder_sent_at is None  # a new time gets its own reminder
    change = [e for e in _events_since(first) if e.action == "change"]
    assert [e.detail for e in change] == [
        {"fields": ["duration_minutes", "starts_at"], "status": "scheduled"}
    ]
    assert change[0].client_id == booked.client_id
    cancelled = writer.patch(url, {"status": "cancelled_client"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled_client"
    booked.refresh_from_db()
    assert booked.status == "cancelled_client" and booked.duration_minutes == 60


def test_attendance_is_recorded_once_the_start_has_passed(writer, booked, past):
    soon = writer.patch(f"/api/v1/appointments/{booked.pk}", {"status": "attended"})
    assert soon.status_code == 200, soon.content  # `past` moved it to two days ago
    assert Appointment.objects.get().status == "attended"


def test_the_future_cannot_be_attended(writer, booked):
    response = writer.patch(f"/api/v1/appointments/{booked.pk}", {"status": "did_not_attend"})
    assert response.status_code == 400
    assert "start time has passed" in response.json()["fields"]["status"][0]
    assert Appointment.objects.get().status == "scheduled"


@pytest.mark.parametrize(
    "change,field",
    [
        ({"status": "no_show"}, "status"),
        ({"status": None, "shoe_size": 1}, "shoe_size"),
        ({"duration_minutes": 7}, "duration_minutes"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"clinician_id": "OTHER"}, "clinician_id"),
    ],
)
def test_bad_changes_are_400_naming_the_field(writer, booked, other_clinician, change, field):
    if change.get("clinician_id") == "OTHER":
        change = {"clinician_id": other_clinician.pk}
    before = Appointment.objects.values().get()
    response = writer.patch(f"/api/v1/appointments/{booked.pk}", change)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    assert Appointment.objects.values().get() == before


def test_a_drop_in_stays_attended(writer, client_chart, clinician, clinic):
    drop_in = appointment_actions.record_drop_in(
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=datetime.datetime.combine(
            clinic.today() - datetime.timedelta(days=1), datetime.time(9), clinic.zone
        ),
        duration_minutes=30,
    )
    response = writer.patch(f"/api/v1/appointments/{drop_in.pk}", {"status": "did_not_attend"})
    assert response.status_code == 400 and "status" in response.json()["fields"]


def test_one_appointment_is_read_with_its_charts_rule(
    clinician, colleague, make_token, api, booked
):
    mine = api(make_token(clinician)).get(f"/api/v1/appointments/{booked.pk}")
    assert mine.status_code == 200 and mine.json()["id"] == booked.pk
    assert api(make_token(colleague)).get(f"/api/v1/appointments/{booked.pk}").status_code == 404


def test_appointment_writes_need_a_read_write_token(clinician, make_token, api, booked, clinic):
    reader = api(make_token(clinician))
    day = clinic.today() + datetime.timedelta(days=5)
    before = Appointment.objects.values().get()
    for response in (
        reader.post(f"/api/v1/clients/{booked.client_id}/appointments", _booking(day)),
        reader.patch(f"/api/v1/appointments/{booked.pk}", {"status": "cancelled_clinic"}),
    ):
        assert response.status_code == 403
        assert response.json() == {"error": "This token is read-only.", "fields": {}}
    assert list(Appointment.objects.values()) == [before]


def test_charts_one_cannot_open_answer_404_to_appointment_writes(
    clinician, colleague, other_admin, make_token, api, booked, colleague_chart, other_chart, clinic
):
    day = clinic.today() + datetime.timedelta(days=5)
    caller = api(make_token(clinician, scope="read-write"))
    for chart in (colleague_chart, other_chart):
        response = caller.post(f"/api/v1/clients/{chart.pk}/appointments", _booking(day))
        assert response.status_code == 404 and response.json()["error"] == "Not found."
    for person in (colleague, other_admin):  # not on Robin's care team; another clinic
        response = api(make_token(person, scope="read-write")).patch(
            f"/api/v1/appointments/{booked.pk}", {"status": "cancelled_clinic"}
        )
        assert response.status_code == 404 and response.json()["error"] == "Not found."
    unknown = caller.patch(f"/api/v1/appointments/{booked.pk + 1000}", {})
    assert unknown.status_code == 404
    denied = AuditEvent.objects.filter(action="denied").order_by("-id").first()
    assert denied.object_type == "appointments.appointment"
    assert denied.object_id == str(booked.pk + 1000)
    assert Appointment.objects.get().status == "scheduled"
    assert Appointment.objects.count() == 1


def test_a_chart_one_may_only_read_answers_403_to_appointment_writes(
    supervisor, make_token, api, booked, clinic
):
    caller = api(make_token(supervisor, scope="read-write"))  # reads supervisees' charts
    assert caller.get(f"/api/v1/appointments/{booked.pk}").status_code == 200
    day = clinic.today() + datetime.timedelta(days=5)
    for response in (
        caller.post(f"/api/v1/clients/{booked.client_id}/appointments", _booking(day)),
        caller.patch(f"/api/v1/appointments/{booked.pk}", {"status": "cancelled_clinic"}),
    ):
        assert response.status_code == 403, response.content
        assert "care team" in response.json()["error"]
    assert Appointment.objects.get().status == "scheduled"
    assert Appointment.objects.count() == 1


# Groups ------------------------------------------------------------------------------------

DAY = datetime.date(2026, 3, 3)


@pytest.fixture
def open_group(clinic, clinician):
    return group_actions.create_group(clinic, by=clinician, name="Tuesday open group")


@pytest.fixture
def member(open_group, client_chart, clinician):
    return group_actions.add_member(
        open_group, client_chart, by=clinician, joined_on=DAY - datetime.timedelta(weeks=2)
    )


def test_add_a_member(writer, open_group, client_chart):
    first = _last_event_id()
    response = writer.post(
        f"/api/v1/groups/{open_group.pk}/members",
        {"client_id": client_chart.pk, "joined_on": "2026-02-17"},
    )
    assert response.status_code == 201, response.content
    membership = Membership.objects.get()
    assert response.json() == {
        "membership_id": membership.pk,
        "client_id": client_chart.pk,
        "chart_number": "C-001",
        "name": client_chart.display_name,
        "joined_on": "2026-02-17",
        "left_on": None,
        "can_open": True,
    }
    events = _events_since(first)
    assert [(e.action, e.object_type) for e in events] == [
        ("view", "api"),
        ("view", "clients.client"),
        ("create", "groups.membership"),
    ]
    assert events[2].client_id == client_chart.pk


@pytest.mark.parametrize(
    "body,field",
    [
        ({"client_id": "COLLEAGUE", "joined_on": "2026-02-17"}, "client_id"),  # cannot open
        ({"client_id": "OTHER", "joined_on": "2026-02-17"}, "client_id"),  # another clinic
        ({"client_id": 10**12, "joined_on": "2026-02-17"}, "client_id"),
        ({"client_id": "ROBIN", "joined_on": "2026-02-30"}, "joined_on"),
        ({"client_id": "ROBIN"}, "joined_on"),
        ({"client_id": "ROBIN", "joined_on": "2026-02-17", "role": "lead"}, "role"),
        ({"client_id": "C-001", "joined_on": "2026-02-17"}, "client_id"),
    ],
)
def test_bad_members_are_400_naming_the_field(
    writer, open_group, client_chart, colleague_chart, other_chart, body, field
):
    ids = {"ROBIN": client_chart.pk, "COLLEAGUE": colleague_chart.pk, "OTHER": other_chart.pk}
    body = {key: ids.get(value, value) for key, value in body.items()}
    response = writer.post(f"/api/v1/groups/{open_group.pk}/members", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    assert not Membership.objects.exists()


def test_a_member_on_the_roster_is_not_added_twice(writer, open_group, member, client_chart):
    response = writer.post(
        f"/api/v1/groups/{open_group.pk}/members",
        {"client_id": client_chart.pk, "joined_on": "2026-03-01"},
    )
    assert response.status_code == 400 and "client_id" in response.json()["fields"]
    assert Membership.objects.count() == 1


def test_a_former_member_rejoins_only_after_leaving(writer, open_group, member, client_chart):
    group_actions.end_membership(member, by=member.group.facilitators.get(), left_on=DAY)
    url = f"/api/v1/groups/{open_group.pk}/members"
    early = writer.post(url, {"client_id": client_chart.pk, "joined_on": "2026-03-01"})
    assert early.status_code == 400
    assert "later join date" in early.json()["fields"]["joined_on"][0]
    again = writer.post(url, {"client_id": client_chart.pk, "joined_on": "2026-03-10"})
    assert again.status_code == 201
    assert Membership.objects.count() == 2


def test_end_a_membership(writer, open_group, member):
    url = f"/api/v1/groups/{open_group.pk}/members/{member.pk}/end"
    first = _last_event_id()
    response = writer.post(url, {"left_on": "2026-03-10"})
    assert response.status_code == 200, response.content
    assert response.json()["left_on"] == "2026-03-10"
    member.refresh_from_db()
    assert member.left_on == datetime.date(2026, 3, 10)
    change = [e for e in _events_since(first) if e.object_type == "groups.membership"]
    assert [(e.action, e.client_id) for e in change] == [("change", member.client_id)]
    twice = writer.post(url, {"left_on": "2026-03-11"})
    assert twice.status_code == 400 and "already left" in twice.json()["fields"]["left_on"][0]
    member.refresh_from_db()
    assert member.left_on == datetime.date(2026, 3, 10)


@pytest.mark.parametrize(
    "body,field",
    [
        ({"left_on": "2026-01-01"}, "left_on"),  # before joining
        ({"left_on": "soon"}, "left_on"),
        ({}, "left_on"),
        ({"left_on": "2026-03-10", "reason": "moved"}, "reason"),
    ],
)
def test_bad_leaving_is_400_naming_the_field(writer, open_group, member, body, field):
    response = writer.post(f"/api/v1/groups/{open_group.pk}/members/{member.pk}/end", body)
    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]
    member.refresh_from_db()
    assert member.left_on is None


def test_a_membership_of_another_group_is_404(writer, clinic, clinician, open_group, member):
    elsewhere = group_actions.create_group(clinic, by=clinician, name="Thursday group")
    response = writer.post(
        f"/api/v1/groups/{elsewhere.pk}/members/{member.pk}/end", {"left_on": "2026-03-10"}
    )
    assert response.status_code == 404
    member.refresh_from_db()
    assert member.left_on is None


def test_add_a_session(writer, open_group):
    first = _last_event_id()
    response = writer.post(
        f"/api/v1/groups/{open_group.pk}/sessions", {"held_on": "2026-03-03", "topic": "Sleep"}
    )
    assert response.status_code == 201, response.content
    session = GroupSession.objects.get()
    assert response.json() == {
        "id": session.pk,
        "held_on": "2026-03-03",
        "topic": "Sleep",
        "shared_note": "",
        "attendance": [],
    }
    assert ("create", "groups.groupsession") in {
        (e.action, e.object_type) for e in _events_since(first)
    }
    again = writer.post(f"/api/v1/groups/{open_group.pk}/sessions", {"held_on": "2026-03-03"})
    assert again.status_code == 400 and "held_on" in again.json()["fields"]
    assert GroupSession.objects.count() == 1


def test_add_a_session_with_its_attendance(
    writer, open_group, member, client_chart, clinic, admin, clinician
):
    from waypoint.clients import actions as client_actions

    visitor = client_actions.create_client(
        by=admin,
        organization=clinic,
        chart_number="C-010",
        legal_name="Vesper Drop",
        primary_clinician=clinician,
    )
    response = writer.post(
        f"/api/v1/groups/{open_group.pk}/sessions",
        {
            "held_on": DAY.isoformat(),
            "topic": "Festival season",
            "shared_note": "The group planned for the festival.",
            "attendance": [
                {"client_id": client_chart.pk, "status": "present", "member_note": "Made a plan."},
                {"client_id": visitor.pk, "status": "drop_in"},
            ],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["shared_note"] == "The group planned for the festival."
    rows = {row["chart_number"]: row for row in body["attendance"]}
    assert rows["C-001"]["status"] == "present" and rows["C-001"]["on_roster"] is True
    assert rows["C-001"]["member_note"] == "Made a plan."
    assert rows["C-010"]["status"] == "drop_in" and rows["C-010"]["member_note"] == ""
    assert Attendance.objects.get(client=client_chart).member_note == "Made a plan."
    events = AuditEvent.objects.filter(object_type="groups.attendance", action="create")
    assert {e.client_id for e in events} == {client_chart.pk, visitor.pk}


ROBIN_PRESENT = {"client_id": "ROBIN", "status": "present"}


@pytest.mark.parametrize(
    "attendance,field",
    [
        ([ROBIN_PRESENT, {"client_id": "COLLEAGUE", "status": "drop_in"}], "1.client_id"),
        ([ROBIN_PRESENT, {"client_id": "OTHER", "status": "drop_in"}], "1.client_id"),
        ([ROBIN_PRESENT, {"client_id": 10**12, "status": "drop_in"}], "1.client_id"),
        ([ROBIN_PRESENT, ROBIN_PRESENT], "1.client_id"),  # listed twice
        ([{"client_id": "ROBIN", "status": "here"}], "0.status"),
        ([{"client_id": "ROBIN"}], "0.status"),
        ([{**ROBIN_PRESENT, "mood": 3}], "0.mood"),
        ([{"client_id": "ROBIN", "status": "drop_in"}], "0.status"),  # on the roster
        ([{"client_id": "COLLEAGUE", "status": "present"}], "0.client_id"),
    ],
)
def test_a_refused_attendance_row_leaves_no_session(
    writer, open_group, member, client_chart, colleague_chart, other_chart, attendance, field
):
    ids = {"ROBIN": client_chart.pk, "COLLEAGUE": colleague_chart.pk, "OTHER": other_chart.pk}
    rows = [{key: ids.get(value, value) for key, value in row.items()} for row in attendance]
    response = writer.post(
        f"/api/v1/groups/{open_group.pk}/sessions",
        {"held_on": DAY.isoformat(), "shared_note": "Planning.", "attendance": rows},
    )
    assert response.status_code == 400, response.content
    assert f"attendance.{field}" in response.json()["fields"], response.json()
    assert not GroupSession.objects.exists() and not Attendance.objects.exists()


def test_the_groups_rules_name_the_row(writer, open_group, member, client_chart):
    """Rules of `record_session` itself (here: an absent member has no note) name the row."""
    response = writer.post(
        f"/api/v1/groups/{open_group.pk}/sessions",
        {
            "held_on": DAY.isoformat(),
            "attendance": [
                {"client_id": client_chart.pk, "status": "absent", "member_note": "Was ill."}
            ],
        },
    )
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "attendance.0.member_note": ["A member who was absent has no note for this session."]
    }
    assert not GroupSession.objects.exists()


def test_record_a_session_changes_only_what_is_sent(writer, group_world, clinician):
    world = group_world
    session, (first_member, second_member, _) = world["session"], world["members"]
    url = f"/api/v1/groups/{world['group'].pk}/sessions/{session.pk}"
    response = writer.patch(
        url,
        {
            "attendance": [
                {"client_id": first_member.pk, "status": "absent", "member_note": ""},
                {"client_id": world["drop_in"].pk, "status": None},
            ]
        },
    )
    assert response.status_code == 200, response.content
    rows = {row["chart_number"]: row for row in response.json()["attendance"]}
    assert set(rows) == {"G-701", "G-702", "G-703"}  # the drop-in's row was removed
    assert rows["G-701"]["status"] == "absent" and rows["G-701"]["member_note"] == ""
    # Not listed: as it was, own part and all.
    assert Attendance.objects.get(client=second_member).member_note.endswith("gooseberry plan.")
    session.refresh_from_db()
    assert session.topic == "Festival season" and "Sheltering-mackerel" in session.shared_note
    renamed = writer.patch(url, {"topic": "Festival, part two"})
    assert renamed.status_code == 200 and renamed.json()["topic"] == "Festival, part two"
    session.refresh_from_db()
    assert "Sheltering-mackerel" in session.shared_note


def test_a_session_of_another_group_is_404(writer, group_world, clinic, clinician):
    elsewhere = group_actions.create_group(clinic, by=clinician, name="Thursday group")
    response = writer.patch(
        f"/api/v1/groups/{elsewhere.pk}/sessions/{group_world['session'].pk}", {"topic": "x"}
    )
    assert response.status_code == 404
    group_world["session"].refresh_from_db()
    assert group_world["session"].topic == "Festival season"


@pytest.mark.parametrize(
    "request_,path,body",
    [
        ("post", "/api/v1/groups/{group}/members", {"client_id": 1, "joined_on": "2026-03-01"}),
        ("post", "/api/v1/groups/{group}/members/{member}/end", {"left_on": "2026-03-10"}),
        ("post", "/api/v1/groups/{group}/sessions", {"held_on": "2026-03-10"}),
        ("patch", "/api/v1/groups/{group}/sessions/{session}", {"topic": "x"}),
    ],
)
def test_group_writes_follow_the_group_pages_rule(
    request_,
    path,
    body,
    group_world,
    clinician,
    colleague,
    other_admin,
    admin,
    make_token,
    api,
    client,
):
    world = group_world
    membership = Membership.objects.filter(group=world["group"]).first()
    url = path.format(group=world["group"].pk, member=membership.pk, session=world["session"].pk)
    counts = (Membership.objects.count(), GroupSession.objects.count())
    anonymous = getattr(client, request_)(url, body, content_type="application/json")
    assert anonymous.status_code == 401
    read_only = getattr(api(make_token(clinician)), request_)(url, body)
    assert read_only.status_code == 403
    assert read_only.json()["error"] == "This token is read-only."
    for outsider in (colleague, other_admin):  # not a facilitator; another clinic's admin
        response = getattr(api(make_token(outsider, scope="read-write")), request_)(url, body)
        assert response.status_code == 404, outsider
    assert (Membership.objects.count(), GroupSession.objects.count()) == counts
    membership.refresh_from_db()
    assert membership.left_on is None
    world["session"].refresh_from_db()
    assert world["session"].topic == "Festival season"


def test_an_admin_may_write_any_group(admin, make_token, api, group_world):
    response = api(make_token(admin, scope="read-write")).post(
        f"/api/v1/groups/{group_world['group'].pk}/sessions", {"held_on": "2026-03-10"}
    )
    assert response.status_code == 201


def test_appointment_writes_without_a_token_are_401(client, booked):
    for response in (
        client.post(
            f"/api/v1/clients/{booked.client_id}/appointments", {}, content_type="application/json"
        ),
        client.patch(f"/api/v1/appointments/{booked.pk}", {}, content_type="application/json"),
    ):
        assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert Appointment.objects.get().status == "scheduled"


def test_the_openapi_document_has_the_writes(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/clients/{client_id}/appointments"]) == {"get", "post"}
    assert set(paths["/api/v1/appointments/{appointment_id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/groups/{group_id}/members"]) == {"post"}
    assert set(paths["/api/v1/groups/{group_id}/members/{membership_id}/end"]) == {"post"}
    assert set(paths["/api/v1/groups/{group_id}/sessions"]) == {"get", "post"}
    assert set(paths["/api/v1/groups/{group_id}/sessions/{session_id}"]) == {"patch"}
    booking = paths["/api/v1/clients/{client_id}/appointments"]["post"]
    assert {"201", "400", "401", "403", "404"} <= set(booking["responses"])


def test_other_methods_on_the_write_addresses_are_405_json(writer, booked, group_world):
    group, session = group_world["group"].pk, group_world["session"].pk
    for path, allowed in [
        (f"/api/v1/appointments/{booked.pk}", {"GET", "PATCH"}),
        (f"/api/v1/groups/{group}/members", {"POST"}),
        (f"/api/v1/groups/{group}/sessions/{session}", {"PATCH"}),
    ]:
        response = Browser().delete(path, **writer.headers)
        assert response.status_code == 405, path
        # (Django Ninja lists the methods in no fixed order.)
        assert {m.strip() for m in response["Allow"].split(",")} == allowed
        assert response.json()["fields"] == {}
    assert Appointment.objects.filter(pk=booked.pk).exists()
