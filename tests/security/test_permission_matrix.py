"""Role × page: every core page for every kind of person, with the exact expected answer.

The chart in question is Robin's (primary clinician Maya, who Sol supervises). Cells:
- OK: the page works (200, or for pages that act and move on, a redirect back to the chart);
- LOGIN: redirect to the sign-in page;
- 403: the person may know the page exists but may not use it;
- 404: the person may not know the chart exists (another organization, not on the care team).
Every pair that is not OK is asserted, so a forbidden pair that starts answering is caught.
"""

import pytest
from django.urls import reverse

OK, LOGIN = "OK", "LOGIN"

PEOPLE = [
    "anonymous",
    "admin",
    "supervisor_of",  # supervises Maya, the chart's clinician
    "supervisor_not",  # supervises nobody on this chart
    "clinician_on_team",  # Maya
    "clinician_off_team",  # Cole
    "clinician_see_all",  # Cole, with the organization's "every clinician may read" setting on
    "client",  # Robin, whose chart it is
    "other_clinician",  # Otis at Other Clinic
    "other_admin",  # Oona, admin of Other Clinic
]

# page: (method, url name, url args, POST data, what OK looks like)
PAGES = {
    "caseload": ("get", "caseload", (), None, 200),
    "client list": ("get", "clients-list", (), None, 200),
    "new chart": ("get", "clients-create", (), None, 200),
    "chart": ("get", "clients-detail", ("chart",), None, 200),
    "edit chart": ("get", "clients-edit", ("chart",), None, 200),
    "care team": ("get", "clients-care-team", ("chart",), None, 200),
    "admit": ("get", "clients-admit", ("chart",), None, "chart"),  # already open: back to chart
    "discharge": ("get", "clients-discharge", ("chart",), None, 200),
    "add contact": (
        "post",
        "clients-contact-add",
        ("chart",),
        {"occurred_on": "2026-01-10", "kind": "individual"},
        "chart",
    ),
    "change history": ("get", "clients-history", ("chart",), None, 200),
    "access history": ("get", "clients-access-log", ("chart",), None, 200),
    "print": ("get", "clients-print", ("chart",), None, 200),
    "acknowledge alert": (
        "post",
        "clients-alert-acknowledge",
        ("chart", "alert"),
        {"note": "Called; safe."},
        "chart",
    ),
    "portal": ("get", "portal-home", (), None, 200),
    "staff list": ("get", "accounts-staff", (), None, 200),
    "invite staff": ("get", "accounts-invite", (), None, 200),
    "edit staff": ("get", "accounts-staff-edit", ("maya",), None, 200),
    "withdraw invitation": (
        "post",
        "accounts-invitation-revoke",
        ("invitation",),
        {},
        "/staff/",
    ),
    "organization settings": ("get", "accounts-organization", (), None, 200),
    "alert settings": ("get", "accounts-alert-settings", (), None, 200),
    "audit trail": ("get", "audit-log", (), None, 200),
    "measure norms": ("get", "measures-norms", (), None, 200),
    "stages of change": ("get", "assessment-stages", ("chart",), None, 200),
    "note a stage": ("get", "assessment-stage-add", ("chart",), None, 200),
    "decisional balance": ("get", "assessment-balances", ("chart",), None, 200),
    "edit decisional balance": (
        "get",
        "assessment-balance-edit",
        ("chart", "substance"),
        None,
        200,
    ),
    "portal decisional balance": ("get", "assessment-portal-balances", (), None, 200),
    "portal edit decisional balance": (
        "get",
        "assessment-portal-balance-edit",
        ("substance",),
        None,
        200,
    ),
    "priorities": ("get", "assessment-priorities", ("chart",), None, 200),
    "edit priorities": ("get", "assessment-priorities-edit", ("chart",), None, 200),
    "portal priorities": ("get", "assessment-portal-priorities", (), None, 200),
    "drug set setting": ("get", "assessment-dss", ("chart",), None, 200),
    "edit drug set setting": ("get", "assessment-dss-edit", ("chart", "substance"), None, 200),
}

