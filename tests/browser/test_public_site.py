"""The public front door and a book review on a phone, signed out: axe-core finds no serious or
critical violation, the page fits the screen, and the header offers the public links."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check
from waypoint.library.models import BookReview

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def review(transactional_db):
    from waypoint.library.demo import PHRP

    return BookReview.objects.create(
        title="Practicing Harm Reduction Psychotherapy",
        slug="practicing-harm-reduction-psychotherapy",
        authors="Patt Denning and Jeannie Little",
        publisher="Guilford Press",
        year=2012,
        edition="2nd edition",
        isbn="9781462502165",
        publisher_url="https://www.guilford.com/books/Practicing-Harm-Reduction-Psychotherapy/Denning-Little/9781462502165",
        reviewer="Luis Romero",
        reviewer_credentials="LMFT",
        rating=5,
        audience="Therapists",
        summary="The standard clinical text on harm reduction therapy.",
        body=PHRP,
        published=True,
    )


def test_public_home_on_a_phone(phone, review):
    phone.goto("/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Care that starts where you are")
    nav = phone.get_by_role("navigation", name="Main")
    for name in ("Library", "Check a combination", "Helplines"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(phone.locator("header").get_by_role("link", name="Sign in")).to_be_visible()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    axe_check(phone)
    phone.get_by_role("link", name="Practicing Harm Reduction Psychotherapy").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Book review")


def test_review_page_on_a_phone(phone, review):
    phone.goto(review.get_absolute_url())
    expect(phone.get_by_text("9781462502165")).to_be_visible()
    expect(
        phone.get_by_role("link", name="Find it in a library near you (WorldCat)")
    ).to_be_visible()
    assert phone.evaluate(NO_SIDEWAYS_SCROLL)
    axe_check(phone)
    phone.goto("/library/")
    axe_check(phone)
