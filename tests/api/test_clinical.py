"""The API's appointments, notes, groups, medications, stages of change and safety plans
(issue #14): the web's access rules, audit, paging, date filters, JSON errors."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from waypoint.api.models import ApiToken
from waypoint.appointments import actions as appointment_actions
from waypoint.appointments.models import CalendarLabel
from waypoint.assessment import actions as assessment_actions
from waypoint.audit.models import AuditEvent
from waypoint.medications import actions as medication_actions
from waypoint.notes import actions as note_actions
from waypoint.notes.models import NoteSettings
from waypoint.plans import actions as plan_actions

pytestmark = pytest.mark.django_db

CHART_PATHS = [
    "appointments",
    "notes",
    "medications",
    "diagnoses",
    "allergies",
    "stages",
    "safety-plans",
]


def _last_event_id() -> int:
    # Not the count: PostgreSQL's ids do not restart with each test.
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _items(response):
    assert response.status_code == 200, response.content
    return response.json()["items"]


# Access: the web's rules ---------------------------------------------------------------------


@pytest.mark.parametrize("suffix", CHART_PATHS)
def test_charts_one_cannot_open_answer_404(
    suffix, clinician, make_token, api, client_chart, colleague_chart, other_chart
):
    caller = api(make_token(clinician))
    assert caller.get(f"/api/v1/clients/{client_chart.pk}/{suffix}").status_code == 200
    for chart in (colleague_chart, other_chart):  # not on the care team; another clinic
        response = caller.get(f"/api/v1/clients/{chart.pk}/{suffix}")
        assert response.status_code == 404
        assert response.json() == {"error": "Not found.", "fields": {}}


@pytest.mark.parametrize("suffix", CHART_PATHS)
def test_another_organizations_admin_gets_404(suffix, other_admin, make_token, api, client_chart):
    response = api(make_token(other_admin)).get(f"/api/v1/clients/{client_chart.pk}/{suffix}")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "path",
    [*(f"/api/v1/clients/{{chart}}/{suffix}" for suffix in CHART_PATHS), "/api/v1/appointments"]
    + ["/api/v1/groups", "/api/v1/groups/{group}", "/api/v1/groups/{group}/sessions"],
)
def test_no_token_is_401_and_a_client_accounts_token_403(
    path, client, client_chart, client_user, clinician, api
):
    from waypoint.groups import actions as group_actions

    group = group_actions.create_group(client_chart.organization, by=clinician, name="Open group")
    url = path.format(chart=client_chart.pk, group=group.pk)
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Bearer"
    # Client accounts are given no token; one left from before (the account was staff once,
    # or a row written by hand) is refused as the web refuses a client on staff pages.
    raw = "wpt_client-account-token-for-the-test"
    now = timezone.now()
    ApiToken.objects.create(
        user=client_user,
        name="old",
        prefix=raw[:10],
        digest=ApiToken.digest_of(raw),
        created_at=now,
        expires_at=now + datetime.timedelta(days=1),
    )
    before = AuditEvent.objects.count()
    response = api(raw).get(url)
    assert response.status_code == 403
    assert response.json() == {
        "error": "Client accounts use the portal, not the API.",
        "fields": {},
    }
    denial = AuditEvent.objects.order_by("id")[before]
    assert denial.action == "denied" and denial.detail == {"reason": "client account"}


@pytest.mark.parametrize("suffix", [s for s in CHART_PATHS if s != "appointments"])
def test_the_read_only_resources_take_no_writes(suffix, clinician, make_token, api, client_chart):
    """No write operation here: a write is 405 (JSON) whatever the token's scope."""
    for scope in ("read", "read-write"):
        response = api(make_token(clinician, scope=scope)).post(
            f"/api/v1/clients/{client_chart.pk}/{suffix}", {}
        )
        assert response.status_code == 405
        assert response.json()["error"] == "This address takes GET only."
        assert response["Allow"] == "GET"


