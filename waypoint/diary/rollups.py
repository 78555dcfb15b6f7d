"""Rollups: per-day and per-week totals of each person's diary, kept equal to the raw entries.

Every write of a diary entry or a goal calls `refresh_weeks` inside its own transaction (see
`waypoint.diary.actions` and `waypoint.goals.actions`): the touched Monday-to-Sunday weeks are
recomputed from the raw rows, so a rollup can never drift from the entries. Whole weeks are
recomputed because a "days of use per week" limit makes one day's plan status depend on the days
before it in the same week.

`rebuild_rollups` recomputes everything for a set of clients in bulk (demo data, imports, bench,
tests); it streams the entries once and inserts with multi-row statements (COPY on PostgreSQL).

Outcome pages read the rollups with SQL SUM (`waypoint.diary.reports`) and turn the sums into
rates with `waypoint.diary.outcomes.outcomes_from_sums`, the same maths as everywhere else.
"""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction

from waypoint.diary.models import (
    DayRollup,
    DiaryEntry,
    DiarySettings,
    EntryKind,
    EntrySource,
    WeekRollup,
    WeekSubstanceRollup,
)
from waypoint.diary.outcomes import DayRecord, OutcomeSums, summarize_days
from waypoint.goals.models import Goal

ONE_DAY = datetime.timedelta(days=1)
LIVE_SOURCES = frozenset({EntrySource.CLIENT.value, EntrySource.CLINICIAN.value})


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the day's week."""
    return day - datetime.timedelta(days=day.weekday())


@dataclass(frozen=True)
class EntryFacts:
    """The fields of an entry that rollups and plans need (a DiaryEntry works too)."""

    kind: str
    substance: str
    amount: Decimal | None
    unit: str
    alcohol_grams: float
    practices: tuple
    money_spent: Decimal | None
    source: str


@dataclass(frozen=True)
class DayTotals:
    record: DayRecord
    entries: int
    has_live: bool
    mixed_no_use: bool


def _within_plan(day, entries, goals, country, use_days_in_week) -> bool | None:
    results = []
    for goal in goals:
        if not goal.in_effect_on(day):
            continue
        kept = goal.is_kept_on(
            entries,
            country=country,
            use_days_earlier_in_week=use_days_in_week.get(goal.substance, 0),
        )
        if kept is not None:
            results.append(kept)
    return all(results) if results else None


def total_days(entries_by_day: dict, goals: list, country: str) -> list[DayTotals]:
    """Total each known day (oldest first) and judge it against the goals in effect that day."""
    totals = []
    current_week = None
    use_days_in_week: dict[str, int] = defaultdict(int)
    for day in sorted(entries_by_day):
        entries = entries_by_day[day]
        if week_start(day) != current_week:
            current_week = week_start(day)
            use_days_in_week = defaultdict(int)
        grams = 0.0
        money = None
        used = set()
        has_no_use = False
        has_live = False
        for entry in entries:
            if entry.source in LIVE_SOURCES:
                has_live = True
            if entry.money_spent is not None:
                money = (money or Decimal(0)) + Decimal(entry.money_spent)
            if entry.kind == EntryKind.NO_USE:
                has_no_use = True
                continue
            if entry.substance == "alcohol":
                grams += float(entry.alcohol_grams or 0)
                if entry.alcohol_grams:
                    used.add("alcohol")
            else:
                used.add(entry.substance)
        plan = _within_plan(day, entries, goals, country, use_days_in_week) if goals else None
        for substance in used:
            use_days_in_week[substance] += 1
        record = DayRecord(
            day=day,
            known=True,
            alcohol_grams=grams,
            substances=frozenset(used),
            within_plan=plan,
            money_spent=money,
        )
        totals.append(DayTotals(record, len(entries), has_live, has_no_use and bool(used)))
    return totals


def _week_rows(client_id: int, totals: list[DayTotals]):
    """(WeekRollup values, [(substance, use_days)]) per week of the given day totals."""
    weeks: dict[datetime.date, list[DayRecord]] = defaultdict(list)
    for item in totals:
        weeks[week_start(item.record.day)].append(item.record)
    for start in sorted(weeks):
        sums = summarize_days(weeks[start])
        yield start, sums


