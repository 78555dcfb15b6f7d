"""The week calendar in Chromium: seven columns on a laptop, a list per day on a phone."""

import datetime
import os

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_check, sign_in, visit
from waypoint.appointments import actions

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
SHOTS = os.environ.get("WAYPOINT_SCREENSHOTS")  # a folder to save screenshots in, if set


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_week_calendar_on_laptop_and_phone(page, clinician, client_chart):
    zone = client_chart.organization.zone
    start = (timezone.now() + datetime.timedelta(days=1)).astimezone(zone)
    start = start.replace(hour=10, minute=30, second=0, microsecond=0)
    actions.schedule_appointment(
        client_chart, by=clinician, clinician=clinician, starts_at=start, duration_minutes=50
    )
    sign_in(page, clinician.email)
    year, week, _ = start.isocalendar()
    visit(page, f"/appointments/week/?week={year}-W{week:02d}")
    day = page.locator(".week-day").nth(start.weekday())
    assert "10:30" in day.inner_text() and "C-001" in day.inner_text()
    assert "Robin" not in page.locator(".week-calendar").inner_text()
    boxes = [page.locator(".week-day").nth(i).bounding_box() for i in range(7)]
    assert len({round(b["y"]) for b in boxes}) == 1  # seven columns side by side
    _shot(page, "week-1366")

    page.set_viewport_size({"width": 360, "height": 780})
    boxes = [page.locator(".week-day").nth(i).bounding_box() for i in range(7)]
    assert all(boxes[i]["y"] < boxes[i + 1]["y"] for i in range(6))  # one list per day
    assert all(b["width"] <= 360 for b in boxes)
    axe_check(page)
    _shot(page, "week-360")

    with page.expect_navigation():
        page.locator("#week-next").click()
    assert f"{year}-W" in page.url or "week=" in page.url
    assert "C-001" not in page.locator(".week-calendar").inner_text()
    with page.expect_navigation():
        page.locator("#week-prev").click()
    assert "C-001" in page.locator(".week-calendar").inner_text()
    # The chart label links to the chart's appointments for someone who may open it.
    with page.expect_navigation():
        page.get_by_role("link", name="C-001").click()
    assert page.url.endswith(f"/clients/{client_chart.pk}/appointments/")
    axe_check(page)


def test_chart_panel_forms_feed_and_portal(page, browser, live_server, clinician, client_user):
    from waypoint.clients.models import Client

    client_chart = Client.objects.get(portal_user=client_user)
    zone = client_chart.organization.zone
    start = (timezone.now() + datetime.timedelta(days=2)).astimezone(zone)
    actions.schedule_appointment(
        client_chart,
        by=clinician,
        clinician=clinician,
        starts_at=start.replace(hour=14, minute=0, second=0, microsecond=0),
        duration_minutes=50,
    )
    sign_in(page, clinician.email)
    visit(page, f"/clients/{client_chart.pk}/")
    assert "Appointments" in page.locator("#h-appointments").inner_text()
    _shot(page, "chart-1366")
    page.locator("#appointment-add").click()
    page.get_by_label("Date").fill("2020-01-06")
    page.get_by_label("Start time").fill("09:00")
    with page.expect_navigation():
        page.get_by_role("button", name="Schedule").click()
    assert "must start in the future" in page.content()
    axe_check(page)
    _shot(page, "add-error-1366")
    visit(page, "/appointments/feed/")
    with page.expect_navigation():
        page.locator("#feed-create").click()
    url = page.locator("#feed-url").input_value()
    assert url.endswith(".ics")
    axe_check(page)
    page.set_viewport_size({"width": 360, "height": 780})
    _shot(page, "feed-360")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 780})
    portal = context.new_page()
    sign_in(portal, client_user.email)
    visit(portal, "/portal/")
    assert "Your next appointment" in portal.content()
    assert "14:00" in portal.locator("#h-portal-appointment").locator("..").inner_text()
    _shot(portal, "portal-360")
    context.close()
