"""The outcome report of any window, read from running totals, equals a plain computation from the
raw diary rows; the running totals stay right after any sequence of writes; the report page's
window chooser validates its dates."""

import contextlib
import csv
import datetime
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from waypoint.clients.models import Client
from waypoint.diary import actions, reports, rollups
from waypoint.diary.models import DayRollup, DiaryEntry, RunningTotal
from waypoint.diary.outcomes import OutcomeSums, outcomes_from_sums
from waypoint.diary.reports import Window, window_report, window_sums_by_client
from waypoint.goals import actions as goal_actions

START = datetime.date(2026, 3, 4)  # a Wednesday
SPAN = 40  # days of diary the random writes land on


def reference_sums(client, window: Window) -> OutcomeSums | None:
    """Straight from the raw rows, one day at a time: no rollup code involved.

    Plan status is the only value taken from the day rollups (test_rollups checks it there).
    """
    by_day = defaultdict(list)
    for entry in DiaryEntry.objects.filter(client=client):
        if window.first <= entry.day <= window.last:
            by_day[entry.day].append(entry)
    if not by_day:
        return None
    plans = dict(
        DayRollup.objects.filter(client=client, day__in=list(by_day)).values_list(
            "day", "within_plan"
        )
    )
    known = no_use = drinking = heavy_f = heavy_m = plan_days = within = 0
    grams_total = 0.0
    money = Decimal(0)
    substances = defaultdict(int)
    for day, entries in by_day.items():
        known += 1
        uses = [e for e in entries if e.kind == "use"]
        grams = sum(e.alcohol_grams or 0.0 for e in uses if e.substance == "alcohol")
        used = {e.substance for e in uses if e.substance != "alcohol"}
        if grams > 0:
            used.add("alcohol")
            drinking += 1
            grams_total += grams
            heavy_f += grams >= 56
            heavy_m += grams >= 70
        if not used:
            no_use += 1
        for name in used:
            substances[name] += 1
        money += sum((e.money_spent or Decimal(0)) for e in entries)
        if plans[day] is not None:
            plan_days += 1
            within += bool(plans[day])
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
        substance_use_days=substances,
    )


def _running_snapshot(client):
    rows = RunningTotal.objects.filter(client=client).order_by("day")
    return [
        (*row[:6], round(row[6], 6), *row[7:])
        for row in rows.values_list(
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
    ]


operations = st.lists(
    st.tuples(
        st.sampled_from(
            ["add_alcohol", "add_cannabis", "add_opioids", "no_use", "edit", "move", "delete"]
        ),
        st.integers(min_value=0, max_value=SPAN - 1),  # day offset
        st.integers(min_value=1, max_value=9),  # amount
        st.integers(min_value=0, max_value=60),  # which entry to edit/delete
        st.sampled_from([None, "4.50", "12.25", "0.99"]),  # money
    ),
    min_size=1,
    max_size=30,
)
windows = st.lists(
    st.tuples(
        st.integers(min_value=-10, max_value=SPAN + 5),  # first day, relative to START
        st.integers(min_value=1, max_value=SPAN + 10),  # length in days
    ),
    min_size=1,
    max_size=6,
)


def _apply(chart, by, ops):
    for op, offset, amount, pick, money in ops:
        day = START + datetime.timedelta(days=offset)
        entries = list(DiaryEntry.objects.filter(client=chart).order_by("pk"))
        money = None if money is None else Decimal(money)
        if op == "add_alcohol":
            actions.add_entry(
                chart,
                by=by,
                source="clinician",
                day=day,
                substance="alcohol",
                amount=Decimal(amount),
                unit="drinks",
                money_spent=money,
            )
        elif op in ("add_cannabis", "add_opioids"):
            actions.add_entry(
                chart,
                by=by,
                source="client",
                day=day,
                substance=op.removeprefix("add_"),
                amount=Decimal(amount),
                unit="joints" if op == "add_cannabis" else "pills",
                money_spent=money,
            )
        elif op == "no_use":
            with contextlib.suppress(actions.DiaryConflict):  # use already recorded: refused
                actions.record_no_use(chart, by=by, source="client", day=day)
        elif op == "edit" and entries:
            entry = entries[pick % len(entries)]
            if entry.kind == "use":
                actions.update_entry(entry, by=by, amount=Decimal(amount))
        elif op == "move" and entries:
            entry = entries[pick % len(entries)]
            if entry.kind == "use":
                actions.update_entry(entry, by=by, day=day)
        elif op == "delete" and entries:
            actions.delete_entry(entries[pick % len(entries)], by=by)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=operations, spans=windows, with_goal=st.booleans())