def _day_row(client_id: int, item: DayTotals) -> tuple:
    r = item.record
    return (
        client_id,
        r.day,
        r.alcohol_grams,
        ",".join(sorted(r.substances)),
        r.within_plan,
        r.money_spent,
        item.entries,
        item.has_live,
        item.mixed_no_use,
    )


DAY_COLUMNS = (
    "client_id",
    "day",
    "alcohol_grams",
    "substances",
    "within_plan",
    "money_spent",
    "entries",
    "has_live",
    "mixed_no_use",
)
WEEK_COLUMNS = (
    "client_id",
    "week_start",
    "known_days",
    "no_use_days",
    "drinking_days",
    "heavy_days_female",
    "heavy_days_male",
    "alcohol_grams",
    "plan_days",
    "within_plan_days",
    "money_spent",
)
SUBSTANCE_COLUMNS = ("client_id", "week_start", "substance", "use_days")


def _week_row(client_id: int, start: datetime.date, s: OutcomeSums) -> tuple:
    return (
        client_id,
        start,
        s.known_days,
        s.no_use_days,
        s.drinking_days,
        s.heavy_days_female,
        s.heavy_days_male,
        s.alcohol_grams,
        s.plan_days,
        s.within_plan_days,
        s.money_spent,
    )


def _insert(model, columns: tuple, rows: list[tuple]) -> None:
    """Insert plain tuples fast: COPY on PostgreSQL, multi-row executemany on SQLite."""
    if not rows:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608 - fixed names
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
            cursor.executemany(sql, [_sqlite_row(row) for row in rows])


def _sqlite_row(row: tuple) -> tuple:
    return tuple(
        value.isoformat()
        if isinstance(value, datetime.date)
        else str(value)
        if isinstance(value, Decimal)
        else value
        for value in row
    )


def _country_of(client) -> str:
    return DiarySettings.for_organization(client.organization_id).country


def _facts(entry) -> EntryFacts:
    return EntryFacts(
        kind=entry.kind,
        substance=entry.substance,
        amount=entry.amount,
        unit=entry.unit,
        alcohol_grams=entry.alcohol_grams,
        practices=tuple(entry.practices or ()),
        money_spent=entry.money_spent,
        source=entry.source,
    )


def refresh_weeks(client, days: Iterable[datetime.date]) -> None:
    """Recompute the rollups of the weeks holding `days` for one client from the raw entries.

    Call inside the writing transaction, after the write. The caller holds a lock on the client
    row (`lock_client`), so two writers of the same chart cannot interleave their recomputations.
    """
    starts = sorted({week_start(day) for day in days})
    if not starts:
        return
    first, last = starts[0], starts[-1] + datetime.timedelta(days=6)
    entries_by_day = defaultdict(list)
    for entry in DiaryEntry.objects.filter(client=client, day__gte=first, day__lte=last).only(
        "day",
        "kind",
        "substance",
        "amount",
        "unit",
        "alcohol_grams",
        "practices",
        "money_spent",
        "source",
    ):
        if week_start(entry.day) in starts:
            entries_by_day[entry.day].append(_facts(entry))
    goals = list(Goal.objects.filter(client=client).in_effect_between(first, last))
    country = _country_of(client)
    totals = total_days(entries_by_day, goals, country)
    for start in starts:
        end = start + datetime.timedelta(days=6)
        DayRollup.objects.filter(client=client, day__gte=start, day__lte=end).delete()
    WeekRollup.objects.filter(client=client, week_start__in=starts).delete()
    WeekSubstanceRollup.objects.filter(client=client, week_start__in=starts).delete()
    _write(client.pk, totals)


def _write(client_id: int, totals: list[DayTotals]) -> None:
    day_rows, week_rows, substance_rows = [], [], []
    for item in totals:
        day_rows.append(_day_row(client_id, item))
    for start, sums in _week_rows(client_id, totals):
        week_rows.append(_week_row(client_id, start, sums))
        for substance, count in sums.substance_use_days.items():
            substance_rows.append((client_id, start, substance, count))
    _insert(DayRollup, DAY_COLUMNS, day_rows)
    _insert(WeekRollup, WEEK_COLUMNS, week_rows)
    _insert(WeekSubstanceRollup, SUBSTANCE_COLUMNS, substance_rows)


