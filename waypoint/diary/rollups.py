"""Rollups: per-day and per-week totals of each person's diary, kept equal to the raw entries.

Every write of a diary entry or a goal calls `refresh_weeks` inside its own transaction (see
`waypoint.diary.actions` and `waypoint.goals.actions`): the touched Monday-to-Sunday weeks are
recomputed from the raw rows, so a rollup can never drift from the entries. Whole weeks are
recomputed because a "days of use per week" limit makes one day's plan status depend on the days
before it in the same week.

`rebuild_rollups` recomputes everything for a set of clients in bulk (demo data, imports, bench,
tests); it streams the entries once and inserts with multi-row statements (COPY on PostgreSQL).

Running totals (`RunningTotal`, one row per known day holding the totals from the person's first
day up to that day) make any window two lookups: `refresh_weeks` rewrites the running rows of the
touched weeks from the day before them on, and shifts every later row by the change in one UPDATE
(substance counts, kept as text, are rewritten only when they changed). A check-in for today
therefore touches the rows of the current week only.

Outcome pages read the rollups with SQL SUM (`waypoint.diary.reports`) and turn the sums into
rates with `waypoint.diary.outcomes.outcomes_from_sums`, the same maths as everywhere else.
"""

import datetime
import json
from collections import defaultdict, namedtuple
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F

from waypoint.diary.models import (
    DayRollup,
    DiaryEntry,
    DiarySettings,
    EntrySource,
    RunningTotal,
    WeekRollup,
    WeekSubstanceRollup,
)
from waypoint.diary.outcomes import HEAVY_DAY_GRAMS, DayRecord
from waypoint.goals.models import Goal

ONE_DAY = datetime.timedelta(days=1)
LIVE_SOURCES = frozenset({EntrySource.CLIENT.value, EntrySource.CLINICIAN.value})


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the day's week."""
    return day - datetime.timedelta(days=day.weekday())


# The fields of an entry that rollups and plans need (a DiaryEntry has them too). A namedtuple
# rather than a dataclass: the bulk rebuild makes millions of them.
EntryFacts = namedtuple(
    "EntryFacts",
    "kind substance amount unit alcohol_grams practices money_spent source",
)

HEAVY_FEMALE = HEAVY_DAY_GRAMS["female"]
HEAVY_MALE = HEAVY_DAY_GRAMS["male"]


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


class _Week:
    """Running OutcomeSums of one week (same rules as outcomes.day_sums, without the objects)."""

    __slots__ = (
        "start",
        "known",
        "no_use",
        "drinking",
        "heavy_f",
        "heavy_m",
        "grams",
        "plan",
        "within",
        "money",
        "substances",
    )

    def __init__(self, start):
        self.start = start
        self.known = self.no_use = self.drinking = self.heavy_f = self.heavy_m = 0
        self.plan = self.within = 0
        self.grams = 0.0
        self.money = Decimal(0)
        self.substances = {}

    def add(self, grams, used, plan, money):
        self.known += 1
        if not used:
            self.no_use += 1
        if grams > 0:
            self.drinking += 1
            if grams >= HEAVY_FEMALE:
                self.heavy_f += 1
            if grams >= HEAVY_MALE:
                self.heavy_m += 1
            self.grams += grams
        if plan is not None:
            self.plan += 1
            if plan:
                self.within += 1
        if money is not None:
            self.money += money
        for substance in used:
            self.substances[substance] = self.substances.get(substance, 0) + 1

    def row(self, client_id) -> tuple:
        return (
            client_id,
            self.start,
            self.known,
            self.no_use,
            self.drinking,
            self.heavy_f,
            self.heavy_m,
            self.grams,
            self.plan,
            self.within,
            self.money,
        )


_WEEK_OF: dict[datetime.date, datetime.date] = {}


def _week_of(day: datetime.date) -> datetime.date:
    start = _WEEK_OF.get(day)
    if start is None:
        start = _WEEK_OF[day] = day - datetime.timedelta(days=day.weekday())
    return start


