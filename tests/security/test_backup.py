"""`waypoint backup` / `waypoint restore`: encrypted snapshots that restore exactly, and refuse
a wrong key, a changed byte, a truncated file and a non-empty target while changing nothing."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from waypoint.clinics import backup
from waypoint.clinics.models import Organization

REPO = Path(__file__).resolve().parents[2]
BACKUP_KEY = "tGq0cJ2y8c0n1k5oG2m7oTjY6kZ8iV3mQ9wE1rT4yU0="
pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="these tests drive the SQLite snapshot path"
)


@pytest.fixture(autouse=True)
def _backup_key(settings):
    settings.BACKUP_ENCRYPTION_KEY = BACKUP_KEY


def all_rows() -> dict[str, list[tuple]]:
    """Every row of every model (decrypted through the ORM), by model label, in pk order.

    Models whose table does not exist yet (an app mid-way to its first migration) are skipped.
    """
    rows = {}
    tables = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed or model._meta.db_table not in tables:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        rows[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return rows


def all_rows_json() -> str:
    return json.dumps(all_rows(), default=str, sort_keys=True)


def _out():
    import io

    return io.StringIO()


@pytest.fixture
def cast(client_chart, client_user, other_chart, colleague_chart, clinician):
    from waypoint.clients import actions
    from waypoint.clients.models import AlertSeverity

    actions.raise_alert(
        client_chart, by=clinician, kind="test", title="Check in", severity=AlertSeverity.INFO
    )
    return client_chart


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_record_into_a_fresh_database(tmp_path):
    """Demo clinics → backup (in process) → restore with the CLI into a new, unmigrated SQLite
    file → every row of every model read there (decrypted) equals the rows here."""
    from waypoint.clinics.demo import build_demo

    build_demo()
    file = tmp_path / "demo.wpbackup"
    call_command("backup", str(file), stdout=_out())
    data = file.read_bytes()
    assert data.startswith(backup.MAGIC)
    assert b"Marisol" not in data and b"Brightwater" not in data and b"SQLite format" not in data

    expected = json.loads(all_rows_json())

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "waypoint.settings",
        "WAYPOINT_ENV": "test",
        "WAYPOINT_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
        "BACKUP_ENCRYPTION_KEY": BACKUP_KEY,
    }
    restored = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [sys.executable, "-m", "waypoint", "restore", str(file)],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert restored.returncode == 0, restored.stderr
    assert "checksum verified" in restored.stdout
    script = (
        "import django; django.setup(); "
        "from tests.security.test_backup import all_rows_json; print(all_rows_json())"
    )
    dumped = subprocess.run(  # noqa: S603 - our own interpreter, fixed script
        [sys.executable, "-c", script],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert dumped.returncode == 0, dumped.stderr
    after = json.loads(dumped.stdout)
    assert sum(len(v) for v in expected.values()) > 500
    assert len(expected["clients.Client"]) > 25
    assert expected["clients.HistoricalClient"] and expected["audit.AuditEvent"]
    assert after == expected


@pytest.mark.django_db(transaction=True)
def test_restore_in_process_into_emptied_database(cast, tmp_path):
    before = all_rows()
    file = tmp_path / "cast.wpbackup"
    call_command("backup", str(file), stdout=_out())
    call_command("flush", "--no-input", verbosity=0)
    assert backup.database_is_empty()
    out = _out()
    call_command("restore", str(file), stdout=out)
    assert "restored the sqlite backup" in out.getvalue()
    assert all_rows() == before
    assert Organization.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_non_empty_database(cast, tmp_path):
    file = tmp_path / "cast.wpbackup"
    call_command("backup", str(file), stdout=_out())
    before = all_rows()
    with pytest.raises(CommandError, match="already has organizations"):
        call_command("restore", str(file), stdout=_out())
    assert all_rows() == before


@pytest.fixture
def sealed_and_emptied(cast, tmp_path):
    """A good backup, and a database emptied so that only the file's problems can refuse."""
    file = tmp_path / "cast.wpbackup"
    call_command("backup", str(file), stdout=_out())
    call_command("flush", "--no-input", verbosity=0)
    return file


def _assert_refused(file, match):
    before = all_rows()
    with pytest.raises(CommandError, match=match) as info:
        call_command("restore", str(file), stdout=_out())
    assert "\n" not in str(info.value)
    assert all_rows() == before
    assert backup.database_is_empty()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_wrong_key(sealed_and_emptied, settings):
    settings.BACKUP_ENCRYPTION_KEY = Fernet.generate_key().decode()
    _assert_refused(sealed_and_emptied, "wrong backup key")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_tampered_byte(sealed_and_emptied):
    data = bytearray(sealed_and_emptied.read_bytes())
    data[len(data) // 2] ^= 0x01
    sealed_and_emptied.write_bytes(bytes(data))
    _assert_refused(sealed_and_emptied, "damaged or was tampered with")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_tampered_header(sealed_and_emptied):
    data = sealed_and_emptied.read_bytes()
    data = data.replace(b'"engine":"sqlite"', b'"engine":"sqlitf"', 1)
    sealed_and_emptied.write_bytes(data)
    _assert_refused(sealed_and_emptied, "unknown database engine")
    data = data.replace(b'"engine":"sqlitf"', b'"engine":"sqlite"', 1)
    data = data.replace(b'"app_version":"0', b'"app_version":"9', 1)
    sealed_and_emptied.write_bytes(data)
    _assert_refused(sealed_and_emptied, "wrong backup key|header was altered")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_truncated_file(sealed_and_emptied):
    data = sealed_and_emptied.read_bytes()
    sealed_and_emptied.write_bytes(data[: len(data) - 100])
    _assert_refused(sealed_and_emptied, "truncated")


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_file_that_is_not_a_backup(sealed_and_emptied, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    _assert_refused(other, "not a Waypoint backup")
    _assert_refused(tmp_path / "missing.wpbackup", "does not exist")


@pytest.mark.django_db(transaction=True)
def test_backup_never_overwrites_and_needs_a_key(cast, tmp_path, settings):
    file = tmp_path / "cast.wpbackup"
    call_command("backup", str(file), stdout=_out())
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(file), stdout=_out())
    assert oct(file.stat().st_mode & 0o777) == "0o600"
    settings.BACKUP_ENCRYPTION_KEY = ""
    with pytest.raises(CommandError, match="BACKUP_ENCRYPTION_KEY is not set"):
        call_command("backup", str(tmp_path / "two.wpbackup"), stdout=_out())
    settings.BACKUP_ENCRYPTION_KEY = "short"
    with pytest.raises(CommandError, match="32 bytes"):
        call_command("backup", str(tmp_path / "two.wpbackup"), stdout=_out())
    assert not (tmp_path / "two.wpbackup").exists()


def test_header_round_trip_and_contents(tmp_path):
    plain = tmp_path / "plain"
    plain.write_bytes(b"x" * (backup.CHUNK_SIZE * 2 + 5))  # three chunks, the last one short
    import io

    out = io.BytesIO()
    backup.encrypt_file(plain, out, engine="sqlite", schema=["clinics.0001_initial"])
    out.seek(0)
    header, _ = backup.read_header(out)
    assert header.format == 1
    assert header.engine == "sqlite"
    assert header.size == plain.stat().st_size
    import hashlib

    assert header.sha256 == hashlib.sha256(plain.read_bytes()).hexdigest()
    out.seek(0)
    result = io.BytesIO()
    backup.decrypt_file(out, result)
    assert result.getvalue() == plain.read_bytes()
