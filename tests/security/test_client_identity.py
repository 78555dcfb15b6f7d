"""No client identity in clear: account emails are encrypted and found by a keyed hash, client
accounts keep no name of their own, and audit rows by or about a client carry a chart number."""

import re

import pytest
from axes.models import AccessAttempt
from cryptography.fernet import Fernet
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from tests.conftest import PASSWORD
from waypoint.accounts import twofactor
from waypoint.accounts.models import User, email_digest
from waypoint.accounts.roles import Role
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.lib import encryption, keyrotation


def _raw_user(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT email, email_digest, full_name FROM accounts_user WHERE id = %s", [pk]
        )
        return cursor.fetchone()


def test_account_email_is_a_fernet_token_with_a_keyed_hash(client_user):
    email, digest, full_name = _raw_user(client_user.pk)
    assert email.startswith("gAAAAA") and "robin" not in email
    assert encryption.decrypt(email) == "robin@client.test"
    assert digest == email_digest("robin@client.test") and "robin" not in digest
    assert full_name == ""


def test_accounts_are_found_by_email_through_the_hash(client_user, clinician):
    assert User.objects.get(email="Robin@Client.test ") == client_user
    assert User.objects.filter(email__iexact="ROBIN@client.test").get() == client_user
    assert User.objects.get_by_natural_key("maya@clinic.test") == clinician
    assert not User.objects.filter(email="robin@client.tes").exists()


def test_a_client_account_shows_the_charts_name_and_stores_none(client_user, client_chart):
    assert str(client_user) == "Robin"  # the chart's preferred name, decrypted
    assert client_user.audit_label() == "Client, chart C-001"
    with pytest.raises(ValueError, match="takes its name from the chart"):
        User.objects.create_user(
            email="x@client.test", organization=client_chart.organization, role=Role.CLIENT,
            full_name="Some Name",
        )  # fmt: skip
    client_user.full_name = "Robin Quillfeather"
    with pytest.raises(IntegrityError), transaction.atomic():
        client_user.save(update_fields=["full_name"])


def test_client_sign_in_and_actions_are_audited_by_chart_number(client, client_user):
    response = client.post(
        reverse("login"), {"username": "robin@client.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    client.get(reverse("portal-home"))
    events = AuditEvent.objects.filter(actor_id=client_user.pk)
    assert events.filter(action=AuditAction.LOGIN).exists()
    assert {e.actor_label for e in events} == {"Client, chart C-001"}
    for event in events:
        assert "Robin" not in event.object_label and "robin" not in str(event.detail)


def test_a_clients_two_factor_change_is_labelled_by_chart_number(client_user, admin):
    twofactor.remove_two_factor(client_user, by=admin, reason="reset_by_admin")
    event = AuditEvent.objects.filter(object_id=str(client_user.pk)).latest("id")
    assert event.object_label == "Client, chart C-001"


def test_password_reset_by_email_reaches_a_client(client, client_user):
    client.post(reverse("password_reset"), {"email": "ROBIN@client.test"})
    (message,) = mail.outbox
    assert message.to == ["robin@client.test"]
    assert re.search(r"/accounts/password/reset/\S+/", message.body)


def test_lockout_tables_hold_the_hash_not_the_typed_email(client, client_user):
    client.post(reverse("login"), {"username": "robin@client.test", "password": "wrong guess"})
    attempt = AccessAttempt.objects.get()
    assert attempt.username == email_digest("robin@client.test")
    assert "robin" not in attempt.post_data and "robin" not in attempt.get_data
    for _ in range(4):
        client.post(reverse("login"), {"username": "robin@client.test", "password": "wrong"})
    locked = client.post(reverse("login"), {"username": "robin@client.test", "password": PASSWORD})
    assert locked.status_code == 429  # the lockout still works on the hash


def test_key_rotation_covers_account_emails_and_rebuilds_their_hashes(client_user, settings):
    columns = {f"{m._meta.label}.{f.name}" for m, fs in keyrotation.encrypted_columns() for f in fs}
    assert "accounts.User.email" in columns
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    keyrotation.rotate()
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert User.objects.get(email="robin@client.test").email == "robin@client.test"
    settings.SEARCH_HASH_KEY = "a-new-search-key-for-this-test"
    assert not User.objects.filter(email="robin@client.test").exists()
    keyrotation.rebuild_search_indexes()
    assert User.objects.get(email="robin@client.test") == client_user


MIGRATION_SCRIPT = """
import django; django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
call_command("migrate", "accounts", "0001", verbosity=0)
from waypoint.clinics.models import Organization
org = Organization.objects.create(name="C", slug="c")
with connection.cursor() as c:
    for email, role, name in [("Sam@x.test", "clinician", "Sam Staff"),
                              ("robin@client.test", "client", "Robin Q")]:
        c.execute("INSERT INTO accounts_user (password, is_superuser, is_staff, is_active, "
                  "date_joined, email, full_name, organization_id, role, credentials) "
                  "VALUES ('x', 0, 0, 1, '2026-01-01', %s, %s, %s, %s, '')",
                  [email, name, org.pk, role])
call_command("migrate", verbosity=0)
from waypoint.accounts.models import User
robin = User.objects.get(email="robin@client.test")
print(User.objects.get(email="sam@x.test").full_name, robin.pk)
"""


def test_the_migration_encrypts_existing_emails_and_drops_client_names(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    database = tmp_path / "old.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "WAYPOINT_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{database}",
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed script
        [sys.executable, "-c", MIGRATION_SCRIPT],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1].startswith("Sam Staff ")
    import sqlite3

    rows = (
        sqlite3.connect(database).execute("SELECT email, full_name FROM accounts_user").fetchall()
    )
    assert all(email.startswith("gAAAAA") for email, _ in rows)
    assert sorted(name for _, name in rows) == ["", "Sam Staff"]
