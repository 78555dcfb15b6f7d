"""View tests for the client pages: caseload, list, create, chart, edit, care team, episodes,
contacts, history, access log, print, alerts and the portal.

Who-may-open-what for every page is in test_permission_matrix.py; here each page is driven
through its happy path and bad input, with anonymous, other-organization, off-team and
client-user refusals checked once more where the page has its own logic.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clients import actions
from waypoint.clients.models import ChartStatus, Client, Contact, Episode

TODAY = timezone.localdate


def _events(action=None, **filters):
    events = AuditEvent.objects.filter(**filters).order_by("id")
    return events.filter(action=action) if action else events


def _body(response) -> str:
    return response.content.decode()


@pytest.fixture
def waitlist_chart(clinic, clinician, admin):
    return actions.create_client(
        by=admin,
        organization=clinic,
        chart_number="C-010",
        legal_name="Wren Waitwell",
        primary_clinician=clinician,
    )


# --- caseload --------------------------------------------------------------------------------


def test_caseload_shows_own_active_clients_with_last_contact_and_alerts(
    login, clinician, client_chart, colleague_chart, waitlist_chart, alert
):
    actions.record_contact(client_chart, by=clinician, occurred_on=TODAY(), kind="phone")
    response = login(clinician).get(reverse("caseload"))
    assert response.status_code == 200
    body = _body(response)
    assert "Robin" in body and "C-001" in body
    assert "Petra" not in body  # a colleague's client
    assert "Wren" not in body  # waitlist: not on the active caseload
    assert f'datetime="{TODAY():%Y-%m-%d}"' in body
    assert "Test safety signal" in body
    assert [s["title"] for s in response.context["sections"]] == ["My caseload"]
    assert _events(AuditAction.VIEW, object_type="caseload", actor_id=clinician.pk).exists()


def test_supervisor_sees_own_and_supervisees_caseloads(login, supervisor, clinician, client_chart):
    response = login(supervisor).get(reverse("caseload"))
    sections = response.context["sections"]
    assert [s["title"] for s in sections] == ["My caseload", "Maya Clinician's caseload"]
    assert sections[0]["rows"] == []
    assert [c.pk for c in sections[1]["rows"]] == [client_chart.pk]


def test_supervisor_caseload_lists_a_shared_chart_once(
    login, admin, supervisor, clinician, colleague, client_chart, colleague_chart
):
    """Robin's chart is shared by Maya and Cole, both supervised by Sol: listed once, first seen;
    Petra's, shared by Sol and Cole, stays under Sol's own caseload."""
    colleague.supervisors.add(supervisor)
    actions.admit_client(colleague_chart, by=admin, admitted_on=TODAY())
    actions.set_care_team(client_chart, by=admin, primary_clinician=clinician, members=[colleague])
    actions.set_care_team(
        colleague_chart, by=admin, primary_clinician=colleague, members=[supervisor]
    )
    response = login(supervisor).get(reverse("caseload"))
    sections = response.context["sections"]
    listed = [c.chart_number for s in sections for c in s["rows"]]
    assert sorted(listed) == ["C-001", "C-002"]
    assert [c.chart_number for c in sections[0]["rows"]] == ["C-002"]
    assert len(sections) == 3  # own, Maya's, Cole's: every supervisee keeps a section


def test_supervisor_caseload_skips_deactivated_supervisees(
    login, supervisor, clinician, client_chart
):
    clinician.is_active = False
    clinician.save()
    response = login(supervisor).get(reverse("caseload"))
    assert [s["title"] for s in response.context["sections"]] == ["My caseload"]


def test_admin_caseload_is_every_active_chart_of_the_organization(
    login, admin, client_chart, colleague_chart, other_chart, waitlist_chart
):
    actions.admit_client(colleague_chart, by=admin, admitted_on=TODAY())
    response = login(admin).get(reverse("caseload"))
    (section,) = response.context["sections"]
    assert section["title"] == "All active clients"
    assert [c.chart_number for c in section["rows"]] == ["C-001", "C-002"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("rob", True),
        ("ROBIN", True),
        ("quill", True),
        ("robin quillf", True),
        ("c-001", True),
        ("C-001", True),
        ("bob", False),
        ("c-00", False),  # chart numbers match whole
        ("r", False),  # one letter is not a search
    ],
)
def test_caseload_search(login, clinician, client_chart, query, found):
    response = login(clinician).get(reverse("caseload"), {"q": query})
    rows = response.context["sections"][0]["rows"]
    assert bool(rows) == found
    if not found:
        assert "No clients to show" in _body(response)


def test_caseload_htmx_request_gets_only_the_sections(login, clinician, client_chart):
    response = login(clinician).get(
        reverse("caseload"), {"q": "rob"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in _body(response)
    assert "Robin" in _body(response)


def test_caseload_refuses_anonymous_clients_and_posts(client, login, client_user, clinician):
    response = client.get(reverse("caseload"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert login(client_user).get(reverse("caseload")).status_code == 403
    assert login(clinician).post(reverse("caseload")).status_code == 405


# --- client list -----------------------------------------------------------------------------


def test_client_list_shows_every_readable_chart_any_status(
    login, admin, client_chart, colleague_chart, waitlist_chart, other_chart
):
    response = login(admin).get(reverse("clients-list"))
    assert response.status_code == 200
    numbers = [c.chart_number for c in response.context["page"].object_list]
    assert numbers == ["C-001", "C-002", "C-010"]
    assert "Otto" not in _body(response)
    assert _events(AuditAction.VIEW, object_type="client_list").exists()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "active"}, ["C-001"]),
        ({"status": "waitlist"}, ["C-002", "C-010"]),
        ({"status": "discharged"}, []),
        ({"status": "bogus"}, ["C-001", "C-002", "C-010"]),  # unknown filter: ignored
        ({"q": "wren"}, ["C-010"]),
        ({"q": "waitw"}, ["C-010"]),
        ({"q": "c-002"}, ["C-002"]),
        ({"q": "pet", "status": "active"}, []),
        ({"q": "pet", "status": "waitlist"}, ["C-002"]),
        ({"q": "otto"}, []),  # another organization's chart is never found
        ({"q": "o-001"}, []),
    ],
)
def test_client_list_search_and_status_filter(
    login, admin, client_chart, colleague_chart, waitlist_chart, other_chart, params, expected
):
    response = login(admin).get(reverse("clients-list"), params)
    assert [c.chart_number for c in response.context["page"].object_list] == expected


def test_client_list_for_clinician_is_their_care_team_charts(
    login, clinician, client_chart, colleague_chart, waitlist_chart
):
    response = login(clinician).get(reverse("clients-list"))
    assert [c.chart_number for c in response.context["page"].object_list] == ["C-001", "C-010"]


def test_client_list_pages_keep_the_search(login, clinician, make_charts):
    make_charts(60, clinician)
    response = login(clinician).get(reverse("clients-list"), {"q": "bulk", "status": "active"})
    page = response.context["page"]
    assert page.paginator.count == 60 and len(page.object_list) == 50
    assert "?q=bulk&amp;status=active&amp;page=2" in _body(response)
    second = login(clinician).get(reverse("clients-list"), {"q": "bulk", "page": 2})
    assert len(second.context["page"].object_list) == 10
    # A page number past the end gives the last page, not an error.
    assert login(clinician).get(reverse("clients-list"), {"page": 99}).status_code == 200


def test_client_list_htmx_request_gets_only_the_table(login, clinician, client_chart):
    response = login(clinician).get(reverse("clients-list"), headers={"HX-Request": "true"})
    assert "<html" not in _body(response) and "C-001" in _body(response)


# --- new chart -------------------------------------------------------------------------------

NEW_CHART = {
    "chart_number": "C-100",
    "legal_name": "Nova Newcomb",
    "preferred_name": "Nova",
    "pronouns": "she/her",
    "date_of_birth": "1990-06-15",
    "phone": "555-0199",
    "email": "nova@example.org",
    "address": "1 Example Way",
    "languages": "English",
    "emergency_contact_name": "Pat Newcomb",
    "emergency_contact_relationship": "sibling",
    "emergency_contact_phone": "555-0198",
    "drinking_thresholds": "female",
    "admitted_on": "2026-01-02",
}


def test_new_chart_form_defaults_primary_clinician_to_me(login, clinician):
    response = login(clinician).get(reverse("clients-create"))
    assert response.status_code == 200
    assert response.context["form"].initial["primary_clinician"] == clinician.pk


def test_new_chart_offers_only_active_staff_of_my_organization(
    login, admin, clinician, colleague, client_user, other_clinician
):
    colleague.is_active = False
    colleague.save()
    form = login(admin).get(reverse("clients-create")).context["form"]
    offered = set(form.fields["primary_clinician"].queryset)
    assert clinician in offered and admin in offered
    assert colleague not in offered and client_user not in offered
    assert other_clinician not in offered


def test_clinician_creates_a_chart_and_is_on_its_team(login, clinician, colleague):
    data = {**NEW_CHART, "primary_clinician": colleague.pk}
    response = login(clinician).post(reverse("clients-create"), data)
    chart = Client.objects.get(chart_number="C-100")
    assert response.status_code == 302 and response["Location"] == chart.get_absolute_url()
    assert chart.organization_id == clinician.organization_id
    assert (chart.legal_name, chart.preferred_name, chart.phone) == (
        "Nova Newcomb",
        "Nova",
        "555-0199",
    )
    assert chart.date_of_birth == datetime.date(1990, 6, 15)
    assert chart.status == ChartStatus.ACTIVE
    assert chart.primary_clinician == colleague
    assert set(chart.care_team.all()) == {clinician, colleague}
    assert chart.episodes.get().admitted_on == datetime.date(2026, 1, 2)
    created = _events(AuditAction.CREATE, client_id=chart.pk)
    assert [e.object_type for e in created] == ["clients.client", "clients.episode"]
    assert "Nova" not in str(list(created.values()))  # no names in the audit trail


def test_chart_without_admission_goes_on_the_waitlist(login, admin, clinician):
    data = {**NEW_CHART, "admitted_on": "", "primary_clinician": clinician.pk}
    login(admin).post(reverse("clients-create"), data)
    chart = Client.objects.get(chart_number="C-100")
    assert chart.status == ChartStatus.WAITLIST and not chart.episodes.exists()
    assert set(chart.care_team.all()) == {clinician}  # the admin is not added


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"chart_number": "c-001"}, "chart_number"),  # taken, in any case
        ({"chart_number": ""}, "chart_number"),
        ({"legal_name": ""}, "legal_name"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"date_of_birth": "1850-01-01"}, "date_of_birth"),
        ({"date_of_birth": "not a date"}, "date_of_birth"),
        ({"admitted_on": "2999-01-01"}, "admitted_on"),
        ({"email": "not-an-email"}, "email"),
        ({"drinking_thresholds": "other"}, "drinking_thresholds"),
        ({"primary_clinician": "other"}, "primary_clinician"),
        ({"primary_clinician": "client"}, "primary_clinician"),
        ({"legal_name": "x" * 201}, "legal_name"),
    ],
)
def test_new_chart_bad_input_shows_errors_keeps_values_and_saves_nothing(
    login, clinician, client_chart, other_clinician, client_user, changes, field
):
    people = {"other": other_clinician.pk, "client": client_user.pk}
    data = {**NEW_CHART, "primary_clinician": clinician.pk, "phone": "555-0177"}
    data.update({k: people.get(v, v) for k, v in changes.items()})
    before = (Client.objects.count(), AuditEvent.objects.filter(action="create").count())
    response = login(clinician).post(reverse("clients-create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'value="555-0177"' in _body(response)  # what was typed is kept
    assert (Client.objects.count(), AuditEvent.objects.filter(action="create").count()) == before


def test_chart_numbers_may_repeat_across_organizations(login, other_clinician, client_chart):
    data = {**NEW_CHART, "chart_number": "C-001", "primary_clinician": other_clinician.pk}
    response = login(other_clinician).post(reverse("clients-create"), data)
    assert response.status_code == 302
    assert Client.objects.filter(chart_number="C-001").count() == 2


# --- chart page ------------------------------------------------------------------------------


def test_chart_shows_details_team_episodes_and_contacts(login, clinician, client_chart):
    actions.record_contact(client_chart, by=clinician, occurred_on=TODAY(), kind="individual")
    response = login(clinician).get(client_chart.get_absolute_url())
    assert response.status_code == 200
    body = _body(response)
    for text in ["Robin", "Robin Quillfeather", "they/them", "555-0100", "Maya Clinician"]:
        assert text in body
    assert "Jan 5, 2026" in body  # admission
    assert "Individual session" in body
    assert response.context["access"].can_write is True
    assert reverse("clients-edit", args=[client_chart.pk]) in body
    assert reverse("clients-access-log", args=[client_chart.pk]) not in body  # admins only
    assert reverse("clients-care-team", args=[client_chart.pk]) not in body  # not clinicians
    view = _events(AuditAction.VIEW, client_id=client_chart.pk).last()
    assert view.detail == {"page": "chart"}


def test_chart_read_only_for_supervisor_hides_write_links(login, supervisor, client_chart):
    response = login(supervisor).get(client_chart.get_absolute_url())
    assert response.status_code == 200
    assert response.context["access"].can_write is False
    body = _body(response)
    assert reverse("clients-edit", args=[client_chart.pk]) not in body
    assert reverse("clients-contact-add", args=[client_chart.pk]) not in body
    # Supervisors manage care teams, but only of charts they may change.
    assert reverse("clients-care-team", args=[client_chart.pk]) not in body


def test_chart_links_follow_the_access_answer_not_the_role(
    login, admin, supervisor, clinician, client_chart
):
    """The access-history and care-team links come from ChartAccess booleans (Permission)."""
    access_log = reverse("clients-access-log", args=[client_chart.pk])
    care_team = reverse("clients-care-team", args=[client_chart.pk])
    body = _body(login(admin).get(client_chart.get_absolute_url()))
    assert access_log in body and care_team in body
    actions.set_care_team(client_chart, by=admin, primary_clinician=clinician, members=[supervisor])
    response = login(supervisor).get(client_chart.get_absolute_url())
    assert response.context["access"].can_manage_care_team is True
    assert care_team in _body(response) and access_log not in _body(response)


def test_chart_of_another_organization_or_team_is_404(
    login, other_clinician, colleague, client_chart
):
    url = client_chart.get_absolute_url()
    assert login(other_clinician).get(url).status_code == 404
    assert login(colleague).get(url).status_code == 404
    assert login(colleague).get("/clients/999999/").status_code == 404


def test_chart_refuses_anonymous_client_user_and_post(client, login, client_user, clinician):
    url = reverse("clients-detail", args=[1])
    assert client.get(url).status_code == 302
    assert login(client_user).get(url).status_code == 403
    assert login(clinician).post(url).status_code == 405


# --- edit ------------------------------------------------------------------------------------


def _edit_data(chart, **changes):
    data = {
        "chart_number": chart.chart_number,
        "legal_name": chart.legal_name,
        "preferred_name": chart.preferred_name,
        "pronouns": chart.pronouns,
        "date_of_birth": chart.date_of_birth.isoformat() if chart.date_of_birth else "",
        "phone": chart.phone,
        "email": chart.email,
        "address": chart.address,
        "languages": chart.languages,
        "emergency_contact_name": chart.emergency_contact_name,
        "emergency_contact_relationship": chart.emergency_contact_relationship,
        "emergency_contact_phone": chart.emergency_contact_phone,
        "drinking_thresholds": chart.drinking_thresholds,
        "status": chart.status,
    }
    data.update(changes)
    return data


def test_edit_saves_audits_field_names_and_history_keeps_old_and_new(
    login, clinician, client_chart
):
    url = reverse("clients-edit", args=[client_chart.pk])
    signed_in = login(clinician)
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(url, _edit_data(client_chart, phone="555-0111", pronouns="she/they"))
    assert response.status_code == 302 and response["Location"] == client_chart.get_absolute_url()
    client_chart.refresh_from_db()
    assert (client_chart.phone, client_chart.pronouns) == ("555-0111", "she/they")

    change = _events(AuditAction.CHANGE, client_id=client_chart.pk).get()
    assert change.detail == {"fields": ["phone", "pronouns"]}
    assert "555-01" not in str(change.detail) and "she/they" not in str(change.detail)

    history = signed_in.get(reverse("clients-history", args=[client_chart.pk]))
    latest = history.context["changes"][0]
    assert (latest.kind, latest.by, latest.what) == ("changed", "Maya Clinician", "Chart")
    assert {(c.field, c.old, c.new) for c in latest.changes} == {
        ("phone", "555-0100", "555-0111"),
        ("pronouns", "they/them", "she/they"),
    }
    body = _body(history)
    assert "555-0100" in body and "555-0111" in body


def test_edit_without_changes_records_no_change(login, clinician, client_chart):
    versions = client_chart.history.count()
    response = login(clinician).post(
        reverse("clients-edit", args=[client_chart.pk]), _edit_data(client_chart)
    )
    assert response.status_code == 302
    assert not _events(AuditAction.CHANGE, client_id=client_chart.pk).exists()
    assert client_chart.history.count() == versions


def test_renaming_a_client_updates_the_name_search(login, clinician, client_chart):
    signed_in = login(clinician)
    signed_in.post(
        reverse("clients-edit", args=[client_chart.pk]),
        _edit_data(client_chart, legal_name="Robin Featherstone", preferred_name="Bird"),
    )
    found = signed_in.get(reverse("clients-list"), {"q": "feathers"}).context["page"].object_list
    assert [c.pk for c in found] == [client_chart.pk]
    found = signed_in.get(reverse("clients-list"), {"q": "bird"}).context["page"].object_list
    assert [c.pk for c in found] == [client_chart.pk]
    gone = signed_in.get(reverse("clients-list"), {"q": "quill"}).context["page"].object_list
    assert list(gone) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"legal_name": ""},
        {"chart_number": "C-002"},  # Petra's
        {"date_of_birth": "2999-12-31"},
        {"email": "nope"},
    ],
)
def test_edit_bad_input_keeps_values_and_changes_nothing(
    login, clinician, client_chart, colleague_chart, changes
):
    data = _edit_data(client_chart, phone="555-0123", **changes)
    response = login(clinician).post(reverse("clients-edit", args=[client_chart.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'value="555-0123"' in _body(response)
    client_chart.refresh_from_db()
    assert client_chart.phone == "555-0100"
    assert not _events(AuditAction.CHANGE).exists()


def test_edit_refused_for_read_only_off_team_and_other_org(
    login, supervisor, colleague, other_clinician, client_chart
):
    url = reverse("clients-edit", args=[client_chart.pk])
    data = _edit_data(client_chart, phone="555-0666")
    assert login(supervisor).post(url, data).status_code == 403
    assert login(colleague).post(url, data).status_code == 404
    assert login(other_clinician).post(url, data).status_code == 404
    client_chart.refresh_from_db()
    assert client_chart.phone == "555-0100"
    assert _events(AuditAction.DENIED).count() == 3


def test_edit_wrong_method(login, clinician, client_chart):
    url = reverse("clients-edit", args=[client_chart.pk])
    assert login(clinician).put(url).status_code == 405


# --- care team -------------------------------------------------------------------------------


def test_admin_changes_the_care_team(login, admin, clinician, colleague, client_chart):
    url = reverse("clients-care-team", args=[client_chart.pk])
    signed_in = login(admin)
    form = signed_in.get(url).context["form"]
    assert form.initial == {"primary_clinician": clinician.pk, "members": [clinician.pk]}
    response = signed_in.post(url, {"primary_clinician": colleague.pk, "members": [clinician.pk]})
    assert response.status_code == 302
    client_chart.refresh_from_db()
    assert client_chart.primary_clinician == colleague
    assert set(client_chart.care_team.all()) == {clinician, colleague}
    change = _events(AuditAction.CHANGE, client_id=client_chart.pk).get()
    assert change.detail["primary_clinician"] == {"before": clinician.pk, "after": colleague.pk}
    # Cole can now open and change the chart.
    assert login(colleague).get(client_chart.get_absolute_url()).status_code == 200


def test_removing_someone_from_the_team_closes_the_chart_to_them(
    login, admin, clinician, colleague, client_chart
):
    login(admin).post(
        reverse("clients-care-team", args=[client_chart.pk]),
        {"primary_clinician": colleague.pk, "members": []},
    )
    assert login(clinician).get(client_chart.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("who", ["other", "client", "missing", ""])
def test_care_team_bad_input(login, admin, other_clinician, client_user, client_chart, who):
    people = {"other": other_clinician.pk, "client": client_user.pk, "missing": 99999, "": ""}
    response = login(admin).post(
        reverse("clients-care-team", args=[client_chart.pk]),
        {"primary_clinician": people[who], "members": [people[who]] if who else []},
    )
    assert response.status_code == 200
    assert "primary_clinician" in response.context["form"].errors
    client_chart.refresh_from_db()
    assert client_chart.primary_clinician.email == "maya@clinic.test"


def test_supervisor_manages_the_team_of_a_chart_they_are_on(
    login, supervisor, clinician, client_chart, admin
):
    actions.set_care_team(client_chart, by=admin, primary_clinician=clinician, members=[supervisor])
    response = login(supervisor).get(reverse("clients-care-team", args=[client_chart.pk]))
    assert response.status_code == 200


# --- admit and discharge ---------------------------------------------------------------------


def test_admit_opens_an_episode_and_activates_the_chart(login, clinician, waitlist_chart):
    url = reverse("clients-admit", args=[waitlist_chart.pk])
    signed_in = login(clinician)
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(url, {"admitted_on": "2026-02-01", "program": "Intensive"})
    assert response.status_code == 302
    waitlist_chart.refresh_from_db()
    assert waitlist_chart.status == ChartStatus.ACTIVE
    episode = waitlist_chart.episodes.get()
    assert (episode.admitted_on, episode.program) == (datetime.date(2026, 2, 1), "Intensive")
    assert _events(AuditAction.CREATE, object_type="clients.episode").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"admitted_on": "2999-01-01", "program": "x"},
        {"admitted_on": "", "program": "x"},
        {"program": "x"},
    ],
)
def test_admit_bad_input(login, clinician, waitlist_chart, data):
    response = login(clinician).post(reverse("clients-admit", args=[waitlist_chart.pk]), data)
    assert response.status_code == 200
    assert "admitted_on" in response.context["form"].errors
    assert not Episode.objects.filter(client=waitlist_chart).exists()


def test_admit_with_an_open_episode_goes_back_to_the_chart(login, clinician, client_chart):
    response = login(clinician).post(
        reverse("clients-admit", args=[client_chart.pk]), {"admitted_on": "2026-02-01"}
    )
    assert response.status_code == 302
    assert client_chart.episodes.count() == 1


def test_discharge_closes_the_episode_and_keeps_the_chart_readable(login, clinician, client_chart):
    url = reverse("clients-discharge", args=[client_chart.pk])
    signed_in = login(clinician)
    assert signed_in.get(url).status_code == 200
    response = signed_in.post(
        url, {"discharged_on": "2026-03-01", "reason": "goals_met", "note": "Door stays open."}
    )
    assert response.status_code == 302
    client_chart.refresh_from_db()
    assert client_chart.status == ChartStatus.DISCHARGED
    episode = client_chart.episodes.get()
    assert (episode.discharged_on, episode.discharge_reason, episode.discharge_note) == (
        datetime.date(2026, 3, 1),
        "goals_met",
        "Door stays open.",
    )
    event = _events(AuditAction.CHANGE, object_type="clients.episode").get()
    assert "Door" not in str(event.detail)
    assert signed_in.get(client_chart.get_absolute_url()).status_code == 200
    # Discharged people leave the caseload but stay on the client list.
    assert signed_in.get(reverse("caseload")).context["sections"][0]["rows"] == []
    # And can be admitted again.
    assert (
        signed_in.post(
            reverse("clients-admit", args=[client_chart.pk]),
            {"admitted_on": "2026-03-02", "program": "Outpatient"},
        ).status_code
        == 302
    )
    assert client_chart.episodes.count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"discharged_on": "2026-01-04", "reason": "moved"}, "discharged_on"),  # before admission
        ({"discharged_on": "2999-01-01", "reason": "moved"}, "discharged_on"),  # in the future
        ({"discharged_on": "2026-02-01", "reason": "failed"}, "reason"),
        ({"discharged_on": "2026-02-01", "reason": ""}, "reason"),
        ({"discharged_on": "", "reason": "moved"}, "discharged_on"),
    ],
)
def test_discharge_bad_input(login, clinician, client_chart, data, field):
    response = login(clinician).post(
        reverse("clients-discharge", args=[client_chart.pk]), {**data, "note": "kept text"}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "kept text" in _body(response)
    client_chart.refresh_from_db()
    assert client_chart.status == ChartStatus.ACTIVE
    assert client_chart.episodes.get().discharged_on is None


def test_discharge_without_an_open_episode_goes_back_to_the_chart(login, clinician, waitlist_chart):
    response = login(clinician).get(reverse("clients-discharge", args=[waitlist_chart.pk]))
    assert response.status_code == 302


def test_discharge_choices_use_no_failure_language(login, clinician, client_chart):
    body = _body(login(clinician).get(reverse("clients-discharge", args=[client_chart.pk])))
    assert "not a judgement" in body
    for word in ["fail", "non-complian", "relapse", "noncomplian"]:
        assert word not in body.lower()


# --- contacts --------------------------------------------------------------------------------


def test_record_a_contact(login, clinician, client_chart):
    response = login(clinician).post(
        reverse("clients-contact-add", args=[client_chart.pk]),
        {"occurred_on": "2026-01-20", "kind": "phone", "minutes": "25"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(client=client_chart)
    assert (contact.occurred_on, contact.kind, contact.minutes, contact.staff) == (
        datetime.date(2026, 1, 20),
        "phone",
        25,
        clinician,
    )
    assert _events(AuditAction.CREATE, object_type="clients.contact").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"occurred_on": "2999-01-01", "kind": "phone"},
        {"occurred_on": "2026-01-20", "kind": "telepathy"},
        {"occurred_on": "2026-01-20", "kind": "phone", "minutes": "0"},
        {"occurred_on": "2026-01-20", "kind": "phone", "minutes": "9999"},
        {"occurred_on": "yesterday", "kind": "phone"},
    ],
)
def test_contact_bad_input(login, clinician, client_chart, data):
    response = login(clinician).post(reverse("clients-contact-add", args=[client_chart.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert f'value="{data["occurred_on"]}"' in _body(response)
    assert not Contact.objects.exists()


def test_contact_add_is_post_only(login, clinician, client_chart):
    assert (
        login(clinician).get(reverse("clients-contact-add", args=[client_chart.pk])).status_code
        == 405
    )


# --- history, access log, print --------------------------------------------------------------


def test_history_lists_creation_and_episode_changes(login, clinician, client_chart):
    actions.discharge_client(
        client_chart, by=clinician, discharged_on=datetime.date(2026, 2, 1), reason="moved"
    )
    response = login(clinician).get(reverse("clients-history", args=[client_chart.pk]))
    assert response.status_code == 200
    changes = response.context["changes"]
    kinds = [(c.what, c.kind) for c in changes]
    assert ("Chart", "created") in kinds
    assert any(what.startswith("Episode #") and kind == "changed" for what, kind in kinds)
    discharge = next(c for c in changes if c.what.startswith("Episode") and c.kind == "changed")
    assert ("discharge reason", "—", "Moved away") in {
        (f.field, f.old, f.new) for f in discharge.changes
    }
    assert changes == sorted(changes, key=lambda c: c.at, reverse=True)
    assert (
        login(clinician).post(reverse("clients-history", args=[client_chart.pk])).status_code == 405
    )


def test_access_log_shows_this_charts_events_only(
    login, admin, clinician, client_chart, colleague_chart
):
    login(clinician).get(client_chart.get_absolute_url())
    signed_in = login(admin)
    signed_in.get(colleague_chart.get_absolute_url())
    response = signed_in.get(reverse("clients-access-log", args=[client_chart.pk]))
    assert response.status_code == 200
    events = list(response.context["page"].object_list)
    assert events and all(e.client_id == client_chart.pk for e in events)
    assert any(e.actor_id == clinician.pk and e.action == "view" for e in events)
    assert "Maya Clinician" in _body(response)
    assert "127.0.0.1" in _body(response)


def test_print_is_audited_and_get_only(login, clinician, client_chart):
    response = login(clinician).get(reverse("clients-print", args=[client_chart.pk]))
    assert response.status_code == 200
    assert "CONFIDENTIAL" in _body(response) and "Robin Quillfeather" in _body(response)
    assert _events(AuditAction.PRINT, client_id=client_chart.pk, actor_id=clinician.pk).exists()
    assert (
        login(clinician).post(reverse("clients-print", args=[client_chart.pk])).status_code == 405
    )


# --- alerts ----------------------------------------------------------------------------------


def test_acknowledge_an_alert(login, clinician, client_chart, alert):
    url = reverse("clients-alert-acknowledge", args=[client_chart.pk, alert.pk])
    response = login(clinician).post(url, {f"alert{alert.pk}-note": "Called; safe tonight."})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinician
    assert alert.acknowledgement_note == "Called; safe tonight."
    event = _events(AuditAction.CHANGE, object_type="clients.alert").get()
    assert "Called" not in str(event.detail)
    # Off the caseload once acknowledged; the chart still shows it, acknowledged.
    caseload = login(clinician).get(reverse("caseload"))
    assert caseload.context["sections"][0]["rows"][0].open_alerts == []
    chart = _body(login(clinician).get(client_chart.get_absolute_url()))
    assert "Acknowledged by Maya Clinician" in chart
    # Acknowledging twice changes nothing.
    login(clinician).post(url, {f"alert{alert.pk}-note": "Again"})
    alert.refresh_from_db()
    assert alert.acknowledgement_note == "Called; safe tonight."


def test_acknowledge_needs_a_note(login, clinician, client_chart, alert):
    url = reverse("clients-alert-acknowledge", args=[client_chart.pk, alert.pk])
    response = login(clinician).post(url, {f"alert{alert.pk}-note": "  "}, follow=True)
    assert "Write a short note" in _body(response)
    alert.refresh_from_db()
    assert alert.is_open


def test_alert_of_another_chart_is_404(login, colleague, colleague_chart, alert):
    url = reverse("clients-alert-acknowledge", args=[colleague_chart.pk, alert.pk])
    assert login(colleague).post(url, {f"alert{alert.pk}-note": "x"}).status_code == 404
    alert.refresh_from_db()
    assert alert.is_open


def test_alert_acknowledge_is_post_only(login, clinician, client_chart, alert):
    url = reverse("clients-alert-acknowledge", args=[client_chart.pk, alert.pk])
    assert login(clinician).get(url).status_code == 405


# --- portal ----------------------------------------------------------------------------------


def test_portal_shows_the_clients_own_page(login, client_user, client_chart):
    response = login(client_user).get(reverse("portal-home"))
    assert response.status_code == 200
    body = _body(response)
    assert "Hello, Robin" in body and "Maya Clinician" in body
    assert "988" in body  # crisis line
    # Only client-facing parts: no staff navigation, no chart internals.
    assert reverse("caseload") not in body and "555-0100" not in body
    assert _events(AuditAction.VIEW, client_id=client_chart.pk, actor_id=client_user.pk).exists()


def test_home_sends_people_to_their_page(client, login, client_user, clinician):
    assert client.get("/").status_code == 200  # the public home (waypoint.library)
    assert login(client_user).get("/")["Location"] == reverse("portal-home")
    assert login(clinician).get("/")["Location"] == reverse("caseload")


def test_portal_without_a_linked_chart_is_404(login, make_user, clinic):
    from waypoint.accounts.roles import Role

    lonely = make_user("lonely@client.test", clinic, Role.CLIENT)
    assert login(lonely).get(reverse("portal-home")).status_code == 404


def test_portal_refuses_staff_anonymous_and_post(client, login, clinician, client_user):
    assert client.get(reverse("portal-home")).status_code == 302
    assert login(clinician).get(reverse("portal-home")).status_code == 403
    assert login(client_user).post(reverse("portal-home")).status_code == 405


def test_edit_form_cannot_change_status_outside_admit_and_discharge(login, clinician, client_chart):
    data = _edit_data(client_chart, status="discharged")
    response = login(clinician).post(reverse("clients-edit", args=[client_chart.pk]), data)
    assert response.status_code == 302
    client_chart.refresh_from_db()
    assert client_chart.status == "active"
    assert client_chart.current_episode() is not None
