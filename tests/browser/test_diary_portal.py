"""The portal's daily check-in in a real browser, on a touch phone: one tap for a day without
use, an alcohol entry from a beverage preset shown back in standard drinks, a missed day filled
from the week view, progress wording that celebrates reductions (never a streak), and bad input
(a negative amount, a future date) refused with a field error. axe-core on every page."""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Words a harm reduction diary never uses about the person's days (issue 5; domain.md).
NEVER = re.compile(
    r"streak|reset|in a row|relapse|days? clean|clean (for|since)|dirty|you failed|broke your",
    re.IGNORECASE,
)


def check_page(tab):
    """axe, no sideways scrolling on the phone, and none of the words a diary never uses."""
    overflow = tab.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{tab.url} scrolls sideways by {overflow}px on a phone"
    text = tab.locator("main").inner_text()
    assert not NEVER.search(text), f"{tab.url}: {NEVER.search(text).group()!r} in {text!r}"
    axe_check(tab)


def long_date(day: datetime.date) -> str:
    return f"{day:%A, %b} {day.day}"  # as the pages write it: "Tuesday, Jan 6"


@pytest.fixture
def moderation_history(client_chart, clinician):
    """Robin chose moderation for alcohol (at most 2 standard drinks a day) ten weeks ago; the
    30 days before the current window hold four heavier days, all above that limit."""
    from waypoint.diary import actions
    from waypoint.goals import actions as goal_actions

    today = client_chart.organization.today()
    goal_actions.choose_goal(
        client_chart,
        by=clinician,
        substance="alcohol",
        kind="moderation",
        started_on=today - datetime.timedelta(days=70),
        chosen_by_client=True,
        limit_unit="drinks",
        max_per_day=Decimal(2),
    )
    for days_ago in (35, 40, 45, 50):
        actions.add_entry(
            client_chart,
            by=clinician,
            source="clinician",
            day=today - datetime.timedelta(days=days_ago),
            substance="alcohol",
            amount=Decimal(6),
            unit="drinks",
        )
    return today