def compute_rows(client_id: int, entries_by_day: dict, goals: list, country: str):
    """Day, week and week-substance rollup rows (tuples in column order) of one client.

    Each known day is totalled from its entries and judged against the goals in effect that day
    (`Goal.is_kept_on`); days are visited in order so that "days of use per week" limits see the
    days before them in the same week.
    """
    goals = [g for g in goals if g.kind != "no_change"]
    day_rows, week_rows, substance_rows = [], [], []
    week = None
    use_days_in_week: dict[str, int] = {}

    def close(week):
        week_rows.append(week.row(client_id))
        for substance, count in sorted(week.substances.items()):
            substance_rows.append((client_id, week.start, substance, count))

    for day in sorted(entries_by_day):
        entries = entries_by_day[day]
        start = _week_of(day)
        if week is None or week.start != start:
            if week is not None:
                close(week)
            week = _Week(start)
            use_days_in_week = {}
        grams = 0.0
        money = None
        used = set()
        has_no_use = has_live = False
        for entry in entries:
            if entry.source in LIVE_SOURCES:
                has_live = True
            if entry.money_spent is not None:
                money = entry.money_spent if money is None else money + entry.money_spent
            if entry.kind == "no_use":
                has_no_use = True
            elif entry.substance == "alcohol":
                grams += entry.alcohol_grams or 0.0
            else:
                used.add(entry.substance)
        if grams > 0:
            used.add("alcohol")
        plan = _within_plan(day, entries, goals, country, use_days_in_week) if goals else None
        for substance in used:
            use_days_in_week[substance] = use_days_in_week.get(substance, 0) + 1
        week.add(grams, used, plan, money)
        day_rows.append(
            (
                client_id,
                day,
                grams,
                ",".join(sorted(used)),
                plan,
                money,
                len(entries),
                has_live,
                has_no_use and bool(used),
            )
        )
    if week is not None:
        close(week)
    return day_rows, week_rows, substance_rows


def day_records(entries_by_day: dict, goals: list, country: str) -> list[DayRecord]:
    """The DayRecords of known days (for checking the rollups against outcomes.summarize_days)."""
    day_rows, _, _ = compute_rows(0, entries_by_day, goals, country)
    return [
        DayRecord(
            day=r[1],
            known=True,
            alcohol_grams=r[2],
            substances=frozenset(s for s in r[3].split(",") if s),
            within_plan=r[4],
            money_spent=r[5],
        )
        for r in day_rows
    ]


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
# The unique constraints (unique_day_rollup, unique_week_rollup, unique_running_total).
DAY_KEY = ("client_id", "day")
WEEK_KEY = ("client_id", "week_start")


RUNNING_COLUMNS = (
    "client_id",
    "day",
    "known_days",
    "no_use_days",
    "drinking_days",
    "heavy_days_female",
    "heavy_days_male",
    "alcohol_grams",
    "plan_days",
    "within_plan_days",
    "money_cents",
    "substances",
)
RUNNING_COUNTERS = RUNNING_COLUMNS[2:-1]  # the numeric totals, in column order


def substances_text(counts: dict[str, int]) -> str:
    """Running use days per substance as stored: "alcohol:12,cannabis:3" (sorted, no zeros)."""
    return ",".join(f"{name}:{count}" for name, count in sorted(counts.items()) if count)


def parse_substances(text: str) -> dict[str, int]:
    if not text:
        return {}
    counts = {}
    for part in text.split(","):
        name, _, count = part.partition(":")
        counts[name] = int(count)
    return counts


def cents(money) -> int:
    """Whole cents of a money amount (diary money has 2 decimal places)."""
    if money is None:
        return 0
    return int((Decimal(money) * 100).to_integral_value())


