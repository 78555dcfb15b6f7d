"""Groups in a real browser: create a group, add a member, open a session, record attendance
and the member's own part, and see it on the chart. CSP in force, axe-core on every page, no
sideways scrolling on a phone."""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = os.environ.get("WAYPOINT_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        for width in (1366, 360):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not overflow, f"{name}: scrolls sideways on a phone"


def test_run_a_group_session(page, clinician, client_chart):
    sign_in(page, clinician.email)
    page.goto("/groups/")
    axe_check(page)
    page.locator("#group-new").click()
    page.get_by_label("Name").fill("Tuesday open group")
    page.get_by_label("Topic and description").fill("Any substance, any goal.")
    page.get_by_role("button", name="Save group").click()
    expect(page.get_by_role("heading", name="Tuesday open group")).to_be_visible()
    page.locator("#member-add").click()
    axe_check(page)
    page.get_by_label("Chart").select_option(str(client_chart.pk))
    page.get_by_role("button", name="Add to the roster").click()
    expect(page.locator("#h-roster + .table-scroll")).to_contain_text("C-001")
    axe_check(page)
    _shot(page, "group-detail")
    page.get_by_role("button", name="New session").click()
    expect(page.get_by_role("heading", name="Session of")).to_be_visible()
    page.get_by_label("Themes and process (shared part)").fill("Planning for the weekend.")
    page.locator(f"#status-{client_chart.pk}").select_option("present")
    page.locator(f"#note-{client_chart.pk}").fill("Own part: chose to eat before drinking.")
    axe_check(page)
    _shot(page, "group-session")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_role("status")).to_contain_text("Session saved")
    page.goto(f"/clients/{client_chart.pk}/")
    expect(page.locator(".groups-panel")).to_contain_text("chose to eat before drinking")
    expect(page.locator(".groups-panel")).not_to_contain_text("Planning for the weekend")