def refresh_client_from(client, first_day: datetime.date) -> None:
    """Recompute every week from `first_day`'s week on (after a goal change backdated there)."""
    last = (
        DiaryEntry.objects.filter(client=client, day__gte=week_start(first_day))
        .order_by("-day")
        .values_list("day", flat=True)
        .first()
    )
    if last is None:
        return
    days = []
    day = week_start(first_day)
    while day <= last:
        days.append(day)
        day += datetime.timedelta(days=7)
    refresh_weeks(client, days)


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _as_practices(value) -> tuple:
    if not value:
        return ()
    if isinstance(value, str):
        value = json.loads(value)
    return tuple(value)


@transaction.atomic
def rebuild_rollups(client_ids: Iterable[int] | None = None, *, chunk: int = 20_000) -> int:
    """Recompute all rollups of the given clients (all clients when None) from raw entries.

    Streams the entries once, ordered by client and day, with a plain cursor (no model objects),
    and writes each client's rollups in bulk. Returns the number of entries read.
    """
    from waypoint.clients.models import Client

    clients = Client.objects.all()
    if client_ids is not None:
        client_ids = list(client_ids)
        clients = clients.filter(pk__in=client_ids)
    countries = dict(DiarySettings.objects.values_list("organization_id", "country"))
    client_country = {
        pk: countries.get(org, "US") for pk, org in clients.values_list("pk", "organization_id")
    }
    goals_by_client = defaultdict(list)
    for goal in Goal.objects.filter(client_id__in=list(client_country)).exclude(kind="no_change"):
        goals_by_client[goal.client_id].append(goal)

    for model in (DayRollup, WeekRollup, WeekSubstanceRollup):
        scope = model.objects.all()
        if client_ids is not None:
            scope = scope.filter(client_id__in=client_ids)
        scope._raw_delete(scope.db)

    table = DiaryEntry._meta.db_table
    columns = (
        "client_id, day, kind, substance, amount, unit, alcohol_grams, practices, money_spent, "
        "source"
    )
    sql = f"SELECT {columns} FROM {table}"  # noqa: S608 - fixed names
    params: list = []
    if client_ids is not None:
        if not client_ids:
            return 0
        sql += f" WHERE client_id IN ({', '.join(['%s'] * len(client_ids))})"
        params = client_ids
    sql += " ORDER BY client_id, day"

    read = 0
    day_rows, week_rows, substance_rows = [], [], []
    current_client = None
    entries_by_day: dict = defaultdict(list)

    def flush(client_id):
        if client_id is None or client_id not in client_country:
            return
        totals = total_days(
            entries_by_day, goals_by_client.get(client_id, []), client_country[client_id]
        )
        for item in totals:
            day_rows.append(_day_row(client_id, item))
        for start, sums in _week_rows(client_id, totals):
            week_rows.append(_week_row(client_id, start, sums))
            for substance, count in sums.substance_use_days.items():
                substance_rows.append((client_id, start, substance, count))

    def write_out():
        _insert(DayRollup, DAY_COLUMNS, day_rows)
        _insert(WeekRollup, WEEK_COLUMNS, week_rows)
        _insert(WeekSubstanceRollup, SUBSTANCE_COLUMNS, substance_rows)
        day_rows.clear()
        week_rows.clear()
        substance_rows.clear()

    # A server-side cursor on PostgreSQL (inside this transaction), a plain one on SQLite.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            batch = cursor.fetchmany(chunk)
            if not batch:
                break
            for (
                client_id,
                day,
                kind,
                substance,
                amount,
                unit,
                grams,
                practices,
                money,
                source,
            ) in batch:
                read += 1
                if client_id != current_client:
                    flush(current_client)
                    current_client = client_id
                    entries_by_day = defaultdict(list)
                entries_by_day[_as_date(day)].append(
                    EntryFacts(
                        kind=kind,
                        substance=substance,
                        amount=None if amount is None else Decimal(str(amount)),
                        unit=unit,
                        alcohol_grams=float(grams or 0),
                        practices=_as_practices(practices),
                        money_spent=None if money is None else Decimal(str(money)),
                        source=source,
                    )
                )
            if len(day_rows) > 100_000:
                # Write what we have: a second cursor may run while this one streams.
                write_out()
        flush(current_client)
    write_out()
    return read