def test_a_read_only_token_still_cannot_write_the_diary(
    clinician, make_token, api, client_chart, clinic
):
    response = api(make_token(clinician)).post(
        f"/api/v1/clients/{client_chart.pk}/diary",
        {
            "day": clinic.today().isoformat(),
            "substance": "alcohol",
            "amount": "1",
            "unit": "drinks",
        },
    )
    assert response.status_code == 403 and response.json()["error"] == "This token is read-only."


def test_each_chart_call_is_audited_with_its_page(clinician, make_token, api, client_chart):
    caller = api(make_token(clinician))
    for suffix in CHART_PATHS:
        before = AuditEvent.objects.count()
        assert caller.get(f"/api/v1/clients/{client_chart.pk}/{suffix}").status_code == 200
        events = list(AuditEvent.objects.order_by("id")[before:])
        assert [e.object_type for e in events] == ["api", "clients.client"], suffix
        assert events[0].object_label == f"API GET /api/v1/clients/{client_chart.pk}/{suffix}"
        assert events[1].client_id == client_chart.pk
        assert events[1].detail["page"].startswith("api ")


@pytest.mark.parametrize("suffix", ["appointments", "notes", "stages"])
def test_date_filters_refuse_nonsense(suffix, clinician, make_token, api, client_chart):
    caller = api(make_token(clinician))
    url = f"/api/v1/clients/{client_chart.pk}/{suffix}"
    backwards = caller.get(url, **{"from": "2026-03-10", "to": "2026-03-01"})
    assert backwards.status_code == 400
    assert backwards.json()["fields"] == {"from": ["`from` must be on or before `to`."]}
    unreadable = caller.get(url, **{"from": "soon"})
    assert unreadable.status_code == 400 and "from" in unreadable.json()["fields"]
    typo = caller.get(url, since="2026-03-01")
    assert typo.status_code == 400 and "since" in typo.json()["fields"]
    edges = caller.get(url, **{"from": "0001-01-01", "to": "9999-12-31"})
    assert edges.status_code == 200


# Appointments --------------------------------------------------------------------------------


def _at(clinic, day, hour):
    return datetime.datetime.combine(day, datetime.time(hour), clinic.zone)


@pytest.fixture
def booked(client_chart, clinician, clinic):
    today = clinic.today()
    past = appointment_actions.record_drop_in(
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=_at(clinic, today - datetime.timedelta(days=10), 10),
        duration_minutes=30,
    )
    soon = appointment_actions.schedule_appointment(
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=_at(clinic, today + datetime.timedelta(days=3), 14),
        duration_minutes=50,
        note="Bring the housing letter",
    )
    return past, soon


def test_a_charts_appointments_newest_first_and_by_day(
    booked, clinician, make_token, api, client_chart, clinic
):
    past, soon = booked
    caller = api(make_token(clinician))
    url = f"/api/v1/clients/{client_chart.pk}/appointments"
    items = _items(caller.get(url))
    assert [i["id"] for i in items] == [soon.pk, past.pk]
    first = items[0]
    assert first["status"] == "scheduled" and first["kind"] == "individual"
    assert first["clinician"] == "Maya Clinician" and first["duration_minutes"] == 50
    assert "note" not in first  # the web's list does not show it either
    assert items[1]["kind"] == "drop_in" and items[1]["status"] == "attended"
    day = (clinic.today() + datetime.timedelta(days=3)).isoformat()
    assert [i["id"] for i in _items(caller.get(url, **{"from": day, "to": day}))] == [soon.pk]
    before = (clinic.today() + datetime.timedelta(days=2)).isoformat()
    assert [i["id"] for i in _items(caller.get(url, to=before))] == [past.pk]


def test_the_calendar_is_ones_own_from_today(booked, clinician, make_token, api, clinic):
    past, soon = booked
    caller = api(make_token(clinician))
    items = _items(caller.get("/api/v1/appointments"))
    assert [i["id"] for i in items] == [soon.pk]
    assert items[0]["client_label"] == "C-001" and "name" not in items[0]
    yesterday = (clinic.today() - datetime.timedelta(days=1)).isoformat()
    assert [i["id"] for i in _items(caller.get("/api/v1/appointments", to=yesterday))] == [past.pk]
    earlier = (clinic.today() - datetime.timedelta(days=30)).isoformat()
    assert [i["id"] for i in _items(caller.get("/api/v1/appointments", **{"from": earlier}))] == [
        past.pk,
        soon.pk,
    ]


