"""The API never sends one group member's own part of a group note to anyone who may not read
that member's chart, and no chart's API answers carry another member (issue #14; the web's
version of this test is tests/groups/test_no_leak.py, whose group it reuses)."""

import json

import pytest

from tests.api.test_clinical import CHART_PATHS
from tests.groups.conftest import MEMBERS, SHARED
from tests.groups.test_no_leak import SHARED_WORDS, _identities
from waypoint.groups import actions as group_actions

pytestmark = pytest.mark.django_db

OWN_WORDS = {number: word for number, _, _, word in MEMBERS} | {"C-001": "saffronwood"}


def _group_answers(caller, group_id) -> dict[str, str]:
    answers = {}
    for path in (
        "/api/v1/groups",
        f"/api/v1/groups/{group_id}",
        f"/api/v1/groups/{group_id}/sessions",
    ):
        response = caller.get(path)
        assert response.status_code == 200, (path, response.content)
        answers[path] = response.content.decode()
    return answers


@pytest.fixture
def cole_facilitates(group_world, admin, clinician, colleague):
    """Cole co-facilitates; he is on the care team of the first member's chart only."""
    grp = group_world["group"]
    group_actions.edit_group(
        grp,
        by=admin,
        name=grp.name,
        description=grp.description,
        facilitators=[clinician, colleague],
    )
    group_world["members"][0].care_team.add(colleague)
    return group_world


def test_a_facilitator_gets_only_the_own_parts_of_charts_they_may_read(
    cole_facilitates, colleague, make_token, api
):
    world = cole_facilitates
    readable = world["members"][0]
    answers = _group_answers(api(make_token(colleague)), world["group"].pk)
    (session,) = json.loads(answers[f"/api/v1/groups/{world['group'].pk}/sessions"])["items"]
    notes = {row["chart_number"]: row["member_note"] for row in session["attendance"]}
    assert notes == {
        readable.chart_number: "Own part: spoke about the periwinkle plan.",
        "G-702": None,
        "G-703": None,
        "C-001": None,
    }
    everything = "\n".join(answers.values())
    for number, word in OWN_WORDS.items():
        assert (word in everything) == (number == readable.chart_number), number
    roster = json.loads(answers[f"/api/v1/groups/{world['group'].pk}"])["roster"]
    assert {r["chart_number"]: r["can_open"] for r in roster} == {
        "G-701": True,
        "G-702": False,
        "G-703": False,
    }


def test_reading_every_chart_opens_every_own_part(
    cole_facilitates, colleague, see_all, make_token, api
):
    world = cole_facilitates
    answers = _group_answers(api(make_token(colleague)), world["group"].pk)
    everything = "\n".join(answers.values())
    for word in OWN_WORDS.values():
        assert word in everything


def test_the_care_team_gets_each_own_part_and_the_shared_part(
    group_world, clinician, make_token, api
):
    answers = _group_answers(api(make_token(clinician)), group_world["group"].pk)
    sessions = json.loads(answers[f"/api/v1/groups/{group_world['group'].pk}/sessions"])
    (session,) = sessions["items"]
    assert session["shared_note"] == SHARED
    assert all(row["member_note"] for row in session["attendance"])


def test_no_chart_answer_names_another_member(group_world, clinician, make_token, api):
    caller = api(make_token(clinician))
    people = [*group_world["members"], group_world["drop_in"]]
    suffixes = ["", "/goals", "/diary", "/measures", "/alerts", "/consents"]
    suffixes += [f"/{suffix}" for suffix in CHART_PATHS]
    for chart in people:
        others = [o for o in people if o.pk != chart.pk]
        for suffix in suffixes:
            response = caller.get(f"/api/v1/clients/{chart.pk}{suffix}")
            assert response.status_code == 200, (chart.chart_number, suffix)
            text = response.content.decode()
            for other in others:
                for identity in _identities(other):
                    assert identity not in text, (chart.chart_number, suffix, identity)
                assert OWN_WORDS[other.chart_number] not in text, (chart.chart_number, suffix)
            for word in SHARED_WORDS:
                assert word not in text, (chart.chart_number, suffix, word)


# Writes: a member's own part is written only by someone who may read that member's chart, and
# the answer to a write follows the same rule as the reads.


def test_a_facilitator_records_attendance_without_seeing_or_losing_an_own_part(
    cole_facilitates, colleague, make_token, api
):
    from waypoint.groups.models import Attendance

    world = cole_facilitates
    unreadable = world["members"][1]  # G-702: Cole is not on the care team
    url = f"/api/v1/groups/{world['group'].pk}/sessions/{world['session'].pk}"
    caller = api(make_token(colleague, scope="read-write"))
    response = caller.patch(
        url, {"attendance": [{"client_id": unreadable.pk, "status": "present"}]}
    )
    assert response.status_code == 200, response.content
    rows = {row["chart_number"]: row["member_note"] for row in response.json()["attendance"]}
    assert rows["G-702"] is None and rows["G-701"].endswith("periwinkle plan.")
    text = response.content.decode()
    for number, word in OWN_WORDS.items():
        assert (word in text) == (number == "G-701"), number
    kept = Attendance.objects.get(session=world["session"], client=unreadable)
    assert kept.member_note == "Own part: spoke about the gooseberry plan."

    written = caller.patch(
        url,
        {"attendance": [{"client_id": unreadable.pk, "status": "present", "member_note": ""}]},
    )
    assert written.status_code == 403
    assert set(written.json()["fields"]) == {"attendance.0.member_note"}
    assert "gooseberry" not in written.content.decode()
    kept.refresh_from_db()
    assert kept.member_note == "Own part: spoke about the gooseberry plan."


def test_a_new_session_refuses_an_own_part_one_may_not_read(
    cole_facilitates, colleague, make_token, api
):
    from waypoint.groups.models import GroupSession

    world = cole_facilitates
    response = api(make_token(colleague, scope="read-write")).post(
        f"/api/v1/groups/{world['group'].pk}/sessions",
        {
            "held_on": "2026-03-10",
            "attendance": [
                {"client_id": world["members"][0].pk, "status": "present", "member_note": "Ok."},
                {"client_id": world["members"][2].pk, "status": "present", "member_note": "Hm."},
            ],
        },
    )
    assert response.status_code == 403
    assert set(response.json()["fields"]) == {"attendance.1.member_note"}
    assert GroupSession.objects.filter(group=world["group"]).count() == 1