# Columns in PEOPLE order: anon, admin, sup_of, sup_not, on_team, off_team, see_all, client,
# other_clinician, other_admin.
MATRIX = {
    "caseload": [LOGIN, OK, OK, OK, OK, OK, OK, 403, OK, OK],
    "client list": [LOGIN, OK, OK, OK, OK, OK, OK, 403, OK, OK],
    "new chart": [LOGIN, OK, OK, OK, OK, OK, OK, 403, OK, OK],
    "chart": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "edit chart": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "care team": [LOGIN, OK, 403, 404, 403, 403, 403, 403, 403, 404],
    "admit": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "discharge": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "add contact": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "change history": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "access history": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, 404],
    "print": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "acknowledge alert": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "portal": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "staff list": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "invite staff": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "edit staff": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, 404],
    "withdraw invitation": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, 404],
    "organization settings": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "alert settings": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "audit trail": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "measure norms": [LOGIN, OK, 403, 403, 403, 403, 403, 403, 403, OK],
    "stages of change": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "note a stage": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "decisional balance": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "edit decisional balance": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "portal decisional balance": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "portal edit decisional balance": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "priorities": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "edit priorities": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
    "portal priorities": [LOGIN, 403, 403, 403, 403, 403, 403, OK, 403, 403],
    "drug set setting": [LOGIN, OK, OK, 404, OK, 404, OK, 403, 404, 404],
    "edit drug set setting": [LOGIN, OK, 403, 404, OK, 404, 403, 403, 404, 404],
}

CASES = [
    pytest.param(page, person, MATRIX[page][i], id=f"{page}-{person}")
    for page in PAGES
    for i, person in enumerate(PEOPLE)
]


def test_matrix_covers_every_page_and_person():
    assert set(MATRIX) == set(PAGES)
    assert all(len(row) == len(PEOPLE) for row in MATRIX.values())


@pytest.fixture
def world(
    request,
    admin,
    supervisor,
    other_supervisor,
    clinician,
    colleague,
    client_user,
    other_clinician,
    other_admin,
    client_chart,
    alert,
):
    from waypoint.accounts import actions as account_actions

    invitation = account_actions.invite_staff(
        by=admin, email="new@clinic.test", full_name="New Person", role="clinician", base_url=""
    )
    return {
        "people": {
            "anonymous": None,
            "admin": admin,
            "supervisor_of": supervisor,
            "supervisor_not": other_supervisor,
            "clinician_on_team": clinician,
            "clinician_off_team": colleague,
            "clinician_see_all": colleague,
            "client": client_user,
            "other_clinician": other_clinician,
            "other_admin": other_admin,
        },
        "args": {
            "chart": client_chart.pk,
            "alert": alert.pk,
            "maya": clinician.pk,
            "invitation": invitation.pk,
            "substance": "alcohol",
        },
        "chart_url": client_chart.get_absolute_url(),
    }


@pytest.mark.parametrize(("page", "person", "expected"), CASES)
def test_role_page_matrix(client, world, clinic, page, person, expected):
    method, name, arg_names, data, ok = PAGES[page]
    if person == "clinician_see_all":
        clinic.clinicians_see_all_charts = True
        clinic.save()
    user = world["people"][person]
    if user is not None:
        user.refresh_from_db()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse(name, args=[world["args"][a] for a in arg_names])
    response = getattr(client, method)(url, data or {})
    # Whatever the answer, no browser or proxy keeps it (the back button after sign-out).
    assert {"no-store", "private"} <= {d.strip() for d in response["Cache-Control"].split(",")}

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    elif expected == OK and ok == "chart":
        assert response.status_code == 302
        assert response["Location"] == world["chart_url"]
    elif expected == OK and isinstance(ok, str):
        assert response.status_code == 302
        assert response["Location"] == ok
    elif expected == OK:
        assert response.status_code == ok
    else:
        assert response.status_code == expected
        # Refusals never show the chart's identifying data.
        body = response.content.decode()
        assert "555-0100" not in body  # Robin's phone
        assert "1988" not in body  # Robin's year of birth
