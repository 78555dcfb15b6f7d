"""Group pages: who may open them, bad input, add-member limits, the session form, audit of
every chart shown, and pinned query counts on the list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.groups.conftest import DAY
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.groups import actions
from waypoint.groups.models import Attendance, GroupSession, Membership, TherapyGroup

pytestmark = pytest.mark.django_db


def _pages(group_world):
    group, session = group_world["group"], group_world["session"]
    return [
        reverse("groups-detail", args=[group.pk]),
        reverse("groups-edit", args=[group.pk]),
        reverse("groups-members", args=[group.pk]),
        reverse("groups-session", args=[group.pk, session.pk]),
    ]


def test_facilitator_and_admin_open_every_page(group_world, login, clinician, admin):
    for user in (clinician, admin):
        web = login(user)
        assert web.get(reverse("groups-list")).status_code == 200
        for url in _pages(group_world):
            response = web.get(url)
            assert response.status_code == 200, url
    detail = login(clinician).get(_pages(group_world)[0]).content.decode()
    assert "Zenobia" in detail and "G-702" in detail and "Tuesday open group" in detail


@pytest.mark.parametrize("who", ["colleague", "supervisor", "other_clinician"])
def test_non_facilitators_get_404(group_world, login, request, who):
    web = login(request.getfixturevalue(who))
    for url in _pages(group_world):
        assert web.get(url).status_code == 404, url
    assert "Tuesday open group" not in web.get(reverse("groups-list")).content.decode()


def test_client_and_anonymous_are_kept_out(group_world, client, login, client_user):
    url = _pages(group_world)[0]
    assert client.get(url)["Location"].startswith(reverse("login"))
    assert login(client_user).get(url).status_code == 403


def test_create_group_makes_the_clinician_a_facilitator(login, colleague):
    web = login(colleague)
    response = web.post(reverse("groups-add"), {"name": "Wednesday group", "description": "Open."})
    group = TherapyGroup.objects.get(name="Wednesday group")
    assert response["Location"] == group.get_absolute_url()
    assert list(group.facilitators.all()) == [colleague]


def test_bad_group_form_saves_nothing(login, clinician, group):
    web = login(clinician)
    response = web.post(reverse("groups-add"), {"name": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = web.post(reverse("groups-add"), {"name": group.name})
    assert response.status_code == 400 and "already has a group" in response.content.decode()
    assert TherapyGroup.objects.count() == 1


def test_group_edit_saves_or_puts_a_taken_name_on_the_name_field(login, clinician, group):
    """The add and edit pages share one save step: the same messages and the same name error."""
    other = actions.create_group(group.organization, by=clinician, name="Thursday group")
    web = login(clinician)
    url = reverse("groups-edit", args=[other.pk])
    taken = web.post(url, {"name": group.name, "description": "", "is_active": "on"})
    assert taken.status_code == 400
    assert "already has a group" in taken.context["form"].errors["name"][0]
    other.refresh_from_db()
    assert other.name == "Thursday group"

    saved = web.post(url, {"name": "Thursday evening group", "is_active": "on"}, follow=True)
    assert saved.redirect_chain == [(other.get_absolute_url(), 302)]
    assert [str(m) for m in saved.context["messages"]] == ["Group saved."]
    other.refresh_from_db()
    assert other.name == "Thursday evening group" and other.is_active
    assert list(other.facilitators.all()) == [clinician]  # kept, though no box was ticked


def test_add_member_offers_only_charts_the_user_may_open(
    login, clinician, group, client_chart, colleague_chart
):
    web = login(clinician)
    url = reverse("groups-members", args=[group.pk])
    page = web.get(url).content.decode()
    assert "C-001" in page and "C-002" not in page
    response = web.post(url, {"client": colleague_chart.pk, "joined_on": DAY.isoformat()})
    assert response.status_code == 400
    assert not Membership.objects.exists()
    response = web.post(url, {"client": client_chart.pk, "joined_on": DAY.isoformat()})
    assert response["Location"] == group.get_absolute_url()
    assert Membership.objects.get().client == client_chart


def test_leave_and_session_add(login, clinician, group_world):
    group, member = group_world["group"], group_world["members"][0]
    web = login(clinician)
    membership = Membership.objects.get(group=group, client=member)
    url = reverse("groups-member-leave", args=[group.pk, membership.pk])
    web.post(url, {"left_on": "2020-01-01"})  # before joining: refused
    membership.refresh_from_db()
    assert membership.left_on is None
    web.post(url, {"left_on": DAY.isoformat()})
    membership.refresh_from_db()
    assert membership.left_on == DAY
    response = web.post(
        reverse("groups-session-add", args=[group.pk]), {"held_on": "2026-03-10", "topic": "Sleep"}
    )
    session = GroupSession.objects.get(held_on="2026-03-10")
    assert response["Location"] == session.get_absolute_url()
    assert web.post(reverse("groups-session-add", args=[group.pk]), {}).status_code == 302
    assert GroupSession.objects.count() == 2


def test_session_form_saves_and_refuses(login, clinician, group_world, colleague_chart):
    group, session = group_world["group"], group_world["session"]
    a, b, c = group_world["members"]
    robin = group_world["drop_in"]
    url = reverse("groups-session", args=[group.pk, session.pk])
    web = login(clinician)
    data = {
        "topic": "Planning",
        "shared_note": "Shared words.",
        f"status-{a.pk}": "present",
        f"note-{a.pk}": "New own part for A.",
        f"status-{b.pk}": "absent",
        f"status-{c.pk}": "drop_in",  # refused: c is on the roster
        f"status-{robin.pk}": "drop_in",
    }
    response = web.post(url, data)
    assert response.status_code == 400 and "not a drop-in" in response.content.decode()
    assert Attendance.objects.get(session=session, client=a).member_note != "New own part for A."
    data[f"status-{c.pk}"] = "present"
    response = web.post(url, data)
    assert response["Location"] == session.get_absolute_url()
    assert Attendance.objects.get(session=session, client=a).member_note == "New own part for A."
    assert Attendance.objects.get(session=session, client=b).status == "absent"
    # A drop-in must be a chart the facilitator may open.
    response = web.post(url, {**data, "drop_in": colleague_chart.pk})
    assert response.status_code == 400
    assert not Attendance.objects.filter(client=colleague_chart).exists()


def test_session_page_audits_each_chart_shown(login, clinician, group_world):
    group, session = group_world["group"], group_world["session"]
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    login(clinician).get(reverse("groups-session", args=[group.pk, session.pk]))
    charts = set(
        AuditEvent.objects.filter(action=AuditAction.VIEW)
        .order_by("id")[before:]
        .values_list("client_id", flat=True)
    )
    assert charts == {c.pk for c in [*group_world["members"], group_world["drop_in"]]}


def test_group_list_query_count_does_not_grow(login, clinician, clinic, colleague):
    web = login(clinician)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert web.get(reverse("groups-list")).status_code == 200
        return len(queries)

    actions.create_group(clinic, by=clinician, name="Group 1")
    one = count()
    for i in range(2, 7):
        actions.create_group(
            clinic, by=clinician, name=f"Group {i}", facilitators=[clinician, colleague]
        )
    assert count() == one


def test_wrong_method(login, clinician, group_world):
    group = group_world["group"]
    web = login(clinician)
    assert web.post(reverse("groups-list")).status_code == 405
    assert web.get(reverse("groups-session-add", args=[group.pk])).status_code == 405
