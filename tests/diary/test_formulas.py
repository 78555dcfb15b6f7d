"""Known-answer tests for every outcome formula (waypoint.diary.outcomes; domain.md §4).

Each diary is written out day by day; the comments show the arithmetic from the published
definitions, never the implementation's output.
"""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waypoint.diary.outcomes import (
    DayRecord,
    OutcomeSums,
    WhoLevel,
    day_sums,
    outcomes_from_sums,
    outcomes_maker,
    summarize_days,
    weekly_sums,
    who_level_change,
    who_risk_level,
)

MON = datetime.date(2024, 1, 1)  # a Monday


def day(n, *, known=True, grams=0.0, substances=(), within_plan=None, money=None):
    """Day n (1-based) of the test fortnight starting Monday 2024-01-01."""
    return DayRecord(
        day=MON + datetime.timedelta(days=n - 1),
        known=known,
        alcohol_grams=grams,
        substances=frozenset(substances) | ({"alcohol"} if grams else frozenset()),
        within_plan=within_plan,
        money_spent=money,
    )


# A fortnight (14 calendar days), 2 of them unknown (no entry at all):
#  1  2 US drinks = 28 g          8  unknown
#  2  no use                      9  no use
#  3  unknown                    10  1 drink = 14 g + cannabis
#  4  4 drinks = 56 g            11  no use
#  5  no use                     12  no use
#  6  5 drinks = 70 g            13  no use
#  7  cannabis only              14  3 drinks = 42 g
FORTNIGHT = [
    day(1, grams=28, within_plan=True, money=Decimal("12.50")),
    day(2, within_plan=True),
    day(3, known=False),
    day(4, grams=56, within_plan=False, money=Decimal("20.00")),
    day(5, within_plan=True),
    day(6, grams=70, within_plan=False, money=Decimal("30.00")),
    day(7, substances={"cannabis"}, within_plan=True, money=Decimal("10.00")),
    day(8, known=False),
    day(9),
    day(10, grams=14, substances={"cannabis"}, within_plan=True),
    day(11),
    day(12),
    day(13),
    day(14, grams=42, within_plan=True),
]


def test_fortnight_sums():
    sums = summarize_days(FORTNIGHT)
    assert sums.known_days == 12  # 14 calendar days − 2 unknown
    assert sums.no_use_days == 6  # days 2, 5, 9, 11, 12, 13
    assert sums.drinking_days == 5  # days 1, 4, 6, 10, 14
    assert sums.heavy_days_female == 2  # ≥ 56 g: days 4 (56), 6 (70)
    assert sums.heavy_days_male == 1  # ≥ 70 g: day 6
    assert sums.alcohol_grams == pytest.approx(210)  # 28 + 56 + 70 + 14 + 42


def test_fortnight_plan_and_money():
    sums = summarize_days(FORTNIGHT)
    # plan assessed on days 1, 2, 4, 5, 6, 7, 10, 14 = 8 days; kept on 1, 2, 5, 7, 10, 14 = 6
    assert sums.plan_days == 8
    assert sums.within_plan_days == 6
    # money: 12.50 + 20.00 + 30.00 + 10.00 = 72.50
    assert sums.money_spent == Decimal("72.50")
    assert dict(sums.substance_use_days) == {"alcohol": 5, "cannabis": 2}


def test_fortnight_outcomes_female_us():
    o = outcomes_from_sums(
        summarize_days(FORTNIGHT), thresholds="female", country="US", window_days=14
    )
    assert o.window_days == 14
    assert o.days_reported == 12
    assert o.days_unknown == 2
    assert o.pda == pytest.approx(50.0)  # 100 × 6 / 12
    assert o.phdd == pytest.approx(16.6667, abs=1e-4)  # 100 × 2 / 12
    assert o.total_drinks == pytest.approx(15.0)  # 210 g / 14 g
    assert o.ddd == pytest.approx(3.0)  # 15 drinks / 5 drinking days
    assert o.drinks_per_week == pytest.approx(8.75)  # 7 × 15 / 12
    assert o.grams_per_day == pytest.approx(17.5)  # 210 / 12
    assert o.who_risk_level == WhoLevel.LOW  # female low = (0, 20]
    assert o.per_substance_use_days == {"alcohol": 5, "cannabis": 2}
    assert (o.days_within_plan, o.plan_days) == (6, 8)
    assert o.money_spent == Decimal("72.50")
    d = o.as_dict()
    assert d["pda"] == 50.0
    assert d["phdd"] == 16.67
    assert d["ddd"] == 3.0
    assert d["drinks_per_week"] == 8.75
    assert d["grams_per_day"] == 17.5
    assert d["who_risk_level"] == "low"
    assert d["days"] == 12
    assert d["days_unknown"] == 2
    assert d["money_spent"] == "72.50"
    assert (d["country"], d["thresholds"]) == ("US", "female")


