"""Harm-reduction outcomes from a use diary, computed one way everywhere (chart, caseload,
reports, CLI). Pure functions, no database (domain.md §4); docs/outcomes.md explains each one.

Model: a person's diary is a list of calendar days (`DayRecord`). A day with no entry at all is
**unknown** and is excluded from every percentage (it is reported, never counted as a day without
use); a day with an explicit "no use" entry, or with entries for nothing, is a known no-use day.
Calendars that are complete by construction (Timeline Followback, Sobell & Sobell 1992; the CSV
command line) mark every day in the window as known.

Days are first totalled into additive `OutcomeSums` (rollups store these and add them up across
days, weeks and people) and only then turned into rates with `outcomes_from_sums`. Over a window
of W known days:

- PDA, percent days abstinent = 100 × days with no use of any substance / W (other drugs count
  against it as alcohol does; per-substance use days are reported beside it).
- PHDD, percent heavy drinking days = 100 × heavy days / W; a heavy day is ≥ 4 US standard drinks
  (56 g of ethanol) with female thresholds and ≥ 5 (70 g) with male thresholds (NIAAA, *Drinking
  levels defined*; FDA draft guidance *Alcoholism: developing drugs for treatment*, 2015).
- DDD, drinks per drinking day = total drinks / drinking days, in the chosen country's standard
  drinks (waypoint.lib.units).
- Drinks per week = 7 × total drinks / W.
- Mean grams of ethanol per day = total grams / W.
- WHO risk drinking level of the mean grams per day (WHO *International Guide for Monitoring
  Alcohol Consumption and Related Harm*, 2000), and the change in level between two periods,
  where moving down one or two levels is an accepted, meaningful outcome (Witkiewitz et al. 2019,
  *Alcohol Clin Exp Res* 43:979; Witkiewitz et al. 2020, *Addiction* 115:1668; Hasin et al. 2017,
  *Lancet Psychiatry* 4:469).
"""

import datetime
import enum
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext_noop

from waypoint.lib import units

MONDAY = 0  # datetime.date.weekday() numbering, as in the calendar module

HEAVY_DAY_GRAMS = {"female": 56.0, "male": 70.0}  # 4 and 5 US standard drinks of 14 g (NIAAA)
THRESHOLDS = ("female", "male")

# WHO (2000) risk drinking levels as upper bounds of mean grams of ethanol per day. The guide
# publishes integer bands (female low 1–20, medium 21–40, high 41–60, very high ≥ 61; male low
# 1–40, medium 41–60, high 61–100, very high ≥ 101). A mean is continuous, so each band is read as
# a half-open range: female low = (0, 20], medium = (20, 40], high = (40, 60], very high > 60;
# male low = (0, 40], medium = (40, 60], high = (60, 100], very high > 100. 0 g/day is no drinking.
_WHO_UPPER_BOUNDS = {
    "female": (20.0, 40.0, 60.0),
    "male": (40.0, 60.0, 100.0),
}

ALCOHOL = "alcohol"


def check_thresholds(thresholds: str) -> str:
    if thresholds not in THRESHOLDS:
        raise ValueError(f"thresholds must be 'female' or 'male', not {thresholds!r}")
    return thresholds


class WhoLevel(enum.IntEnum):
    """WHO (2000) risk drinking level of mean grams of ethanol per day."""

    ABSTINENT = 0  # 0 g/day: no drinking in the period
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    VERY_HIGH = 4

    @property
    def label(self) -> str:
        return {
            WhoLevel.ABSTINENT: gettext_noop("No drinking"),
            WhoLevel.LOW: gettext_noop("Low risk"),
            WhoLevel.MEDIUM: gettext_noop("Medium risk"),
            WhoLevel.HIGH: gettext_noop("High risk"),
            WhoLevel.VERY_HIGH: gettext_noop("Very high risk"),
        }[self]

    @property
    def key(self) -> str:
        """Lower-case name used in JSON: "abstinent", "low", "medium", "high", "very_high"."""
        return self.name.lower()


