"""Nothing a signed-in person saw can come back from a browser cache after sign-out."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.cache import patch_cache_control

from waypoint.accounts.middleware import NoStoreMiddleware


def _directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


def test_chart_pages_redirects_and_fragments_are_not_stored(login, clinician, client_chart):
    web = login(clinician)
    for url in (
        client_chart.get_absolute_url(),
        reverse("caseload"),
        reverse("clients-list") + "?q=Robin",
        reverse("clients-admit", args=[client_chart.pk]),  # a redirect back to the chart
        "/no-such-page/",  # a 404 page
    ):
        response = web.get(url)
        assert {"no-store", "private"} <= _directives(response), url


def test_views_that_allowed_caching_are_overruled_for_signed_in_people(rf_user_response):
    response = rf_user_response(authenticated=True, cache={"public": True, "max_age": 3600})
    assert response["Cache-Control"] == "no-store, private"


def test_an_anonymous_page_keeps_caching_it_chose(rf_user_response):
    response = rf_user_response(authenticated=False, cache={"public": True, "max_age": 600})
    assert _directives(response) == {"public", "max-age=600"}


def test_anonymous_pages_without_a_choice_are_not_stored(client):
    for url in (reverse("login"), reverse("password_reset"), reverse("healthz")):
        assert {"no-store", "private"} <= _directives(client.get(url)), url


def test_the_back_button_after_sign_out_finds_nothing(client, clinician, client_chart):
    client.force_login(clinician, backend="django.contrib.auth.backends.ModelBackend")
    chart = client.get(client_chart.get_absolute_url())
    assert "Robin" in chart.content.decode()
    assert "no-store" in _directives(chart)  # the browser may not keep it to show again
    client.post(reverse("logout"))
    again = client.get(client_chart.get_absolute_url())  # what "back" has to refetch
    assert again.status_code == 302 and again["Location"].startswith(reverse("login"))


def test_static_files_keep_their_own_caching(client):
    response = client.get("/static/waypoint/waypoint.css")
    assert response.status_code == 200
    assert "no-store" not in _directives(response)
    assert "public" in _directives(response)


@pytest.fixture
def rf_user_response(clinician):
    from django.contrib.auth.models import AnonymousUser

    def run(*, authenticated: bool, cache: dict):
        def view(request):
            response = HttpResponse("page")
            patch_cache_control(response, **cache)
            return response

        request = RequestFactory().get("/somewhere/")
        request.user = clinician if authenticated else AnonymousUser()
        return NoStoreMiddleware(view)(request)

    return run
