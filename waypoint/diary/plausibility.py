"""Plausibility rules for every way an amount enters the diary: the clinician's entry form, the
portal check-in, the Timeline Followback grid and the CSV reader (and the API, when it comes).

Pure functions, no database. Each limit is a guard against typing errors (an extra zero, a
price typed into the amount box), not a clinical threshold: it sits far above what one person
takes in one day, so a true entry is never refused, and each carries the reason shown. Refused
values are field errors (forms) or row errors (CSV); nothing is saved.

The reasons are plain English (`gettext_noop`): CSV row errors and imports read by staff stay
English; a form shown to a client translates them where it shows them (`diary.forms`).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Limit:
    most: Decimal
    reason: str


# Alcohol is compared in grams of ethanol whatever it was typed in (drinks, grams, servings).
# 1,000 g is about 71 US standard drinks (14 g, NIAAA) or 127 UK units: more than a person can
# drink in a day (about 5 litres of 40 % spirits).
ALCOHOL_GRAMS = Limit(
    Decimal(1000),
    gettext_noop("That is more alcohol than a person can drink in a day; check the amount."),
)

# Per unit, for one entry or one day of one substance.
AMOUNT_LIMITS = {
    "joints": Limit(
        Decimal(100), gettext_noop("More than 100 joints in a day is not possible to smoke.")
    ),
    "cigarettes": Limit(
        Decimal(200), gettext_noop("More than 200 cigarettes in a day is not possible.")
    ),
    "g": Limit(
        Decimal(1000), gettext_noop("More than a kilogram in a day is not a personal amount.")
    ),
    "mg": Limit(
        Decimal(1_000_000), gettext_noop("More than a kilogram in a day is not a personal amount.")
    ),
    "mcg": Limit(
        Decimal(1_000_000_000),
        gettext_noop("More than a kilogram in a day is not a personal amount."),
    ),
    "ml": Limit(
        Decimal(2000), gettext_noop("More than 2 litres in a day is not a personal amount.")
    ),
    "pills": Limit(
        Decimal(500), gettext_noop("More than 500 pills in a day is not possible to take.")
    ),
    "hits": Limit(Decimal(1000), gettext_noop("More than 1,000 hits in a day is not possible.")),
    "puffs": Limit(Decimal(5000), gettext_noop("More than 5,000 puffs in a day is not possible.")),
    "lines": Limit(Decimal(500), gettext_noop("More than 500 lines in a day is not possible.")),
    "points": Limit(
        Decimal(1000), gettext_noop("More than 1,000 points in a day is not possible.")
    ),
    "bumps": Limit(Decimal(1000), gettext_noop("More than 1,000 bumps in a day is not possible.")),
    "times": Limit(Decimal(200), gettext_noop("More than 200 uses in a day is not possible.")),
    "sessions": Limit(
        Decimal(100), gettext_noop("More than 100 sessions in a day is not possible.")
    ),
}

# Spelling variants the CSV reader accepts, mapped to the unit whose limit applies.
UNIT_SYNONYMS = {
    "joint": "joints",
    "cigarette": "cigarettes",
    "ug": "mcg",
    "pill": "pills",
    "tablet": "pills",
    "tablets": "pills",
    "tab": "pills",
    "tabs": "pills",
    "dose": "pills",
    "doses": "pills",
    "hit": "hits",
    "puff": "puffs",
    "line": "lines",
    "point": "points",
    "bump": "bumps",
    "use": "times",
    "uses": "times",
    "session": "sessions",
}

MONEY = Limit(
    Decimal(10_000),
    gettext_noop("More than 10,000 spent in a day looks like a typing error; check it."),
)


def amount_problem(unit: str, amount, *, alcohol_grams: float | None = None) -> str | None:
    """Why an amount (of alcohol: its grams of ethanol) cannot be true, or None if it can."""
    if alcohol_grams is not None:
        return ALCOHOL_GRAMS.reason if alcohol_grams > ALCOHOL_GRAMS.most else None
    if amount is None:
        return None
    limit = AMOUNT_LIMITS.get(UNIT_SYNONYMS.get(unit, unit))
    if limit is not None and Decimal(amount) > limit.most:
        return limit.reason
    return None


def money_problem(money) -> str | None:
    if money is not None and Decimal(money) > MONEY.most:
        return MONEY.reason
    return None


# Unusual but possible: the form asks "is this right?" once before saving (no refusal).
UNUSUAL_ALCOHOL_GRAMS = Limit(
    Decimal(350),
    gettext_noop("That is a lot of alcohol for one day (more than 25 US standard drinks)."),
)
UNUSUAL_AMOUNTS = {
    "joints": Limit(Decimal(20), gettext_noop("That is a lot of joints for one day.")),
    "cigarettes": Limit(Decimal(60), gettext_noop("That is a lot of cigarettes for one day.")),
    "pills": Limit(Decimal(30), gettext_noop("That is a lot of pills for one day.")),
    "lines": Limit(Decimal(30), gettext_noop("That is a lot of lines for one day.")),
    "times": Limit(Decimal(30), gettext_noop("That is a lot of uses for one day.")),
}
UNUSUAL_MONEY = Limit(Decimal(1000), gettext_noop("That is a lot of money for one day."))


def unusual(unit: str, amount, *, alcohol_grams=None, money=None) -> list[str]:
    """Reasons to ask before saving a possible but unusual entry (empty: nothing to ask)."""
    reasons = []
    if alcohol_grams is not None:
        if alcohol_grams > UNUSUAL_ALCOHOL_GRAMS.most:
            reasons.append(UNUSUAL_ALCOHOL_GRAMS.reason)
    elif amount is not None:
        limit = UNUSUAL_AMOUNTS.get(UNIT_SYNONYMS.get(unit, unit))
        if limit is not None and Decimal(amount) > limit.most:
            reasons.append(limit.reason)
    if money is not None and Decimal(money) > UNUSUAL_MONEY.most:
        reasons.append(UNUSUAL_MONEY.reason)
    return reasons
