"""Outcomes read from the rollups: one person's windows, many people's weeks, the staff report.

Everything here reads `DayRollup` / `WeekRollup` / `WeekSubstanceRollup` / `RunningTotal` (never
raw entries) and turns totals into rates with `outcomes_from_sums`, so the chart, the portal, the
caseload, the report page and `make bench` compute the same numbers the same way.

The staff report works for any window (`window_sums_by_client`): a window's totals are the running
totals at its last day minus those at the day before its first, at most two index lookups per
person (rows that fall exactly on those days are read in bulk), so its cost grows with the number
of people, not with the length of the window.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Sum
from django.db.models import Window as Over  # reports.Window is a period of days
from django.db.models.functions import RowNumber

from waypoint.diary.models import DayRollup, RunningTotal, WeekRollup, WeekSubstanceRollup
from waypoint.diary.outcomes import (
    DayRecord,
    Outcomes,
    OutcomeSums,
    outcomes_from_sums,
    outcomes_maker,
    summarize_days,
    who_level_change,
)
from waypoint.diary.rollups import RUNNING_COUNTERS, week_start

SUM_FIELDS = (
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


def day_records(client, first: datetime.date, last: datetime.date) -> list[DayRecord]:
    """Known days of one person between first and last (unknown days are simply absent)."""
    return [
        DayRecord(
            day=row.day,
            known=True,
            alcohol_grams=row.alcohol_grams,
            substances=row.substance_set,
            within_plan=row.within_plan,
            money_spent=row.money_spent,
        )
        for row in DayRollup.objects.filter(client=client, day__gte=first, day__lte=last)
    ]


@dataclass(frozen=True)
class Comparison:
    """Outcomes of a recent window and of the window of the same length just before it."""

    days: int
    first: datetime.date
    last: datetime.date
    current: Outcomes
    previous: Outcomes

    @property
    def who_change(self) -> int | None:
        return who_level_change(self.previous.who_risk_level, self.current.who_risk_level)

    @property
    def who_levels_moved(self) -> int:
        return abs(self.who_change or 0)

    @property
    def more_days_within_plan(self) -> int:
        return self.current.days_within_plan - self.previous.days_within_plan


def compare_windows(client, *, days: int, today: datetime.date, country: str) -> Comparison:
    """Last `days` days (ending today) against the `days` before, from the day rollups."""
    last = today
    first = today - datetime.timedelta(days=days - 1)
    prev_last = first - datetime.timedelta(days=1)
    prev_first = prev_last - datetime.timedelta(days=days - 1)
    records = day_records(client, prev_first, last)
    current = summarize_days(r for r in records if r.day >= first)
    previous = summarize_days(r for r in records if r.day <= prev_last)
    thresholds = client.drinking_thresholds
    return Comparison(
        days=days,
        first=first,
        last=last,
        current=outcomes_from_sums(
            current, thresholds=thresholds, country=country, window_days=days
        ),
        previous=outcomes_from_sums(
            previous, thresholds=thresholds, country=country, window_days=days
        ),
    )


def week_starts(today: datetime.date, weeks: int) -> list[datetime.date]:
    """Mondays of the last `weeks` weeks, oldest first, the current week last."""
    this_week = week_start(today)
    return [this_week - datetime.timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def sums_from_row(row: dict, substances: dict[str, int] | None = None) -> OutcomeSums:
    return OutcomeSums(
        known_days=row["known_days"] or 0,
        no_use_days=row["no_use_days"] or 0,
        drinking_days=row["drinking_days"] or 0,
        heavy_days_female=row["heavy_days_female"] or 0,
        heavy_days_male=row["heavy_days_male"] or 0,
        alcohol_grams=float(row["alcohol_grams"] or 0.0),
        plan_days=row["plan_days"] or 0,
        within_plan_days=row["within_plan_days"] or 0,
        money_spent=Decimal(str(row["money_spent"] or 0)),
        substance_use_days=substances or {},
    )


def sums_by_client(
    client_ids, first_week: datetime.date, last_week: datetime.date, *, with_substances=True
) -> dict[int, OutcomeSums]:
    """OutcomeSums per client over whole weeks first_week..last_week (Mondays), by SQL SUM.

    `client_ids` may be a list or a queryset of ids (used as a subquery).
    """
    weeks = WeekRollup.objects.filter(
        client_id__in=client_ids, week_start__gte=first_week, week_start__lte=last_week
    )
    rows = weeks.values("client_id").annotate(**{f: Sum(f) for f in SUM_FIELDS}).order_by()
    substances: dict[int, dict[str, int]] = defaultdict(dict)
    if with_substances:
        for client_id, substance, use_days in (
            WeekSubstanceRollup.objects.filter(
                client_id__in=client_ids, week_start__gte=first_week, week_start__lte=last_week
            )
            .values("client_id", "substance")
            .annotate(days=Sum("use_days"))
            .values_list("client_id", "substance", "days")
            .order_by()
        ):
            substances[client_id][substance] = use_days
    return {row["client_id"]: sums_from_row(row, substances.get(row["client_id"])) for row in rows}


class ReportRow(NamedTuple):
    """One person's line of the staff report (a named tuple: the report makes one per person;
    read it by field name)."""

    client_id: int
    chart_number: str
    thresholds: str
    current: Outcomes
    previous: Outcomes

    @property
    def who_change(self) -> int | None:
        return who_level_change(self.previous.who_risk_level, self.current.who_risk_level)

    @property
    def who_levels_moved(self) -> int:
        return abs(self.who_change or 0)


class Window(NamedTuple):
    """A period of calendar days, first..last inclusive."""

    first: datetime.date
    last: datetime.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @classmethod
    def weeks_back(cls, today: datetime.date, weeks: int) -> tuple["Window", "Window"]:
        """(previous, current): the last `weeks` weeks, this week included up to today, and the
        same number of whole weeks before."""
        starts = week_starts(today, 2 * weeks)
        current = cls(starts[weeks], today)
        previous = cls(starts[0], starts[weeks] - datetime.timedelta(days=1))
        return previous, current


def _bound_days(windows: list[Window]) -> tuple[list[datetime.date], list[tuple[int, int]]]:
    """The days whose running totals the windows need — each window's last day and the day before
    its first — once each, and per window the positions of its (end, before start) among them.
    Windows that touch (the previous ends the day before the current starts, as the N-weeks
    report's do) share a day, so that report needs three lookups per chart rather than four."""
    needed = [(w.last, w.first - datetime.timedelta(days=1)) for w in windows]
    days = sorted({day for pair in needed for day in pair}, reverse=True)
    position = {day: n for n, day in enumerate(days)}
    return days, [(position[end], position[before]) for end, before in needed]


def _running_query(clients, windows: list[Window]) -> tuple[str, list] | None:
    """One statement: per chart of `clients` (in their order), its id, chart number, thresholds
    and row number, then per window the running totals at its last day minus those at the day
    before its first (None when `clients` is known to be empty, e.g. pk__in=[]).

    Each needed day's totals are the latest running row on or before it (`_bound_days`), found in
    two steps. First the row *on* that day, through the (day, client) index that carries every
    column read (diary/0005): on PostgreSQL one index-only range scan of the day, hash-joined to
    the charts (or probed, for a few charts); on SQLite one covering lookup per chart. Only a chart
    with no row on that day then takes the backward seek in the (client, day) unique index for the
    latest row before it: on PostgreSQL a LATERAL subquery gated on the miss (an index-only scan,
    diary/0004), on SQLite a rowid found by a correlated lookup inside a CASE, then the row.
    Columns per window: RUNNING_COUNTERS differences, then the two substance texts (end, before
    start).
    """
    query = clients.query
    ordering = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    chosen = (
        clients.annotate(_row=Over(RowNumber(), order_by=list(ordering) or None))
        .order_by()
        .values_list("id", "chart_number", "drinking_thresholds", "_row")
    )
    try:
        chosen_sql, chosen_params = chosen.query.sql_with_params()
    except EmptyResultSet:  # Django knows there is nothing to ask for
        return None
    table = RunningTotal._meta.db_table
    days, pairs = _bound_days(windows)
    joins, params = [], []
    for n, day in enumerate(days):
        joins += _bound_joins(table, n)
        params += [day.isoformat(), day.isoformat()]

    def at(n: int, column: str) -> str:  # the running value at bound day n (NULL: no row yet)
        return f"coalesce(e{n}.{column}, b{n}.{column})"

    columns = ["c.id", "c.chart_number", "c.drinking_thresholds", "c._row"]
    for e, s in pairs:
        columns += [f"{at(e, c)} - coalesce(e{s}.{c}, b{s}.{c}, 0)" for c in RUNNING_COUNTERS]
        columns += [at(e, "substances"), at(s, "substances")]
    # Fixed table and column names; the charts' subquery is Django's own compiled SQL. A window
    # function keeps either planner from merging it into the outer query (which could run the
    # seeks for every chart of every organization, then filter).
    sql = f"SELECT {', '.join(columns)} FROM ({chosen_sql}) c {' '.join(joins)}"  # noqa: S608  # nosec B608
    return sql, [*chosen_params, *params]


_PICKED = ", ".join(f"x.{c}" for c in (*RUNNING_COUNTERS, "substances"))


def _bound_joins(table: str, n: int) -> list[str]:
    """The joins that read bound day n (two parameters, both the day): e{n}, the chart's running
    row on that day if there is one, and b{n}, the latest row before it, looked for only when
    there is none (see `_running_query`)."""
    if connection.vendor == "postgresql":
        exact = f"SELECT x.client_id, {_PICKED} FROM {table} x WHERE x.day = %s::date"  # noqa: S608  # nosec B608
        before = (
            f"SELECT {_PICKED} FROM {table} x "  # noqa: S608  # nosec B608
            f"WHERE e{n}.client_id IS NULL AND x.client_id = c.id AND x.day < %s::date "
            "ORDER BY x.day DESC LIMIT 1"
        )
        return [
            f"LEFT JOIN ({exact}) e{n} ON e{n}.client_id = c.id",
            f"LEFT JOIN LATERAL ({before}) b{n} ON true",
        ]
    before = (
        f"SELECT x.id FROM {table} x "  # noqa: S608  # nosec B608
        "WHERE x.client_id = c.id AND x.day < %s ORDER BY x.day DESC LIMIT 1"
    )
    return [
        f"LEFT JOIN {table} e{n} ON e{n}.day = %s AND e{n}.client_id = c.id",
        f"LEFT JOIN {table} b{n} ON b{n}.id = CASE WHEN e{n}.id IS NULL THEN ({before}) END",
    ]


_CHART = 4  # result columns before the windows': id, chart number, thresholds, row number
_WIDTH = len(RUNNING_COUNTERS) + 2  # result columns per window
_BASES = (_CHART, _CHART + _WIDTH)  # where the current and the previous window's columns start


def _window_sums(values) -> OutcomeSums | None:
    """OutcomeSums from one window's columns of the running query (None: no known day)."""
    (
        known,
        no_use,
        drinking,
        heavy_f,
        heavy_m,
        grams,
        plan,
        within,
        money,
        end_substances,
        start_substances,
    ) = values
    if not known:
        return None
    substances = _substance_days(end_substances, start_substances)
    return OutcomeSums.trusted(
        known_days=known,
        no_use_days=no_use,
        drinking_days=drinking,
        heavy_days_female=heavy_f,
        heavy_days_male=heavy_m,
        # no drinking day in the window: exactly 0, not a float difference of equal sums
        alcohol_grams=grams if drinking else 0.0,
        plan_days=plan,
        within_plan_days=within,
        money_spent=Decimal(money).scaleb(-2),
        substance_use_days=substances,  # sorted by name, no zeros (as the text is)
    )


def window_sums(clients, windows: list[Window]) -> list[dict[int, OutcomeSums]]:
    """OutcomeSums per chart of `clients` (a queryset) for each window, in one query.

    Charts with no known day in a window are absent from its dict. Integer counts and money
    (whole cents) are exact differences; grams are a difference of float running sums (equal to a
    direct sum up to rounding in the last bits, as OutcomeSums.__eq__ allows).
    """
    results: list[dict[int, OutcomeSums]] = [{} for _ in windows]
    for row in _running_rows(clients, windows):
        pk = row[0]
        for n, result in enumerate(results):
            base = _CHART + n * _WIDTH
            sums = _window_sums(row[base : base + _WIDTH])
            if sums is not None:
                result[pk] = sums
    return results


def window_sums_by_client(clients, window: Window) -> dict[int, OutcomeSums]:
    """OutcomeSums per chart of `clients` over any one window (see `window_sums`)."""
    return window_sums(clients, [window])[0]


def outcome_report(clients, *, today: datetime.date, weeks: int, country: str) -> list[ReportRow]:
    """One row per client: the last `weeks` weeks (this week included) against the weeks before.

    `clients` is a queryset of the charts to include (already limited to what the user may see).
    """
    previous, current = Window.weeks_back(today, weeks)
    return window_report(clients, current=current, previous=previous, country=country)


_SUBSTANCE_COUNT = re.compile(r"([^,:]+):(\d+)")  # "alcohol:12,cannabis:3" (substances_text)


def _substance_days(end: str | None, start: str | None) -> dict[str, int]:
    """Use days per substance in a window from the running texts at its end and before it
    (sorted by name, no zeros, as the text is). Counts only grow, so each name before the
    window is in the end text; usually the names are the same and the pairs line up."""
    if end == start or not end:
        return {}
    after = _SUBSTANCE_COUNT.findall(end)
    if not start:
        return {name: int(count) for name, count in after}
    before = _SUBSTANCE_COUNT.findall(start)
    days = {}
    if len(before) == len(after):
        for (name, count), (other, earlier) in zip(after, before, strict=True):
            if name != other:
                break
            if count != earlier:  # no leading zeros: equal text is equal counts
                days[name] = int(count) - int(earlier)
        else:
            return days
        days = {}
    earlier = {name: int(count) for name, count in before}
    for name, count in after:
        count = int(count)
        if count != earlier.get(name, 0):
            days[name] = count - earlier.get(name, 0)
    return days


def _running_rows(clients, windows: list[Window]) -> list[tuple]:
    """The running query's plain rows, in the order of `clients` (see `_running_query`)."""
    query = _running_query(clients, windows)
    if query is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*query)
        rows = cursor.fetchall()
    # The joins keep the charts' order on both engines; SQL does not promise it, the row number
    # does (a sort of rows already in order costs one pass).
    rows.sort(key=_row_number)
    return rows