def test_the_calendar_follows_the_week_pages_rule(
    booked, clinician, colleague, supervisor, admin, make_token, api, clinic
):
    path = "/api/v1/appointments"
    # A supervisor opens a supervisee's calendar; a colleague does not (404, as on the web).
    assert len(_items(api(make_token(supervisor)).get(path, clinician=clinician.pk))) == 1
    assert api(make_token(colleague)).get(path, clinician=clinician.pk).status_code == 404
    assert len(_items(api(make_token(admin)).get(path, clinician=clinician.pk))) == 1
    assert api(make_token(admin)).get(path, clinician=10**9).status_code == 404
    assert api(make_token(admin)).get(path, clinician="maya").status_code == 400


def test_the_calendar_labels_as_the_clinic_chose_and_hides_charts_one_cannot_open(
    clinician, colleague, admin, make_token, api, clinic, colleague_chart
):
    """Maya sees a drop-in on a chart she is not on: labelled, without its id, and audited."""
    appointment_actions.update_settings(clinic, by=admin, calendar_label=CalendarLabel.INITIALS)
    appointment = appointment_actions.schedule_appointment(
        colleague_chart,
        by=admin,
        clinician=clinician,
        starts_at=_at(clinic, clinic.today() + datetime.timedelta(days=1), 9),
        duration_minutes=30,
    )
    before = _last_event_id()
    items = _items(api(make_token(clinician)).get("/api/v1/appointments"))
    assert items == [
        {
            "id": appointment.pk,
            "client_id": None,
            "client_label": "P. P.",
            "clinician_id": clinician.pk,
            "starts_at": items[0]["starts_at"],
            "ends_at": items[0]["ends_at"],
            "duration_minutes": 30,
            "kind": "individual",
            "status": "scheduled",
        }
    ]
    shown = AuditEvent.objects.filter(pk__gt=before, client_id=colleague_chart.pk)
    assert [(e.action, e.detail["page"]) for e in shown] == [("view", "api appointments calendar")]


# Session notes -------------------------------------------------------------------------------


@pytest.fixture
def notes(client_chart, clinician, colleague, clinic):
    day = clinic.today() - datetime.timedelta(days=7)

    def start(author, on, text):
        return note_actions.start_note(
            client_chart,
            by=author,
            template_key="dap",
            session_date=on,
            texts={"data": text, "assessment": "", "plan": ""},
        )

    signed = note_actions.sign_note(
        start(clinician, day, "Talked about the weekend."), by=clinician
    )
    note_actions.add_addendum(signed, by=clinician, text="Later: the shelter called back.")
    draft = start(clinician, day + datetime.timedelta(days=2), "Unfinished thoughts.")
    client_chart.care_team.add(colleague)
    colleagues_draft = start(colleague, day + datetime.timedelta(days=3), "Cole's own draft.")
    return {"signed": signed, "draft": draft, "colleagues_draft": colleagues_draft}


def test_notes_signed_with_addenda_and_drafts_only_to_their_author(
    notes, clinician, colleague, supervisor, admin, make_token, api, client_chart
):
    url = f"/api/v1/clients/{client_chart.pk}/notes"
    mine = _items(api(make_token(clinician)).get(url))
    assert [n["id"] for n in mine] == [notes["draft"].pk, notes["signed"].pk]
    signed = mine[1]
    assert signed["status"] == "signed" and signed["signature"] == "Maya Clinician"
    assert signed["sections"][0] == {
        "key": "data",
        "label": signed["sections"][0]["label"],
        "text": "Talked about the weekend.",
    }
    assert [a["text"] for a in signed["addenda"]] == ["Later: the shelter called back."]
    assert mine[0]["status"] == "draft" and mine[0]["signed_at"] is None
    coles = _items(api(make_token(colleague)).get(url))
    assert [n["id"] for n in coles] == [notes["colleagues_draft"].pk, notes["signed"].pk]
    for reader in (supervisor, admin):
        assert [n["id"] for n in _items(api(make_token(reader)).get(url))] == [notes["signed"].pk]


