"""Reports in a real browser: the program report and its PDF job (desktop), the client's record
PDF made in the background (phone), and the progress bar that htmx refreshes until the file is
ready. axe-core on every page; the CSP is in force (console errors fail the test)."""

import base64
import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in
from waypoint.reports.models import ExportJob, ExportStatus

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SHOTS = "/tmp/waypoint-reports-shots"  # noqa: S108 - screenshots for a person to look at


def test_admin_reads_the_program_report_and_gets_its_pdf(page, admin, client_chart):
    sign_in(page, "ada@clinic.test")
    page.goto("/reports/program/")
    expect(page.get_by_role("heading", name="Program outcome report")).to_be_visible()
    expect(page.get_by_role("columnheader", name="All programs")).to_be_visible()
    expect(page.get_by_text("suppressed").first).to_be_visible()  # one person: suppressed
    axe_check(page)
    page.screenshot(path=f"{SHOTS}/program-1280.png", full_page=True)
    page.get_by_role("button", name="Make a PDF").click()
    expect(page.get_by_role("link", name="Download program-outcomes-")).to_be_visible()
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download program-outcomes-").click()
    assert download.value.suggested_filename.startswith("program-outcomes-")


def test_client_gets_their_record_pdf_from_the_worker_on_a_phone(phone, client_user):
    sign_in(phone, "robin@client.test")
    phone.goto("/portal/privacy/")
    phone.get_by_role("button", name="Readable copy (PDF)").click()
    expect(phone.get_by_role("link", name="Download my-record-")).to_be_visible()
    axe_check(phone)
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    phone.screenshot(path=f"{SHOTS}/export-360.png", full_page=True)


def test_the_progress_bar_refreshes_until_the_file_is_ready(page, admin):
    now = timezone.now()
    job = ExportJob.objects.create(
        organization=admin.organization,
        requested_by=admin,
        kind="program_pdf",
        params={"first": "2026-06-01", "last": "2026-06-30"},
        status=ExportStatus.RUNNING,
        progress=40,
        expires_at=now + datetime.timedelta(hours=1),
    )
    sign_in(page, "ada@clinic.test")
    page.goto(f"/exports/{job.pk}/")
    expect(page.locator("progress#export-progress")).to_have_attribute("value", "40")
    axe_check(page)
    page.screenshot(path=f"{SHOTS}/export-running-1280.png")
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        progress=100,
        content=base64.b64encode(b"%PDF-1.7 x").decode(),
        content_type="application/pdf",
        filename="program-outcomes.pdf",
        finished_at=now,
    )
    expect(page.get_by_role("link", name="Download program-outcomes.pdf")).to_be_visible()
    expect(page.locator("progress")).to_have_count(0)


def test_a_stopped_export_says_so_and_is_tried_again_on_a_phone(phone, client_user, client_chart):
    """The worker died mid-job: the page says so in plain words and "Try again" makes the file."""
    now = timezone.now()
    job = ExportJob.objects.create(
        organization=client_user.organization,
        requested_by=client_user,
        client=client_chart,
        kind="record_pdf",
        status=ExportStatus.RUNNING,
        progress=60,
        created_at=now - datetime.timedelta(minutes=30),
        heartbeat_at=now - datetime.timedelta(minutes=20),
        expires_at=now + datetime.timedelta(hours=20),
    )
    sign_in(phone, "robin@client.test")
    phone.goto(f"/exports/{job.pk}/")
    expect(phone.get_by_text("Could not be made")).to_be_visible()
    expect(phone.get_by_text("the background worker was interrupted")).to_be_visible()
    expect(phone.locator("progress")).to_have_count(0)
    axe_check(phone)
    phone.screenshot(path=f"{SHOTS}/export-failed-360.png", full_page=True)
    phone.get_by_role("button", name="Try again").click()
    expect(phone.get_by_role("link", name="Download my-record-")).to_be_visible()
    assert ExportJob.objects.count() == 2


def test_client_gets_everything_in_one_zip(page, client_user):
    sign_in(page, "robin@client.test")
    page.goto("/portal/privacy/")
    axe_check(page)
    page.screenshot(path=f"{SHOTS}/privacy-downloads-1280.png", full_page=True)
    page.get_by_role("button", name="Everything in one file (ZIP)").click()
    expect(
        page.get_by_role("heading", name="Your record, everything in one file (ZIP)")
    ).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my-record-").click()
    assert download.value.suggested_filename.endswith(".zip")
