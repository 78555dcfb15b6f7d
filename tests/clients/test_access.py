"""The access functions in waypoint.clients.access, tested exhaustively once.

Every view relies on these; the permission matrix (test_permission_matrix.py) checks the views.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from waypoint.accounts.roles import Role
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clients import actions as client_actions
from waypoint.clients.access import (
    ChartAccess,
    clients_visible_to,
    clients_writable_by,
    get_client_for_user,
    portal_client_for_user,
)


@pytest.fixture
def cast(
    admin,
    supervisor,
    other_supervisor,
    clinician,
    colleague,
    client_user,
    other_clinician,
    other_admin,
    client_chart,
    colleague_chart,
    other_chart,
):
    return {
        "admin": admin,
        "supervisor": supervisor,
        "other_supervisor": other_supervisor,
        "clinician": clinician,
        "colleague": colleague,
        "client": client_user,
        "other_clinician": other_clinician,
        "other_admin": other_admin,
        "anonymous": AnonymousUser(),
        "robin": client_chart,
        "petra": colleague_chart,
        "otto": other_chart,
    }


# person -> (charts they may read, charts they may change), with the org setting off / on.
EXPECTED = {
    "admin": ({"robin", "petra"}, {"robin", "petra"}),
    "supervisor": ({"robin"}, set()),
    "other_supervisor": (set(), set()),
    "clinician": ({"robin"}, {"robin"}),
    "colleague": ({"petra"}, {"petra"}),
    "client": (set(), set()),
    "other_clinician": ({"otto"}, {"otto"}),
    "other_admin": ({"otto"}, {"otto"}),
    "anonymous": (set(), set()),
}
EXPECTED_SEE_ALL = {
    **EXPECTED,
    "supervisor": ({"robin", "petra"}, set()),
    "other_supervisor": ({"robin", "petra"}, set()),
    "clinician": ({"robin", "petra"}, {"robin"}),
    "colleague": ({"robin", "petra"}, {"petra"}),
}
CHARTS = ("robin", "petra", "otto")
# Who may change care teams (where they may write) and read access histories: admins only, plus
# supervisors for care teams. Roles never reach templates; these booleans do.
MANAGES_CARE_TEAMS = {"admin", "other_admin", "supervisor", "other_supervisor"}
SEES_ACCESS_HISTORY = {"admin", "other_admin"}


def _names(cast, queryset):
    ids = set(queryset.values_list("pk", flat=True))
    return {name for name in CHARTS if cast[name].pk in ids}


def _check_everyone(cast, expected):
    for person, (readable, writable) in expected.items():
        user = cast[person]
        assert _names(cast, clients_visible_to(user)) == readable, person
        assert _names(cast, clients_writable_by(user)) == writable, person
        for chart in CHARTS:
            for write in (False, True):
                allowed = chart in (writable if write else readable)
                if allowed:
                    expected_access = ChartAccess(
                        client=cast[chart],
                        can_write=chart in writable,
                        can_manage_care_team=chart in writable and person in MANAGES_CARE_TEAMS,
                        can_see_access_history=person in SEES_ACCESS_HISTORY,
                    )
                    access = get_client_for_user(user, cast[chart].pk, write=write)
                    assert access == expected_access, (person, chart, write)
                    assert access.can_acknowledge_alerts == (chart in writable)
                elif chart in readable:
                    with pytest.raises(PermissionDenied):
                        get_client_for_user(user, cast[chart].pk, write=write)
                else:
                    with pytest.raises(Http404):
                        get_client_for_user(user, cast[chart].pk, write=write)


def test_who_reads_and_writes_which_chart(cast):
    _check_everyone(cast, EXPECTED)


def test_organization_setting_widens_reading_not_writing(cast, see_all):
    for name in ("supervisor", "other_supervisor", "clinician", "colleague"):
        cast[name].refresh_from_db()  # the organization is cached on the user
    _check_everyone(cast, EXPECTED_SEE_ALL)


def test_care_team_member_who_is_not_primary_reads_and_writes(cast, admin, colleague):
    robin = cast["robin"]
    client_actions.set_care_team(
        robin, by=admin, primary_clinician=cast["clinician"], members=[colleague]
    )
    assert get_client_for_user(colleague, robin.pk, write=True).client == robin
    # Rows are not duplicated by the care-team join.
    assert list(clients_visible_to(colleague).order_by("pk")) == sorted(
        [robin, cast["petra"]], key=lambda c: c.pk
    )


def test_supervisor_reads_charts_where_supervisee_is_a_team_member(cast, admin, supervisor):
    petra = cast["petra"]
    client_actions.set_care_team(
        petra, by=admin, primary_clinician=cast["colleague"], members=[cast["clinician"]]
    )
    assert get_client_for_user(supervisor, petra.pk) == ChartAccess(
        client=petra, can_write=False, can_manage_care_team=False, can_see_access_history=False
    )
    with pytest.raises(PermissionDenied):
        get_client_for_user(supervisor, petra.pk, write=True)


def test_supervisor_on_the_care_team_writes_and_manages_it(cast, admin, supervisor):
    robin = cast["robin"]
    client_actions.set_care_team(
        robin, by=admin, primary_clinician=cast["clinician"], members=[supervisor]
    )
    assert get_client_for_user(supervisor, robin.pk, write=True) == ChartAccess(
        client=robin, can_write=True, can_manage_care_team=True, can_see_access_history=False
    )


def test_the_answer_is_frozen(cast, clinician):
    access = get_client_for_user(clinician, cast["robin"].pk)
    with pytest.raises(AttributeError):
        access.can_write = False


def test_read_and_write_are_answered_by_one_chart_query(cast, clinician):
    with CaptureQueriesContext(connection) as queries:
        access = get_client_for_user(clinician, cast["robin"].pk)
    chart_queries = [q["sql"] for q in queries.captured_queries if '"clients_client"' in q["sql"]]
    assert access.can_write is True
    assert len(chart_queries) == 1, chart_queries


def test_deactivated_staff_reach_nothing(cast, clinician):
    clinician.is_active = False
    clinician.save()
    assert not clients_visible_to(clinician).exists()
    assert not clients_writable_by(clinician).exists()
    with pytest.raises(Http404):
        get_client_for_user(clinician, cast["robin"].pk)


@pytest.mark.parametrize("bad_pk", ["abc", None, "", "1.5", 10**30, -1, 0])
def test_malformed_or_unknown_ids_are_404_and_audited(cast, clinician, bad_pk):
    with pytest.raises(Http404):
        get_client_for_user(clinician, bad_pk)
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == AuditAction.DENIED
    assert event.actor_id == clinician.pk


def test_reading_is_audited_as_a_view_of_the_page(cast, clinician):
    robin = cast["robin"]
    get_client_for_user(clinician, robin.pk, page="history")
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.client_id, event.actor_id) == (
        AuditAction.VIEW,
        robin.pk,
        clinician.pk,
    )
    assert event.detail == {"page": "history"}
    assert event.object_label == "Chart C-001"


def test_write_refusal_is_audited_as_denied_with_the_chart(cast, supervisor):
    robin = cast["robin"]
    with pytest.raises(PermissionDenied):
        get_client_for_user(supervisor, robin.pk, write=True, page="edit")
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.client_id, event.detail) == (
        AuditAction.DENIED,
        robin.pk,
        {"page": "edit"},
    )


def test_unknown_chart_denial_does_not_tie_the_event_to_the_chart(cast, other_clinician):
    robin = cast["robin"]
    with pytest.raises(Http404):
        get_client_for_user(other_clinician, robin.pk)
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == AuditAction.DENIED
    assert event.client_id is None  # not shown in Robin's access history...
    assert event.organization_id == other_clinician.organization_id  # ...but in Otis's org
    assert event.object_id == str(robin.pk)


def test_portal_gives_a_client_their_own_chart_only(cast, client_user):
    assert portal_client_for_user(client_user) == cast["robin"]
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.client_id, event.detail) == (
        AuditAction.VIEW,
        cast["robin"].pk,
        {"page": "portal"},
    )


@pytest.mark.parametrize(
    "person", ["admin", "supervisor", "clinician", "other_clinician", "anonymous"]
)
def test_portal_refuses_everyone_but_clients(cast, person):
    with pytest.raises(Http404):
        portal_client_for_user(cast[person])


def test_portal_refuses_a_client_without_a_chart_or_deactivated(make_user, clinic, client_user):
    unlinked = make_user("nochart@client.test", clinic, Role.CLIENT)
    with pytest.raises(Http404):
        portal_client_for_user(unlinked)
    client_user.is_active = False
    client_user.save()
    with pytest.raises(Http404):
        portal_client_for_user(client_user)
