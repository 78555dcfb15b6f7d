"""Core flows in a real browser, with the CSP in force and axe-core on every page visited."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_clinician_edits_a_chart_and_sees_it_in_the_history(page, clinician, client_chart):
    sign_in(page, clinician.email)
    expect(page).to_have_url(re.compile(r"/caseload/$"))
    axe_check(page)

    page.get_by_role("link", name="Robin").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Robin")
    axe_check(page)

    page.get_by_role("link", name="Edit chart").click()
    axe_check(page)
    phone = page.get_by_label("Phone", exact=True)
    expect(phone).to_have_value("555-0100")
    phone.fill("555-0142")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Chart saved.")
    expect(page.locator(".details")).to_contain_text("555-0142")

    page.get_by_role("link", name="Change history").click()
    axe_check(page)
    latest = page.locator(".history-entry").first
    expect(latest).to_contain_text("Chart changed by Maya Clinician")
    row = latest.get_by_role("row", name=re.compile("Phone"))
    expect(row).to_contain_text("555-0100")
    expect(row).to_contain_text("555-0142")


def test_invalid_edit_shows_errors_and_keeps_what_was_typed(page, clinician, client_chart):
    sign_in(page, clinician.email)
    page.goto(f"/clients/{client_chart.pk}/edit/")
    page.get_by_label("Legal name").fill("")
    page.get_by_label("Phone", exact=True).fill("555-0199")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field.has-error")).to_contain_text("This field is required.")
    expect(page.get_by_label("Phone", exact=True)).to_have_value("555-0199")
    axe_check(page)  # the error state is accessible too


def test_client_sees_their_own_page_and_cannot_open_another_chart(
    page, client_user, client_chart, colleague_chart
):
    sign_in(page, client_user.email)
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Robin")
    expect(page.get_by_text("Maya Clinician")).to_be_visible()
    axe_check(page)

    for chart in (colleague_chart, client_chart):  # someone else's, and their own staff view
        response = page.goto(f"/clients/{chart.pk}/")
        assert response.status in (403, 404)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            re.compile("Not available to you|We could not find that page")
        )
        expect(page.locator("body")).not_to_contain_text("Petra")
        expect(page.locator("body")).not_to_contain_text("555-0100")
        axe_check(page)
    response = page.goto("/caseload/")
    assert response.status == 403


def test_live_search_updates_the_caseload_without_reloading(
    page, clinician, client_chart, admin, clinic
):
    from waypoint.clients import actions

    actions.create_client(
        by=admin,
        organization=clinic,
        chart_number="C-020",
        legal_name="Sage Larkfield",
        primary_clinician=clinician,
        admitted_on=client_chart.episodes.get().admitted_on,
    )
    sign_in(page, clinician.email)
    rows = page.locator("table.clients tbody tr")
    expect(rows).to_have_count(2)
    page.evaluate("window.__same_page = true")
    page.get_by_label("Search by name or chart number").fill("lark")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sage")
    assert page.evaluate("window.__same_page") is True  # htmx swapped, no reload
    expect(page).to_have_url(re.compile(r"q=lark"))


def test_pages_fit_a_phone_screen(page, clinician, client_chart):
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, clinician.email)
    for path in ["/caseload/", f"/clients/{client_chart.pk}/", f"/clients/{client_chart.pk}/edit/"]:
        page.goto(path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"


def test_sign_out(page, clinician):
    sign_in(page, clinician.email)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    response = page.goto("/caseload/")
    assert "/accounts/login/" in page.url and response.ok


def test_wrong_password_is_refused_kindly(page, clinician):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(clinician.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "That email and password do not match an active account."
    )
    expect(page.get_by_label("Email")).to_have_value(clinician.email)
    axe_check(page)


ADMIN_PAGES = [
    "/caseload/",
    "/clients/",
    "/clients/?status=discharged",
    "/clients/new/",
    "/clients/{chart}/",
    "/clients/{chart}/edit/",
    "/clients/{chart}/history/",
    "/clients/{chart}/access-log/",
    "/clients/{chart}/care-team/",
    "/clients/{chart}/discharge/",
    "/staff/",
    "/staff/invite/",
    "/staff/{maya}/",
    "/settings/",
    "/audit/",
    "/accounts/password/change/",
]


def test_accessibility_of_every_core_page(page, admin, clinician, client_chart):
    """axe-core: no serious or critical violation on the core pages (anonymous, admin)."""
    from waypoint.clients.actions import raise_alert

    raise_alert(client_chart, by=None, kind="test", title="Test safety signal", severity="urgent")
    for path in ["/accounts/login/", "/accounts/password/reset/"]:
        visit(page, path)
    response = page.goto("/no/such/page/")
    assert response.status == 404
    axe_check(page)

    sign_in(page, admin.email)
    for path in ADMIN_PAGES:
        visit(page, path.format(chart=client_chart.pk, maya=clinician.pk))


def test_accessibility_of_the_portal_and_print_page(page, client_user, clinician, client_chart):
    sign_in(page, client_user.email)
    visit(page, "/portal/")
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, clinician.email)
    visit(page, f"/clients/{client_chart.pk}/print/")


def test_the_axe_check_itself_catches_a_violation(page, clinician):
    """Guard against a silently broken helper: a page with an unlabeled image must fail."""
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const i = document.createElement('img'); i.src = 'data:,';"
        " document.querySelector('main').append(i); }"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        axe_check(page)
