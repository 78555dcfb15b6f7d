"""Goal.is_kept_on: "within the person's own plan" for one day, per goal type."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from waypoint.goals.models import Goal

DAY = datetime.date(2026, 3, 4)


def entry(substance="alcohol", kind="use", grams=0.0, amount=None, unit="", practices=()):
    return SimpleNamespace(
        kind=kind,
        substance=substance,
        alcohol_grams=grams,
        amount=None if amount is None else Decimal(str(amount)),
        unit=unit,
        practices=list(practices),
    )


def goal(**fields):
    base = {"substance": "alcohol", "started_on": DAY}
    base.update(fields)
    return Goal(**base)


def test_unknown_day_is_not_assessed():
    assert goal(kind="abstinence").is_kept_on([]) is None


def test_no_change_is_never_assessed():
    assert goal(kind="no_change").is_kept_on([entry(grams=80)]) is None


def test_abstinence_from_one_substance_ignores_the_others():
    meth = goal(substance="methamphetamine", kind="abstinence")
    assert meth.is_kept_on([entry("cannabis", amount=2, unit="joints")]) is True
    assert meth.is_kept_on([entry("methamphetamine", amount=1, unit="times")]) is False
    assert meth.is_kept_on([entry(kind="no_use", substance="")]) is True


def test_moderation_limits_in_standard_drinks_use_the_country():
    # 3 US drinks a day = 42 g. Kept while the amount shown (to 0.1 drink) is at most 3.0:
    # 42.69 g = 3.049 drinks (shown 3.0) kept; 42.71 g = 3.051 drinks (shown 3.1) not.
    g = goal(kind="moderation", limit_unit="drinks", max_per_day=Decimal(3))
    assert g.is_kept_on([entry(grams=28), entry(grams=14)], country="US") is True
    assert g.is_kept_on([entry(grams=28), entry(grams=14.69)], country="US") is True
    assert g.is_kept_on([entry(grams=28), entry(grams=14.71)], country="US") is False
    # 3 Australian standard drinks = 30 g.
    assert g.is_kept_on([entry(grams=28), entry(grams=14)], country="AU") is False


def test_two_us_beer_presets_keep_a_two_drink_limit():
    # 2 x 355 ml x 5% x 0.789 = 28.0095 g, shown to the person as 2.0 standard drinks.
    g = goal(kind="moderation", limit_unit="drinks", max_per_day=Decimal(2))
    beer = 355 * 0.05 * 0.789
    assert g.is_kept_on([entry(grams=beer), entry(grams=beer)], country="US") is True


def test_moderation_per_occasion_limit():
    g = goal(kind="moderation", limit_unit="drinks", max_per_occasion=Decimal(2))
    assert g.is_kept_on([entry(grams=28), entry(grams=28)], country="US") is True
    assert g.is_kept_on([entry(grams=42)], country="US") is False


def test_moderation_days_per_week():
    g = goal(kind="moderation", max_use_days_per_week=2)
    used = [entry(grams=14)]
    assert g.is_kept_on(used, use_days_earlier_in_week=1) is True
    assert g.is_kept_on(used, use_days_earlier_in_week=2) is False
    assert g.is_kept_on([entry(kind="no_use", substance="")], use_days_earlier_in_week=5) is True


def test_moderation_other_substance_in_its_own_units():
    g = goal(substance="cannabis", kind="moderation", limit_unit="g", max_per_day=Decimal("1.5"))
    assert (
        g.is_kept_on(
            [entry("cannabis", amount=1, unit="g"), entry("cannabis", amount=400, unit="mg")]
        )
        is True
    )
    assert (
        g.is_kept_on(
            [entry("cannabis", amount=1, unit="g"), entry("cannabis", amount=600, unit="mg")]
        )
        is False
    )
    # Joints can't be compared with grams: not assessable rather than a guess.
    assert g.is_kept_on([entry("cannabis", amount=1, unit="joints")]) is None


def test_safer_use_kept_when_every_chosen_practice_was_followed():
    g = goal(substance="opioids", kind="safer_use", practices=["naloxone", "never_alone"])
    followed = entry(
        "opioids", amount=1, unit="times", practices=["naloxone", "never_alone", "new_supplies"]
    )
    partly = entry("opioids", amount=1, unit="times", practices=["naloxone"])
    assert g.is_kept_on([followed]) is True
    assert g.is_kept_on([followed, partly]) is False
    assert g.is_kept_on([entry(kind="no_use", substance="")]) is True


@pytest.mark.parametrize("day,expected", [(DAY, True), (DAY + datetime.timedelta(days=9), False)])
def test_in_effect_until_the_next_decision(day, expected):
    g = goal(kind="abstinence", ended_on=DAY + datetime.timedelta(days=9))
    assert g.in_effect_on(day) is expected