def test_fortnight_outcomes_male_thresholds():
    o = outcomes_from_sums(summarize_days(FORTNIGHT), thresholds="male", window_days=14)
    assert o.heavy_days == 1
    assert o.phdd == pytest.approx(8.3333, abs=1e-4)  # 100 × 1 / 12
    assert o.who_risk_level == WhoLevel.LOW  # male low = (0, 40]


@pytest.mark.parametrize(
    ("country", "total_drinks", "ddd", "per_week"),
    [
        ("US", 15.0, 3.0, 8.75),  # 210 / 14 = 15; 15 / 5 = 3; 7 × 15 / 12 = 8.75
        ("CA", 15.6134, 3.12268, 9.10781),  # 210 / 13.45 = 15.6134; / 5; × 7 / 12
        ("AU", 21.0, 4.2, 12.25),  # 210 / 10 = 21; 21 / 5 = 4.2; 7 × 21 / 12 = 12.25
        ("NZ", 21.0, 4.2, 12.25),
        ("WHO", 21.0, 4.2, 12.25),
        ("EU", 21.0, 4.2, 12.25),
        ("UK", 26.6160, 5.32319, 15.5260),  # 210 / 7.89 = 26.6160; / 5; × 7 / 12
    ],
)
def test_drinks_in_each_country(country, total_drinks, ddd, per_week):
    o = outcomes_from_sums(summarize_days(FORTNIGHT), thresholds="female", country=country)
    assert o.total_drinks == pytest.approx(total_drinks, rel=1e-5)
    assert o.ddd == pytest.approx(ddd, rel=1e-5)
    assert o.drinks_per_week == pytest.approx(per_week, rel=1e-5)
    assert o.grams_per_day == pytest.approx(17.5)  # grams do not depend on the country
    assert o.country == country


def test_unknown_days_are_not_no_use_days():
    # 3 known days (1 no use, 2 with 14 g) and 4 unknown: PDA = 100 × 1 / 3, not (1 + 4) / 7
    days = [day(1), day(2, grams=14), day(3, grams=14)] + [
        day(n, known=False) for n in (4, 5, 6, 7)
    ]
    o = outcomes_from_sums(summarize_days(days), thresholds="female", window_days=7)
    assert o.days_reported == 3
    assert o.days_unknown == 4
    assert o.pda == pytest.approx(33.3333, abs=1e-4)
    assert o.grams_per_day == pytest.approx(28 / 3)  # (14 + 14) / 3 known days
    assert o.drinks_per_week == pytest.approx(7 * 2 / 3)  # 7 × 2 drinks / 3 days


def test_explicit_no_use_day_is_known():
    # "No use today" is an explicit entry: known, no substances → a no-use day
    o = outcomes_from_sums(summarize_days([day(1)]), thresholds="female", window_days=1)
    assert (o.days_reported, o.days_unknown, o.pda) == (1, 0, 100.0)
    assert o.who_risk_level == WhoLevel.ABSTINENT
    assert o.ddd is None  # no drinking day: drinks per drinking day is undefined


def test_no_known_days_gives_no_rates():
    o = outcomes_from_sums(
        summarize_days([day(1, known=False), day(2, known=False)]),
        thresholds="male",
        window_days=2,
    )
    assert o.days_reported == 0
    assert o.days_unknown == 2
    assert o.pda is o.phdd is o.ddd is o.drinks_per_week is o.grams_per_day is None
    assert o.who_risk_level is None
    assert o.as_dict()["who_risk_level"] is None


def test_other_substance_use_counts_against_pda():
    # 4 known days: alcohol-free but 2 with methamphetamine → PDA = 100 × 2 / 4 = 50
    days = [day(1, substances={"methamphetamine"}), day(2), day(3, substances={"meth"}), day(4)]
    o = outcomes_from_sums(summarize_days(days), thresholds="female")
    assert o.pda == 50.0
    assert o.drinking_days == 0
    assert o.phdd == 0.0


def test_heavy_day_thresholds_exact():
    # female heavy ≥ 56 g, male ≥ 70 g (NIAAA 4 / 5 US drinks)
    days = [day(1, grams=55.99), day(2, grams=56), day(3, grams=69.99), day(4, grams=70)]
    sums = summarize_days(days)
    assert sums.heavy_days_female == 3  # 56, 69.99, 70
    assert sums.heavy_days_male == 1  # 70
    assert outcomes_from_sums(sums, thresholds="female").phdd == 75.0  # 100 × 3 / 4
    assert outcomes_from_sums(sums, thresholds="male").phdd == 25.0  # 100 × 1 / 4


