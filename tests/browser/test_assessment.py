"""The assessment in a real browser: the person weighs it up and orders their priorities on a
phone (no sideways scrolling, axe-core clean, a duplicate rank refused with a field error), and
the clinician sees the stage on the chart and the caseload. Screenshots go to
$WAYPOINT_SCREENSHOTS when it is set, to look at."""

import datetime
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEOUT_MS, axe_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 360, "height": 740}


def _shot(tab, name):
    folder = os.environ.get("WAYPOINT_SCREENSHOTS")
    if folder:
        tab.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _check(tab):
    overflow = tab.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{tab.url} scrolls sideways by {overflow}px"
    axe_check(tab)


@pytest.fixture
def phone(browser, live_server, transactional_db):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


def test_person_weighs_it_up_and_orders_priorities_on_a_phone(phone, client_user, client_chart):
    from waypoint.assessment.models import DecisionalBalance, NeedsPriorities

    sign_in(phone, "robin@client.test")
    phone.goto("/portal/")
    expect(phone.get_by_role("heading", name="Weighing it up")).to_be_visible()
    phone.get_by_role("link", name="Start one").click()
    phone.get_by_role("link", name="Alcohol").click()
    phone.get_by_label("Good things about using", exact=True).fill(
        "Easier to talk at the quiz night"
    )
    phone.get_by_label("Not-so-good things about changing", exact=True).fill(
        "I'd miss the quiz crowd"
    )
    _check(phone)
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Easier to talk at the quiz night")).to_be_visible()
    _check(phone)
    _shot(phone, "portal-balance-360")
    assert DecisionalBalance.objects.get(client=client_chart).by_client

    phone.goto("/portal/priorities/")
    order = ["housing", "health", "money", "relationships", "work", "substance_use", "legal"]
    for rank, code in enumerate(order, start=1):
        phone.locator(f"#id_rank_{code}").select_option(str(rank))
    phone.locator("#id_rank_legal").select_option("1")  # housing is 1 too
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator("#id_rank_legal_error")).to_contain_text("used more than once")
    assert not NeedsPriorities.objects.exists()
    _check(phone)
    phone.locator("#id_rank_legal").select_option("7")
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_text("Your care team can see your priorities")).to_be_visible()
    _shot(phone, "portal-priorities-360")
    assert NeedsPriorities.objects.get().order == order


def test_clinician_sees_stage_on_chart_and_caseload(page, clinician, client_chart):
    from waypoint.assessment import actions

    actions.record_stage(
        client_chart,
        by=clinician,
        substance="alcohol",
        stage="contemplation",
        noted_on=datetime.date(2026, 2, 2),
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, "maya@clinic.test")
    page.goto("/")
    expect(page.get_by_text("Alcohol: contemplation")).to_be_visible()
    _shot(page, "caseload-1366")
    page.goto(f"/clients/{client_chart.pk}/")
    panel = page.locator("section.assessment-panel")
    expect(panel).to_contain_text("Contemplation")
    panel.get_by_text("Suggestions for contemplation").click()
    expect(panel).to_contain_text("Miller WR, Rollnick S.")
    axe_check(page)
    _shot(page, "chart-1366")
    page.goto(f"/clients/{client_chart.pk}/stages/add/")
    page.get_by_label("Preparation").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_substance_error")).to_be_visible()
    page.get_by_label("Substance").select_option("alcohol")
    page.get_by_label("Preparation").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Alcohol: preparation")).to_be_visible()
    axe_check(page)
    _shot(page, "stages-1366")


def test_drug_set_setting_form_and_summary(page, clinician, client_chart):
    sign_in(page, "maya@clinic.test")
    page.goto(f"/clients/{client_chart.pk}/drug-set-setting/alcohol/")
    page.get_by_label("How much and how often").fill("Three or four evenings a week")
    page.get_by_label("Age of first use").fill("1")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_age_first_use_error")).to_contain_text("between 3 and 100")
    page.get_by_label("Age of first use").fill("17")
    page.get_by_label("Where the person sees it").select_option("use")
    page.get_by_label("Where the clinician sees it").select_option("misuse")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The person: Use · the clinician: Misuse")).to_be_visible()
    axe_check(page)
    page.set_viewport_size(PHONE)
    _check(page)
    _shot(page, "dss-360")
