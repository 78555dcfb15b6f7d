"""The public site's retention period in a real browser: the privacy settings page with its new
field (desktop and phone), and the moderation page of a question whose words were removed.
axe-core on each; the CSP is in force (console errors fail the test)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in
from waypoint.questions import actions

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SHOTS = "/tmp/waypoint-qretain-shots"  # noqa: S108 - screenshots for a person to look at


def _no_sideways_scroll(tab):
    return tab.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def test_admin_sets_the_public_site_period(page, phone, admin):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "ada@clinic.test")
    page.goto("/privacy/")
    field = page.get_by_label("Keep what people send through the public site for (days)")
    expect(field).to_have_value("180")
    axe_check(page)
    page.screenshot(path=f"{SHOTS}/privacy-settings-1366.png", full_page=True)
    field.fill("20")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_public_question_days_error")).to_have_text(
        "Ensure this value is greater than or equal to 30."
    )
    field = page.get_by_label("Keep what people send through the public site for (days)")
    field.fill("90")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("what people send is kept 90 days")).to_be_visible()
    sign_in(phone, "ada@clinic.test")
    phone.goto("/privacy/")
    axe_check(phone)
    assert _no_sideways_scroll(phone) <= 0
    phone.screenshot(path=f"{SHOTS}/privacy-settings-360.png", full_page=True)


def test_a_removed_question_reads_plainly(page, phone, admin):
    asked = timezone.now() - datetime.timedelta(days=200)
    question = actions.receive_question(
        text="Is it safe to mix my prescription with alcohol on weekends?",
        language="en",
        email="asker@example.org",
        at=asked,
    )
    actions.remove_expired_public_text()
    url = f"/questions/queue/{question.pk}/"
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "ada@clinic.test")
    page.goto(url)
    expect(
        page.get_by_text("Removed after 200 days under the clinic's retention rule.")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Save the answer")).to_have_count(0)
    axe_check(page)
    page.screenshot(path=f"{SHOTS}/moderate-removed-1366.png", full_page=True)
    sign_in(phone, "ada@clinic.test")
    phone.goto(url)
    axe_check(phone)
    assert _no_sideways_scroll(phone) <= 0
    phone.screenshot(path=f"{SHOTS}/moderate-removed-360.png", full_page=True)
