"""No lost work (issue #10): the idle sign-out warns first, "Stay signed in" keeps the session,
and what was typed when the session ended is offered back after signing in again."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

IDLE_SECONDS = 9  # the warning then comes 3 seconds before the end (a third, under a minute)


def _sign_in_here(page, email):
    """Sign in on the sign-in page the timeout led to (keeping its ?next=)."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_warning_stay_signed_in_then_timeout_keeps_the_draft(
    page, clinician, client_chart, settings
):
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    sign_in(page, clinician.email)
    edit = f"/clients/{client_chart.pk}/edit/"
    page.goto(edit)
    page.get_by_label("Phone", exact=True).fill("555-0177")

    warning = page.get_by_role("dialog", name="Still there?")
    expect(warning).to_be_visible(timeout=IDLE_SECONDS * 1000)
    expect(warning).to_contain_text("You will be signed out in")
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    expect(page).to_have_url(re.compile(re.escape(edit) + "$"))

    # Now let it run out: the page goes to sign-in, saying the typing is kept.
    page.wait_for_url(re.compile(r"/accounts/login/\?next="), timeout=IDLE_SECONDS * 2000)
    expect(page.locator("#draft-banner")).to_contain_text("kept in this browser tab")
    _sign_in_here(page, clinician.email)
    expect(page).to_have_url(re.compile(re.escape(edit) + "$"))
    phone = page.get_by_label("Phone", exact=True)
    expect(phone).to_have_value("555-0100")  # the saved value, until the person asks
    page.get_by_role("button", name="Put it back in the form").click()
    expect(phone).to_have_value("555-0177")
    expect(page.locator("#draft-banner")).to_be_hidden()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Chart saved.")
    expect(page.locator(".details")).to_contain_text("555-0177")


def test_a_form_sent_after_the_server_ended_the_session_is_kept(
    page, clinician, client_chart, settings
):
    sign_in(page, clinician.email)
    edit = f"/clients/{client_chart.pk}/edit/"
    page.goto(edit)
    page.get_by_label("Phone", exact=True).fill("555-0188")
    # The session ended on the server (a timeout, or ended by an admin); the page does not know.
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    _sign_in_here(page, clinician.email)
    expect(page).to_have_url(re.compile(re.escape(edit) + "$"))
    page.get_by_role("button", name="Put it back in the form").click()
    expect(page.get_by_label("Phone", exact=True)).to_have_value("555-0188")


def test_a_draft_is_never_offered_to_someone_else_and_signing_out_discards_it(
    page, clinician, colleague, client_chart, settings
):
    sign_in(page, clinician.email)
    edit = f"/clients/{client_chart.pk}/edit/"
    page.goto(edit)
    page.get_by_label("Phone", exact=True).fill("555-0199")
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    _sign_in_here(page, colleague.email)  # another person at the same computer
    page.goto("/caseload/")
    expect(page.locator("#draft-banner")).to_be_hidden()
    assert page.evaluate("window.sessionStorage.getItem('waypoint.draft')") is None

    page.goto("/caseload/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert page.evaluate("window.sessionStorage.getItem('waypoint.draft')") is None


def test_after_a_normal_save_nothing_is_offered(page, clinician, client_chart):
    sign_in(page, clinician.email)
    page.goto(f"/clients/{client_chart.pk}/edit/")
    page.get_by_label("Phone", exact=True).fill("555-0122")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Chart saved.")
    page.goto(f"/clients/{client_chart.pk}/edit/")
    expect(page.locator("#draft-banner")).to_be_hidden()
    assert page.evaluate("window.sessionStorage.getItem('waypoint.draft')") is None


def test_the_warning_counts_down_in_spanish_for_a_spanish_speaking_client(
    page, client_user, settings
):
    """The countdown's words come from the page (translated there), not from session.js."""
    settings.SESSION_COOKIE_AGE = IDLE_SECONDS
    sign_in(page, client_user.email)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "es", "url": page.url}]
    )
    page.goto("/portal/")
    warning = page.get_by_role("dialog", name="¿Sigue ahí?")
    expect(warning).to_be_visible(timeout=IDLE_SECONDS * 1000)
    expect(warning.locator("[data-idle-countdown]")).to_have_text(
        re.compile(r"^(\d+ segundos|1 segundo)$")
    )
    expect(warning).not_to_contain_text("second")
