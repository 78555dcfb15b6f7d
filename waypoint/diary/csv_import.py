"""Streaming reader for diary CSV files (`waypoint outcomes`, and any import page).

Columns (header names are case-insensitive, order free):
- required: `date` (YYYY-MM-DD), `substance`, `amount`, `unit`;
- optional: `abv` (percent, needed for alcohol in `ml`), `person` (one result per person),
  `money` (money spent that day on that row).

Alcohol (substance `alcohol`, or `beer`, `wine`, `spirits`, `liquor`, `cider`) is measured in
`drinks` (the chosen country's standard drinks; UK units for UK), `g` of ethanol, or `ml` of a
beverage with its `abv`; it is stored as grams of ethanol (waypoint.lib.units). Other substances
use their own units (SUBSTANCE_UNITS) and count as a use day whenever the amount is above 0.
A row with substance `none` records a day with no use explicitly.

Rows are validated one at a time and yielded as DiaryRow or RowError (with the file's line
number), so a file of any size is read in one pass; DiaryDays totals good rows per person and
day and turns them into outcome DayRecords.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from waypoint.diary import plausibility
from waypoint.diary.outcomes import ALCOHOL, DayRecord
from waypoint.lib import units

REQUIRED_COLUMNS = ("date", "substance", "amount", "unit")

ALCOHOL_NAMES = frozenset({"alcohol", "beer", "wine", "spirits", "spirit", "liquor", "cider"})
NO_USE_NAMES = frozenset({"none", "no use"})
ALCOHOL_UNITS = {"drinks": "drinks", "drink": "drinks", "g": "g", "grams": "g", "ml": "ml"}
SUBSTANCE_UNITS = frozenset(
    {
        "g",
        "mg",
        "mcg",
        "ug",
        "ml",
        "pills",
        "pill",
        "tablets",
        "tablet",
        "tabs",
        "tab",
        "doses",
        "dose",
        "hits",
        "hit",
        "sessions",
        "session",
        "joints",
        "joint",
        "lines",
        "line",
        "points",
        "point",
        "bumps",
        "bump",
        "puffs",
        "puff",
        "cigarettes",
        "cigarette",
        "times",
        "uses",
        "use",
    }
)


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (no header, a required column missing)."""