def who_risk_level(grams_per_day: float, thresholds: str) -> WhoLevel:
    """WHO (2000) risk drinking level for a mean of `grams_per_day`, sex-specific thresholds.

    Bands are half-open ranges (see _WHO_UPPER_BOUNDS): female 20.0 g/day is LOW and 20.01 is
    MEDIUM; male 100.0 is HIGH and 100.01 is VERY_HIGH.
    """
    low, medium, high = _WHO_UPPER_BOUNDS[check_thresholds(thresholds)]
    if grams_per_day < 0:
        raise ValueError("grams per day cannot be negative")
    if grams_per_day == 0:
        return WhoLevel.ABSTINENT
    if grams_per_day <= low:
        return WhoLevel.LOW
    if grams_per_day <= medium:
        return WhoLevel.MEDIUM
    if grams_per_day <= high:
        return WhoLevel.HIGH
    return WhoLevel.VERY_HIGH


def who_level_change(before: WhoLevel | None, after: WhoLevel | None) -> int | None:
    """Levels moved from `before` to `after`: negative = moved down (a success), None if unknown.

    A 1- or 2-level reduction is an accepted non-abstinent outcome (Witkiewitz et al. 2019, 2020;
    Hasin et al. 2017).
    """
    if before is None or after is None:
        return None
    return int(after) - int(before)


@dataclass(frozen=True)
class DayRecord:
    """One calendar day of one person, already totalled across that day's entries."""

    day: datetime.date
    known: bool  # False = no entry at all for that day (unknown, excluded from every rate)
    alcohol_grams: float = 0.0  # total grams of ethanol that day
    substances: frozenset[str] = frozenset()  # substances used ("alcohol" when grams > 0)
    within_plan: bool | None = None  # None = no plan applies or it cannot be assessed
    money_spent: Decimal | None = None


def _frozen(cls, fields: dict):
    """An instance of a frozen dataclass (no __post_init__ work needed) from all its fields,
    without the generated __init__'s object.__setattr__ per field."""
    instance = object.__new__(cls)
    instance.__dict__.update(fields)
    return instance


def _clean_counts(counts: Mapping[str, int]) -> dict[str, int]:
    return {k: v for k, v in sorted(counts.items()) if v}


@dataclass(frozen=True, eq=False)  # __eq__ below compares grams with a float tolerance
class OutcomeSums:
    """Additive totals over any set of days; `a + b` totals the union of two disjoint sets."""

    known_days: int = 0
    no_use_days: int = 0  # known days with no use of any substance
    drinking_days: int = 0  # known days with alcohol_grams > 0
    heavy_days_female: int = 0  # alcohol_grams >= 56 (4 US drinks; NIAAA)
    heavy_days_male: int = 0  # alcohol_grams >= 70 (5 US drinks)
    alcohol_grams: float = 0.0
    plan_days: int = 0  # known days where within_plan is not None
    within_plan_days: int = 0
    money_spent: Decimal = Decimal(0)
    substance_use_days: Mapping[str, int] = field(default_factory=dict)  # per substance

    def __post_init__(self):
        object.__setattr__(self, "substance_use_days", _clean_counts(self.substance_use_days))
        object.__setattr__(self, "money_spent", Decimal(self.money_spent))

    @classmethod
    def trusted(cls, **fields) -> "OutcomeSums":
        """Sums from values already in normal form (every field given, money a Decimal,
        substance_use_days sorted by name without zeros), without the checks: the reports
        build tens of thousands."""
        return _frozen(cls, fields)

    def __add__(self, other: "OutcomeSums") -> "OutcomeSums":
        if not isinstance(other, OutcomeSums):
            return NotImplemented
        return OutcomeSums(
            known_days=self.known_days + other.known_days,
            no_use_days=self.no_use_days + other.no_use_days,
            drinking_days=self.drinking_days + other.drinking_days,
            heavy_days_female=self.heavy_days_female + other.heavy_days_female,
            heavy_days_male=self.heavy_days_male + other.heavy_days_male,
            alcohol_grams=self.alcohol_grams + other.alcohol_grams,
            plan_days=self.plan_days + other.plan_days,
            within_plan_days=self.within_plan_days + other.within_plan_days,
            money_spent=self.money_spent + other.money_spent,
            substance_use_days=Counter(self.substance_use_days) + Counter(other.substance_use_days),
        )

    def __radd__(self, other):
        # sum(list_of_sums) starts from 0
        if other == 0:
            return self
        return NotImplemented

    def __eq__(self, other):
        if not isinstance(other, OutcomeSums):
            return NotImplemented
        return (
            self.known_days == other.known_days
            and self.no_use_days == other.no_use_days
            and self.drinking_days == other.drinking_days
            and self.heavy_days_female == other.heavy_days_female
            and self.heavy_days_male == other.heavy_days_male
            # grams are floats: adding in a different order may differ in the last bits
            and abs(self.alcohol_grams - other.alcohol_grams)
            <= 1e-9 * max(1.0, abs(self.alcohol_grams), abs(other.alcohol_grams))
            and self.plan_days == other.plan_days
            and self.within_plan_days == other.within_plan_days
            and self.money_spent == other.money_spent
            and dict(self.substance_use_days) == dict(other.substance_use_days)
        )


