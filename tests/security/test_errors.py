"""Error pages are friendly and reveal no internals (DEBUG is off in tests, as in production)."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse


def _body(response) -> str:
    return response.content.decode()


def test_debug_is_off():
    assert settings.DEBUG is False


def test_unknown_url_gets_the_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    body = _body(response)
    assert "We could not find that page" in body and "Go to your home page" in body
    assert "Traceback" not in body and "urlpatterns" not in body


def test_404_for_a_signed_in_person_keeps_the_navigation(login, clinician):
    response = login(clinician).get("/clients/424242/")
    assert response.status_code == 404
    assert "We could not find that page" in _body(response)
    assert "No such chart" not in _body(response)  # the exception's text stays internal
    assert 'aria-label="Main"' in _body(response)


def test_403_explains_in_plain_words(login, supervisor, client_chart):
    response = login(supervisor).get(reverse("clients-edit", args=[client_chart.pk]))
    assert response.status_code == 403
    assert "Not available to you" in _body(response)
    assert "only its care team can change it" in _body(response)


def test_403_without_a_reason_has_a_default(rf):
    from waypoint.errors import permission_denied

    response = permission_denied(rf.get("/"), PermissionDenied())
    assert response.status_code == 403
    assert "You do not have access to this page." in _body(response)


@pytest.mark.urls("tests.security.boom_urls")
def test_a_failing_view_gets_the_500_page_without_internals(client, clinician):
    client.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = _body(response)
    assert "Something went wrong on our side" in body
    for leak in ["secret internals", "RuntimeError", "Traceback", "settings.py", "Maya"]:
        assert leak not in body


def test_a_bad_host_gets_the_400_page(client):
    response = client.get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "Something in that request was not right" in _body(response)
    assert "ALLOWED_HOSTS" not in _body(response)


def test_csrf_failure_page_is_friendly(clinician):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    response = browser.post(reverse("logout"))
    assert response.status_code == 403
    body = _body(response)
    assert "This form has expired" in body and "Traceback" not in body
    assert "try again" in body.lower()
