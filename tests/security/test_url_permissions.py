"""Every URL of the project, for every role and the other organization.

The URL list is read from the resolver at test time, so routes that other apps add later are
covered without touching this file. URL kwargs are filled with ids of the clinic's records
(`pk` → the clinic's client chart; `<model>_pk` → a record of that model on the chart; anything
unknown → another organization's record where one exists), and each URL is requested with GET
and POST as: anonymous, admin, supervisor, clinician and client of the clinic, and a clinician
of the other organization. Asserted:

- anonymous: only the allow-listed public pages answer 200; the rest redirect to sign-in
  (or 404/405);
- the other organization's clinician never gets 200 (or a redirect after a write) on a URL that
  names a clinic record;
- the client (portal) role never gets 200 on staff pages;
- nothing answers 500 (the test client re-raises server errors);
- every HTML response carries CSP without 'unsafe-inline' scripts, nosniff, a referrer policy
  and X-Frame-Options DENY;
- every response to a signed-in person (pages, redirects, downloads) is `no-store, private`.
"""

import datetime
import re
import uuid

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver

from waypoint.clients import actions as client_actions
from waypoint.clients.models import AlertSeverity
from waypoint.medications import actions as medication_actions

# Pages anyone may open without signing in.
PUBLIC = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    "accounts-accept-invite",
    "accounts-two-factor-verify",  # the second sign-in step (redirects without a pending one)
    "helplines",  # the public helpline directory
    "substances-combination",  # the public "Check a combination" page
    "openapi-json",  # the API's OpenAPI document and its docs page: no data, only the shapes
    "openapi-view",
    "home",  # the public front door for visitors (signed-in people are sent on)
    "library",  # the public library, its items, feed, sitemap and robots.txt (waypoint.library)
    "library-detail",
    "library-feed",
    "library-topic",  # pages on one topic
    "library-rate",  # a reader's stars (POST; no account)
    "sitemap",
    "robots-txt",
    "questions-list",  # public questions: ask, read, search and vote (waypoint.questions)
    "questions-ask",
    "questions-thanks",
    "questions-detail",
    "questions-vote",
}
# Pages a signed-in client may use besides the portal itself: their own account.
CLIENT_SELF_SERVICE = {
    "home",
    "logout",
    "accounts-keepalive",  # "Stay signed in" from the idle warning
    "password_change",
    "password_change_done",
    "accounts-two-factor",
    "accounts-two-factor-setup",
    "accounts-two-factor-verify",
    "accounts-two-factor-codes",
    "accounts-two-factor-disable",
}
DENIED = {401, 403, 404, 405}  # 401: the API, which a session cookie never opens
CHART_KWARGS = {"pk", "client_pk", "client_id", "chart_pk", "chart_id"}


def walk(patterns, prefix=""):
    """(route, name, kwarg converters) for every URL pattern, through every include()."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.name or route


ALL_URLS = sorted(set(walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_core_urls():
    names = {name for _, name in ALL_URLS}
    assert {"login", "caseload", "clients-detail", "clients-print", "audit-log"} <= names
    assert len(ALL_URLS) >= 30


@pytest.fixture
def world(
    clinic,
    other_clinic,
    admin,
    supervisor,
    clinician,
    colleague,
    other_clinician,
    client_chart,
    client_user,
    other_chart,
    colleague_chart,
):
    """The clinic with one record of each kind on Robin's chart, and the same at Other Clinic."""
    for chart, by in ((client_chart, clinician), (other_chart, other_clinician)):
        client_actions.raise_alert(
            chart, by=by, kind="test", title="Check in", severity=AlertSeverity.INFO
        )
        client_actions.record_contact(
            chart, by=by, occurred_on=datetime.date(2026, 3, 2), kind="individual", minutes=50
        )
        medication_actions.add_medication(
            chart, by=by, name="Sertraline", started_on=datetime.date(2026, 1, 5)
        )
    return {
        "clinic_chart": client_chart,
        "other_chart": other_chart,
        "users": {
            "admin": admin,
            "supervisor": supervisor,
            "clinician": clinician,
            "client": client_user,
            "other_org": other_clinician,
        },
    }


