"""Role × page for every privacy page, with the exact expected answer.

The chart is Robin's (primary clinician Maya, whom Sol supervises). Cells:
OK (200, or a redirect that is not to sign-in), LOGIN (redirect to sign-in), 403, 404.
"""

import base64

import pytest
from django.urls import reverse

from waypoint.privacy import actions
from waypoint.privacy.models import ConsentScan, InfoKind, Purpose

OK, LOGIN = "OK", "LOGIN"

PEOPLE = [
    "anonymous",
    "admin",
    "supervisor_of",  # reads Maya's charts, may not change them
    "clinician_on_team",  # Maya
    "colleague",  # Cole: same clinic, not on the care team
    "client",  # Robin, whose chart it is
    "other_clinician",  # Otis at Other Clinic
    "other_admin",  # Oona, admin of Other Clinic
]

READ = [LOGIN, OK, OK, OK, 404, 403, 404, 404]
WRITE = [LOGIN, OK, 403, OK, 404, 403, 404, 404]
CHART_ADMIN = [LOGIN, OK, 403, 403, 403, 403, 403, 404]
ORG_ADMIN = [LOGIN, OK, 403, 403, 403, 403, 403, OK]
PORTAL = [LOGIN, 403, 403, 403, 403, OK, 403, 403]

# page: (method, url name, arg keys, POST data, expected row)
PAGES = {
    "consents": ("get", "privacy-consents", ["chart"], None, READ),
    "new consent": ("get", "privacy-consent-create", ["chart"], None, WRITE),
    "consent": ("get", "privacy-consent-detail", ["chart", "active"], None, READ),
    "edit consent": ("get", "privacy-consent-edit", ["chart", "draft"], None, WRITE),
    "send consent": ("post", "privacy-consent-send", ["chart", "draft"], {}, WRITE),
    "paper form": ("get", "privacy-consent-paper", ["chart", "draft"], None, WRITE),
    "scan": ("get", "privacy-consent-scan", ["chart", "active"], None, READ),
    "revoke": ("get", "privacy-consent-revoke", ["chart", "active"], None, WRITE),
    "expiry event": (
        "post",
        "privacy-consent-expiry-event",
        ["chart", "active"],
        {"occurred_on": "2026-01-10"},
        WRITE,
    ),
    "disclose": ("get", "privacy-disclose", ["chart"], None, WRITE),
    "disclosure": ("get", "privacy-disclosure", ["chart", "disclosure"], None, READ),
    "disclosure pdf": ("get", "privacy-disclosure-pdf", ["chart", "disclosure"], None, READ),
    "chart accounting": ("get", "privacy-chart-accounting", ["chart"], None, CHART_ADMIN),
    "close chart": ("get", "privacy-chart-close", ["chart"], None, CHART_ADMIN),
    "chart retention": ("get", "privacy-chart-retention", ["chart"], None, CHART_ADMIN),
    "purge": ("post", "privacy-chart-purge", ["chart"], {"confirm": "wrong"}, CHART_ADMIN),
    "anonymize": (
        "post",
        "privacy-chart-anonymize",
        ["chart"],
        {"anon-confirm": "wrong"},
        CHART_ADMIN,
    ),
    "privacy settings": ("get", "privacy-settings", [], None, ORG_ADMIN),
    "org accounting": ("get", "privacy-accounting", [], None, ORG_ADMIN),
    "retention list": ("get", "privacy-retention", [], None, ORG_ADMIN),
    "portal privacy": ("get", "privacy-portal", [], None, PORTAL),
    "portal sign": ("get", "privacy-portal-sign", ["awaiting"], None, PORTAL),
    "portal revoke": ("get", "privacy-portal-revoke", ["active"], None, PORTAL),
    "portal accounting": ("get", "privacy-portal-accounting", [], None, PORTAL),
    "portal download": ("get", "privacy-portal-download", ["json"], None, PORTAL),
}

CASES = [
    pytest.param(page, person, PAGES[page][4][i], id=f"{page}-{person}")
    for page in PAGES
    for i, person in enumerate(PEOPLE)
]


@pytest.fixture
def world(
    admin,
    supervisor,
    clinician,
    colleague,
    client_user,
    other_clinician,
    other_admin,
    client_chart,
    make_consent,
):
    from tests.privacy.conftest import PDF_BYTES

    active = make_consent(expires_on=None, expiry_event="End of treatment")
    ConsentScan.objects.create(
        consent=active,
        content=base64.b64encode(PDF_BYTES).decode(),
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=clinician,
    )
    draft = make_consent(signed=False)
    awaiting = make_consent(signed=False, sent=True)
    disclosure = actions.disclose(
        client_chart,
        by=clinician,
        consent=active,
        recipient_name="Eastside Community Health",
        recipient_role="treating_provider",
        purpose=Purpose.TREATMENT,
        kinds=[InfoKind.ATTENDANCE],
        method="fax",
    )
    return {
        "people": {
            "anonymous": None,
            "admin": admin,
            "supervisor_of": supervisor,
            "clinician_on_team": clinician,
            "colleague": colleague,
            "client": client_user,
            "other_clinician": other_clinician,
            "other_admin": other_admin,
        },
        "args": {
            "chart": client_chart.pk,
            "active": active.pk,
            "draft": draft.pk,
            "awaiting": awaiting.pk,
            "disclosure": disclosure.pk,
            "json": "json",
        },
    }


def test_matrix_rows_are_complete():
    assert all(len(row[4]) == len(PEOPLE) for row in PAGES.values())


@pytest.mark.django_db
@pytest.mark.parametrize("page,person,expected", CASES)
def test_privacy_page_permissions(client, world, page, person, expected):
    method, name, arg_keys, data, _ = PAGES[page]
    user = world["people"][person]
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse(name, args=[world["args"][key] for key in arg_keys])
    response = getattr(client, method)(url, data or {})
    status = response.status_code
    if expected == LOGIN:
        assert status == 302 and response["Location"].startswith("/accounts/login/"), status
    elif expected == OK:
        assert status == 200 or (
            status == 302 and not response["Location"].startswith("/accounts/login/")
        ), status
    else:
        assert status == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,arg_keys,wrong",
    [
        ("privacy-consent-send", ["chart", "draft"], "get"),
        ("privacy-consent-expiry-event", ["chart", "active"], "get"),
        ("privacy-chart-purge", ["chart"], "get"),
        ("privacy-chart-anonymize", ["chart"], "get"),
        ("privacy-consent-detail", ["chart", "active"], "post"),
        ("privacy-disclosure-pdf", ["chart", "disclosure"], "post"),
        ("privacy-chart-accounting", ["chart"], "post"),
        ("privacy-accounting", [], "post"),
        ("privacy-retention", [], "delete"),
    ],
)
def test_wrong_method_is_405(login, world, name, arg_keys, wrong):
    web = login(world["people"]["admin"])
    url = reverse(name, args=[world["args"][key] for key in arg_keys])
    assert getattr(web, wrong)(url).status_code == 405
