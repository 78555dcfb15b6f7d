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