def test_daily_check_in_on_a_phone(phone, client_user, client_chart, moderation_history):
    from waypoint.diary.models import DiaryEntry

    today = moderation_history
    monday = today - datetime.timedelta(days=today.weekday())
    drink_day = monday - datetime.timedelta(days=6)  # last week's Tuesday
    missed_day = monday - datetime.timedelta(days=4)  # last week's Thursday
    before = DiaryEntry.objects.count()

    sign_in(phone, client_user.email)
    checkin = phone.get_by_role("region", name="Today's check-in")
    expect(checkin).to_contain_text("Every day you record helps")
    check_page(phone)

    # One tap: no use today.
    checkin.get_by_role("button", name="No use today").tap()
    expect(phone.get_by_role("status")).to_contain_text(
        f"Recorded: no use on {today:%A %b} {today.day}. Thank you for checking in."
    )
    expect(phone.locator(f"#day-{today.isoformat()}")).to_contain_text("No use")
    check_page(phone)
    entry = DiaryEntry.objects.get(day=today)
    assert (entry.kind, entry.source, entry.entered_by) == ("no_use", "client", client_user)

    # Another day: two taps back to last week, then a beer from the preset.
    phone.get_by_role("link", name="Previous week").tap()
    last_monday = monday - datetime.timedelta(days=7)
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        f"Week of {last_monday:%b} {last_monday.day}"
    )
    expect(phone.locator(f"#day-{drink_day.isoformat()}")).to_contain_text("Not recorded yet.")
    check_page(phone)
    phone.locator(f"#add-{drink_day.isoformat()}").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        f"Check in for {long_date(drink_day)}"
    )
    check_page(phone)
    phone.get_by_role("group", name="What did you use?").get_by_label("Alcohol").tap()
    phone.get_by_text("A drink by volume and strength").tap()
    phone.get_by_label("Beverage").select_option(label="Beer")
    expect(phone.get_by_label("Volume of one serving")).to_have_value("355ml")
    expect(phone.get_by_label("Strength (ABV %)")).to_have_value("5")
    phone.get_by_label("How much?").fill("1")
    phone.get_by_role("button", name="Save").tap()
    conversion = "1 × 355 ml at 5 %: 14.0 g of alcohol = 1.0 US standard drink"
    expect(phone.get_by_role("status")).to_contain_text(
        f"Saved for {drink_day:%A %b} {drink_day.day}: Alcohol, {conversion}."
    )
    expect(phone.locator(f"#day-{drink_day.isoformat()}")).to_contain_text(conversion)
    check_page(phone)
    beer = DiaryEntry.objects.get(day=drink_day)
    assert (beer.substance, beer.unit, beer.beverage, beer.source) == (
        "alcohol",
        "beverage",
        "beer",
        "client",
    )
    assert beer.alcohol_grams == pytest.approx(355 * 0.05 * 0.789, abs=0.01)  # domain.md §4

    # A missed day, filled from the same week view with one tap.
    missed = phone.locator(f"#day-{missed_day.isoformat()}")
    expect(missed).to_contain_text("Not recorded yet.")
    missed.get_by_role("button", name="No use").tap()
    expect(phone.get_by_role("status")).to_contain_text(
        f"Recorded: no use on {missed_day:%A %b} {missed_day.day}."
    )
    expect(phone.locator(f"#day-{missed_day.isoformat()}")).to_contain_text("No use")
    expect(phone.locator(f"#day-{missed_day.isoformat()}")).not_to_contain_text("Not recorded")
    assert DiaryEntry.objects.count() == before + 3

    # Progress: three days within the plan now, none in the 30 days before. Celebrated as such.
    phone.get_by_role("link", name="Back to my page").tap()
    checkin = phone.get_by_role("region", name="Today's check-in")
    expect(checkin).to_contain_text("You've checked in for today.")
    progress = checkin.locator("ul.progress")
    expect(progress).to_contain_text("3 more days within your plan than the 30 days before.")
    expect(progress).to_contain_text("fewer drinks a week than the 30 days before")
    expect(checkin).to_contain_text(
        "You recorded 3 of the last 30 days. 3 of them were within your plan."
    )
    check_page(phone)


def test_check_in_refuses_a_negative_amount_and_a_future_date(
    phone, client_user, client_chart, moderation_history
):
    from waypoint.diary.models import DiaryEntry

    today = moderation_history
    before = DiaryEntry.objects.count()
    sign_in(phone, client_user.email)
    phone.get_by_role("link", name="I used today").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check in for today")

    phone.get_by_role("group", name="What did you use?").get_by_label("Alcohol").tap()
    phone.get_by_label("How much?").fill("-2")
    phone.get_by_label("Unit").select_option("drinks")
    phone.get_by_role("button", name="Save").tap()
    amount = phone.get_by_label("How much?")
    expect(amount.locator("xpath=..")).to_contain_text("The amount cannot be negative.")
    expect(amount).to_have_value("-2")  # what was typed stays
    expect(
        phone.get_by_role("group", name="What did you use?").get_by_label("Alcohol")
    ).to_be_checked()
    check_page(phone)
    assert DiaryEntry.objects.count() == before

    # A day that has not happened yet (the hidden date of the form, edited): refused too.
    tomorrow = today + datetime.timedelta(days=1)
    amount.fill("2")
    phone.locator("#entry-form input[name=day]").evaluate(
        "(input, day) => { input.value = day; }", tomorrow.isoformat()
    )
    phone.get_by_role("button", name="Save").tap()
    expect(phone.get_by_role("alert")).to_contain_text(
        "This date is in the future; a diary records days that have happened."
    )
    expect(phone.get_by_label("How much?")).to_have_value("2")
    check_page(phone)
    assert DiaryEntry.objects.count() == before
    assert not DiaryEntry.objects.filter(day__gt=today).exists()