def test_a_trainees_note_awaiting_cosignature_is_shown_to_readers(
    clinician, supervisor, make_token, api, client_chart, clinic
):
    NoteSettings.for_organization(clinic).trainees.add(clinician)
    note = note_actions.start_note(
        client_chart,
        by=clinician,
        template_key="dap",
        session_date=clinic.today(),
        texts={"data": "First session.", "assessment": "", "plan": ""},
    )
    note_actions.sign_note(note, by=clinician)
    items = _items(api(make_token(supervisor)).get(f"/api/v1/clients/{client_chart.pk}/notes"))
    assert [(n["id"], n["status"], n["cosign_required"]) for n in items] == [
        (note.pk, "pending_cosign", True)
    ]


def test_notes_filter_by_session_date(notes, clinician, make_token, api, client_chart, clinic):
    day = (clinic.today() - datetime.timedelta(days=7)).isoformat()
    items = _items(
        api(make_token(clinician)).get(
            f"/api/v1/clients/{client_chart.pk}/notes", **{"from": day, "to": day}
        )
    )
    assert [n["id"] for n in items] == [notes["signed"].pk]


def _signed_notes(chart, author, count, day):
    for i in range(count):
        note = note_actions.start_note(
            chart,
            by=author,
            template_key="dap",
            session_date=day - datetime.timedelta(days=i),
            texts={"data": f"Session {i}.", "assessment": "", "plan": ""},
        )
        note = note_actions.sign_note(note, by=author)
        note_actions.add_addendum(note, by=author, text=f"Addendum {i}.")


def test_the_notes_list_runs_the_same_queries_for_2_and_12_notes(
    clinician, make_token, api, client_chart, clinic
):
    caller = api(make_token(clinician))
    url = f"/api/v1/clients/{client_chart.pk}/notes"
    day = clinic.today() - datetime.timedelta(days=30)
    _signed_notes(client_chart, clinician, 2, day)
    caller.get(url)  # the token's last-used time is written once a minute: settle it first
    with CaptureQueriesContext(connection) as few:
        assert len(_items(caller.get(url))) == 2
    _signed_notes(client_chart, clinician, 10, day - datetime.timedelta(days=2))
    with CaptureQueriesContext(connection) as many:
        assert len(_items(caller.get(url))) == 12
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


# Groups --------------------------------------------------------------------------------------


@pytest.fixture
def open_group(clinic, clinician, client_chart):
    from waypoint.groups import actions as group_actions

    group = group_actions.create_group(
        clinic, by=clinician, name="Tuesday open group", description="Any substance, any goal."
    )
    group_actions.add_member(
        group, client_chart, by=clinician, joined_on=clinic.today() - datetime.timedelta(days=30)
    )
    session = group_actions.add_session(
        group, by=clinician, held_on=clinic.today() - datetime.timedelta(days=7), topic="Sleep"
    )
    group_actions.record_session(
        session,
        by=clinician,
        topic="Sleep",
        shared_note="Talked about sleep and stimulants.",
        rows={client_chart.pk: ("present", "Robin: wants a routine.")},
    )
    return group


def test_groups_are_those_one_facilitates_or_all_for_an_admin(
    open_group, clinician, colleague, supervisor, admin, other_admin, make_token, api
):
    listed = _items(api(make_token(clinician)).get("/api/v1/groups"))
    assert listed == [
        {
            "id": open_group.pk,
            "name": "Tuesday open group",
            "description": "Any substance, any goal.",
            "is_active": True,
            "facilitators": [{"id": clinician.pk, "name": "Maya Clinician"}],
            "members": 1,
            "session_count": 1,
        }
    ]
    assert [g["id"] for g in _items(api(make_token(admin)).get("/api/v1/groups"))] == [
        open_group.pk
    ]
    for outsider in (colleague, supervisor, other_admin):
        caller = api(make_token(outsider))
        assert _items(caller.get("/api/v1/groups")) == []
        assert caller.get(f"/api/v1/groups/{open_group.pk}").status_code == 404
        assert caller.get(f"/api/v1/groups/{open_group.pk}/sessions").status_code == 404


