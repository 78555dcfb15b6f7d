"""The one-page drug, set and setting summary and the person's portal medications, in a real
browser: axe-core on each, the summary printed to one page, the portal list on a phone without
sideways scrolling."""

import datetime
import io

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in
from waypoint.assessment import actions as assessment_actions
from waypoint.medications import actions as medication_actions

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _assess(chart, clinician, client_user):
    day = chart.organization.today()
    for substance, stage in (("alcohol", "action"), ("cannabis", "precontemplation")):
        assessment_actions.record_stage(
            chart, by=clinician, substance=substance, stage=stage, noted_on=day
        )
    assessment_actions.save_drug_set_setting(
        chart,
        by=clinician,
        substance="alcohol",
        noted_on=day,
        amount_and_frequency="Four or five evenings a week, three to six drinks.",
        route="swallowed",
        age_first_use=16,
        does_for_them="Unwinds after work, easier with people.",
        costs_them="Tired and short-tempered the next day.",
        continuum_client="use",
        continuum_clinician="misuse",
        set_notes="Some social anxiety; hopeful about cutting down.",
        setting_notes="Stable housing and work; friends drink at the weekly quiz.",
    )
    assessment_actions.save_balance(
        chart,
        by=client_user,
        substance="alcohol",
        noted_on=day,
        by_client=True,
        benefits_of_using="Unwinding after the bakery shift.",
        costs_of_using="Monday hangovers.",
        benefits_of_changing="Saving for the trip to Oaxaca.",
        costs_of_changing="Feeling left out at the quiz.",
    )
    assessment_actions.save_priorities(
        chart,
        by=client_user,
        order=["money", "work", "relationships", "health", "substance_use", "housing", "legal"],
        note="Saving for Oaxaca.",
        noted_on=day,
        by_client=True,
    )


def test_summary_page_on_screen_and_printed(page, client_chart, clinician, client_user):
    _assess(client_chart, clinician, client_user)
    sign_in(page, clinician.email)
    page.goto(f"/clients/{client_chart.pk}/")
    page.get_by_role("link", name="One-page summary").click()
    expect(page.get_by_role("heading", name="Drug, set and setting: Robin")).to_be_visible()
    expect(page.get_by_text("Saving for the trip to Oaxaca.")).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path="/tmp/assessment-summary-1366.png", full_page=True)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Download as PDF")).to_be_hidden()
    page.screenshot(path="/tmp/assessment-summary-print.png", full_page=True)
    pypdf = pytest.importorskip("pypdf")
    for size in ("Letter", "A4"):  # the browser's own print: one page on either paper
        pdf = page.pdf(format=size, print_background=True)
        assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1, size


def test_summary_fits_a_phone(phone, client_chart, clinician, client_user):
    _assess(client_chart, clinician, client_user)
    sign_in(phone, clinician.email)
    phone.goto(f"/clients/{client_chart.pk}/assessment-summary/")
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    phone.screenshot(path="/tmp/assessment-summary-360.png", full_page=True)
    assert overflow <= 0, f"scrolls sideways by {overflow}px"


def test_portal_medications_on_a_phone(phone, client_chart, clinician, client_user):
    today = datetime.date.today()
    medication_actions.add_medication(
        client_chart,
        by=clinician,
        name="Buprenorphine/naloxone",
        dose="16/4 mg sublingual film daily",
        prescriber="Dr. Imani Okonkwo-Reyes, Fruitvale Bridge Clinic",
        started_on=today - datetime.timedelta(days=40),
    )
    medication_actions.add_medication(
        client_chart,
        by=clinician,
        name="Naltrexone",
        dose="50 mg tablet daily",
        prescriber="Dr. Teodora Vashti, Lakeshore Family Medicine",
        started_on=today - datetime.timedelta(days=400),
        stopped_on=today - datetime.timedelta(days=200),
    )
    medication_actions.add_allergy(
        client_chart, by=clinician, text="Penicillin: hives over the chest", noted_on=today
    )
    sign_in(phone, client_user.email)
    phone.goto("/portal/")
    phone.get_by_role("link", name="My medications and allergies").click()
    expect(phone.get_by_role("heading", name="What I take now")).to_be_visible()
    expect(phone.get_by_text("medication for opioid use disorder (MOUD)").first).to_be_visible()
    expect(phone.get_by_text("Penicillin: hives over the chest")).to_be_visible()
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    phone.screenshot(path="/tmp/portal-medications-360.png", full_page=True)
    assert overflow <= 0, f"scrolls sideways by {overflow}px"
    axe_check(phone)
