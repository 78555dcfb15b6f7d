"""Signing a consent in the portal, on a phone: the page asks for the password, warns about a
typed name that is not the chart's and signs only after confirmation; the help box has tap-to-call
links. axe-core on every page."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in
from tests.conftest import PASSWORD
from waypoint.privacy.models import Consent, ConsentStatus, InfoKind, Purpose

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SHOTS = os.environ.get("WAYPOINT_SCREENSHOTS")  # a folder to save screenshots in, if set


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_sign_consent_on_a_phone(page, client_user, client_chart, clinician):
    consent = Consent.objects.create(
        client=client_chart,
        recipient_name="Harbor Primary Care",
        purpose=Purpose.TPO,
        info_kinds=[InfoKind.ATTENDANCE],
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
        created_by=clinician,
        sent_for_signature_at=timezone.now(),
    )
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, client_user.email, PASSWORD)
    page.goto("/portal/")
    expect(page.locator('a[href="tel:988"]')).to_be_visible()
    expect(page.locator('a[href="sms:988"]')).to_be_visible()
    _shot(page, "portal-home-360")
    page.goto(f"/portal/privacy/consents/{consent.pk}/sign/")
    expect(page.get_by_text("legislative proceedings against the patient")).to_be_visible()
    axe_check(page)
    page.get_by_label("Type your full name to sign").fill("Robyn Quilfeather")
    page.get_by_label("I have read this consent").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("#id_confirm_name_error")).to_contain_text(
        "The name you typed is not the name in your record"
    )
    _shot(page, "consent-sign-mismatch-360")
    axe_check(page)
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.AWAITING_SIGNATURE
    page.get_by_label("Yes, this is my name").check()
    page.get_by_label("Your password").fill(PASSWORD)  # never re-shown
    with page.expect_navigation():
        page.get_by_role("button", name="Sign", exact=True).click()
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.ACTIVE
    assert consent.signed_name_mismatch_confirmed
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/portal/privacy/consents/{consent.pk}/sign/")
    _shot(page, "portal-privacy-1366")