@pytest.mark.parametrize(
    ("grams", "level"),
    [
        (0, WhoLevel.ABSTINENT),
        (0.1, WhoLevel.LOW),
        (1, WhoLevel.LOW),
        (20, WhoLevel.LOW),
        (20.01, WhoLevel.MEDIUM),
        (21, WhoLevel.MEDIUM),
        (40, WhoLevel.MEDIUM),
        (40.01, WhoLevel.HIGH),
        (41, WhoLevel.HIGH),
        (60, WhoLevel.HIGH),
        (60.01, WhoLevel.VERY_HIGH),
        (61, WhoLevel.VERY_HIGH),
        (250, WhoLevel.VERY_HIGH),
    ],
)
def test_who_levels_female(grams, level):
    # WHO 2000, female: low 1–20, medium 21–40, high 41–60, very high ≥ 61 g/day
    assert who_risk_level(grams, "female") == level


@pytest.mark.parametrize(
    ("grams", "level"),
    [
        (0, WhoLevel.ABSTINENT),
        (0.1, WhoLevel.LOW),
        (1, WhoLevel.LOW),
        (40, WhoLevel.LOW),
        (40.01, WhoLevel.MEDIUM),
        (41, WhoLevel.MEDIUM),
        (60, WhoLevel.MEDIUM),
        (60.01, WhoLevel.HIGH),
        (61, WhoLevel.HIGH),
        (100, WhoLevel.HIGH),
        (100.01, WhoLevel.VERY_HIGH),
        (101, WhoLevel.VERY_HIGH),
    ],
)
def test_who_levels_male(grams, level):
    # WHO 2000, male: low 1–40, medium 41–60, high 61–100, very high ≥ 101 g/day
    assert who_risk_level(grams, "male") == level


def test_who_level_refuses_bad_input():
    with pytest.raises(ValueError):
        who_risk_level(-1, "female")
    with pytest.raises(ValueError):
        who_risk_level(10, "other")
    with pytest.raises(ValueError):
        outcomes_from_sums(OutcomeSums(), thresholds="")


def test_who_level_change_between_two_periods():
    # before: 4 weeks at a mean of 45 g/day (female HIGH); after: 4 weeks at 15 g/day (LOW)
    before = who_risk_level(45, "female")
    after = who_risk_level(15, "female")
    assert (before, after) == (WhoLevel.HIGH, WhoLevel.LOW)
    assert who_level_change(before, after) == -2  # moved down two levels: a success
    assert who_level_change(WhoLevel.LOW, WhoLevel.MEDIUM) == 1
    assert who_level_change(WhoLevel.MEDIUM, WhoLevel.MEDIUM) == 0
    assert who_level_change(WhoLevel.VERY_HIGH, WhoLevel.ABSTINENT) == -4
    assert who_level_change(None, WhoLevel.LOW) is None
    assert who_level_change(WhoLevel.LOW, None) is None


def test_who_level_change_from_two_diaries():
    # period 1: 7 days × 84 g (6 US drinks) → 84 g/day, male HIGH (61–100)
    # period 2: 7 days, 3 × 28 g and 4 no-use → 84 / 7 = 12 g/day, male LOW
    p1 = summarize_days(day(n, grams=84) for n in range(1, 8))
    p2 = summarize_days([day(n, grams=28) for n in (8, 10, 12)] + [day(n) for n in (9, 11, 13, 14)])
    o1 = outcomes_from_sums(p1, thresholds="male")
    o2 = outcomes_from_sums(p2, thresholds="male")
    assert (o1.grams_per_day, o2.grams_per_day) == (84.0, 12.0)
    assert who_level_change(o1.who_risk_level, o2.who_risk_level) == -2  # HIGH → LOW


def test_weekly_sums_split_monday_weeks():
    weeks = weekly_sums(FORTNIGHT)
    assert [start for start, _ in weeks] == [MON, MON + datetime.timedelta(days=7)]
    week1, week2 = weeks[0][1], weeks[1][1]
    # week 1 (days 1–7): unknown day 3 → 6 known; no use on 2, 5; grams 28 + 56 + 70 = 154
    assert (week1.known_days, week1.no_use_days, week1.alcohol_grams) == (6, 2, 154)
    # week 2 (days 8–14): unknown day 8 → 6 known; no use 9, 11, 12, 13; grams 14 + 42 = 56
    assert (week2.known_days, week2.no_use_days, week2.alcohol_grams) == (6, 4, 56)
    assert week1 + week2 == summarize_days(FORTNIGHT)
    # drinks per week in week 2: 7 × (56 / 14) / 6 = 4.6667
    assert outcomes_from_sums(week2, thresholds="female").drinks_per_week == pytest.approx(
        4.6667, abs=1e-4
    )