class Running:
    """Running totals of one person, advanced one known day at a time (the rules of _Week.add)."""

    __slots__ = ("counters", "substances", "text")

    def __init__(self, counters=None, substances: str = ""):
        # known, no_use, drinking, heavy_f, heavy_m, grams, plan, within, money_cents
        self.counters = list(counters) if counters is not None else [0, 0, 0, 0, 0, 0.0, 0, 0, 0]
        self.text = substances
        self.substances = parse_substances(substances)

    @classmethod
    def from_row(cls, row) -> "Running":
        """From (counters..., substances) as read back in RUNNING_COUNTERS + substances order."""
        return cls(row[:-1], row[-1])

    def step(self, client_id, day, grams, used: str, plan, money) -> tuple:
        """Add one known day (a day rollup's values) and return its running row."""
        c = self.counters
        c[0] += 1
        if not used:
            c[1] += 1
        if grams > 0:
            c[2] += 1
            if grams >= HEAVY_FEMALE:
                c[3] += 1
            if grams >= HEAVY_MALE:
                c[4] += 1
            c[5] += grams
        if plan is not None:
            c[6] += 1
            if plan:
                c[7] += 1
        if money is not None:
            c[8] += cents(money)
        if used:
            for substance in used.split(","):
                self.substances[substance] = self.substances.get(substance, 0) + 1
            self.text = substances_text(self.substances)
        return (client_id, day, *c, self.text)


def running_rows(client_id: int, day_rows: Iterable[tuple], base: Running | None = None):
    """Running rows (RUNNING_COLUMNS order) for day rollup rows (DAY_COLUMNS order, oldest day
    first), continuing from `base` (the totals before the first of them; advanced in place)."""
    running = base or Running()
    return [running.step(client_id, row[1], row[2], row[3], row[4], row[5]) for row in day_rows]


def _sqlite_value(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


_TEXT_COLUMNS: dict[tuple, list[int]] = {}


def _text_columns(model, columns: tuple) -> list[int]:
    """Indexes of the columns that SQLite stores as text (dates, datetimes, decimals)."""
    key = (model, columns)
    found = _TEXT_COLUMNS.get(key)
    if found is None:
        fields = [model._meta.get_field(c.removesuffix("_id")) for c in columns]
        found = _TEXT_COLUMNS[key] = [
            i
            for i, f in enumerate(fields)
            if f.get_internal_type() in ("DateField", "DateTimeField", "DecimalField")
        ]
    return found


def insert_rows(
    model, columns: tuple, rows: list[tuple], *, convert: bool = True, replace: tuple = ()
) -> None:
    """Insert plain tuples fast: COPY on PostgreSQL, executemany on SQLite.

    On SQLite, dates and decimals are turned into text first (only in the columns whose first
    row holds such values) unless `convert` is False because the caller already did.
    `replace`: the columns of a unique constraint; a row that matches an existing one there
    overwrites it (INSERT ... ON CONFLICT DO UPDATE, executemany on both engines).
    """
    if not rows:
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not replace:
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # noqa: S608 - fixed names
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        if convert and connection.vendor == "sqlite":
            special = _text_columns(model, columns)
            if special:
                rows = [list(row) for row in rows]
                for row in rows:
                    for i in special:
                        row[i] = _sqlite_value(row[i])
        placeholders = ", ".join(["%s"] * len(columns))
        names = ", ".join(columns)
        sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608  # nosec B608
        if replace:
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in replace)
            sql += f" ON CONFLICT ({', '.join(replace)}) DO UPDATE SET {updates}"  # nosec B608
        cursor.executemany(sql, rows)


