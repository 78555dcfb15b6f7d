"""The language switcher in a real browser: one click on "Español" turns the public site Spanish
(no script needed), axe-core finds no serious or critical violation on Spanish pages, and the
header still fits a phone."""

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, visit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"
SHOTS = os.environ.get("WAYPOINT_SCREENSHOTS")  # a folder: save what the test saw


def _switch_to_spanish(tab):
    tab.goto("/")
    expect(tab.locator("html")).to_have_attribute("lang", "en")
    with tab.expect_navigation():
        tab.get_by_role("button", name="Español").click()
    expect(tab.locator("html")).to_have_attribute("lang", "es")


def test_switch_to_spanish_and_check_the_public_pages(page):
    _switch_to_spanish(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Una atención que empieza donde usted está"
    )
    axe_check(page)
    visit(page, "/helplines/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Encuentre una línea de ayuda, y quién contesta"
    )
    visit(page, "/combinations/?a=xanax&b=fentanyl")
    expect(page.get_by_role("heading", name="Si va a mezclar")).to_be_visible()
    if SHOTS:
        page.set_viewport_size({"width": 1366, "height": 900})
        page.screenshot(path=os.path.join(SHOTS, "es-combinations-1366.png"), full_page=True)
    # Back to English with the same switcher.
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check a combination")


def test_spanish_sign_in_page_on_a_phone(phone):
    _switch_to_spanish(phone)
    visit(phone, "/accounts/login/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    expect(phone.get_by_label("Correo electrónico")).to_be_visible()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "es-login-360.png"), full_page=True)
        phone.goto("/")
        phone.screenshot(path=os.path.join(SHOTS, "es-home-360.png"), full_page=True)


def test_a_client_switches_the_portal_to_spanish_on_a_phone(phone, client_user, client_chart):
    from tests.browser.conftest import sign_in

    sign_in(phone, client_user.email)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Español").click()
    expect(phone.locator("html")).to_have_attribute("lang", "es")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hola, Robin")
    expect(phone.get_by_role("button", name="Hoy no consumí")).to_be_visible()
    axe_check(phone)
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "es-portal-360.png"), full_page=True)
    visit(phone, "/portal/diary/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Registro de hoy")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    if SHOTS:
        phone.screenshot(path=os.path.join(SHOTS, "es-checkin-360.png"), full_page=True)
