"""When the team will see an urgent answer: the organization's hours, as pure functions."""

import datetime
from zoneinfo import ZoneInfo

from waypoint.clinics.hours import next_review, renotify_due, review_phrase

LA = ZoneInfo("America/Los_Angeles")
WEEKDAYS_9_TO_5 = {"days": range(5), "opens": datetime.time(9), "closes": datetime.time(17)}


def at(*args, zone=LA):
    return datetime.datetime(*args, tzinfo=zone)


def test_friday_evening_is_seen_by_monday_nine():
    friday_evening = at(2026, 12, 4, 18, 30)  # a Friday
    when = next_review(friday_evening, zone=LA, **WEEKDAYS_9_TO_5)
    assert when == at(2026, 12, 7, 9, 0)  # Monday
    assert review_phrase(friday_evening, when) == (
        "Your care team has been told, but they are not working right now. "
        "They will see it by Monday 9:00 (PST)."
    )


def test_inside_hours_is_now():
    wednesday_ten = at(2026, 12, 2, 10, 0)
    when = next_review(wednesday_ten, zone=LA, **WEEKDAYS_9_TO_5)
    assert when == wednesday_ten
    assert review_phrase(wednesday_ten, when) == (
        "Your care team has been told, and they are working now."
    )


def test_early_morning_is_today_and_closing_time_is_tomorrow():
    early = at(2026, 12, 2, 7, 15)
    assert next_review(early, zone=LA, **WEEKDAYS_9_TO_5) == at(2026, 12, 2, 9, 0)
    assert review_phrase(early, at(2026, 12, 2, 9, 0)).endswith("by today at 9:00 (PST).")
    closing = at(2026, 12, 3, 17, 0)  # Thursday, the minute the team stops reading alerts
    when = next_review(closing, zone=LA, **WEEKDAYS_9_TO_5)
    assert when == at(2026, 12, 4, 9, 0)
    assert review_phrase(closing, when).endswith("by tomorrow at 9:00 (PST).")


def test_weekend_and_a_time_given_in_utc():
    # Saturday 01:30 UTC is still Friday 17:30 in Los Angeles: after hours, so Monday.
    utc_time = datetime.datetime(2026, 12, 5, 1, 30, tzinfo=datetime.UTC)
    assert next_review(utc_time, zone=LA, **WEEKDAYS_9_TO_5) == at(2026, 12, 7, 9, 0)
    sunday = at(2026, 12, 6, 12, 0)
    assert next_review(sunday, zone=LA, **WEEKDAYS_9_TO_5) == at(2026, 12, 7, 9, 0)


def test_across_the_change_to_daylight_time():
    friday = at(2027, 3, 12, 20, 0)  # clocks go forward on Sunday 14 March 2027
    when = next_review(friday, zone=LA, **WEEKDAYS_9_TO_5)
    assert when == at(2027, 3, 15, 9, 0) and when.tzname() == "PDT"
    assert review_phrase(friday, when).endswith("by Monday 9:00 (PDT).")


def test_only_one_day_a_week_and_no_days_at_all():
    wednesday_noon = at(2026, 12, 2, 12, 0)
    tuesdays = {"days": [1], "opens": datetime.time(13), "closes": datetime.time(15)}
    assert next_review(wednesday_noon, zone=LA, **tuesdays) == at(2026, 12, 8, 13, 0)
    none_set = {"days": [], "opens": datetime.time(9), "closes": datetime.time(17)}
    assert next_review(wednesday_noon, zone=LA, **none_set) is None
    assert "next working day" in review_phrase(wednesday_noon, None)


def test_renotify_after_the_period_and_not_before():
    sent = at(2026, 12, 2, 10, 0)
    assert not renotify_due(sent, every_minutes=60, now=sent + datetime.timedelta(minutes=59))
    assert renotify_due(sent, every_minutes=60, now=sent + datetime.timedelta(minutes=60))
    assert not renotify_due(sent, every_minutes=120, now=sent + datetime.timedelta(minutes=90))