def refresh_weeks(client, days: Iterable[datetime.date], *, country: str | None = None) -> None:
    """Recompute the rollups of the weeks holding `days` for one client from the raw entries.

    Call inside the writing transaction, after the write. The caller holds a lock on the client
    row (`lock_client`), so two writers of the same chart cannot interleave their recomputations.
    `country` is the organization's standard-drink country when the caller already has it.
    Returns the entries it read, {day: [EntryFacts]} (the safety checks of a new entry look at
    the other entries of its day).
    """
    starts = sorted({week_start(day) for day in days})
    if not starts:
        return {}
    first, last = starts[0], starts[-1] + datetime.timedelta(days=6)
    entries_by_day = _read_entries(client.pk, first, last, starts)
    goals = list(Goal.objects.plan_goals_between(client.pk, first, last))
    if country is None:
        country = DiarySettings.country_for(client.organization_id)
    day_rows, week_rows, substance_rows = compute_rows(client.pk, entries_by_day, goals, country)
    # Consecutive weeks: the day rows just computed are all of first..last (no need to read
    # them back); weeks with a gap between them leave days in between that were not recomputed.
    contiguous = (starts[-1] - starts[0]).days == 7 * (len(starts) - 1)
    bounds = _running_bounds(client.pk, first, last)
    # When every day of the span known before is still known (always after an added entry), the
    # day, week and running rows are overwritten in place (ON CONFLICT DO UPDATE): no row of
    # theirs can be left over, so their three DELETEs are not needed. A running row exists for
    # each day rollup (`running_rows`), so the running rows read tell which days were known.
    overwrite = contiguous and bounds.known_days <= {row[1] for row in day_rows}
    if not overwrite:
        for start in starts:
            _delete_days(DayRollup, "day", client.pk, start, start + datetime.timedelta(days=6))
        _delete_weeks(WeekRollup, client.pk, starts)
    _delete_weeks(WeekSubstanceRollup, client.pk, starts)
    insert_rows(DayRollup, DAY_COLUMNS, day_rows, replace=DAY_KEY if overwrite else ())
    insert_rows(WeekRollup, WEEK_COLUMNS, week_rows, replace=WEEK_KEY if overwrite else ())
    insert_rows(WeekSubstanceRollup, SUBSTANCE_COLUMNS, substance_rows)
    refresh_running(
        client.pk,
        first,
        last,
        day_rows=day_rows if contiguous else None,
        bounds=bounds,
        overwrite=overwrite,
    )
    return entries_by_day


# The entry columns the rollups read, as text where a driver would convert each value (the bulk
# rebuild and every refresh read the same columns and turn them into the same EntryFacts).
ENTRY_COLUMNS = (
    "client_id, CAST(day AS TEXT), kind, substance, CAST(amount AS TEXT), unit, "
    "alcohol_grams, CAST(practices AS TEXT), CAST(money_spent AS TEXT), source"
)


def _read_entries(client_id: int, first, last, starts) -> dict:
    """{day: [EntryFacts]} of one person's entries in the weeks `starts` (all within
    first..last), read with one plain query (no model objects, no per-field converters)."""
    table = DiaryEntry._meta.db_table
    sql = (
        f"SELECT {ENTRY_COLUMNS} FROM {table} "  # noqa: S608  # nosec B608 - fixed names
        # A day's entries in the order they were written, as the bulk rebuild reads them (the
        # order of a float sum of grams decides its last bits).
        "WHERE client_id = %s AND day >= %s AND day <= %s ORDER BY day, id"
    )
    adapt = connection.ops.adapt_datefield_value
    weeks = set(starts)
    entries_by_day = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, [client_id, adapt(first), adapt(last)])
        for row in cursor:
            day = datetime.date.fromisoformat(row[1])
            if week_start(day) in weeks:
                entries_by_day[day].append(entry_facts(row[2:]))
    return entries_by_day


def entry_facts(row, as_decimal=Decimal) -> EntryFacts:
    """EntryFacts of one row of ENTRY_COLUMNS after its client and day (amounts and money come
    as text; `as_decimal` may cache their parsing, as the bulk rebuild does)."""
    kind, substance, amount, unit, grams, practices, money, source = row
    return EntryFacts(
        kind,
        substance,
        None if amount is None else as_decimal(amount),
        unit,
        grams or 0.0,
        () if practices in NO_PRACTICES else _as_practices(practices),
        None if money is None else as_decimal(money),
        source,
    )


