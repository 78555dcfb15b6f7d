"""The bench's code path at a tiny size (not timed): generate, load, roll up, report, and agree
with DuckDB computing the same numbers from the raw rows."""

import datetime

import pytest

from bench import run as bench
from waypoint.diary.rollups import rebuild_rollups


@pytest.mark.django_db
def test_bench_code_path_agrees_with_duckdb(tmp_path):
    today = datetime.date(2026, 11, 25)  # a Wednesday: the current week is partial
    data = bench.generate(tmp_path, clients=20, days=30, today=today)
    assert data["rows"] > 20 * 30 * 0.7
    weeks = bench.report_weeks(30)
    _, duck = bench.duckdb_report(data, weeks)
    org, offset = bench.load_into_django(data)
    rebuild_rollups(org.clients.values_list("pk", flat=True))
    _, ours = bench.app_report(org, offset, data, weeks)
    assert len(ours) == len(duck) > 20
    assert bench.compare(ours, duck) == []
    # The comparison itself notices a wrong number.
    key = next(iter(ours))
    ours[key] = dict(ours[key], known=ours[key]["known"] + 1)
    assert bench.compare(ours, duck)


@pytest.mark.django_db
@pytest.mark.parametrize("days", [60, 400])
def test_bench_mid_week_windows_agree_with_duckdb(tmp_path, days):
    from bench import windows

    today = datetime.date(2026, 11, 25)
    data = bench.generate(tmp_path, clients=12, days=days, today=today)
    (p_first, p_last), (c_first, c_last) = windows.mid_week_windows(data)
    first_day = datetime.date.fromisoformat(data["first"])
    assert first_day <= p_first <= p_last < c_first <= c_last < today
    for day in (p_first, p_last, c_first, c_last):
        assert day.weekday() in (1, 2, 3)  # Tuesday to Thursday: never a whole week
    _, duck = windows.duckdb_window_report(data)
    org, offset = bench.load_into_django(data)
    rebuild_rollups(org.clients.values_list("pk", flat=True))
    _, ours = windows.app_window_report(org, offset, data)
    assert len(ours) == len(duck) > 12
    assert bench.compare(ours, duck) == []