def _model_for(kwarg: str):
    stem = re.sub(r"_(pk|id)$", "", kwarg).replace("_", "").lower()
    for model in apps.get_models():
        if model._meta.model_name == stem:
            return model
    return None


def _record_id(model, chart, fallback_chart):
    """An id of `model` tied to `chart` (via a `client` field), else any, else another org's."""
    names = {f.name for f in model._meta.get_fields()}
    if "client" in names:
        for candidate in (chart, fallback_chart):
            obj = model._base_manager.filter(client=candidate).order_by("pk").first()
            if obj is not None:
                return obj.pk
    obj = model._base_manager.order_by("pk").first()
    return obj.pk if obj is not None else 999_999


def fill(route: str, world) -> str:
    chart, other = world["clinic_chart"], world["other_chart"]

    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        if name in CHART_KWARGS:
            return str(chart.pk)
        if converter == "uuid":
            return str(uuid.uuid4())
        model = _model_for(name)
        if model is not None:
            return str(_record_id(model, chart, other))
        if converter == "int":
            return str(other.pk)  # an unknown id: the other organization's chart
        return "not-a-real-" + name

    path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    if "(?P<" in path or "^" in path:
        pytest.fail(f"regex URL {route!r}: teach test_url_permissions.fill how to fill it")
    return "/" + path


def _signed_in(user):
    client = HttpClient()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _check_headers(response, url):
    if "text/html" not in response.get("Content-Type", ""):
        return
    csp = response.get("Content-Security-Policy", "")
    script_src = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
    assert script_src and "'unsafe-inline'" not in script_src, url
    assert "default-src" in csp, url
    assert response.get("X-Content-Type-Options") == "nosniff", url
    assert response.get("Referrer-Policy"), url
    assert response.get("X-Frame-Options") == "DENY", url


def _is_portal(route: str, name: str) -> bool:
    return route.startswith("portal") or name.startswith("portal") or "-portal" in name


ROLES = ["anonymous", "admin", "supervisor", "clinician", "client", "other_org"]


def _problem(who, route, name, response) -> str | None:
    status = response.status_code
    if status >= 500:
        return "server error"
    if who == "anonymous" and name not in PUBLIC:
        if status == 200 or (
            status == 302 and not response["Location"].startswith("/accounts/login/")
        ):
            return "reachable without signing in"
    elif who == "client" and name not in CLIENT_SELF_SERVICE | PUBLIC:
        if not _is_portal(route, name) and status not in DENIED:
            return "staff page open to a client"
    elif who == "other_org" and "<" in route and name not in PUBLIC and status not in DENIED:
        return "clinic record open to another organization"
    return None


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("who", ROLES)
def test_every_url_for_every_role(world, who):
    user = None if who == "anonymous" else world["users"][who]
    client = _signed_in(user)
    failures = []
    for route, name in ALL_URLS:
        url = fill(route, world)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            _check_headers(response, f"{method.upper()} {url} as {who}")
            if user is not None:  # every answer to a signed-in person, downloads included
                directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
                if not {"no-store", "private"} <= directives:
                    failures.append(f"{method.upper()} {url} ({name}) as {who}: cacheable")
            problem = _problem(who, route, name, response)
            if problem:
                status = response.status_code
                failures.append(f"{method.upper()} {url} ({name}) as {who}: {status} {problem}")
            if user is not None and SESSION_KEY not in client.session:
                client = _signed_in(user)  # that request signed them out (sign-out, a reset)
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_the_matrix_is_not_vacuous(world):
    """The same URLs do open for the people they are for."""
    chart = world["clinic_chart"]
    assert _signed_in(world["users"]["clinician"]).get(f"/clients/{chart.pk}/").status_code == 200
    assert _signed_in(world["users"]["admin"]).get("/audit/").status_code == 200
    assert _signed_in(world["users"]["client"]).get("/portal/").status_code == 200
    assert _signed_in(None).get("/accounts/login/").status_code == 200
    assert _signed_in(world["users"]["other_org"]).get(f"/clients/{chart.pk}/").status_code == 404


@pytest.mark.django_db
def test_security_headers_on_public_pages(client):
    response = client.get("/accounts/login/")
    _check_headers(response, "login")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