def test_any_window_equals_a_plain_computation(client_chart, clinician, ops, spans, with_goal):
    DiaryEntry.objects.filter(client=client_chart).delete()
    client_chart.goals.all().delete()
    rollups.rebuild_rollups([client_chart.pk])
    if with_goal:
        goal_actions.choose_goal(
            client_chart,
            by=clinician,
            substance="alcohol",
            kind="moderation",
            started_on=START + datetime.timedelta(days=9),
            chosen_by_client=True,
            limit_unit="drinks",
            max_per_day=Decimal(3),
            max_use_days_per_week=3,
        )
    _apply(client_chart, clinician, ops)

    # Incremental maintenance (every write above) and the bulk rebuild write the same rows.
    incremental = _running_snapshot(client_chart)
    rollups.rebuild_rollups([client_chart.pk])
    assert _running_snapshot(client_chart) == incremental
    assert len(incremental) == DayRollup.objects.filter(client=client_chart).count()

    charts = Client.objects.filter(pk=client_chart.pk)
    for offset, length in spans:
        first = START + datetime.timedelta(days=offset)
        window = Window(first, first + datetime.timedelta(days=length - 1))
        expected = reference_sums(client_chart, window)
        got = window_sums_by_client(charts, window).get(client_chart.pk)
        assert got == expected, window
        # The report builds its Outcomes from the query's tuples: exactly outcomes_from_sums'.
        before = Window(first - datetime.timedelta(days=length), first - datetime.timedelta(days=1))
        (row,) = window_report(charts, current=window, previous=before, country="UK")
        for outcomes, span in ((row.current, window), (row.previous, before)):
            sums = window_sums_by_client(charts, span).get(client_chart.pk, OutcomeSums())
            assert outcomes == outcomes_from_sums(
                sums,
                thresholds=client_chart.drinking_thresholds,
                country="UK",
                window_days=span.days,
            ), span


@pytest.mark.django_db
def test_a_backdated_write_shifts_later_running_rows(client_chart, clinician):
    def drink(day, amount, money=None):
        return actions.add_entry(
            client_chart,
            by=clinician,
            source="clinician",
            day=day,
            substance="alcohol",
            amount=Decimal(amount),
            unit="drinks",
            money_spent=money,
        )

    drink(START, 2, Decimal("5.00"))
    drink(START + datetime.timedelta(days=20), 1)
    last = RunningTotal.objects.get(client=client_chart, day=START + datetime.timedelta(days=20))
    assert (last.known_days, last.drinking_days, last.money_cents) == (2, 2, 500)
    assert last.substances == "alcohol:2"
    entry = drink(START - datetime.timedelta(days=30), 6, Decimal("1.25"))
    last.refresh_from_db()
    assert (last.known_days, last.drinking_days, last.heavy_days_female) == (3, 3, 1)
    assert last.money_cents == 625 and last.substances == "alcohol:3"
    assert last.alcohol_grams == pytest.approx(9 * 14.0)
    actions.delete_entry(entry, by=clinician)
    last.refresh_from_db()
    assert (last.known_days, last.money_cents, last.substances) == (2, 500, "alcohol:2")


@pytest.mark.django_db
def test_window_report_reads_a_fixed_number_of_queries(clinic, clinician, client_chart):
    for n in range(5):
        chart = Client.objects.create(
            organization=clinic, chart_number=f"W-{n}", legal_name=f"Person {n}"
        )
        actions.add_entry(
            chart,
            by=clinician,
            source="clinician",
            day=START + datetime.timedelta(days=n),
            substance="alcohol",
            amount=Decimal(n + 1),
            unit="drinks",
        )
    charts = Client.objects.filter(organization=clinic)
    current = Window(START, START + datetime.timedelta(days=3))
    previous = Window(START - datetime.timedelta(days=30), START - datetime.timedelta(days=1))
    with CaptureQueriesContext(connection) as queries:
        rows = window_report(charts, current=current, previous=previous, country="US")
    assert len(queries) == 1  # the charts with both windows' running-total differences
    assert [r.chart_number for r in rows] == sorted(r.chart_number for r in rows)  # their order
    backwards = window_report(
        charts.order_by("-chart_number"), current=current, previous=previous, country="US"
    )
    assert [r.chart_number for r in backwards] == [r.chart_number for r in reversed(rows)]
    assert [r.current for r in backwards] == [r.current for r in reversed(rows)]
    by_number = {r.chart_number: r for r in rows}
    assert by_number["W-2"].current.days_reported == 1
    assert by_number["W-2"].current.total_drinks == pytest.approx(3)
    assert by_number["W-4"].current.days_reported == 0  # day 4 is after the window
    assert by_number["W-4"].current.days_unknown == 4
    assert by_number["W-0"].previous.days_reported == 0
    # No chart at all (a page of nobody, pk__in=[]): no rows and no error.
    nobody = charts.filter(pk__in=[])
    assert window_report(nobody, current=current, previous=previous, country="US") == []


