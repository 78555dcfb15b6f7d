"""The clinician's Timeline Followback grid in a real browser: anchor events on the calendar, a
typical week typed with the keyboard (Tab, arrow keys, Enter and numbers), copied to the other
empty days, a bad box refused without saving, then saved; the days show in the chart's outcomes
and the diary. Live diary days stay as the client wrote them. axe-core on every page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_check, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SPAN = 30
# The typical week, Monday to Sunday, in US standard drinks (14 g each).
TYPICAL = [2, 0, 0, 1, 4, 6, 0]


def cell(page, day: datetime.date):
    return page.locator(f"#c-alcohol-{day.isoformat()}")


def test_timeline_followback_by_keyboard(page, clinician, client_user, client_chart):
    from waypoint.diary import actions
    from waypoint.diary.models import DiaryEntry, EntrySource

    today = client_chart.organization.today()
    first = today - datetime.timedelta(days=SPAN - 1)
    this_monday = today - datetime.timedelta(days=today.weekday())
    week = this_monday - datetime.timedelta(days=21)  # a whole week inside the span, whatever today
    payday = week + datetime.timedelta(days=4)  # its Friday, every two weeks
    typed_sunday = week + datetime.timedelta(days=13)  # next week's Sunday: 3 drinks, not typical
    live_day = week + datetime.timedelta(days=8)  # next week's Tuesday, from the portal
    fixed_day = week + datetime.timedelta(days=7)  # next week's Monday: a typo, then fixed
    actions.record_no_use(client_chart, by=client_user, source=EntrySource.CLIENT, day=live_day)

    sign_in(page, clinician.email)
    page.get_by_role("link", name="Robin").click()
    page.get_by_role("region", name="Use diary and outcomes").get_by_role(
        "link", name="Timeline Followback"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Timeline Followback")
    axe_check(page)

    # An anchor event first: paydays every two weeks.
    anchor = page.locator("#anchor-form")
    anchor.get_by_label("Date").fill(payday.isoformat())
    anchor.get_by_label("Kind").select_option("payday")
    anchor.get_by_label("What (optional").fill("Payday")
    anchor.get_by_label("Repeats").select_option("fortnightly")
    anchor.get_by_role("button", name="Add anchor event").click()
    expect(page.locator(".messages")).to_contain_text("Anchor event added.")
    for day in (payday, payday + datetime.timedelta(days=14)):
        expect(page.locator(f"td[data-day='{day.isoformat()}']")).to_contain_text("★ Payday")
    expect(page.get_by_role("region", name="Anchor events")).to_contain_text("(every two weeks)")
    live = page.locator(f"td[data-day='{live_day.isoformat()}']")
    expect(live).to_contain_text("Live diary: no use")
    expect(live.locator("input")).to_have_count(0)

    # A typical week with the keyboard only, once the first box has focus.
    cell(page, week).click()
    keys = page.keyboard
    keys.type(str(TYPICAL[0]))
    keys.press("Tab")  # Tuesday
    keys.type(str(TYPICAL[1]))
    keys.press("ArrowRight")  # Wednesday
    keys.type(str(TYPICAL[2]))
    keys.press("Enter")  # Thursday: Enter moves on, it does not submit
    keys.type(str(TYPICAL[3]))
    for amount in TYPICAL[4:]:  # Friday to Sunday
        keys.press("ArrowRight")
        keys.type(str(amount))
    keys.press("ArrowDown")  # the same weekday a week later
    expect(cell(page, typed_sunday)).to_be_focused()
    keys.press("ArrowUp")  # and back up a week
    expect(cell(page, week + datetime.timedelta(days=6))).to_be_focused()
    keys.press("ArrowDown")
    expect(cell(page, typed_sunday)).to_be_focused()
    keys.type("3")
    for offset, amount in enumerate(TYPICAL):
        expect(cell(page, week + datetime.timedelta(days=offset))).to_have_value(str(amount))
    assert not DiaryEntry.objects.filter(source=EntrySource.TLFB).exists()

    # Copy the typical week into every empty day; typed and live days stay as they are.
    page.locator("tr", has=cell(page, week)).get_by_role(
        "button", name="Copy to empty days"
    ).click()
    filled = SPAN - 7 - 1 - 1  # not the week itself, the live day, or the Sunday typed
    expect(page.locator("#tlfb-status")).to_have_text(
        f"{filled} boxes filled from the week of {week:%b} {week.day}. Check them, then save."
    )
    expect(cell(page, typed_sunday)).to_have_value("3")
    expect(cell(page, first)).to_have_value(str(TYPICAL[first.weekday()]))
    expect(cell(page, today)).to_have_value(str(TYPICAL[today.weekday()]))
    axe_check(page)

    # A typo: nothing is saved, the box says why, everything typed is still there.
    cell(page, fixed_day).fill("-1")
    page.get_by_role("button", name="Save the calendar").click()
    expect(page.get_by_role("alert")).to_contain_text("1 box needs a fix; nothing was saved.")
    expect(page.locator(f"#c-alcohol-{fixed_day.isoformat()}-error")).to_have_text(
        "The amount cannot be negative."
    )
    expect(cell(page, fixed_day)).to_have_attribute("aria-invalid", "true")
    expect(cell(page, first)).to_have_value(str(TYPICAL[first.weekday()]))
    expect(cell(page, typed_sunday)).to_have_value("3")
    assert not DiaryEntry.objects.filter(source=EntrySource.TLFB).exists()
    axe_check(page)

    cell(page, fixed_day).fill(str(TYPICAL[0]))
    page.get_by_role("button", name="Save the calendar").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Timeline Followback saved: {SPAN - 1} days."
    )
    expect(cell(page, payday)).to_have_value("4")  # read back from the database
    expect(live).to_contain_text("Live diary: no use")

    # What was entered, hand-computed day by day.
    drinks = {}
    for n in range(SPAN):
        day = first + datetime.timedelta(days=n)
        drinks[day] = TYPICAL[day.weekday()]
    drinks[typed_sunday] = 3
    drinks[live_day] = 0
    tlfb = DiaryEntry.objects.filter(client=client_chart, source=EntrySource.TLFB)
    assert tlfb.values("day").distinct().count() == SPAN - 1
    assert {e.day: float(e.amount) for e in tlfb.filter(kind="use")} == {
        d: v for d, v in drinks.items() if v
    }
    assert tlfb.filter(kind="no_use").count() == sum(1 for v in drinks.values() if not v) - 1
    drinking_days = [v for v in drinks.values() if v]
    no_use_days = SPAN - len(drinking_days)
    total = sum(drinking_days)

    # The chart's outcomes: every day of the last 30 is known now.
    page.get_by_role("link", name="Robin").first.click()
    outcomes = page.get_by_role("region", name="Use diary and outcomes")
    table = outcomes.get_by_role("table")

    def row(name):
        return table.get_by_role("row", name=re.compile(name))

    expect(row("Days reported")).to_contain_text(f"{SPAN} (0 unknown)")
    expect(row(r"Days without use \(PDA\)")).to_contain_text(f"{100 * no_use_days / SPAN:.0f}%")
    expect(row("US standard drinks per drinking day")).to_contain_text(
        f"{total / len(drinking_days):.1f}"
    )
    expect(row("US standard drinks per week")).to_contain_text(f"{7 * total / SPAN:.1f}")
    expect(row("Days using alcohol")).to_contain_text(str(len(drinking_days)))
    axe_check(page)

    # And the diary lists each day with where it came from.
    outcomes.get_by_role("link", name="Diary", exact=True).click()
    friday = page.locator("li.diary-day", has=page.locator(f"time[datetime='{payday}']"))
    expect(friday).to_contain_text("Alcohol: 56.0 g of alcohol = 4.0 US standard drinks")
    expect(friday).to_contain_text("Timeline Followback · Maya Clinician")
    expect(page.get_by_text("0 of 30 days have no entry")).to_be_visible()
    axe_check(page)
