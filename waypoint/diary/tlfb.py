"""Timeline Followback grid: building the calendar and reading what was typed into it.

Sobell & Sobell's Timeline Followback reconstructs daily use over the last 30–90 days on a
calendar, helped by anchor events (paydays, holidays, birthdays). Live daily diaries stay the
primary record (domain.md §4): days that already have live entries are shown, not edited.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from waypoint.diary.models import AnchorEvent, DiaryEntry, EntryKind, EntrySource
from waypoint.goals.models import DEFAULT_UNIT, Substance, Unit
from waypoint.lib import units as unit_maths


@dataclass
class Cell:
    substance: str
    name: str  # the input's name, c-<substance>-<yyyy-mm-dd>
    label: str = ""
    value: str = ""
    error: str = ""


@dataclass
class Day:
    day: datetime.date
    in_span: bool
    anchors: list[str] = field(default_factory=list)
    live: list[str] = field(default_factory=list)  # summaries of live entries (read-only)
    cells: list[Cell] = field(default_factory=list)

    @property
    def locked(self) -> bool:
        return bool(self.live)


@dataclass
class Grid:
    first: datetime.date
    last: datetime.date
    substances: list[tuple[str, str, str]]  # (code, label, unit)
    weeks: list[list[Day]]
    errors: int = 0


def cell_name(substance: str, day: datetime.date) -> str:
    return f"c-{substance}-{day.isoformat()}"


def days_between(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def span(today: datetime.date, days: int) -> tuple[datetime.date, datetime.date]:
    return today - datetime.timedelta(days=days - 1), today


def tracked_substances(client, first, last, extra: str = "") -> list[str]:
    """Alcohol, substances with a goal, substances already in the span, and one asked for."""
    codes = {Substance.ALCOHOL.value}
    codes |= set(client.goals.current().values_list("substance", flat=True))
    codes |= set(
        DiaryEntry.objects.filter(client=client, day__gte=first, day__lte=last, kind="use")
        .values_list("substance", flat=True)
        .distinct()
    )
    if extra in Substance.values:
        codes.add(extra)
    order = list(Substance.values)
    return sorted(codes, key=order.index)


def _fmt(value: float | Decimal) -> str:
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


def build_grid(client, *, first, last, substances, units, country, form=None) -> Grid:
    """The calendar; with a bound `form` that failed, its boxes show what was typed and why."""
    labels = dict(Substance.choices)
    entries = DiaryEntry.objects.filter(client=client, day__gte=first, day__lte=last)
    live: dict[datetime.date, list[str]] = {}
    tlfb: dict[datetime.date, dict[str, float]] = {}
    for entry in entries:
        if entry.source != EntrySource.TLFB:
            live.setdefault(entry.day, []).append(
                "no use"
                if entry.kind == EntryKind.NO_USE
                else f"{entry.get_substance_display()}: {entry.amount_text(country)}"
            )
        elif entry.kind == EntryKind.NO_USE:
            tlfb.setdefault(entry.day, {})
        else:
            if entry.substance == Substance.ALCOHOL:
                amount = (
                    unit_maths.grams_to_standard_drinks(entry.alcohol_grams, country)
                    if units.get(entry.substance) == Unit.DRINKS
                    else entry.alcohol_grams
                )
            else:
                amount = float(entry.amount or 0)
            day_cells = tlfb.setdefault(entry.day, {})
            day_cells[entry.substance] = day_cells.get(entry.substance, 0) + amount
    anchors: dict[datetime.date, list[str]] = {}
    for event in AnchorEvent.objects.filter(client=client):
        for day in event.occurrences(first, last):
            anchors.setdefault(day, []).append(str(event))
    start = first - datetime.timedelta(days=first.weekday())
    end = last + datetime.timedelta(days=6 - last.weekday())
    weeks, week = [], []
    day = start
    errors = 0
    while day <= end:
        item = Day(day=day, in_span=first <= day <= last)
        if item.in_span:
            item.anchors = anchors.get(day, [])
            item.live = live.get(day, [])
            for code in substances:
                name = cell_name(code, day)
                cell = Cell(code, name, labels.get(code, code))
                if form is not None and form.is_bound and form.errors:
                    cell.value = (form.data.get(name) or "").strip()
                    cell.error = " ".join(form.errors.get(name, []))
                    errors += bool(cell.error)
                elif day in tlfb:
                    cell.value = _fmt(tlfb[day].get(code, 0))
                item.cells.append(cell)
        week.append(item)
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += datetime.timedelta(days=1)
    return Grid(
        first=first,
        last=last,
        substances=[(c, labels.get(c, c), units[c]) for c in substances],
        weeks=weeks,
        errors=errors,
    )


def default_units(substances) -> dict[str, str]:
    return {code: DEFAULT_UNIT.get(code, Unit.TIMES).value for code in substances}
