"""The client's safety plans in a real browser on a phone (360 x 740): both plans from the
portal home, crisis numbers as tap-to-call and tap-to-text links, editing the sections the
clinician allows, an emptied required section refused with a field error and nothing saved,
and the one-page PDF. axe-core and no sideways scrolling on every page."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in
from waypoint.plans import actions
from waypoint.plans.guide import guide

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _no_sideways_scroll(tab):
    overflow = tab.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{tab.url} scrolls sideways by {overflow}px on a phone"


@pytest.fixture
def plans(client_chart, clinician, client_user):
    crisis = {key: [f"Crisis {key} item"] for key in guide("crisis").section_keys}
    crisis["reasons"] = ["My greyhound Pemberton"]
    overdose = {key: [f"Overdose {key} item"] for key in guide("overdose").section_keys}
    actions.save_plan(
        client_chart, by=clinician, kind="crisis", items=crisis, client_may_edit=["coping"]
    )
    actions.save_plan(client_chart, by=clinician, kind="overdose", items=overdose)
    return client_chart.safety_plans.get(kind="crisis")


def test_client_reads_and_edits_the_crisis_plan_on_a_phone(phone, plans):  # noqa: F811
    tab = phone
    sign_in(tab, "robin@client.test")
    tab.goto("/portal/")
    expect(tab.get_by_role("heading", name="My safety plans")).to_be_visible()
    tab.get_by_role("link", name="Crisis plan").click()
    expect(tab.get_by_role("heading", name="My crisis plan")).to_be_visible()
    expect(tab.get_by_text("My greyhound Pemberton")).to_be_visible()
    assert tab.locator('a[href="tel:988"]').count() >= 1
    assert tab.locator('a[href="sms:988"]').count() >= 1
    _no_sideways_scroll(tab)
    axe_check(tab)
    tab.screenshot(path="/tmp/plans-portal-crisis-360.png", full_page=True)

    tab.get_by_role("link", name="Edit my plan").click()
    coping = tab.get_by_label("2. Things I can do on my own to take my mind off it")
    expect(coping).to_have_value("Crisis coping item")
    assert tab.get_by_label("1. Warning signs that a crisis may be starting").count() == 0
    _no_sideways_scroll(tab)
    axe_check(tab)
    coping.fill("")
    tab.get_by_role("button", name="Save my plan").click()
    expect(tab.locator("#id_coping_error")).to_contain_text("a complete plan needs this section")
    assert plans.versions.count() == 1

    tab.get_by_label("2. Things I can do on my own to take my mind off it").fill(
        "Crisis coping item\nBake bread with the radio on"
    )
    tab.get_by_role("button", name="Save my plan").click()
    expect(tab.get_by_text("Your plan is saved")).to_be_visible()
    expect(tab.get_by_text("Bake bread with the radio on")).to_be_visible()
    assert plans.versions.count() == 2
    assert plans.current_version().by_client

    pdf = tab.request.get("/portal/plans/crisis/pdf/")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    tab.goto("/portal/")
    tab.get_by_role("link", name="Overdose prevention plan").click()
    expect(tab.get_by_role("heading", name="If someone may be overdosing")).to_be_visible()
    assert tab.get_by_role("link", name="Edit my plan").count() == 0  # none of it is theirs to edit
    _no_sideways_scroll(tab)
    axe_check(tab)
    tab.screenshot(path="/tmp/plans-portal-overdose-360.png", full_page=True)


def test_clinician_sees_the_plan_and_its_versions(page, plans, clinician):
    sign_in(page, clinician.email)
    page.goto(f"/clients/{plans.client_id}/plans/crisis/")
    expect(page.get_by_role("heading", name="Versions")).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path="/tmp/plans-staff-crisis-1366.png", full_page=True)
    page.goto(f"/clients/{plans.client_id}/plans/overdose/edit/")
    axe_check(page)
