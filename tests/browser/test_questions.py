"""Asking a question on a phone, signed out: the form fits the screen, passes axe-core, and a
question that reads like a crisis brings the crisis lines first, even when the form is refused."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check
from waypoint.questions.models import Question

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def site(transactional_db):
    from waypoint.clinics.models import Organization
    from waypoint.questions import actions

    Organization.objects.create(name="Demo Harm Reduction Clinic", slug="clinic")
    question = actions.receive_question(
        text="Where can I get naloxone?", language="en", consent_to_publish=True
    )
    return actions.answer_question(
        question,
        by=None,
        answer="At most **pharmacies**, without a prescription.",
        publish=True,
        title="Where can I get naloxone?",
        public_question="Where can I get naloxone without a prescription?",
        new_tags=["naloxone"],
    )


def test_ask_a_question_on_a_phone(phone, site):
    phone.goto("/questions/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Questions and answers")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    axe_check(phone)
    phone.get_by_label("Search answers").fill("naloxone")
    phone.get_by_role("button", name="Search").click()
    expect(phone.locator(".question-hits mark").first).to_have_text("naloxone")
    axe_check(phone)
    phone.get_by_role("link", name="Ask a question").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Ask a question")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    # The honeypot is off screen for people (and aria-hidden for screen readers).
    assert phone.evaluate(
        "() => document.getElementById('id_website').getBoundingClientRect().right < 0"
    )
    axe_check(phone)
    phone.get_by_role("textbox", name="Your question").fill(
        "Is it risky to drink on a benzodiazepine?"
    )
    phone.get_by_label("Email (optional)").fill("asker@example.org")
    phone.get_by_role("button", name="Send my question").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you: we have your question")
    expect(phone.locator(".crisis-first")).to_have_count(0)
    axe_check(phone)
    assert Question.objects.filter(urgent=False).count() == 2


def test_crisis_question_refused_still_shows_the_crisis_lines_first(phone, site):
    phone.goto("/questions/ask/")
    # No consent and no email: refused, but it reads like a crisis.
    phone.get_by_role("textbox", name="Your question").fill(
        "My friend is not breathing after using"
    )
    phone.get_by_role("button", name="Send my question").click()
    crisis = phone.locator(".crisis-first")
    expect(crisis).to_be_visible()
    expect(crisis.get_by_role("link", name="988").first).to_be_visible()
    expect(crisis).to_contain_text("Never Use Alone")
    expect(phone.get_by_role("alert").first).to_be_visible()
    # The page opens on the crisis lines, not on the list of what to fix in the form.
    expect(crisis).to_be_focused()
    expect(crisis).to_be_in_viewport()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    axe_check(phone)
    assert Question.objects.get(urgent=True).refused_because.startswith("Form refused")


def test_answer_page_and_vote_on_a_phone(phone, site):
    phone.goto(site.get_absolute_url())
    expect(phone.get_by_role("heading", level=1)).to_have_text("Where can I get naloxone?")
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    axe_check(phone)
    phone.get_by_role("button", name="Yes").click()
    expect(phone.get_by_text("1 found it helpful, 0 did not.")).to_be_visible()
    site.refresh_from_db()
    assert site.helpful_yes == 1