def test_a_group_with_its_roster_and_sessions(
    open_group, clinician, make_token, api, client_chart, clinic
):
    before = _last_event_id()
    response = api(make_token(clinician)).get(f"/api/v1/groups/{open_group.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(r["client_id"], r["chart_number"], r["can_open"]) for r in body["roster"]] == [
        (client_chart.pk, "C-001", True)
    ]
    assert body["roster"][0]["left_on"] is None
    assert [(s["topic"], s["present"], s["drop_ins"]) for s in body["sessions"]] == [
        ("Sleep", 1, 0)
    ]
    roster_views = AuditEvent.objects.filter(pk__gt=before, client_id=client_chart.pk)
    assert [e.detail["page"] for e in roster_views] == ["api group roster"]


def test_group_sessions_with_attendance_paged_and_by_date(
    open_group, clinician, make_token, api, client_chart, clinic
):
    caller = api(make_token(clinician))
    url = f"/api/v1/groups/{open_group.pk}/sessions"
    (session,) = _items(caller.get(url))
    assert session["shared_note"] == "Talked about sleep and stimulants."
    assert session["attendance"] == [
        {
            "client_id": client_chart.pk,
            "chart_number": "C-001",
            "name": "Robin",
            "status": "present",
            "on_roster": True,
            "member_note": "Robin: wants a routine.",
        }
    ]
    assert _items(caller.get(url, **{"from": clinic.today().isoformat()})) == []
    assert caller.get(url, limit=0).status_code == 400


# Medications, diagnoses, allergies -----------------------------------------------------------


def test_medications_diagnoses_and_allergies(clinician, make_token, api, client_chart, clinic):
    today = clinic.today()
    current = medication_actions.add_medication(
        client_chart,
        by=clinician,
        name="Buprenorphine/naloxone",
        dose="16 mg film daily",
        prescriber="Dr. Okafor",
        started_on=today - datetime.timedelta(days=60),
    )
    stopped = medication_actions.add_medication(
        client_chart,
        by=clinician,
        name="Sertraline",
        started_on=today - datetime.timedelta(days=400),
        stopped_on=today - datetime.timedelta(days=100),
    )
    medication_actions.add_diagnosis(
        client_chart,
        by=clinician,
        description="Opioid use disorder, moderate",
        code="f11.20",
        noted_on=today,
    )
    medication_actions.add_allergy(
        client_chart, by=clinician, text="Penicillin: hives", noted_on=today
    )
    caller = api(make_token(clinician))
    base = f"/api/v1/clients/{client_chart.pk}"
    meds = _items(caller.get(f"{base}/medications"))
    assert [(m["id"], m["current"], m["for_opioid_use"]) for m in meds] == [
        (current.pk, True, True),
        (stopped.pk, False, False),
    ]
    assert meds[0]["dose"] == "16 mg film daily" and meds[0]["prescriber"] == "Dr. Okafor"
    assert [m["id"] for m in _items(caller.get(f"{base}/medications", current="true"))] == [
        current.pk
    ]
    assert [m["id"] for m in _items(caller.get(f"{base}/medications", current="false"))] == [
        stopped.pk
    ]
    assert caller.get(f"{base}/medications", current="maybe").status_code == 400
    (diagnosis,) = _items(caller.get(f"{base}/diagnoses"))
    assert diagnosis["code"] == "F11.20" and diagnosis["description"].startswith("Opioid use")
    assert diagnosis["code_title"]
    (allergy,) = _items(caller.get(f"{base}/allergies"))
    assert allergy["text"] == "Penicillin: hives" and allergy["noted_on"] == today.isoformat()


# Stages of change, safety plans ---------------------------------------------------------------


