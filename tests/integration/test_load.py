"""`make load` at a tiny size: the whole run (throw-away PostgreSQL database, demo data, two
gunicorn processes, clients checking in, clinicians signing in with two-factor and scoring a
measure) for 3 seconds with 4 people, and its one result line."""

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from bench import load

LINE = re.compile(
    r"^load: (\d+) requests, (\d+) errors, (\d+) lost writes, p95 (\d+) ms, ([\d.]+) x bare$"
)


def _postgres_reachable() -> bool:
    try:
        with psycopg.connect(load.PG_URL.rstrip("/") + "/postgres", connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@pytest.mark.slow
def test_load_run_reports_one_line_without_errors_or_lost_writes():
    if not _postgres_reachable():
        pytest.skip(f"no PostgreSQL at {load.PG_URL}")
    env = {**os.environ, "LOAD_SECONDS": "3", "LOAD_USERS": "4"}
    for name in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "WAYPOINT_ENV", "WAYPOINT_VAR_DIR"):
        env.pop(name, None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.load"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout + result.stderr[-3000:]
    match = LINE.match(lines[0])
    assert match, lines[0]
    requests, errors, lost, p95, ratio = match.groups()
    assert (errors, lost) == ("0", "0"), result.stderr[-3000:]
    assert result.returncode == 0
    assert int(requests) >= 10 and int(p95) > 0 and 0 < float(ratio) < 1
    # Both kinds of write were made and found.
    assert re.search(r"accepted [1-9]\d* check-ins \([1-9]\d* rows\)", result.stderr)
    assert re.search(r"[1-9]\d* measures \([1-9]\d* rows\)", result.stderr)
    # The throw-away database is gone.
    with psycopg.connect(load.PG_URL.rstrip("/") + "/postgres", autocommit=True) as conn:
        left = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'waypoint_load_%%'"
        ).fetchone()[0]
    assert left == 0


def test_bad_settings_are_one_line_errors(monkeypatch):
    monkeypatch.setenv("LOAD_SECONDS", "soon")
    with pytest.raises(SystemExit, match="^load: LOAD_SECONDS must be a whole number"):
        load.main()
    monkeypatch.setenv("LOAD_SECONDS", "5")
    monkeypatch.setenv("LOAD_USERS", "1")
    with pytest.raises(SystemExit, match="^load: LOAD_USERS must be at least 2"):
        load.main()


def test_p95_is_the_95th_percentile():
    assert load.p95([]) == 0.0
    assert load.p95([float(n) for n in range(1, 101)]) == 95.0
    assert load.p95([7.0]) == 7.0
