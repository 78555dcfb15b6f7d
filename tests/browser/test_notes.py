"""Notes in a real browser: write a harm reduction note, sign it, add an addendum; a trainee's
note co-signed from the supervision queue. CSP in force, axe-core on every page, and each page
looked at on a phone (no sideways scrolling)."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = os.environ.get("WAYPOINT_SCREENSHOTS")  # a folder: save PNGs there to look at them


def _shot(page, name):
    if SHOTS:
        for width in (1366, 360):
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not overflow, f"{name}: scrolls sideways on a phone"


def test_write_sign_and_add_an_addendum(page, clinician, client_chart):
    sign_in(page, clinician.email)
    page.goto(f"/clients/{client_chart.pk}/")
    page.locator("#note-new").click()
    axe_check(page)
    page.get_by_role("link", name="Write a Harm reduction session note").click()
    expect(page.get_by_role("heading", name="Since the last signed note")).to_be_visible()
    axe_check(page)
    page.get_by_label("Goals per substance, right now").fill("Alcohol: moderation, three at most.")
    page.get_by_label("Plan").fill("First drink after dinner.")
    _shot(page, "note-editor")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved")
    expect(page.locator(".badge.draft")).to_be_visible()
    axe_check(page)
    page.get_by_label("Credentials").fill("LCSW")
    page.get_by_role("button", name="Sign note").click()
    expect(page.locator(".signature")).to_contain_text("Signed by Maya Clinician, LCSW")
    expect(page.get_by_role("link", name="Edit draft")).to_have_count(0)
    page.get_by_role("textbox", name=re.compile("Addendum")).fill(
        "Called the next day: all is well."
    )
    page.get_by_role("button", name="Add addendum").click()
    expect(page.locator(".addendum")).to_contain_text("Called the next day")
    expect(page.locator(".note-text").first).to_contain_text("moderation, three at most")
    axe_check(page)
    _shot(page, "note-signed")


def test_supervisor_cosigns_from_the_queue(page, clinician, supervisor, client_chart):
    from waypoint.notes import actions
    from waypoint.notes.models import NoteSettings

    NoteSettings.for_organization(client_chart.organization).trainees.add(clinician)
    note = actions.start_note(
        client_chart,
        by=clinician,
        template_key="dap",
        session_date=client_chart.organization.today(),
        texts={"data": "Talked about the week."},
    )
    actions.sign_note(note, by=clinician)
    sign_in(page, supervisor.email)
    page.get_by_role("link", name="Supervision").first.click()
    expect(
        page.get_by_role("heading", name=re.compile("Awaiting your co-signature"))
    ).to_contain_text("(1)")
    axe_check(page)
    _shot(page, "supervision")
    page.get_by_role("link", name=re.compile("Chart C-001")).first.click()
    axe_check(page)
    page.get_by_role("button", name="Co-sign").click()
    expect(
        page.get_by_role("heading", name=re.compile("Awaiting your co-signature"))
    ).to_contain_text("(0)")