def _charts_with_running_rows(clinic, charts: int, days: int):
    """Charts with a running row on each of `days` days from START (derived rows written directly:
    these tests read the query plan, not the numbers)."""
    made = [
        Client.objects.create(organization=clinic, chart_number=f"P-{n:02d}", legal_name=f"P {n}")
        for n in range(charts)
    ]
    RunningTotal.objects.bulk_create(
        RunningTotal(client=chart, day=START + datetime.timedelta(days=d), known_days=d + 1)
        for chart in made
        for d in range(days)
    )
    return Client.objects.filter(organization=clinic)


@pytest.mark.django_db
def test_touching_windows_share_one_lookup(clinic):
    charts = _charts_with_running_rows(clinic, 2, 60)
    current = Window(START + datetime.timedelta(days=30), START + datetime.timedelta(days=44))
    touching = Window(START + datetime.timedelta(days=15), START + datetime.timedelta(days=29))
    apart = Window(START + datetime.timedelta(days=10), START + datetime.timedelta(days=24))
    for previous, lookups in ((touching, 3), (apart, 4)):
        with CaptureQueriesContext(connection) as queries:
            rows = window_report(charts, current=current, previous=previous, country="US")
        (query,) = queries
        assert query["sql"].count("ORDER BY x.day DESC LIMIT 1") == lookups
        for row in rows:  # known_days = d + 1 on each day d: a window holds all its days
            assert (row.current.days_reported, row.previous.days_reported) == (15, 15)


def _bounds_cast(clinic, clinician):
    """Charts whose running rows make every kind of bound day: A has rows on days 0, 2, 3, 7 and
    10 (from START) with gaps between, cannabis on some and money; B has one row on day 5; C has
    none. Each bound of a window is then a day with A's row on it (read by the (day, client)
    index), a day in a gap or after the last row (the backward seek), or before the first row."""
    a, b, c = (
        Client.objects.create(organization=clinic, chart_number=f"K-{n}", legal_name=f"K {n}")
        for n in "ABC"
    )
    _apply(
        a,
        clinician,
        [
            ("add_alcohol", 0, 2, 0, "4.50"),
            ("add_cannabis", 2, 1, 0, None),
            ("add_alcohol", 3, 6, 0, "12.25"),
            ("no_use", 7, 1, 0, None),
            ("add_cannabis", 10, 3, 0, "0.99"),
            ("add_alcohol", 10, 5, 0, None),
        ],
    )
    _apply(b, clinician, [("add_opioids", 5, 1, 0, "4.50")])
    return [a, b, c]


@pytest.mark.django_db
def test_every_kind_of_bound_day_gives_the_plain_sums(clinic, clinician):
    """Windows starting and ending on every day from before the first row to after the last, each
    against the window touching it and one apart: the report equals the raw rows' sums."""
    cast = _bounds_cast(clinic, clinician)
    charts = Client.objects.filter(organization=clinic, chart_number__startswith="K-")
    expected = {}
    for chart in cast:
        for first in range(-3, 14):
            for last in range(first, 14):
                window = Window(
                    START + datetime.timedelta(days=first), START + datetime.timedelta(days=last)
                )
                expected[chart.pk, window] = reference_sums(chart, window) or OutcomeSums()
    checked = 0
    for first in range(-3, 14):
        for last in range(first, 14):
            current = Window(
                START + datetime.timedelta(days=first), START + datetime.timedelta(days=last)
            )
            touching = Window(
                current.first - datetime.timedelta(days=3),
                current.first - datetime.timedelta(days=1),
            )
            apart = Window(
                current.first - datetime.timedelta(days=6),
                current.first - datetime.timedelta(days=5),
            )
            for previous in (touching, apart):
                rows = window_report(charts, current=current, previous=previous, country="US")
                assert [r.chart_number for r in rows] == ["K-A", "K-B", "K-C"]
                for chart, row in zip(cast, rows, strict=True):
                    for outcomes, window in ((row.current, current), (row.previous, previous)):
                        sums = expected.get((chart.pk, window))
                        if sums is None:
                            sums = reference_sums(chart, window) or OutcomeSums()
                        assert outcomes == outcomes_from_sums(
                            sums,
                            thresholds=chart.drinking_thresholds,
                            country="US",
                            window_days=window.days,
                        ), (chart.chart_number, window)
                        checked += 1
    assert checked == 3 * 2 * 2 * sum(14 - first for first in range(-3, 14))


