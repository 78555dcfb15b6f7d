"""Production configuration: `check --deploy` is clean, and bad configuration stops start-up
with a one-line reason (run as real subprocesses, as an operator would)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIELD_KEY = "tGq0cJ2y8c0n1k5oG2m7oTjY6kZ8iV3mQ9wE1rT4yU0="


def run_waypoint(tmp_path, *args, **env):
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "WAYPOINT_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    base.update(env)
    base = {k: v for k, v in base.items() if v is not None}
    return subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "waypoint", *args],
        env=base,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


PRODUCTION = {
    "WAYPOINT_ENV": "production",
    "SECRET_KEY": "s3cr3t-" + "k" * 20 + "-production-only-Zq8LmN4pR7tW2xY5" + "a1b2c3d4e5",
    "FIELD_ENCRYPTION_KEYS": FIELD_KEY,
    "SEARCH_HASH_KEY": "search-key-for-the-deploy-check-only",
    "AUDIT_HMAC_KEYS": "prod-test:production-test-audit-key-not-a-real-one",
    "ALLOWED_HOSTS": "example.org",
}


@pytest.mark.slow
def test_check_deploy_is_clean_in_production(tmp_path):
    result = run_waypoint(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY must be set"),
        ({"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS and SEARCH_HASH_KEY must be set"),
        ({"DATABASE_URL": "nonsense"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://u:p@localhost/db"}, "DATABASE_URL must point to SQLite"),
        ({"DEBUG": "1"}, "DEBUG must be off"),
    ],
)
def test_bad_production_configuration_stops_with_one_line(tmp_path, env, reason):
    result = run_waypoint(tmp_path, "check", **{**PRODUCTION, **env})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("waypoint: configuration error:")
    assert reason in lines[0]
    assert "Traceback" not in result.stderr


def test_bad_database_url_stops_local_start_up_too(tmp_path):
    result = run_waypoint(tmp_path, "check", DATABASE_URL="postgres//missing-colon")
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "DATABASE_URL" in result.stderr


@pytest.mark.slow
def test_production_shares_the_rate_limit_cache_through_the_database(tmp_path):
    """The default production cache is a database table every gunicorn worker sees, and
    `migrate` creates it (no extra install step)."""
    import sqlite3

    result = run_waypoint(tmp_path, "migrate", "--no-input", "-v", "0", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
    assert "waypoint_cache" in tables


def test_check_deploy_warns_about_a_per_process_cache(tmp_path):
    env = {**PRODUCTION, "CACHE_URL": "locmemcache://"}
    result = run_waypoint(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode != 0
    assert "api.W001" in result.stderr + result.stdout
    assert "rate limit" in result.stderr + result.stdout