def _row_number(row: tuple) -> int:
    return row[3]


def window_report(clients, *, current: Window, previous: Window, country: str) -> list[ReportRow]:
    """One row per client: any window against any other (a quarter from a Wednesday, a baseline
    month against the last 30 days). One query, however many clients and however long the
    windows: the charts with the running-total differences of both windows (`_running_query`).

    The same numbers as `outcomes_from_sums(window_sums(...))` (tested), built straight from the
    query's tuples by `outcomes_maker` (no OutcomeSums per person and window).
    """
    makers: dict[str, tuple] = {}
    zero = Decimal(0)
    make_row = tuple.__new__  # ReportRow(...) without the generated __new__'s call
    rows = []
    for values in _running_rows(clients, [current, previous]):
        # One unpacking per row: the chart's columns, then each window's (see _WIDTH).
        (
            pk,
            chart_number,
            thresholds,
            _,
            known,
            no_use,
            drinking,
            heavy_f,
            heavy_m,
            grams,
            plan,
            within,
            cents,
            end,
            start,
            known_b,
            no_use_b,
            drinking_b,
            heavy_f_b,
            heavy_m_b,
            grams_b,
            plan_b,
            within_b,
            cents_b,
            end_b,
            start_b,
        ) = values
        make = makers.get(thresholds)
        if make is None:
            make = makers[thresholds] = tuple(
                outcomes_maker(thresholds=thresholds, country=country, window_days=w.days)
                for w in (current, previous)
            )
        if known:
            now = make[0](
                known,
                no_use,
                drinking,
                heavy_f,
                heavy_m,
                grams if drinking else 0.0,  # no drinking day: exactly 0, as in _window_sums
                plan,
                within,
                Decimal(cents).scaleb(-2) if cents else zero,
                partial(_substance_days, end, start),
            )
        else:  # no known day in the window (or no running row at all)
            now = make[0](0, 0, 0, 0, 0, 0.0, 0, 0, zero, {})
        if known_b:
            before = make[1](
                known_b,
                no_use_b,
                drinking_b,
                heavy_f_b,
                heavy_m_b,
                grams_b if drinking_b else 0.0,
                plan_b,
                within_b,
                Decimal(cents_b).scaleb(-2) if cents_b else zero,
                partial(_substance_days, end_b, start_b),
            )
        else:
            before = make[1](0, 0, 0, 0, 0, 0.0, 0, 0, zero, {})
        rows.append(make_row(ReportRow, (pk, chart_number, thresholds, now, before)))
    return rows


def weekly_rows(client_ids, starts: list[datetime.date]) -> dict[int, dict[datetime.date, dict]]:
    """Week rollup values per client and week (one query), for sparklines and trends."""
    result: dict[int, dict[datetime.date, dict]] = defaultdict(dict)
    for row in WeekRollup.objects.filter(
        client_id__in=client_ids, week_start__gte=starts[0], week_start__lte=starts[-1]
    ).values("client_id", "week_start", *SUM_FIELDS):
        result[row["client_id"]][row["week_start"]] = row
    return result


def weekly_sums_for(client, starts: list[datetime.date]) -> list[tuple[datetime.date, OutcomeSums]]:
    """One person's OutcomeSums for each of the given weeks (empty sums for weeks not reported)."""
    rows = weekly_rows([client.pk], starts).get(client.pk, {})
    substances: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for start, substance, days in WeekSubstanceRollup.objects.filter(
        client=client, week_start__gte=starts[0], week_start__lte=starts[-1]
    ).values_list("week_start", "substance", "use_days"):
        substances[start][substance] = days
    return [
        (
            start,
            sums_from_row(rows[start], substances.get(start)) if start in rows else OutcomeSums(),
        )
        for start in starts
    ]