@pytest.mark.django_db
def test_window_sums_read_the_row_on_a_bound_day_and_otherwise_the_latest_before(clinic, clinician):
    a, b, c = _bounds_cast(clinic, clinician)
    charts = Client.objects.filter(organization=clinic, chart_number__startswith="K-")

    def sums(first, last):
        window = Window(
            START + datetime.timedelta(days=first), START + datetime.timedelta(days=last)
        )
        return window_sums_by_client(charts, window)

    both_on_rows = sums(3, 7)[a.pk]  # ends on A's row of day 7, the day before it starts is 2
    assert (both_on_rows.known_days, both_on_rows.no_use_days) == (2, 1)
    assert both_on_rows.money_spent == Decimal("12.25")
    assert dict(both_on_rows.substance_use_days) == {"alcohol": 1}
    in_gaps = sums(5, 9)  # ends in A's gap (latest row: day 7), starts after A's row of day 3
    assert in_gaps[a.pk].known_days == 1 and in_gaps[a.pk].no_use_days == 1
    assert in_gaps[b.pk].known_days == 1 and dict(in_gaps[b.pk].substance_use_days) == {
        "opioids": 1
    }
    assert c.pk not in in_gaps  # no running row at all
    after_the_last = sums(8, 30)[a.pk]  # after A's last row: the last row minus the day 7 one
    assert after_the_last.known_days == 1
    assert dict(after_the_last.substance_use_days) == {"alcohol": 1, "cannabis": 1}
    before_the_first = sums(-10, -1)
    assert before_the_first == {}
    from_the_start = sums(-10, 2)[a.pk]  # nothing before day 0: the end row itself
    assert from_the_start.known_days == 2
    assert dict(from_the_start.substance_use_days) == {"alcohol": 1, "cannabis": 1}
    assert from_the_start.money_spent == Decimal("4.50")


def _exact_day_index_only_scans(plan):
    """Index-only scans of the running totals whose condition fixes the day."""
    lines = plan.splitlines()
    scans = 0
    for number, line in enumerate(lines):
        if "Index Only Scan using" in line and "diary_runningtotal" in line:
            condition = next((later for later in lines[number + 1 :] if "Index Cond:" in later), "")
            scans += "(day = '" in condition
    return scans


@pytest.mark.django_db
def test_the_report_reads_bound_days_by_index_only(clinic):
    charts = _charts_with_running_rows(clinic, 30, 60)
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE diary_runningtotal" if connection.vendor == "postgresql" else "ANALYZE"
        )
    current = Window(START + datetime.timedelta(days=30), START + datetime.timedelta(days=50))
    previous = Window(START + datetime.timedelta(days=3), START + datetime.timedelta(days=12))
    with CaptureQueriesContext(connection) as queries:
        window_report(charts, current=current, previous=previous, country="US")
    (query,) = queries
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n".join(line for (line,) in cursor.fetchall())
            # The planner may take either covering index for an exact-day lookup (which one
            # depends on its statistics); what matters is that each bound day is read by
            # index only, with an equality on the day, and the heap is never scanned.
            assert _exact_day_index_only_scans(plan) == 4, plan
        else:
            sql, params = reports._running_query(charts, [current, previous])
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = "\n".join(row[-1] for row in cursor.fetchall())
            assert plan.count("USING COVERING INDEX running_total_by_day") == 4, plan
    assert "Seq Scan on diary_runningtotal" not in plan and "SCAN diary_runningtotal" not in plan


@pytest.mark.django_db
def test_by_day_index_carries_every_column_the_report_reads():
    columns = [*rollups.RUNNING_COUNTERS, "substances"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_indexdef('running_total_by_day'::regclass)")
            (definition,) = cursor.fetchone()
            assert definition.endswith(f"(day, client_id) INCLUDE ({', '.join(columns)})")
        else:
            cursor.execute("PRAGMA index_info('running_total_by_day')")
            names = [row[2] for row in cursor.fetchall()]
            assert names == ["day", "client_id", *columns]
    other = {f.column for f in RunningTotal._meta.concrete_fields} - {"id", "client_id", "day"}
    assert set(columns) == other  # a new column belongs in this index too


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL: a covering (INCLUDE) index"
)