def test_stage_history_newest_first_by_substance(clinician, make_token, api, client_chart, clinic):
    today = clinic.today()
    for days_ago, substance, stage in [
        (60, "alcohol", "precontemplation"),
        (20, "alcohol", "contemplation"),
        (10, "methamphetamine", "preparation"),
    ]:
        assessment_actions.record_stage(
            client_chart,
            by=clinician,
            substance=substance,
            stage=stage,
            noted_on=today - datetime.timedelta(days=days_ago),
            note="In their words." if substance == "methamphetamine" else "",
        )
    caller = api(make_token(clinician))
    url = f"/api/v1/clients/{client_chart.pk}/stages"
    assert [(s["substance"], s["stage"]) for s in _items(caller.get(url))] == [
        ("methamphetamine", "preparation"),
        ("alcohol", "contemplation"),
        ("alcohol", "precontemplation"),
    ]
    alcohol = _items(caller.get(url, substance="alcohol"))
    assert [s["stage"] for s in alcohol] == ["contemplation", "precontemplation"]
    since = (today - datetime.timedelta(days=30)).isoformat()
    assert len(_items(caller.get(url, **{"from": since}))) == 2
    assert "substance" in caller.get(url, substance="glitter").json()["fields"]


def test_safety_plans_with_their_current_version(
    clinician, supervisor, make_token, api, client_chart
):
    plan_actions.save_plan(
        client_chart,
        by=clinician,
        kind="overdose",
        items={
            "naloxone": ["Narcan in the teal backpack"],
            "never_alone": ["Use with Ezekiel"],
            "after_a_break": ["Quarter dose after any break"],
            "who_to_call": ["911"],
        },
        client_may_edit=["naloxone"],
    )
    plan_actions.save_plan(
        client_chart, by=clinician, kind="overdose", items={"who_to_call": ["911", "Ezekiel"]}
    )
    (plan,) = _items(
        api(make_token(supervisor)).get(f"/api/v1/clients/{client_chart.pk}/safety-plans")
    )
    assert plan["kind"] == "overdose" and plan["version_count"] == 2
    assert plan["client_may_edit"] == ["naloxone"]
    current = plan["current"]
    assert current["number"] == 2 and current["complete"] and not current["by_client"]
    assert current["saved_by"] == "Maya Clinician"
    sections = {s["key"]: s["items"] for s in current["sections"]}
    assert sections["who_to_call"] == ["911", "Ezekiel"]
    assert sections["naloxone"] == ["Narcan in the teal backpack"]
    assert sections["drug_checking"] == []


def test_the_openapi_document_has_the_new_resources(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in [
        *(f"/api/v1/clients/{{client_id}}/{suffix}" for suffix in CHART_PATHS),
        "/api/v1/appointments",
        "/api/v1/groups",
        "/api/v1/groups/{group_id}",
        "/api/v1/groups/{group_id}/sessions",
    ]:
        # Writes on appointments and groups: tests/api/test_writes.py.
        writes = {"/api/v1/clients/{client_id}/appointments", "/api/v1/groups/{group_id}/sessions"}
        assert set(paths[path]) == ({"get", "post"} if path in writes else {"get"}), path


def test_the_group_list_runs_the_same_queries_for_1_and_6_groups(
    clinic, clinician, colleague, make_token, api, client_chart
):
    from waypoint.groups import actions as group_actions

    def make(n, start):
        for i in range(start, start + n):
            group = group_actions.create_group(
                clinic, by=clinician, name=f"Group {i}", facilitators=[clinician, colleague]
            )
            group_actions.add_member(group, client_chart, by=clinician, joined_on=clinic.today())
            group_actions.add_session(group, by=clinician, held_on=clinic.today())

    caller = api(make_token(clinician))
    make(1, 0)
    caller.get("/api/v1/groups")  # settle the token's last-used time
    with CaptureQueriesContext(connection) as few:
        assert len(_items(caller.get("/api/v1/groups"))) == 1
    make(5, 1)
    with CaptureQueriesContext(connection) as many:
        items = _items(caller.get("/api/v1/groups"))
    assert len(items) == 6 and {len(g["facilitators"]) for g in items} == {2}
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
