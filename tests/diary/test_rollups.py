"""Rollups stay equal to the raw diary rows, whatever sequence of writes happened."""

import contextlib
import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waypoint.diary import actions, rollups
from waypoint.diary.models import DayRollup, DiaryEntry, WeekRollup, WeekSubstanceRollup
from waypoint.diary.outcomes import summarize_days
from waypoint.diary.reports import SUM_FIELDS, day_records, sums_by_client, sums_from_row
from waypoint.goals import actions as goal_actions

START = datetime.date(2026, 3, 2)  # a Monday
US_DRINK = 14.0


def _snapshot(client):
    days = sorted(
        DayRollup.objects.filter(client=client).values_list(
            "day", "alcohol_grams", "substances", "within_plan", "money_spent", "entries"
        )
    )
    weeks = sorted(
        WeekRollup.objects.filter(client=client).values_list(
            "week_start",
            "known_days",
            "no_use_days",
            "drinking_days",
            "heavy_days_female",
            "heavy_days_male",
            "plan_days",
            "within_plan_days",
            "money_spent",
        )
    )
    grams = sorted(
        WeekRollup.objects.filter(client=client).values_list("week_start", "alcohol_grams")
    )
    subs = sorted(
        WeekSubstanceRollup.objects.filter(client=client).values_list(
            "week_start", "substance", "use_days"
        )
    )
    return days, weeks, [(w, round(g, 6)) for w, g in grams], subs


def _naive_weeks(client):
    """Recompute week totals straight from the raw rows, independently of the rollup code."""
    by_day = defaultdict(list)
    for entry in DiaryEntry.objects.filter(client=client):
        by_day[entry.day].append(entry)
    weeks = defaultdict(lambda: defaultdict(int))
    for day, entries in by_day.items():
        week = weeks[day - datetime.timedelta(days=day.weekday())]
        grams = sum(e.alcohol_grams for e in entries if e.kind == "use")
        used = {e.substance for e in entries if e.kind == "use" and e.substance != "alcohol"}
        if grams > 0:
            used.add("alcohol")
        week["known_days"] += 1
        week["no_use_days"] += 0 if used else 1
        week["drinking_days"] += grams > 0
        week["heavy_days_female"] += grams >= 56
        week["heavy_days_male"] += grams >= 70
        week["alcohol_grams"] += grams
        week["money_spent"] += sum((e.money_spent or 0) for e in entries)
        for substance in used:
            week[f"use:{substance}"] += 1
    return weeks


operations = st.lists(
    st.tuples(
        st.sampled_from(["add_alcohol", "add_cannabis", "no_use", "edit", "delete"]),
        st.integers(min_value=0, max_value=20),  # day offset
        st.integers(min_value=1, max_value=8),  # amount
        st.integers(min_value=0, max_value=50),  # which entry to edit/delete
    ),
    min_size=1,
    max_size=25,
)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations, with_goal=st.booleans())
def test_rollups_equal_recomputation_after_random_writes(client_chart, clinician, ops, with_goal):
    DiaryEntry.objects.filter(client=client_chart).delete()
    client_chart.goals.all().delete()
    rollups.rebuild_rollups([client_chart.pk])
    if with_goal:
        goal_actions.choose_goal(
            client_chart,
            by=clinician,
            substance="alcohol",
            kind="moderation",
            started_on=START,
            chosen_by_client=True,
            limit_unit="drinks",
            max_per_day=Decimal(3),
            max_use_days_per_week=3,
        )
    for op, offset, amount, pick in ops:
        day = START + datetime.timedelta(days=offset)
        entries = list(DiaryEntry.objects.filter(client=client_chart).order_by("pk"))
        if op == "add_alcohol":
            actions.add_entry(
                client_chart,
                by=clinician,
                source="clinician",
                day=day,
                substance="alcohol",
                amount=Decimal(amount),
                unit="drinks",
                money_spent=Decimal("4.50"),
            )
        elif op == "add_cannabis":
            actions.add_entry(
                client_chart,
                by=clinician,
                source="client",
                day=day,
                substance="cannabis",
                amount=Decimal(amount),
                unit="joints",
            )
        elif op == "no_use":
            with contextlib.suppress(actions.DiaryConflict):  # use already recorded: refused
                actions.record_no_use(client_chart, by=clinician, source="client", day=day)
        elif op == "edit" and entries:
            entry = entries[pick % len(entries)]
            if entry.kind == "use":
                actions.update_entry(entry, by=clinician, day=day, amount=Decimal(amount))
        elif op == "delete" and entries:
            actions.delete_entry(entries[pick % len(entries)], by=clinician)

    incremental = _snapshot(client_chart)
    # 1. The bulk rebuild (a different code path: one streaming SQL read) gives the same rows.
    rollups.rebuild_rollups([client_chart.pk])
    assert _snapshot(client_chart) == incremental
    # 2. A naive recomputation from the raw rows gives the same week totals.
    naive = _naive_weeks(client_chart)
    weeks = {row.week_start: row for row in WeekRollup.objects.filter(client=client_chart)}
    assert set(weeks) == set(naive)
    subs = {
        (w, s): d
        for w, s, d in WeekSubstanceRollup.objects.filter(client=client_chart).values_list(
            "week_start", "substance", "use_days"
        )
    }
    for start, expected in naive.items():
        row = weeks[start]
        for name in (
            "known_days",
            "no_use_days",
            "drinking_days",
            "heavy_days_female",
            "heavy_days_male",
        ):
            assert getattr(row, name) == expected[name], name
        assert row.alcohol_grams == pytest.approx(expected["alcohol_grams"])
        assert row.money_spent == expected["money_spent"]
        for key, value in expected.items():
            if key.startswith("use:"):
                assert subs[(start, key[4:])] == value
        assert sum(d for (w, _), d in subs.items() if w == start) == sum(
            v for k, v in expected.items() if k.startswith("use:")
        )
    # 3. Each week row equals outcomes.summarize_days over that week's day records.
    records = day_records(
        client_chart, START - datetime.timedelta(days=7), START + datetime.timedelta(days=28)
    )
    for start, row in weeks.items():
        expected = summarize_days(
            r for r in records if r.day - datetime.timedelta(days=r.day.weekday()) == start
        )
        got = sums_from_row(
            {f: getattr(row, f) for f in SUM_FIELDS},
            {s: d for (w, s), d in subs.items() if w == start},
        )
        assert got == expected
    # 4. Reading the sums with SQL SUM agrees with adding the weeks up.
    total = sums_by_client(
        [client_chart.pk], START - datetime.timedelta(days=7), START + datetime.timedelta(days=28)
    )
    if naive:
        assert total[client_chart.pk].known_days == sum(w["known_days"] for w in naive.values())
    else:
        assert total == {}