def _delete_days(model, column: str, client_id: int, first, last) -> None:
    """DELETE one person's rollup rows of first..last: plain SQL, as the inserts are (rollups have
    no signals, cascades or history, so the ORM's delete collector has nothing to do)."""
    table = model._meta.db_table
    adapt = connection.ops.adapt_datefield_value
    sql = (
        f"DELETE FROM {table} WHERE client_id = %s "  # noqa: S608  # nosec B608 - fixed names
        f"AND {column} >= %s AND {column} <= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [client_id, adapt(first), adapt(last)])


def _delete_weeks(model, client_id: int, starts: list[datetime.date]) -> None:
    """DELETE one person's week rows of the given Mondays (see `_delete_days`)."""
    table = model._meta.db_table
    adapt = connection.ops.adapt_datefield_value
    marks = ", ".join(["%s"] * len(starts))
    sql = (
        f"DELETE FROM {table} WHERE client_id = %s "  # noqa: S608  # nosec B608 - fixed names
        f"AND week_start IN ({marks})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [client_id, *(adapt(start) for start in starts)])


RunningBounds = namedtuple("RunningBounds", "before end has_later known_days")


def _running_bounds(client_id: int, first: datetime.date, last: datetime.date) -> RunningBounds:
    """The totals before `first` and at `last`, whether any row follows `last`, and the days of
    first..last that have a running row, in one query: the newest running rows up to `last`, as
    many as first..last can hold plus one (so the row before `first` is among them), and the
    first row after `last`, if any."""
    table = RunningTotal._meta.db_table
    columns = f"CAST(day AS TEXT) AS day, {', '.join(RUNNING_COUNTERS)}, substances"
    # Fixed names, no user input. Each half is a subquery (SQLite allows ORDER BY and LIMIT
    # only there in a compound SELECT).
    sql = (
        f"SELECT * FROM (SELECT {columns} FROM {table} "  # noqa: S608  # nosec B608
        "WHERE client_id = %s AND day <= %s ORDER BY day DESC LIMIT %s) AS upto "
        f"UNION ALL SELECT * FROM (SELECT {columns} FROM {table} "
        "WHERE client_id = %s AND day > %s ORDER BY day LIMIT 1) AS after"
    )
    end = connection.ops.adapt_datefield_value(last)
    with connection.cursor() as cursor:
        cursor.execute(sql, [client_id, end, (last - first).days + 2, client_id, end])
        rows = cursor.fetchall()
    last_text, first_text = last.isoformat(), first.isoformat()  # ISO dates compare as text
    newest = sorted((row for row in rows if row[0] <= last_text), reverse=True)
    has_later = len(newest) < len(rows)
    old_end = Running.from_row(newest[0][1:]) if newest else Running()
    before = next((row for row in newest if row[0] < first_text), None)
    return RunningBounds(
        Running.from_row(before[1:]) if before else Running(),
        old_end,
        has_later,
        {datetime.date.fromisoformat(row[0]) for row in newest if row[0] >= first_text},
    )


def refresh_running(
    client_id: int,
    first: datetime.date,
    last: datetime.date,
    *,
    day_rows: list | None = None,
    bounds: RunningBounds | None = None,
    overwrite: bool = False,
) -> None:
    """Rewrite the running rows of first..last from the day rollups (already refreshed there),
    then shift every later row by the change: one UPDATE, plus a rewrite of the later rows'
    substance counts only when those changed. `day_rows` (DAY_COLUMNS order, oldest first) are
    the day rollups of first..last when the caller has just computed them, `bounds` the running
    rows around the span when it has read them; `overwrite`: every day of the span that has a
    running row is among `day_rows`, so the rows are overwritten in place instead of deleted."""
    base, old_end, has_later, _ = bounds or _running_bounds(client_id, first, last)
    if not overwrite:
        _delete_days(RunningTotal, "day", client_id, first, last)
    if day_rows is None:
        days = DayRollup.objects.filter(client_id=client_id, day__gte=first, day__lte=last)
        day_rows = days.order_by("day").values_list(*DAY_COLUMNS)
    rows = running_rows(client_id, day_rows, base)
    insert_rows(RunningTotal, RUNNING_COLUMNS, rows, replace=DAY_KEY if overwrite else ())
    new_end = base  # advanced in place by running_rows
    changes = {
        name: new - old
        for name, new, old in zip(RUNNING_COUNTERS, new_end.counters, old_end.counters, strict=True)
        if new != old
    }
    names = set(new_end.substances) | set(old_end.substances)
    substance_changes = {
        name: new_end.substances.get(name, 0) - old_end.substances.get(name, 0) for name in names
    }
    substance_changes = {k: v for k, v in substance_changes.items() if v}
    if not has_later:
        return  # nothing after the span to shift (a check-in for today, most often)
    later = RunningTotal.objects.filter(client_id=client_id, day__gt=last)
    if changes:
        later.update(**{name: F(name) + change for name, change in changes.items()})
    if substance_changes:
        updated = []
        for pk, text in later.values_list("pk", "substances"):
            counts = parse_substances(text)
            for name, change in substance_changes.items():
                counts[name] = counts.get(name, 0) + change
            updated.append(RunningTotal(pk=pk, substances=substances_text(counts)))
        RunningTotal.objects.bulk_update(updated, ["substances"], batch_size=500)


def _write(day_rows, week_rows, substance_rows) -> None:
    insert_rows(DayRollup, DAY_COLUMNS, day_rows)
    insert_rows(WeekRollup, WEEK_COLUMNS, week_rows)
    insert_rows(WeekSubstanceRollup, SUBSTANCE_COLUMNS, substance_rows)


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


NO_PRACTICES = frozenset({None, "", "[]"})


def _as_practices(value) -> tuple:
    if not value or value == "[]":
        return ()
    if isinstance(value, str):
        value = json.loads(value)
    return tuple(value)


@transaction.atomic
def rebuild_rollups(client_ids: Iterable[int] | None = None, *, chunk: int = 20_000) -> int:
    """Recompute all rollups of the given clients (all clients when None) from raw entries.

    Streams the entries once, ordered by client and day, through a plain cursor (no model
    objects), and writes the rollups in bulk. Returns the number of entries read. Used by the
    demo, imports, tests and `make bench`; the same `compute_rows` as every incremental refresh.
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
    goals = Goal.objects.exclude(kind="no_change")
    if client_ids is not None:
        goals = goals.filter(client_id__in=client_ids)
    for goal in goals:
        goals_by_client[goal.client_id].append(goal)

    for model in (DayRollup, WeekRollup, WeekSubstanceRollup, RunningTotal):
        scope = model.objects.all()
        if client_ids is not None:
            scope = scope.filter(client_id__in=client_ids)
        scope._raw_delete(scope.db)

    table = DiaryEntry._meta.db_table
    # Text casts skip the drivers' per-value converters; each distinct value is parsed once.
    # Fixed table and column names, no user input.
    sql = f"SELECT {ENTRY_COLUMNS} FROM {table}"  # noqa: S608  # nosec B608
    params: list = []
    if client_ids is not None:
        if not client_ids:
            return 0
        sql += f" WHERE client_id IN ({', '.join(['%s'] * len(client_ids))})"
        params = client_ids
    sql += " ORDER BY client_id, day"

    read = 0
    pending = ([], [], [], [])
    dates: dict = {}
    decimals: dict = {}

    def as_date(value):
        day = dates.get(value)
        if day is None:
            day = dates[value] = (
                value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
            )
        return day

    def as_decimal(value):
        if value is None or isinstance(value, Decimal):
            return value
        number = decimals.get(value)
        if number is None:
            number = decimals[value] = Decimal(str(value))
        return number

    def flush(client_id, entries_by_day):
        if client_id is None or client_id not in client_country:
            return
        rows = compute_rows(
            client_id,
            entries_by_day,
            goals_by_client.get(client_id, []),
            client_country[client_id],
        )
        for target, new in zip(pending[:3], rows, strict=True):
            target.extend(new)
        pending[3].extend(running_rows(client_id, rows[0]))

    def write_out():
        _write(*pending[:3])
        insert_rows(RunningTotal, RUNNING_COLUMNS, pending[3])
        for rows in pending:
            rows.clear()

    current_client = None
    entries_by_day: dict = {}
    # A server-side cursor on PostgreSQL (inside this transaction), a plain one on SQLite.
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            batch = cursor.fetchmany(chunk)
            if not batch:
                break
            read += len(batch)
            for row in batch:
                client_id, day = row[0], row[1]
                if client_id != current_client:
                    flush(current_client, entries_by_day)
                    current_client = client_id
                    entries_by_day = {}
                day = dates.get(day) or as_date(day)
                facts = entry_facts(row[2:], as_decimal)
                day_entries = entries_by_day.get(day)
                if day_entries is None:
                    entries_by_day[day] = [facts]
                else:
                    day_entries.append(facts)
            if len(pending[0]) > 100_000:
                write_out()  # SQLite and PostgreSQL both allow writes while this cursor streams
        flush(current_client, entries_by_day)
    write_out()
    return read
