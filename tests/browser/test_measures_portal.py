"""Measures end to end in a real browser: a clinician assigns a PHQ-9, the client answers it on
a phone in the portal, a safety answer (item 9 above 0) brings the crisis lines to the client and
an urgent alert to the care team, who acknowledge it with a note. axe-core on every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ALERT_TITLE = "PHQ-9 item 9 above 0: check in about safety"
# Items 1-8 as the client taps them; item 9 comes last ("Several days", score 1).
ANSWERS = [
    "Several days",  # 1
    "More than half the days",  # 2
    "Several days",  # 3
    "Nearly every day",  # 4
    "Not at all",  # 5
    "Several days",  # 6
    "Not at all",  # 7
    "Not at all",  # 8
]
TOTAL = 1 + 2 + 1 + 3 + 0 + 1 + 0 + 0 + 1  # with item 9 = 1: 9, "Mild" (5-9), Kroenke 2001


def fits_the_screen(tab):
    overflow = tab.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{tab.url} scrolls sideways by {overflow}px on a phone"


def item(tab, number):
    """The fieldset of one PHQ-9 item, found by its legend ("9. Thoughts that ...")."""
    return tab.get_by_role("group", name=re.compile(rf"^{number}\. "))


def test_phq9_in_the_portal_raises_a_safety_alert_the_team_acknowledges(
    page, phone, clinician, client_user, client_chart
):
    from waypoint.clients.models import Alert
    from waypoint.measures.models import Administration, AdministrationStatus

    # The clinician assigns the PHQ-9 from the chart.
    sign_in(page, clinician.email)
    page.get_by_role("link", name="Robin").click()
    page.get_by_role("link", name="Record, assign or schedule").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Measures for Robin")
    axe_check(page)
    assign = page.locator("form").filter(
        has=page.get_by_role("heading", name="Assign a questionnaire")
    )
    assign.get_by_label("Questionnaire").select_option("phq-9")
    expect(assign.get_by_label("Questionnaire")).to_contain_text("PHQ-9: ")
    expect(assign.get_by_label("Ask the client to complete it in the portal")).to_be_checked()
    assign.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("status")).to_contain_text("PHQ-9 assigned")
    expect(page.locator("section", has_text="Assigned and due")).to_contain_text(
        "waiting in the portal"
    )

    # The client, on their phone, finds it waiting on their page.
    sign_in(phone, client_user.email)
    expect(phone).to_have_url(re.compile(r"/portal/$"))
    waiting = phone.get_by_role("region", name="Questionnaires from your care team")
    expect(waiting).to_be_visible()
    fits_the_screen(phone)
    axe_check(phone)
    waiting.get_by_role("link", name="Answer the PHQ-9").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("PHQ-9")
    fits_the_screen(phone)
    axe_check(phone)

    # Item 9 left out: a field error, the other answers kept, nothing stored.
    for number, label in enumerate(ANSWERS, 1):
        item(phone, number).get_by_label(label, exact=True).tap()
    phone.get_by_role("button", name="Send my answers").tap()
    expect(phone.get_by_role("alert")).to_contain_text("Please check")
    expect(item(phone, 9).locator("xpath=..")).to_contain_text("Choose an answer.")
    for number, label in enumerate(ANSWERS, 1):
        expect(item(phone, number).get_by_label(label, exact=True)).to_be_checked()
    assert Administration.objects.get().status == AdministrationStatus.ASSIGNED
    axe_check(phone)  # the error state too

    item(phone, 9).get_by_label("Several days", exact=True).tap()
    phone.get_by_role("button", name="Send my answers").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your answers were sent")
    crisis = phone.get_by_role("region", name="Thank you for telling us")
    expect(crisis).to_contain_text("988")
    expect(crisis).to_contain_text("you do not have to carry it alone")
    fits_the_screen(phone)
    axe_check(phone)
    done = Administration.objects.get()
    assert (done.status, done.total, done.band, done.completed_in_portal) == (
        AdministrationStatus.COMPLETED,
        TOTAL,
        "Mild",
        True,
    )
    alert = Alert.objects.get(client=client_chart)
    assert (alert.kind, alert.severity, alert.acknowledged_at) == ("phq9_item9", "urgent", None)

    # Back on the portal home, the questionnaire is no longer waiting.
    phone.get_by_role("link", name="Back to my page").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello, Robin")
    expect(phone.get_by_text("Answer the PHQ-9")).to_have_count(0)

    # The clinician sees the urgent alert on the caseload and on the chart.
    page.goto("/caseload/")
    robin = page.get_by_role("row", name=re.compile("Robin"))
    expect(robin.locator(".badge.alert")).to_have_attribute("title", ALERT_TITLE)
    axe_check(page)
    robin.get_by_role("link", name="Robin").click()
    # Open urgent alerts sit at the top of the chart, above the details.
    urgent = page.get_by_role("region", name="Urgent alert")
    expect(urgent).to_contain_text(ALERT_TITLE)
    expect(urgent).to_contain_text("Urgent")
    expect(urgent).to_contain_text(f"total {TOTAL} (Mild)")
    axe_check(page)

    # Acknowledging needs a note; then it shows who did what and leaves the caseload.
    urgent.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status")).to_contain_text("Write a short note")
    assert Alert.objects.get().acknowledged_at is None
    urgent.get_by_label("What was done").fill("Called Robin; safety plan reviewed together.")
    urgent.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status")).to_contain_text("Alert acknowledged.")
    expect(urgent).to_have_count(0)
    alerts = page.get_by_role("region", name="Safety alerts")
    expect(alerts).to_contain_text("Acknowledged by Maya Clinician")
    expect(alerts).to_contain_text("safety plan reviewed together")
    axe_check(page)
    alert.refresh_from_db()
    assert alert.acknowledged_by == clinician and alert.acknowledged_at is not None

    page.goto("/caseload/")
    robin = page.get_by_role("row", name=re.compile("Robin"))
    expect(robin).to_be_visible()
    expect(robin.locator(".badge.alert")).to_have_count(0)
    expect(robin).not_to_contain_text("PHQ-9 item 9")


def test_phq9_item9_with_a_blank_item_alerts_at_once_on_a_phone(
    phone, clinician, client_user, client_chart
):
    """Item 9 answered above 0, item 3 left blank: the form still asks for item 3, but the
    crisis card shows and the care team's urgent alert is raised at once; sending the completed
    form does not raise it twice (PHQ-9 instruction manual: any item 9 answer above 0)."""
    from waypoint.clients.models import Alert
    from waypoint.measures import actions
    from waypoint.measures.models import Administration, AdministrationStatus

    actions.assign(client_chart, by=clinician, instrument_id="phq-9")
    sign_in(phone, client_user.email)
    phone.get_by_role("link", name="Answer the PHQ-9").tap()
    for number, label in enumerate(ANSWERS, 1):
        if number != 3:
            item(phone, number).get_by_label(label, exact=True).tap()
    item(phone, 9).get_by_label("Several days", exact=True).tap()
    phone.get_by_role("button", name="Send my answers").tap()

    expect(phone.get_by_role("alert")).to_contain_text("Please check")
    expect(item(phone, 3).locator("xpath=..")).to_contain_text("Choose an answer.")
    crisis = phone.get_by_role("region", name="Thank you for telling us")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text("988")
    expect(phone.get_by_text("Your answers are not sent yet")).to_be_visible()
    expect(item(phone, 9).get_by_label("Several days", exact=True)).to_be_checked()
    fits_the_screen(phone)
    axe_check(phone)
    phone.screenshot(path="/tmp/phq9-safety-incomplete-360.png", full_page=True)
    assert Administration.objects.get().status == AdministrationStatus.ASSIGNED
    alert = Alert.objects.get(client=client_chart)
    assert (alert.kind, alert.severity, alert.title) == ("phq9_item9", "urgent", ALERT_TITLE)

    item(phone, 3).get_by_label(ANSWERS[2], exact=True).tap()
    phone.get_by_role("button", name="Send my answers").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your answers were sent")
    expect(phone.get_by_role("region", name="Thank you for telling us")).to_contain_text("988")
    fits_the_screen(phone)
    done = Administration.objects.get()
    assert (done.status, done.total, done.flags) == (
        AdministrationStatus.COMPLETED,
        TOTAL,
        ["phq9_item9"],
    )
    assert Alert.objects.filter(client=client_chart).count() == 1
