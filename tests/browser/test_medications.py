"""The medications page in a real browser: a stop date before the start refused with a field
error and nothing saved, then the medication saved and shown with its MOUD flag; the chart's
current-medications panel; axe-core on each page, and the list on a phone without sideways
scrolling."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in
from waypoint.medications import actions
from waypoint.medications.models import Medication

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_clinician_adds_a_medication(page, client_chart, clinician):
    sign_in(page, clinician.email)
    page.goto(f"/clients/{client_chart.pk}/medications/add/")
    page.get_by_label("Medication").fill("Sublocade")
    page.get_by_label("Dose and how taken").fill("300 mg monthly injection")
    page.get_by_label("Start date").fill("2026-02-10")
    page.get_by_label("Stop date").fill("2026-02-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#id_stopped_on_error")).to_have_text(
        "The stop date can't be before the start date."
    )
    assert not Medication.objects.exists()
    axe_check(page)
    page.get_by_label("Stop date").fill("")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("heading", name="Medications and co-occurring conditions")
    ).to_be_visible()
    expect(page.get_by_text("for opioid use disorder").first).to_be_visible()
    axe_check(page)
    page.screenshot(path="/tmp/medications-list-1366.png", full_page=True)
    page.goto(client_chart.get_absolute_url())
    expect(page.get_by_role("heading", name="Current medications")).to_be_visible()
    page.locator(".medications-panel").screenshot(path="/tmp/medications-panel.png")


def test_medication_list_fits_a_phone(phone, client_chart, clinician):
    today = datetime.date.today()
    actions.add_medication(
        client_chart,
        by=clinician,
        name="Buprenorphine/naloxone",
        dose="16/4 mg sublingual film daily",
        prescriber="Dr. Imani Okonkwo-Reyes, Fruitvale Bridge Clinic",
        started_on=today - datetime.timedelta(days=40),
    )
    actions.add_diagnosis(
        client_chart, by=clinician, description="Opioid use disorder", code="F11.20", noted_on=today
    )
    sign_in(phone, clinician.email)
    phone.goto(f"/clients/{client_chart.pk}/medications/")
    expect(phone.get_by_text("Opioid dependence, uncomplicated")).to_be_visible()
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    phone.screenshot(path="/tmp/medications-list-360.png", full_page=True)
    assert overflow <= 0, f"scrolls sideways by {overflow}px"
    axe_check(phone)