@postgresql_only
@pytest.mark.django_db
def test_running_index_includes_every_column_the_report_reads():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('unique_running_total'::regclass)")
        (definition,) = cursor.fetchone()
    key, _, included = definition.partition(" INCLUDE ")
    assert key.startswith("CREATE UNIQUE INDEX unique_running_total ")
    assert key.endswith("(client_id, day)")
    columns = {f.column for f in RunningTotal._meta.concrete_fields} - {"id", "client_id", "day"}
    assert included.strip("()").split(", ") == [*rollups.RUNNING_COUNTERS, "substances"]
    assert set(included.strip("()").split(", ")) == columns  # a new column belongs here too


@postgresql_only
@pytest.mark.django_db
def test_report_seeks_are_index_only_scans_on_postgresql(clinic):
    charts = _charts_with_running_rows(clinic, 30, 200)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE diary_runningtotal")
    current = Window(START + datetime.timedelta(days=100), START + datetime.timedelta(days=190))
    previous = Window(START + datetime.timedelta(days=3), START + datetime.timedelta(days=32))
    with CaptureQueriesContext(connection) as queries:
        window_report(charts, current=current, previous=previous, country="US")
    (query,) = queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query["sql"])  # the statement as sent, parameters bound
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert plan.count("Index Only Scan Backward using unique_running_total") == 4, plan
    assert "Seq Scan on diary_runningtotal" not in plan, plan


# The page's window chooser ----------------------------------------------------------------


def _drink(chart, by, day, amount):
    actions.add_entry(
        chart,
        by=by,
        source="clinician",
        day=day,
        substance="alcohol",
        amount=Decimal(amount),
        unit="drinks",
    )


def test_report_page_compares_chosen_windows(login, admin, clinician, client_chart):
    today = client_chart.organization.today()
    wednesday = today - datetime.timedelta(days=today.weekday() + 5)  # last week's Wednesday
    _drink(client_chart, clinician, wednesday, 4)
    _drink(client_chart, clinician, wednesday - datetime.timedelta(days=40), 8)
    web = login(admin)
    chosen = {
        "current_from": wednesday.isoformat(),
        "current_to": (wednesday + datetime.timedelta(days=2)).isoformat(),
        "previous_from": (wednesday - datetime.timedelta(days=45)).isoformat(),
        "previous_to": (wednesday - datetime.timedelta(days=16)).isoformat(),
    }
    response = web.get(reverse("diary-report"), chosen)
    assert response.status_code == 200
    ((chart, row),) = response.context["rows"]
    assert chart == client_chart
    assert row.current.window_days == 3 and row.current.days_reported == 1
    assert row.current.total_drinks == pytest.approx(4)
    assert row.previous.window_days == 30 and row.previous.total_drinks == pytest.approx(8)
    assert row.who_change is not None and row.who_change < 0
    assert "compared with" in response.content.decode()
    download = web.get(reverse("diary-report"), {**chosen, "download": "csv"})
    assert download.status_code == 200
    assert wednesday.isoformat() in download["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert lines[1][0] == client_chart.chart_number and lines[1][1] == "1"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"current_to": "2026-01-01"}, "current_to", "before the start"),
        ({"previous_to": "2025-01-01"}, "previous_to", "before the start"),
        ({"previous_from": ""}, "previous_from", "all four dates"),
        ({"current_to": "2999-01-01"}, "current_to", "in the future"),
        ({"current_from": "not a date"}, "current_from", "valid date"),
        ({"previous_from": "1990-01-01"}, "previous_to", "ten years"),
    ],
)
def test_report_window_errors(login, admin, client_chart, change, field, message):
    chosen = {
        "current_from": "2026-02-04",
        "current_to": "2026-02-20",
        "previous_from": "2025-11-05",
        "previous_to": "2025-12-31",
        **change,
    }
    response = login(admin).get(reverse("diary-report"), chosen)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in " ".join(errors[field])
    assert response.context["rows"] == []


@pytest.mark.django_db
def test_migrate_builds_running_totals_missing_from_an_older_database(client_chart, clinician):
    """A database upgraded from before diary/0003 has rollups but no running totals."""
    from waypoint.diary import actions as diary_actions
    from waypoint.diary.apps import build_missing_running_totals
    from waypoint.diary.models import DayRollup, RunningTotal

    day = client_chart.organization.today() - datetime.timedelta(days=3)
    diary_actions.record_no_use(client_chart, by=clinician, source="clinician", day=day)
    assert DayRollup.objects.exists()
    RunningTotal.objects.all().delete()
    build_missing_running_totals(sender=None)
    assert RunningTotal.objects.filter(client=client_chart).exists()
