"""Staff hand-over, the outcome report filters, and the back button after sign-out."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = os.environ.get("WAYPOINT_SCREENSHOTS")  # a folder, to look at the pages by eye


def _shoot(page, name):
    if SHOTS:
        for width in (1366, 360):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def test_deactivating_with_reassign_later_then_reassigning(
    page, admin, clinician, colleague, client_chart
):
    sign_in(page, admin.email)
    visit(page, f"/staff/{clinician.pk}/")
    page.get_by_label("Account active (untick to deactivate)").uncheck()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error").first).to_contain_text("primary clinician of 1 open chart")
    axe_check(page)
    page.get_by_label(re.compile("Reassign later")).check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/clients/unassigned/$"))
    expect(page.get_by_label("C-001")).to_be_visible()
    axe_check(page)
    _shoot(page, "unassigned")
    page.get_by_label("C-001").check()
    page.get_by_label("New primary clinician").select_option(label=str(colleague))
    page.get_by_role("button", name="Make them their primary clinician").click()
    expect(page.get_by_text("Every open chart has an active primary clinician.")).to_be_visible()


def test_outcome_report_filters(page, admin, client_chart):
    sign_in(page, admin.email)
    visit(page, "/reports/outcomes/")
    _shoot(page, "report")
    page.get_by_label("Waitlist").check()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"status=waitlist"))
    expect(page.get_by_role("link", name="Download CSV")).to_be_visible()


def test_back_after_sign_out_shows_no_chart(page, clinician, client_chart):
    sign_in(page, clinician.email)
    visit(page, client_chart.get_absolute_url(), check=False)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Robin")
    page.get_by_role("button", name="Sign out").click()
    # Wait until the sign-out's own navigation has finished: going back in the middle of it
    # races Chromium's page swap ("Not attached to an active page").
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.wait_for_load_state("load")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Robin")
    assert "555-0100" not in page.content()
