"""The `waypoint` command: the demo clinics, configuration errors, and `make run`'s steps."""

import base64
import io
import sqlite3

import pytest
from django.core.management import CommandError, call_command

from tests.cli import PRODUCTION_SECRETS, run_waypoint
from waypoint.accounts.models import User
from waypoint.accounts.roles import Role
from waypoint.clients.models import Client
from waypoint.clinics.demo import DEMO_LOGINS, DEMO_PASSWORD
from waypoint.clinics.models import Organization

DEMO_EMAILS = [
    "admin@demo.test",
    "supervisor@demo.test",
    "clinician@demo.test",
    "clinician2@demo.test",
    "client@demo.test",
    "other@demo.test",
]


def _demo(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


@pytest.mark.slow
def test_demo_builds_the_clinics_once_and_only_into_an_empty_database(db):
    """One build (it is the slowest thing in the suite), every promise checked on it."""
    out = _demo()
    assert "Demo clinics loaded." in out
    assert f"password for all: {DEMO_PASSWORD}" in out
    assert [email for email, _ in DEMO_LOGINS] == DEMO_EMAILS
    for email in DEMO_EMAILS:
        assert email in out
        user = User.objects.get(email=email)
        assert user.check_password("waypoint-demo") and user.is_active

    # Two organizations, the named people in their roles.
    clinic = Organization.objects.get(name="Demo Harm Reduction Clinic")
    other = Organization.objects.get(name="Other Clinic")
    roles = {u.email: (u.role, u.organization) for u in User.objects.all()}
    assert roles["admin@demo.test"] == (Role.ADMIN, clinic)
    assert roles["supervisor@demo.test"] == (Role.SUPERVISOR, clinic)
    assert roles["clinician@demo.test"] == (Role.CLINICIAN, clinic)
    assert roles["clinician2@demo.test"] == (Role.CLINICIAN, clinic)
    assert roles["client@demo.test"] == (Role.CLIENT, clinic)
    assert roles["other@demo.test"] == (Role.CLINICIAN, other)
    supervisor = User.objects.get(email="supervisor@demo.test")
    assert {u.email for u in supervisor.supervisees.all()} == {
        "clinician@demo.test",
        "clinician2@demo.test",
    }

    # About 25 charts with realistic histories; Marisol's is the portal's.
    charts = Client.objects.filter(organization=clinic)
    assert 20 <= charts.count() <= 30
    statuses = {s: charts.filter(status=s).count() for s in ("active", "waitlist", "discharged")}
    assert all(statuses.values()), statuses
    marisol = Client.objects.get(portal_user__email="client@demo.test")
    assert "Marisol" in marisol.legal_name
    assert Client.objects.filter(organization=other).count() >= 2
    for chart in charts.filter(status="active"):
        assert chart.primary_clinician is not None
        assert chart.episodes.filter(discharged_on__isnull=True).exists()
        assert chart.contacts.exists()
    for chart in charts.filter(status="discharged"):
        assert chart.episodes.exclude(discharge_reason="").exists()

    # A second run refuses; --if-empty is a quiet no-op that still prints the logins.
    users = User.objects.count()
    with pytest.raises(CommandError, match="already has data"):
        _demo()
    again = _demo("--if-empty")
    assert "Demo clinics loaded." not in again and "admin@demo.test" in again
    assert (Organization.objects.count(), User.objects.count()) == (2, users)


def test_demo_logins_only(db):
    out = _demo("--logins")
    assert "client@demo.test" in out
    assert not Organization.objects.exists()


def test_demo_is_refused_in_production_mode(db, settings):
    settings.PRODUCTION = True
    for args in ((), ("--if-empty",)):
        with pytest.raises(CommandError, match="never loaded in production"):
            _demo(*args)
    assert not Organization.objects.exists()


def test_generate_key_prints_a_fernet_key(db):
    from cryptography.fernet import Fernet

    out = io.StringIO()
    call_command("generate_key", stdout=out)
    key = out.getvalue().strip().encode()
    assert len(base64.urlsafe_b64decode(key)) == 32  # Fernet: 32 url-safe base64 bytes
    assert Fernet(key).decrypt(Fernet(key).encrypt(b"chart")) == b"chart"


# --- the console script ----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "reason"),
    [
        (
            {"DATABASE_URL": "nonsense://x"},
            "DATABASE_URL must point to SQLite or PostgreSQL, got engine 'nonsense'",
        ),
        (
            {"WAYPOINT_ENV": "production"},
            "SECRET_KEY must be set (50+ random characters) when WAYPOINT_ENV=production",
        ),
        (
            {**PRODUCTION_SECRETS, "SECRET_KEY": "too-short"},
            "SECRET_KEY must be set (50+ random characters) when WAYPOINT_ENV=production",
        ),
        (
            {**PRODUCTION_SECRETS, "FIELD_ENCRYPTION_KEYS": ""},
            "FIELD_ENCRYPTION_KEYS and SEARCH_HASH_KEY must be set when WAYPOINT_ENV=production",
        ),
        ({"WAYPOINT_ENV": "staging"}, "WAYPOINT_ENV must be local, production or test"),
    ],
)
def test_bad_configuration_stops_with_one_line_and_status_2(tmp_path, env, reason):
    result = run_waypoint("check", var_dir=tmp_path, env=env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("waypoint: configuration error: ")
    assert reason in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_unreachable_database_stops_with_one_line(tmp_path):
    result = run_waypoint(
        "migrate", var_dir=tmp_path, env={"DATABASE_URL": "postgres://nobody@127.0.0.1:9/x"}
    )
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("waypoint: database error: ")


@pytest.mark.slow
def test_unknown_command_and_hyphenated_names(tmp_path):
    assert run_waypoint("no-such-command", var_dir=tmp_path).returncode != 0
    result = run_waypoint("generate-key", var_dir=tmp_path)
    assert result.returncode == 0 and len(result.stdout.strip()) == 44


@pytest.mark.slow
def test_make_run_steps_on_a_fresh_file_database(tmp_path):
    """`make run` migrates var/waypoint.sqlite3 and loads the demo when it is empty."""
    migrate = run_waypoint("migrate", "--no-input", "-v", "0", var_dir=tmp_path)
    assert migrate.returncode == 0, migrate.stderr
    database = tmp_path / "waypoint.sqlite3"
    assert database.exists()
    for key in ("secret_key", "field_key", "search_key", "audit_key"):
        assert (tmp_path / key).stat().st_mode & 0o077 == 0  # private to the owner

    first = run_waypoint("demo", "--if-empty", var_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Demo clinics loaded." in first.stdout and "client@demo.test" in first.stdout
    second = run_waypoint("demo", "--if-empty", var_dir=tmp_path)
    assert second.returncode == 0 and "Demo clinics loaded." not in second.stdout
    plain = run_waypoint("demo", var_dir=tmp_path)
    assert plain.returncode == 1 and "already has data" in plain.stderr

    verify = run_waypoint("audit-verify", var_dir=tmp_path)
    assert verify.returncode == 0 and "audit trail intact" in verify.stdout

    # Outside the test suite the append-only triggers are installed.
    with sqlite3.connect(database) as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE audit_auditevent SET actor_label = 'Nobody'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM audit_auditevent")