def day_sums(record: DayRecord) -> OutcomeSums:
    """The OutcomeSums of a single day (all zero for an unknown day)."""
    if not record.known:
        return OutcomeSums()
    grams = float(record.alcohol_grams or 0.0)
    if grams < 0:
        raise ValueError(f"negative alcohol grams on {record.day}")
    used = set(record.substances)
    if grams > 0:
        used.add(ALCOHOL)
    plan = record.within_plan
    return OutcomeSums(
        known_days=1,
        no_use_days=0 if used else 1,
        drinking_days=1 if grams > 0 else 0,
        heavy_days_female=1 if grams >= HEAVY_DAY_GRAMS["female"] else 0,
        heavy_days_male=1 if grams >= HEAVY_DAY_GRAMS["male"] else 0,
        alcohol_grams=grams,
        plan_days=0 if plan is None else 1,
        within_plan_days=1 if plan else 0,
        money_spent=record.money_spent or Decimal(0),
        substance_use_days=dict.fromkeys(used, 1),
    )


def summarize_days(days: Iterable[DayRecord]) -> OutcomeSums:
    """Total a set of days (each calendar day once) into OutcomeSums; unknown days add nothing.

    A known day is a no-use day when it has no substance and no alcohol grams; a drinking day
    when alcohol_grams > 0 (a day listing "alcohol" with 0 g is a use day for PDA but not a
    drinking day).

    Same rules as day_sums(), written as one loop because reports total millions of days.
    """
    known = no_use = drinking = heavy_f = heavy_m = plan_days = within = 0
    grams_total = 0.0
    money = Decimal(0)
    per_substance: Counter[str] = Counter()
    heavy_female, heavy_male = HEAVY_DAY_GRAMS["female"], HEAVY_DAY_GRAMS["male"]
    for record in days:
        if not record.known:
            continue
        known += 1
        grams = float(record.alcohol_grams or 0.0)
        if grams < 0:
            raise ValueError(f"negative alcohol grams on {record.day}")
        used = record.substances
        if grams > 0:
            drinking += 1
            grams_total += grams
            if grams >= heavy_female:
                heavy_f += 1
            if grams >= heavy_male:
                heavy_m += 1
            if ALCOHOL not in used:
                used = used | {ALCOHOL}
        if used:
            per_substance.update(used)
        else:
            no_use += 1
        if record.within_plan is not None:
            plan_days += 1
            if record.within_plan:
                within += 1
        if record.money_spent:
            money += record.money_spent
    return OutcomeSums(
        known_days=known,
        no_use_days=no_use,
        drinking_days=drinking,
        heavy_days_female=heavy_f,
        heavy_days_male=heavy_m,
        alcohol_grams=grams_total,
        plan_days=plan_days,
        within_plan_days=within,
        money_spent=money,
        substance_use_days=per_substance,
    )


def week_start_of(day: datetime.date, week_start: int = MONDAY) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - week_start) % 7)


