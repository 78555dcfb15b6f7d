"""`accounts-keepalive`: "Stay signed in" from the idle warning (static/waypoint/session.js)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_keepalive_renews_and_says_for_how_long(client, clinician, settings):
    client.force_login(clinician)
    response = client.post(reverse("accounts-keepalive"))
    assert response.status_code == 200
    assert response.json() == {"signed_in": True, "seconds": settings.SESSION_COOKIE_AGE}
    # Saved again, so the server-side expiry starts over from now.
    assert settings.SESSION_COOKIE_NAME in response.cookies


def test_keepalive_does_not_sign_anyone_in(client):
    response = client.post(reverse("accounts-keepalive"))
    assert response.status_code == 401
    assert response.json()["signed_in"] is False


def test_keepalive_is_post_only(client, clinician):
    client.force_login(clinician)
    assert client.get(reverse("accounts-keepalive")).status_code == 405


def test_signed_in_pages_carry_the_timeout_and_signed_out_pages_do_not(client, clinician, settings):
    assert b"data-session-seconds" not in client.get(reverse("login")).content
    client.force_login(clinician)
    page = client.get(reverse("caseload")).content.decode()
    assert f'data-session-seconds="{settings.SESSION_COOKIE_AGE}"' in page
    assert 'id="idle-warning"' in page and "Stay signed in" in page
    assert "waypoint/session.js" in page
