"""The PostgreSQL path of backup/restore (pg_dump --format=custom, pg_restore).

Runs only on PostgreSQL with the client tools installed: on SQLite these tests are skipped,
because pg_dump cannot read an SQLite database.
"""

import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tests.security.test_backup import BACKUP_KEY, all_rows
from waypoint.clinics import backup

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql"
    or not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="PostgreSQL backup path: needs DATABASE_URL on PostgreSQL and pg_dump/pg_restore",
)


@pytest.fixture(autouse=True)
def _backup_key(settings):
    settings.BACKUP_ENCRYPTION_KEY = BACKUP_KEY


@pytest.mark.django_db(transaction=True)
def test_postgresql_backup_and_restore_round_trip(client_chart, other_chart, tmp_path):
    before = all_rows()
    file = tmp_path / "pg.wpbackup"
    call_command("backup", str(file), stdout=io.StringIO())
    with open(file, "rb") as stream:
        assert backup.read_header(stream)[0].engine == "postgresql"
    with pytest.raises(CommandError, match="already has organizations"):
        call_command("restore", str(file), stdout=io.StringIO())
    call_command("flush", "--no-input", verbosity=0)
    call_command("restore", str(file), stdout=io.StringIO())
    assert all_rows() == before