def weekly_sums(
    days: Iterable[DayRecord], *, week_start: int = MONDAY
) -> list[tuple[datetime.date, OutcomeSums]]:
    """OutcomeSums per calendar week (weeks start on `week_start`, 0 = Monday … 6 = Sunday),
    oldest first. A week appears when any of its days is given, even if all are unknown.
    """
    if not 0 <= week_start <= 6:
        raise ValueError("week_start is a weekday number, 0 (Monday) to 6 (Sunday)")
    weeks: dict[datetime.date, list[DayRecord]] = {}
    for record in days:
        weeks.setdefault(week_start_of(record.day, week_start), []).append(record)
    return [(start, summarize_days(weeks[start])) for start in sorted(weeks)]


class Outcomes(NamedTuple):
    """Rates over KNOWN days. Every percentage and mean is None when no day is known; DDD is None
    when there was no drinking day. Values are unrounded; as_dict() rounds for display and JSON.

    A named tuple rather than a dataclass: reports build two per person, and a tuple is made in
    one step (a quarter of a frozen dataclass's cost). Read it by field name only; its order is
    not an interface. `per_substance_use_days` may be held as a function (see `outcomes_maker`)
    and is read through the property below.
    """

    window_days: int | None  # calendar days in the window, when known
    days_reported: int  # W: known days
    days_unknown: int | None  # window days with no entry (None when the window is not given)
    pda: float | None
    phdd: float | None
    ddd: float | None
    drinks_per_week: float | None
    grams_per_day: float | None
    who_risk_level: WhoLevel | None
    per_substance_use_days: dict[str, int]
    days_within_plan: int
    plan_days: int
    money_spent: Decimal
    heavy_days: int
    drinking_days: int
    no_use_days: int
    total_drinks: float
    total_grams: float
    country: str
    thresholds: str

    def __eq__(self, other):
        if type(other) is not Outcomes:
            return NotImplemented
        return self._settled() == other._settled()

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = None  # holds a dict, as the dataclass did

    def _settled(self) -> tuple:
        """The fields with use days per substance as a dict (never the function)."""
        return (*self[:_SUBSTANCES], self.per_substance_use_days, *self[_SUBSTANCES + 1 :])

    def as_dict(self) -> dict:
        """JSON-ready dict: pda, phdd, ddd, drinks_per_week, grams_per_day, who_risk_level (a
        lower-case level name or null) and the counts behind them.
        """

        def r(value, places=2):
            return None if value is None else round(value, places)

        return {
            "days": self.days_reported,
            "window_days": self.window_days,
            "days_unknown": self.days_unknown,
            "pda": r(self.pda),
            "phdd": r(self.phdd),
            "ddd": r(self.ddd),
            "drinks_per_week": r(self.drinks_per_week),
            "grams_per_day": r(self.grams_per_day),
            "who_risk_level": None if self.who_risk_level is None else self.who_risk_level.key,
            "no_use_days": self.no_use_days,
            "drinking_days": self.drinking_days,
            "heavy_days": self.heavy_days,
            "total_drinks": r(self.total_drinks),
            "total_grams": r(self.total_grams, 1),
            "substance_use_days": dict(self.per_substance_use_days),
            "days_within_plan": self.days_within_plan,
            "plan_days": self.plan_days,
            "money_spent": str(self.money_spent.quantize(Decimal("0.01"))),
            "country": self.country,
            "thresholds": self.thresholds,
        }


_SUBSTANCES = Outcomes._fields.index("per_substance_use_days")
_held = tuple.__getitem__


def _per_substance_use_days(outcomes: Outcomes) -> dict[str, int]:
    """Use days per substance. `outcomes_maker` may hold a function instead of the dict, called
    on each read: the staff report's page and CSV never read it, so the report does not parse
    every person's running texts; the pages that show it read it once or twice."""
    value = _held(outcomes, _SUBSTANCES)
    return value() if callable(value) else value


Outcomes.per_substance_use_days = property(_per_substance_use_days)


