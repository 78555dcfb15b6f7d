"""The security baseline: password hashing, security headers, CSP, CSRF, production settings."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.cli import PRODUCTION_SECRETS, python_in, run_waypoint


def test_argon2_is_the_first_password_hasher():
    import waypoint.settings as real  # tests swap in a fast hasher; the real settings must not

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "MD5" not in " ".join(real.PASSWORD_HASHERS)


def test_password_rules_need_twelve_characters():
    import waypoint.settings as real

    validators = {v["NAME"].rsplit(".", 1)[1]: v for v in real.AUTH_PASSWORD_VALIDATORS}
    assert validators["MinimumLengthValidator"]["OPTIONS"]["min_length"] == 12
    assert "CommonPasswordValidator" in validators


def test_lockout_settings():
    import waypoint.settings as real

    assert real.AXES_FAILURE_LIMIT == 5
    assert real.AXES_LOCKOUT_TEMPLATE == "registration/locked_out.html"
    assert "axes.middleware.AxesMiddleware" in real.MIDDLEWARE


def test_security_headers_on_every_page(client, login, clinician):
    for response in (client.get(reverse("login")), login(clinician).get(reverse("caseload"))):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        csp = dict(
            (part.strip().split(" ", 1) + [""])[:2]
            for part in response["Content-Security-Policy"].split(";")
            if part.strip()
        )
        assert csp["script-src"] == "'self'"
        assert "unsafe-inline" not in csp["script-src"] and "unsafe-eval" not in csp["script-src"]
        assert "unsafe-inline" not in csp["style-src"]
        assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
        assert csp["default-src"] == "'self'"


def test_pages_have_no_inline_scripts_or_styles(login, clinician, client_chart, alert):
    """The CSP would block them; catch them here rather than in a browser."""
    import re

    body = login(clinician).get(client_chart.get_absolute_url()).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert " style=" not in body and "<style" not in body
    assert not re.search(r"\son[a-z]+=", body)  # no inline event handlers


def test_session_and_csrf_cookies_are_http_only(client, clinician):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": clinician.email, "password": PASSWORD})
    session_cookie = response.cookies["sessionid"]
    assert session_cookie["httponly"] and session_cookie["samesite"] == "Lax"
    assert session_cookie["max-age"] == ""  # ends with the browser; idle timeout on the server
    csrf = Client().get(reverse("login")).cookies["csrftoken"]
    assert csrf["httponly"]


def test_csrf_is_enforced_on_forms(clinician, client_chart):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("clients-contact-add", args=[client_chart.pk])
    data = {"occurred_on": "2026-01-10", "kind": "individual"}
    assert browser.post(url, data).status_code == 403
    assert not client_chart.contacts.exists()
    # With the token from a page, the same post works.
    page = browser.get(client_chart.get_absolute_url())
    token = page.context["csrf_token"]
    assert browser.post(url, {**data, "csrfmiddlewaretoken": str(token)}).status_code == 302
    assert client_chart.contacts.count() == 1


def test_htmx_requests_carry_the_csrf_token_in_a_header(login, clinician):
    body = login(clinician).get(reverse("caseload")).content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in body


def test_login_form_is_csrf_protected():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("login"), {"username": "a@b.test", "password": "x"})
    assert response.status_code == 403


# --- production mode, in a fresh interpreter --------------------------------------------------

SETTINGS_PROBE = """
import json, waypoint.settings as s
print(json.dumps({k: getattr(s, k, None) for k in [
    "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_AGE", "ALLOWED_HOSTS", "PASSWORD_HASHERS", "EMAIL_BACKEND",
]}))
"""


@pytest.mark.slow
def test_production_settings_are_locked_down(tmp_path):
    result = python_in(
        SETTINGS_PROBE,
        var_dir=tmp_path,
        env={**PRODUCTION_SECRETS, "BEHIND_TLS_PROXY": "1", "SESSION_IDLE_MINUTES": "30"},
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SECURE_SSL_REDIRECT"]
    assert values["SECURE_HSTS_SECONDS"] == 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_AGE"] == 30 * 60  # the idle timeout is configurable
    assert values["ALLOWED_HOSTS"] == ["clinic.example.org"]
    assert values["PASSWORD_HASHERS"][0].endswith("Argon2PasswordHasher")
    # No secrets were written to disk in production.
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.slow
def test_local_settings_default_to_fifteen_minutes_and_debug_off(tmp_path):
    result = python_in(SETTINGS_PROBE, var_dir=tmp_path)
    values = json.loads(result.stdout)
    assert values["DEBUG"] is False and values["SESSION_COOKIE_AGE"] == 15 * 60
    assert values["SESSION_COOKIE_SECURE"] is None  # plain http on 127.0.0.1 works locally
    assert (tmp_path / "secret_key").exists()  # generated for local use


@pytest.mark.slow
def test_production_refuses_debug(tmp_path):
    result = run_waypoint("check", var_dir=tmp_path, env={**PRODUCTION_SECRETS, "DEBUG": "1"})
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "waypoint: configuration error: DEBUG must be off when WAYPOINT_ENV=production"
    )


@pytest.mark.slow
def test_production_passes_check_deploy_with_no_warnings(tmp_path):
    result = run_waypoint(
        "check", "--deploy", "--fail-level", "WARNING", var_dir=tmp_path, env=PRODUCTION_SECRETS
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