@dataclass(frozen=True)
class DiaryRow:
    line: int
    person: str | None
    day: datetime.date
    substance: str  # normalised: lower case; alcohol names become "alcohol"; "none" = no use
    amount: Decimal
    unit: str
    alcohol_grams: float  # grams of ethanol for alcohol rows, else 0
    money: Decimal | None

    @property
    def is_use(self) -> bool:
        return self.substance not in NO_USE_NAMES and self.amount > 0


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def _number(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValueError(f"{what} {text!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"{what} {text!r} is not a number")
    return value


def parse_date(text: str, what: str = "date") -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"bad {what} {text.strip()!r}; use YYYY-MM-DD") from None


def _parse_row(get, *, line: int, has_person: bool, country: str, today: datetime.date) -> DiaryRow:
    day = parse_date(get("date"))
    if day > today:
        raise ValueError(f"date {day} is in the future")
    person = None
    if has_person:
        person = get("person")
        if not person:
            raise ValueError("person is empty")
    substance = " ".join(get("substance").lower().split())
    if not substance:
        raise ValueError("substance is empty")
    money = None
    if get("money"):
        money = _number(get("money"), "money")
        if money < 0:
            raise ValueError(f"money {money} is negative")
        if problem := plausibility.money_problem(money):
            raise ValueError(f"money {money}: {problem}")
    if substance in NO_USE_NAMES:
        amount_text = get("amount")
        amount = _number(amount_text, "amount") if amount_text else Decimal(0)
        if amount != 0:
            raise ValueError("a 'none' (no use) row cannot have an amount")
        return DiaryRow(line, person, day, "none", Decimal(0), "", 0.0, money)
    if not get("amount"):
        raise ValueError("amount is empty")
    amount = _number(get("amount"), "amount")
    if amount < 0:
        raise ValueError(f"amount {amount} is negative")
    unit = get("unit").lower()
    grams = 0.0
    if substance in ALCOHOL_NAMES:
        substance = ALCOHOL
        unit = ALCOHOL_UNITS.get(unit, "")
        if not unit:
            raise ValueError(
                f"unknown unit {get('unit')!r} for alcohol; use drinks, g, or ml with an abv column"
            )
        abv_text = get("abv")
        abv = units.check_abv(_number(abv_text.rstrip("%"), "abv")) if abv_text else None
        if unit == "drinks":
            grams = units.standard_drinks_to_grams(float(amount), country)
        elif unit == "g":
            grams = float(amount)
        else:
            if abv is None:
                raise ValueError("alcohol in ml needs an abv (percent) value")
            if amount > 0:  # UnitError (a ValueError) for an impossible volume
                grams = units.grams_from_volume(float(amount), abv)
    elif unit not in SUBSTANCE_UNITS:
        raise ValueError(
            f"unknown unit {get('unit')!r} for {substance}; use one of "
            "g, mg, mcg, ml, pills, tabs, doses, hits, sessions, joints, lines, points, puffs, "
            "cigarettes, times"
        )
    problem = plausibility.amount_problem(
        unit, amount, alcohol_grams=grams if substance == ALCOHOL else None
    )
    if problem:
        raise ValueError(f"amount {amount} {unit}: {problem}")
    return DiaryRow(line, person, day, substance, amount, unit, grams, money)


def read_diary_csv(
    lines: Iterable[str], *, country: str = "US", today: datetime.date
) -> Iterator[DiaryRow | RowError]:
    """Yield each data row of a diary CSV as a DiaryRow, or a RowError saying why it is bad.

    `lines` is an open text file (opened with newline="") or any iterable of lines. Raises
    CsvFormatError at once when the header is missing a required column. `today` is the last
    allowed date (the clinic's local date). Blank lines are skipped.
    """
    units.grams_per_standard_drink(country)  # refuses an unknown country before any row
    country = country.strip().upper()
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFormatError("the file is empty (no header row)") from None
    except csv.Error as exc:
        raise CsvFormatError(f"line 1: {exc}") from None
    columns = {}
    for index, name in enumerate(header):
        columns.setdefault(name.strip().lower().lstrip("\ufeff"), index)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise CsvFormatError(
            f"missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header needs {','.join(REQUIRED_COLUMNS)})"
        )
    has_person = "person" in columns
    last_line = reader.line_num
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield RowError(last_line + 1, f"unreadable CSV: {exc}")
            last_line = reader.line_num
            continue
        line = last_line + 1  # where the record starts (a quoted field may span lines)
        last_line = reader.line_num
        if not any(value.strip() for value in values):
            continue

        def get(name, values=values):
            index = columns.get(name)
            if index is None or index >= len(values):
                return ""
            return values[index].strip()

        try:
            yield _parse_row(get, line=line, has_person=has_person, country=country, today=today)
        except ValueError as exc:
            yield RowError(line, str(exc))


class DiaryDays:
    """Per person and day totals of good rows; memory grows with person-days, not with rows."""

    def __init__(self):
        # person -> date -> [alcohol grams, substances used, money or None]
        self._days: dict[str | None, dict[datetime.date, list]] = {}
        self._sets: dict[frozenset, frozenset] = {}  # one shared object per combination

    def add(self, row: DiaryRow) -> None:
        days = self._days.setdefault(row.person, {})
        total = days.get(row.day)
        if total is None:
            total = days[row.day] = [0.0, frozenset(), None]
        total[0] += row.alcohol_grams
        if row.is_use and row.substance not in total[1]:
            used = total[1] | {row.substance}
            total[1] = self._sets.setdefault(used, used)
        if row.money is not None:
            total[2] = (total[2] or Decimal(0)) + row.money

    @property
    def persons(self) -> list:
        return sorted(self._days, key=lambda p: (p is not None, p or ""))

    def discard(self, person) -> None:
        """Forget a person's days (after their result is written)."""
        self._days.pop(person, None)

    def first_day(self, person) -> datetime.date:
        return min(self._days[person])

    def last_day(self, person) -> datetime.date:
        return max(self._days[person])

    def day_records(self, person, start: datetime.date, end: datetime.date) -> Iterator[DayRecord]:
        """Every day from start to end inclusive as a known DayRecord: a completed calendar, so a
        day without rows is a day with no use (Timeline Followback convention).
        """
        days = self._days.get(person, {})
        day = start
        while day <= end:
            total = days.get(day)
            if total is None:
                yield DayRecord(day=day, known=True)
            else:
                grams, used, money = total
                yield DayRecord(
                    day=day,
                    known=True,
                    alcohol_grams=grams,
                    substances=used,
                    money_spent=money,
                )
            day += datetime.timedelta(days=1)