def outcomes_from_sums(
    sums: OutcomeSums, *, thresholds: str, country: str = "US", window_days: int | None = None
) -> Outcomes:
    """Rates from totals over W = sums.known_days known days (formulas in the module docstring).

    `window_days` is the number of calendar days the sums cover; the days of it without any entry
    are reported as unknown. `country` picks the standard drink for DDD and drinks per week.
    """
    check_thresholds(thresholds)
    grams_per_drink = units.grams_per_standard_drink(country)
    country = country.strip().upper()
    w = sums.known_days
    if window_days is not None and window_days < w:
        raise ValueError(f"window of {window_days} days cannot hold {w} known days")
    grams = sums.alcohol_grams
    total_drinks = grams / grams_per_drink
    heavy = sums.heavy_days_female if thresholds == "female" else sums.heavy_days_male
    grams_per_day = grams / w if w else None
    return Outcomes(
        window_days=window_days,
        days_reported=w,
        days_unknown=None if window_days is None else window_days - w,
        pda=100 * sums.no_use_days / w if w else None,
        phdd=100 * heavy / w if w else None,
        ddd=total_drinks / sums.drinking_days if sums.drinking_days else None,
        drinks_per_week=7 * total_drinks / w if w else None,
        grams_per_day=grams_per_day,
        who_risk_level=None if grams_per_day is None else who_risk_level(grams_per_day, thresholds),
        per_substance_use_days=dict(sums.substance_use_days),
        days_within_plan=sums.within_plan_days,
        plan_days=sums.plan_days,
        money_spent=sums.money_spent,
        heavy_days=heavy,
        drinking_days=sums.drinking_days,
        no_use_days=sums.no_use_days,
        total_drinks=total_drinks,
        total_grams=grams,
        country=country,
        thresholds=thresholds,
    )


def outcomes_maker(*, thresholds: str, country: str = "US", window_days: int | None = None):
    """`outcomes_from_sums` for many people at once: returns make(known, no_use, drinking,
    heavy_female, heavy_male, grams, plan, within, money, substances) → Outcomes, with the
    thresholds, country and window checked once instead of per person.

    The same arithmetic in the same order as `outcomes_from_sums` (so the same floats, bit for
    bit; tests/diary/test_window_report.py compares them), for values in OutcomeSums' normal form:
    money a Decimal, `substances` a fresh dict sorted by name without zeros, or a function
    returning one, called whenever `per_substance_use_days` is read. The staff report builds
    two per person from plain query tuples without an OutcomeSums in between.
    """
    check_thresholds(thresholds)
    grams_per_drink = units.grams_per_standard_drink(country)
    country = country.strip().upper()
    female = thresholds == "female"
    low, medium, high = _WHO_UPPER_BOUNDS[thresholds]
    levels = (WhoLevel.ABSTINENT, WhoLevel.LOW, WhoLevel.MEDIUM, WhoLevel.HIGH, WhoLevel.VERY_HIGH)
    make_tuple = tuple.__new__  # Outcomes(...) without the generated __new__'s call

    def make(known, no_use, drinking, heavy_f, heavy_m, grams, plan, within, money, substances):
        if window_days is not None and window_days < known:
            raise ValueError(f"window of {window_days} days cannot hold {known} known days")
        total_drinks = grams / grams_per_drink
        heavy = heavy_f if female else heavy_m
        ddd = total_drinks / drinking if drinking else None
        unknown = None if window_days is None else window_days - known
        if known:
            grams_per_day = grams / known
            if grams_per_day < 0:
                raise ValueError("grams per day cannot be negative")
            if grams_per_day == 0:
                level = levels[0]
            elif grams_per_day <= low:
                level = levels[1]
            elif grams_per_day <= medium:
                level = levels[2]
            elif grams_per_day <= high:
                level = levels[3]
            else:
                level = levels[4]
            pda, phdd, per_week = (
                100 * no_use / known,
                100 * heavy / known,
                7 * total_drinks / known,
            )
        else:  # no known day: no rate
            grams_per_day = level = pda = phdd = per_week = None
        # In field order (Outcomes._fields; tests compare with outcomes_from_sums field by field).
        return make_tuple(
            Outcomes,
            (
                window_days,
                known,
                unknown,
                pda,
                phdd,
                ddd,
                per_week,
                grams_per_day,
                level,
                substances,
                within,
                plan,
                money,
                heavy,
                drinking,
                no_use,
                total_drinks,
                grams,
                country,
                thresholds,
            ),
        )

    return make
