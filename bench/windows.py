"""`make bench`, part 2: the outcome report of two windows that start and end mid-week.

The recent window is a quarter (13 weeks less a day) from a Wednesday to the last Thursday before
today; the baseline is a month (30 days) from a Tuesday near the start of the data to a Wednesday.
DuckDB computes the same report straight from the raw rows (the SQL of `run.duckdb_report` with
the windows as its bounds); Waypoint reads `waypoint.diary.reports.window_report`, which takes two
running-total lookups per person and window, whatever the windows' lengths.
"""

import datetime
import time

from bench import run


def mid_week_windows(data: dict) -> tuple[tuple, tuple]:
    """((previous first, last), (current first, last)) as dates, inside the generated span."""
    today = datetime.date.fromisoformat(data["today"])
    first_day = datetime.date.fromisoformat(data["first"])
    days = data["days"]
    # Current: ends on the last Thursday before today, starts on a Wednesday (86 days at most).
    last = today - datetime.timedelta(days=(today.weekday() - 3) % 7 or 7)
    length = 86 if days >= 240 else max(2, 7 * (days // 21) + 2)
    first = last - datetime.timedelta(days=length - 1)
    # Previous: from the first Tuesday a few days into the data, 30 days (or what fits).
    start = first_day + datetime.timedelta(days=3)
    base_first = start + datetime.timedelta(days=(1 - start.weekday()) % 7)
    base_last = min(base_first + datetime.timedelta(days=29), first - datetime.timedelta(days=1))
    return (base_first, base_last), (first, last)


def duckdb_window_report(data: dict, repeats: int = run.REPEATS) -> tuple[float, dict]:
    previous, current = mid_week_windows(data)
    return run.duckdb_report(data, previous=previous, current=current, repeats=repeats)


def app_window_report(
    org, offset: int, data: dict, repeats: int = run.REPEATS
) -> tuple[float, dict]:
    """Time waypoint.diary.reports.window_report for every client of `org` (best of `repeats`)."""
    from waypoint.clients.models import Client
    from waypoint.diary.reports import Window, window_report

    previous, current = (Window(*w) for w in mid_week_windows(data))
    charts = Client.objects.filter(organization=org)
    best, rows = None, None
    for _ in range(repeats):
        started = time.perf_counter()
        rows = window_report(charts, current=current, previous=previous, country="US")
        elapsed = time.perf_counter() - started
        best = elapsed if best is None else min(best, elapsed)
    return best, run.report_results(rows, offset)
