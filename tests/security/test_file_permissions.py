"""`var/` is 0700; the SQLite database (and its WAL files), key files and a restored database
are 0600; the CLI runs with umask 077. Checked in fresh interpreters, as a person runs them."""

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
BACKUP_KEY = "tGq0cJ2y8c0n1k5oG2m7oTjY6kZ8iV3mQ9wE1rT4yU0="
TOUCH_DATABASE = (
    "from django.db import connection; "
    "c = connection.cursor(); c.execute('CREATE TABLE probe (x int)'); "
    "c.execute('INSERT INTO probe VALUES (1)'); "
    "import os; print(oct(os.umask(0o077)))"
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_cli(*args, var_dir: Path, **extra) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var_dir.parent),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(REPO),
        "WAYPOINT_ENV": "local",
        "WAYPOINT_VAR_DIR": str(var_dir),
        **extra,
    }
    result = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "waypoint", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def test_a_fresh_install_makes_var_and_the_database_private(tmp_path):
    var = tmp_path / "var"
    result = run_cli("shell", "-c", TOUCH_DATABASE, var_dir=var)
    assert result.stdout.strip().splitlines()[-1] == "0o77"  # the CLI's umask
    assert mode(var) == 0o700
    database = var / "waypoint.sqlite3"
    assert mode(database) == 0o600
    for companion in [var / "waypoint.sqlite3-wal", var / "waypoint.sqlite3-shm"]:
        if companion.exists():
            assert mode(companion) == 0o600, companion
    for key in ["secret_key", "field_key", "search_key", "backup_key"]:
        assert mode(var / key) == 0o600, key


def test_an_older_install_is_tightened(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    database = var / "waypoint.sqlite3"
    database.touch()
    database.chmod(0o644)
    run_cli("shell", "-c", "print('ok')", var_dir=var)
    assert (mode(var), mode(database)) == (0o700, 0o600)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="restores a SQLite backup into a SQLite file (PostgreSQL files are the server's)",
)
def test_a_restored_database_is_private(clinic, tmp_path, settings):
    settings.BACKUP_ENCRYPTION_KEY = BACKUP_KEY
    file = tmp_path / "clinic.wpbackup"
    call_command("backup", str(file), stdout=io.StringIO())
    assert mode(file) == 0o600
    target = tmp_path / "restored.sqlite3"
    target.touch()
    target.chmod(0o644)  # made by hand, or by an older version
    run_cli(
        "restore",
        str(file),
        var_dir=tmp_path / "var",
        WAYPOINT_ENV="test",
        SECRET_KEY="restore-test-" + "x" * 50,
        DATABASE_URL=f"sqlite:///{target}",
        BACKUP_ENCRYPTION_KEY=BACKUP_KEY,
    )
    assert mode(target) == 0o600
