"""The person's own groups on their portal page: names, their own visits, nothing of others."""

import datetime

import pytest
from django.urls import reverse

from tests.groups.conftest import DAY, MEMBERS, SHARED
from waypoint.accounts.roles import Role
from waypoint.clients import actions as client_actions
from waypoint.groups import actions
from waypoint.groups.models import AttendanceStatus

pytestmark = pytest.mark.django_db


def _panel(page: str) -> str:
    start = page.index('id="h-portal-groups"')
    return page[start : page.index("</section>", start)]


def test_a_drop_in_sees_the_group_and_nothing_of_the_others(login, group_world, client_user):
    page = login(client_user).get(reverse("portal-home")).content.decode()
    panel = _panel(page)
    assert "Tuesday open group" in panel and "Any substance, any goal." in panel
    assert "You came as a drop-in." in panel
    assert "You came to 1 session, the last on March 3, 2026." in panel
    for number, legal, preferred, word in MEMBERS:
        for secret in (number, legal, preferred or legal, word):
            assert secret not in page
    assert "saffronwood" not in page  # not even their own part: notes are the care team's
    assert "Sheltering-mackerel" not in page and SHARED not in page
    assert "Festival season" not in panel


def test_a_member_sees_when_they_joined_and_no_absences(
    login, group, client_chart, client_user, clinician
):
    actions.add_member(group, client_chart, by=clinician, joined_on=DAY)
    for week, status in enumerate([AttendanceStatus.PRESENT, AttendanceStatus.ABSENT] * 2):
        session = actions.add_session(
            group, by=clinician, held_on=DAY + datetime.timedelta(weeks=week)
        )
        actions.record_session(
            session, by=clinician, topic="", shared_note="", rows={client_chart.pk: (status, "")}
        )
    panel = _panel(login(client_user).get(reverse("portal-home")).content.decode())
    assert "In the group since March 3, 2026." in panel
    assert "You came to 2 sessions, the last on March 17, 2026." in panel
    assert "absent" not in panel.lower()


def test_no_group_no_panel_and_a_left_group_goes(
    login, group, client_chart, client_user, clinician
):
    assert (
        'id="h-portal-groups"'
        not in login(client_user).get(reverse("portal-home")).content.decode()
    )
    membership = actions.add_member(group, client_chart, by=clinician, joined_on=DAY)
    assert "In the group since" in login(client_user).get(reverse("portal-home")).content.decode()
    actions.end_membership(membership, by=clinician, left_on=DAY + datetime.timedelta(days=1))
    page = login(client_user).get(reverse("portal-home")).content.decode()
    assert 'id="h-portal-groups"' not in page  # left, and never came: nothing to show


def test_another_persons_groups_stay_theirs(login, group_world, make_user, clinic, admin):
    zenobia_chart = group_world["members"][0]
    zenobia = make_user("zenobia@client.test", clinic, Role.CLIENT, "Zenobia Marblewood")
    client_actions.link_portal_user(zenobia_chart, by=admin, user=zenobia)
    panel = _panel(login(zenobia).get(reverse("portal-home")).content.decode())
    assert "In the group since February 17, 2026." in panel
    assert "Robin" not in panel and "saffronwood" not in panel and "periwinkle" not in panel


def test_in_spanish(login, group_world, client_user):
    page = login(client_user).get(reverse("portal-home"), HTTP_ACCEPT_LANGUAGE="es")
    panel = _panel(page.content.decode())
    assert "Sus grupos" in panel
    assert "Vino como visita libre." in panel
    assert "Vino a 1 sesión, la última el 3 de marzo de 2026." in panel
