"""A portal that fits one thumb (issue #10): tap targets of at least 44 x 44 CSS px in the
portal and the header, the check-in in about two phone screens with the common answers first,
and an error summary that takes the focus and links to each field."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in
from tests.browser.test_diary_portal import moderation_history  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Every visible control smaller than 44 x 44; a radio or checkbox counts with its label.
SMALL_TARGETS = """(scope) => {
  const small = [];
  const root = document.querySelector(scope);
  for (const el of root.querySelectorAll(
      'a, button, select, input:not([type=hidden]), textarea, summary')) {
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;  // hidden (a closed disclosure, the skip link)
    let width = box.width, height = box.height;
    if ((el.type === 'radio' || el.type === 'checkbox') && el.labels && el.labels[0]) {
      const label = el.labels[0].getBoundingClientRect();
      width = Math.max(width, label.width);
      height = Math.max(height, label.height);
    }
    if (width < 44 || height < 44) {
      const name = (el.innerText || el.value || el.name || '').trim().slice(0, 40);
      small.push(`${el.tagName} "${name}" ${Math.round(width)}x${Math.round(height)}`);
    }
  }
  return small;
}"""

PORTAL_PAGES = ["/portal/", "/portal/diary/", "/portal/diary/week/", "/portal/privacy/"]


def test_every_portal_control_is_at_least_44_px(phone, client_user, client_chart):
    sign_in(phone, client_user.email)
    for path in PORTAL_PAGES:
        phone.goto(path)
        expect(phone.locator("main h1")).to_be_visible()
        for details in phone.locator("main details").all():
            details.evaluate("d => { d.open = true; }")  # what is inside counts too
        small = phone.evaluate(SMALL_TARGETS, "body")
        assert not small, f"{path}: tap targets under 44 x 44 px: {small}"


def test_the_staff_header_has_44_px_targets(page, clinician, client_chart):
    sign_in(page, clinician.email)
    small = page.evaluate(SMALL_TARGETS, ".site-header")
    assert not small, f"header tap targets under 44 x 44 px: {small}"


@pytest.mark.usefixtures("moderation_history")
def test_check_in_fits_about_two_phone_screens(phone, client_user, client_chart):
    sign_in(phone, client_user.email)
    phone.goto("/portal/diary/")
    save = phone.get_by_role("button", name="Save")
    bottom = save.evaluate("b => b.getBoundingClientRect().bottom + window.scrollY")
    assert bottom <= 2 * PHONE["height"], f"Save is {bottom:.0f}px down: more than two screens"
    # Robin's own substance (alcohol, from the goal) first; the others one tap away.
    choices = phone.get_by_role("group", name="What did you use?")
    expect(choices.get_by_label("Alcohol")).to_be_visible()
    expect(choices.get_by_label("Kratom")).to_be_hidden()
    choices.get_by_text("Another substance").tap()
    expect(choices.get_by_label("Kratom")).to_be_visible()
    # The details are closed until wanted.
    expect(phone.get_by_role("group", name=re.compile("^Mood"))).to_be_hidden()
    phone.get_by_text("How you felt: mood and urge").tap()
    expect(phone.get_by_role("group", name=re.compile("^Mood"))).to_be_visible()
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


@pytest.mark.usefixtures("moderation_history")
def test_an_error_summary_takes_the_focus_and_links_to_the_field(phone, client_user, client_chart):
    sign_in(phone, client_user.email)
    phone.goto("/portal/diary/")
    phone.get_by_role("group", name="What did you use?").get_by_label("Alcohol").tap()
    phone.get_by_label("How much?").fill("-2")
    phone.get_by_role("button", name="Save").tap()
    summary = phone.get_by_role("alert")
    expect(summary).to_contain_text("Please check this answer")
    expect(summary).to_be_focused()
    link = summary.get_by_role(
        "link", name=re.compile("How much\\?: The amount cannot be negative")
    )
    link.tap()
    expect(phone.get_by_label("How much?")).to_be_focused()


def test_a_long_word_wraps_inside_its_card(phone, client_user, client_chart):
    sign_in(phone, client_user.email)
    phone.goto("/portal/")
    phone.locator("main .card").first.evaluate(
        "card => { card.append(document.createTextNode(' ' + 'x'.repeat(120))); }"
    )
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"a long word pushes the page {overflow}px sideways"
