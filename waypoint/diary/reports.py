"""Outcomes read from the rollups: one person's windows, many people's weeks, the staff report.

Everything here reads `DayRollup` / `WeekRollup` / `WeekSubstanceRollup` (never raw entries) and
turns totals into rates with `outcomes_from_sums`, so the chart, the portal, the caseload, the
report page and `make bench` compute the same numbers the same way.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from waypoint.diary.models import DayRollup, WeekRollup, WeekSubstanceRollup
from waypoint.diary.outcomes import (
    DayRecord,
    Outcomes,
    OutcomeSums,
    outcomes_from_sums,
    summarize_days,
    who_level_change,
)
from waypoint.diary.rollups import week_start

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


@dataclass(frozen=True)
class ReportRow:
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


def outcome_report(clients, *, today: datetime.date, weeks: int, country: str) -> list[ReportRow]:
    """One row per client: the last `weeks` weeks (this week included) against the weeks before.

    `clients` is a queryset of the charts to include (already limited to what the user may see).
    Three queries, however many clients: the charts, the week sums, the substance sums.
    """
    starts = week_starts(today, 2 * weeks)
    prev_first, prev_last = starts[0], starts[weeks - 1]
    cur_first, cur_last = starts[weeks], starts[-1]
    charts = list(clients.values_list("pk", "chart_number", "drinking_thresholds"))
    ids = clients.values("pk")
    current = sums_by_client(ids, cur_first, cur_last)
    previous = sums_by_client(ids, prev_first, prev_last)
    cur_days = (today - cur_first).days + 1
    prev_days = 7 * weeks
    empty = OutcomeSums()
    rows = []
    for pk, chart_number, thresholds in charts:
        rows.append(
            ReportRow(
                client_id=pk,
                chart_number=chart_number,
                thresholds=thresholds,
                current=outcomes_from_sums(
                    current.get(pk, empty),
                    thresholds=thresholds,
                    country=country,
                    window_days=cur_days,
                ),
                previous=outcomes_from_sums(
                    previous.get(pk, empty),
                    thresholds=thresholds,
                    country=country,
                    window_days=prev_days,
                ),
            )
        )
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
