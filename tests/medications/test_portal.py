"""The person's own medications in the portal: read-only, current and earlier, allergies; no
diagnoses and no coordination notes; each person sees only their own."""

import datetime

import pytest
from django.urls import reverse

from waypoint.accounts.roles import Role
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clients import actions as client_actions
from waypoint.medications import actions

pytestmark = pytest.mark.django_db

URL = "/portal/medications/"


@pytest.fixture
def robins_medications(client_chart, clinician):
    today = client_chart.organization.today()
    days = datetime.timedelta
    actions.add_medication(
        client_chart,
        by=clinician,
        name="Suboxone",
        dose="buprenorphine/naloxone 16/4 mg film daily",
        prescriber="Dr. Imani Okonkwo-Reyes",
        started_on=today - days(40),
    )
    actions.add_medication(
        client_chart,
        by=clinician,
        name="Naltrexone",
        dose="50 mg tablet daily",
        prescriber="Dr. Teodora Vashti",
        started_on=today - days(400),
        stopped_on=today - days(200),
    )
    actions.add_medication(
        client_chart, by=clinician, name="Sertraline", started_on=today + days(7)
    )
    actions.add_allergy(client_chart, by=clinician, text="Penicillin: hives", noted_on=today)
    actions.add_diagnosis(
        client_chart,
        by=clinician,
        description="Opioid use disorder, on buprenorphine",
        code="F11.20",
        noted_on=today,
    )
    actions.add_coordination_note(
        client_chart,
        by=clinician,
        occurred_on=today,
        prescriber="Dr. Imani Okonkwo-Reyes",
        note="Talked about the sleepless weeks",
    )
    return client_chart


def _sections(page: str) -> dict[str, str]:
    """The text of each section of the page by its heading id."""
    parts = {}
    for key in ("h-my-current", "h-my-upcoming", "h-my-earlier", "h-my-allergies"):
        start = page.index(f'id="{key}"')
        end = page.index("</section>", start)
        parts[key] = page[start:end]
    return parts


def test_url_name():
    assert reverse("medications-portal") == URL


def test_client_sees_current_and_earlier_medications_and_allergies(
    login, client_user, robins_medications
):
    response = login(client_user).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    sections = _sections(page)
    now = sections["h-my-current"]
    assert "Suboxone" in now and "16/4 mg film daily" in now
    assert "Prescribed by Dr. Imani Okonkwo-Reyes" in now
    assert "medication for opioid use disorder (MOUD)" in now
    assert "Naltrexone" not in now
    earlier = sections["h-my-earlier"]
    assert "Naltrexone" in earlier and "stopped" in earlier
    # Naltrexone treats both: both marks, in plain words.
    assert "(MOUD)" in earlier and "medication for alcohol use disorder (MAUD)" in earlier
    assert "Sertraline" in sections["h-my-upcoming"] and "starts" in sections["h-my-upcoming"]
    assert "Penicillin: hives" in sections["h-my-allergies"]
    # Read-only, and not the clinician's side of the record.
    assert "<form" not in page.split('id="main"')[1].split("</main>")[0]
    assert "/edit/" not in page
    assert "Opioid use disorder, on buprenorphine" not in page and "F11.20" not in page
    assert "sleepless weeks" not in page
    event = AuditEvent.objects.filter(action=AuditAction.VIEW).order_by("-id").first()
    assert event.detail == {"page": "medications"}


def test_empty_list_says_so(login, client_user):
    page = login(client_user).get(URL).content.decode()
    assert "No current medications written down." in page
    assert "No allergies written down." in page


def test_another_client_sees_only_their_own(
    login, client, clinic, clinician, admin, make_user, robins_medications
):
    other_chart = client_actions.create_client(
        by=admin,
        organization=clinic,
        chart_number="C-050",
        legal_name="Sasha Ember",
        primary_clinician=clinician,
    )
    sasha = make_user("sasha@client.test", clinic, Role.CLIENT)
    client_actions.link_portal_user(other_chart, by=admin, user=sasha)
    actions.add_medication(
        other_chart, by=clinician, name="Acamprosate", started_on=datetime.date(2026, 1, 2)
    )
    page = login(sasha).get(URL).content.decode()
    assert "Acamprosate" in page
    assert "Suboxone" not in page and "Penicillin" not in page


def test_staff_get_403_anonymous_login_and_post_405(login, client, clinician, client_user):
    assert client.get(URL).status_code == 302
    assert login(clinician).get(URL).status_code == 403
    assert login(client_user).post(URL).status_code == 405


def test_portal_panel_lists_current_medications_and_links_the_page(
    login, client_user, robins_medications
):
    page = login(client_user).get(reverse("portal-home")).content.decode()
    assert "My medications" in page and URL in page
    panel = page[page.index('id="h-my-medications"') :]
    panel = panel[: panel.index("</section>")]
    assert "Suboxone" in panel and "Naltrexone" not in panel


def test_the_page_and_the_panel_are_in_spanish(login, robins_medications, client_user):
    web = login(client_user)
    page = web.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    sections = _sections(page)
    assert "Lo que tomo ahora" in sections["h-my-current"]
    assert "Recetado por Dr. Imani Okonkwo-Reyes" in sections["h-my-current"]
    assert "medicamento para el trastorno por consumo de opioides" in page
    assert "Empieza más adelante" in sections["h-my-upcoming"]
    assert "empieza el" in sections["h-my-upcoming"]
    assert "lo dejó el" in sections["h-my-earlier"]
    assert "Alergias" in sections["h-my-allergies"] and "anotada el" in sections["h-my-allergies"]
    assert "What I take now" not in page and "Prescribed by" not in page
    home = web.get(reverse("portal-home"), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Mis medicamentos y alergias" in home