def test_weekly_sums_with_sunday_weeks():
    # weeks starting Sunday (6): Mon 1 … Sat 6 Jan are in the week of Sun 31 Dec, Sun 7 … Sat 13
    # in the week of 7 Jan, and Sun 14 Jan starts a third week
    weeks = weekly_sums(FORTNIGHT, week_start=6)
    starts = [start for start, _ in weeks]
    assert starts == [datetime.date(2023, 12, 31), datetime.date(2024, 1, 7), MON.replace(day=14)]
    assert weeks[0][1].known_days == 5  # days 1–6 minus unknown day 3
    assert weeks[1][1].known_days == 6  # days 7–13 minus unknown day 8
    assert weeks[2][1].alcohol_grams == 42  # day 14
    with pytest.raises(ValueError):
        weekly_sums(FORTNIGHT, week_start=7)


def test_sum_of_sums_and_empty():
    assert sum([OutcomeSums(), OutcomeSums(known_days=2)]) == OutcomeSums(known_days=2)
    assert summarize_days([]) == OutcomeSums()
    assert outcomes_from_sums(OutcomeSums(), thresholds="female").days_unknown is None


def test_window_smaller_than_known_days_refused():
    with pytest.raises(ValueError):
        outcomes_from_sums(OutcomeSums(known_days=3), thresholds="female", window_days=2)


day_records = st.builds(
    DayRecord,
    day=st.dates(min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2025, 12, 31)),
    known=st.booleans(),
    alcohol_grams=st.one_of(st.just(0.0), st.floats(min_value=0.1, max_value=400)),
    substances=st.frozensets(st.sampled_from(["alcohol", "cannabis", "opioids", "stimulants"])),
    within_plan=st.one_of(st.none(), st.booleans()),
    money_spent=st.one_of(st.none(), st.decimals(min_value=0, max_value=500, places=2)),
)


@given(st.lists(day_records, max_size=40), st.lists(day_records, max_size=40))
def test_outcome_sums_are_additive(a, b):
    assert summarize_days(a + b) == summarize_days(a) + summarize_days(b)


@given(st.lists(day_records, max_size=60))
def test_weekly_sums_add_up_to_the_whole(days):
    total = sum((sums for _, sums in weekly_sums(days)), OutcomeSums())
    assert total == summarize_days(days)


@given(st.lists(day_records, max_size=60))
def test_summarize_days_is_the_sum_of_single_days(days):
    assert summarize_days(days) == sum((day_sums(d) for d in days), OutcomeSums())


def test_outcomes_made_in_bulk_equal_the_one_at_a_time_outcomes():
    sums = OutcomeSums(
        known_days=10,
        no_use_days=4,
        drinking_days=5,
        heavy_days_female=2,
        heavy_days_male=1,
        alcohol_grams=280.0,
        plan_days=8,
        within_plan_days=6,
        money_spent=Decimal("12.50"),
        substance_use_days={"cannabis": 2, "alcohol": 5},
    )
    one = outcomes_from_sums(sums, thresholds="female", country="US", window_days=14)
    make = outcomes_maker(thresholds="female", country="US", window_days=14)
    reads = []

    def later():  # the report's way: use days per substance parsed only when read
        reads.append(1)
        return {"alcohol": 5, "cannabis": 2}

    args = (10, 4, 5, 2, 1, 280.0, 8, 6, Decimal("12.50"))
    bulk = make(*args, later)
    assert reads == []
    assert bulk == one
    assert bulk.per_substance_use_days == {"alcohol": 5, "cannabis": 2}
    assert bulk.as_dict() == one.as_dict()
    assert make(*args, {"alcohol": 5, "cannabis": 1}) != one  # a different count is different
    assert one.pda == 40.0 and one.phdd == 20.0 and one.days_unknown == 4
    with pytest.raises(AttributeError):
        one.pda = 0.0  # read-only, as the frozen dataclass was
    empty = make(0, 0, 0, 0, 0, 0.0, 0, 0, Decimal(0), {})
    assert empty == outcomes_from_sums(
        OutcomeSums(), thresholds="female", country="US", window_days=14
    )
    assert empty.pda is None and empty.who_risk_level is None and empty.days_unknown == 14
