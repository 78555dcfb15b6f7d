"""An audit trail an insider with database access cannot quietly rewrite (security review, #9).

The three attacks of the review, each detected: editing one row; dropping the trigger and
deleting the newest 50 events; relabelling a row and re-hashing the rest of the chain with the
model's own hash function (but without the HMAC key, which lives outside the database). Plus
keyed links with rotation, anchors, the PostgreSQL two-role set-up, and audited audit pages.
"""

import hashlib
import hmac
import importlib
import io
import json
import os
import secrets
import stat

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from waypoint.audit import hardening
from waypoint.audit.actions import (
    GENESIS,
    Anchor,
    check_chain,
    current_anchor,
    record,
    write_anchor,
)
from waypoint.audit.models import AuditAction, AuditEvent

TRIGGERS = importlib.import_module("waypoint.audit.migrations.0002_append_only_trigger")
NEWEST = ("test-2", b"test-audit-key-two-not-a-real-secret-000")  # tests/settings.py
OLDER = ("test-1", b"test-audit-key-one-not-a-real-secret-00")


class _Executor:
    """The two things the migration's install() uses from a schema editor."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def _events(client_chart, n):
    for _ in range(n):
        record(by=None, action=AuditAction.VIEW, obj=client_chart, client=client_chart)


def _verify(*args) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def _raw_update(event):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = %s, previous_hash = %s, entry_hash = %s,"
            " key_id = %s WHERE id = %s",
            [event.actor_label, event.previous_hash, event.entry_hash, event.key_id, event.pk],
        )


def _rechain_from(victim_id, rehash):
    """What a forger with write access does: relabel a row and re-link every row after it."""
    previous = (
        AuditEvent.objects.filter(id__lt=victim_id)
        .order_by("-id")
        .values_list("entry_hash", flat=True)
        .first()
    ) or GENESIS
    for event in AuditEvent.objects.filter(id__gte=victim_id).order_by("id"):
        if event.pk == victim_id:
            event.actor_label = "Nobody"
        event.previous_hash = previous
        rehash(event)
        _raw_update(event)
        previous = event.entry_hash


# --- keyed links -----------------------------------------------------------------------------


def test_each_link_is_an_hmac_under_the_newest_key(client_chart):
    event = record(by=None, action=AuditAction.VIEW, obj=client_chart, client=client_chart)
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.key_id == NEWEST[0]
    payload = json.loads(event.canonical_payload())
    assert payload["key_id"] == NEWEST[0]  # the key id is covered by the link itself
    expected = hmac.new(
        NEWEST[1], event.previous_hash.encode() + event.canonical_payload(), hashlib.sha256
    ).hexdigest()
    assert event.entry_hash == expected
    assert (
        event.entry_hash
        != hashlib.sha256(event.previous_hash.encode() + event.canonical_payload()).hexdigest()
    )


def test_rotation_keeps_old_events_verifying_with_their_own_key(settings, client_chart):
    settings.AUDIT_HMAC_KEYS = [f"{OLDER[0]}:{OLDER[1].decode()}"]  # before the rotation
    _events(client_chart, 3)
    settings.AUDIT_HMAC_KEYS = [f"{k}:{v.decode()}" for k, v in (NEWEST, OLDER)]
    _events(client_chart, 2)
    ids = list(AuditEvent.objects.order_by("id").values_list("key_id", flat=True))
    assert ids[-5:] == [OLDER[0]] * 3 + [NEWEST[0]] * 2
    assert check_chain().intact

    out = io.StringIO()
    call_command("rotate_keys", "--check", stdout=out)
    assert f"with key {NEWEST[0]} (newest), 3 with key {OLDER[0]}" in out.getvalue()

    settings.AUDIT_HMAC_KEYS = [f"{NEWEST[0]}:{NEWEST[1].decode()}"]  # old key dropped: refused
    with pytest.raises(CommandError, match=f"uses key id '{OLDER[0]}', not in AUDIT_HMAC_KEYS"):
        _verify()
    with pytest.raises(CommandError, match=f"key id '{OLDER[0]}', which AUDIT_HMAC_KEYS no"):
        call_command("rotate_keys", "--check", stdout=io.StringIO())


def test_legacy_events_from_before_the_upgrade_still_verify(client_chart):
    """Rows written by the old code (no key id, plain SHA-256) stay valid in front of the chain."""
    assert AuditEvent.objects.exists()  # the cast's own events: re-create them as legacy rows
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    previous = GENESIS
    for n in range(3):
        event = AuditEvent(at=timezone.now(), action="view", object_label=f"Chart {n}")
        event.previous_hash = previous
        event.entry_hash = hashlib.sha256(previous.encode() + event.canonical_payload()).hexdigest()
        event.save()
        previous = event.entry_hash
    _events(client_chart, 2)
    report = check_chain()
    assert (report.intact, report.count, report.legacy) == (True, 5, 3)
    assert "5 events verified, 3 of them legacy SHA-256" in _verify()


def _waypoint(*args, var_dir, env=None):
    """This worktree's `waypoint` console script in a clean environment."""
    from tests.cli import python_in

    code = f"import sys; from waypoint.cli import main; sys.exit(main(['waypoint', *{args!r}]))"
    return python_in(code, var_dir=var_dir, env=env)


@pytest.mark.slow
def test_malformed_audit_keys_stop_start_up_with_one_line(tmp_path):
    from tests.cli import PRODUCTION_SECRETS

    for value, reason in [
        ("no-colon-here-but-long-enough-to-be-a-key", "id:key pairs"),
        ("k1:short", "id:key pairs"),
        ("k1:" + "a" * 40 + ",k1:" + "b" * 40, "lists the key id 'k1' twice"),
    ]:
        result = _waypoint("check", var_dir=tmp_path, env={"AUDIT_HMAC_KEYS": value})
        assert result.returncode == 2
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("waypoint: configuration error:") and reason in line
    result = _waypoint("check", var_dir=tmp_path, env={**PRODUCTION_SECRETS, "AUDIT_HMAC_KEYS": ""})
    assert result.returncode == 2
    assert "AUDIT_HMAC_KEYS must be set when WAYPOINT_ENV=production" in result.stderr


@pytest.mark.slow
def test_upgrading_keeps_old_events_verifying_and_the_sqlite_triggers(tmp_path):
    """Events written before the upgrade (audit/0002) verify after it; the triggers survive.

    The legacy rows are written with the old code's formula, spelled out here: SHA-256 of the
    previous hash and the sorted, compact JSON of the row.
    """
    import sqlite3

    before = _waypoint("migrate", "audit", "0002", "-v", "0", var_dir=tmp_path)
    assert before.returncode == 0, before.stderr
    database = tmp_path / "waypoint.sqlite3"
    previous = GENESIS
    with sqlite3.connect(database) as db:
        for n in range(3):
            fields = {
                "at": f"2026-01-0{n + 1}T10:00:00+00:00",
                "actor_id": None,
                "actor_label": "system",
                "actor_role": "",
                "organization_id": None,
                "action": "view",
                "object_type": "clients.client",
                "object_id": str(n),
                "object_label": f"Chart C-00{n}",
                "client_id": None,
                "detail": {},
                "ip_address": None,
                "path": "",
            }
            payload = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
            entry = hashlib.sha256(previous.encode() + payload).hexdigest()
            db.execute(
                "INSERT INTO audit_auditevent (at, actor_id, actor_label, actor_role,"
                " organization_id, action, object_type, object_id, object_label, client_id,"
                " detail, ip_address, path, previous_hash, entry_hash)"
                " VALUES (?, NULL, 'system', '', NULL, 'view', 'clients.client', ?, ?, NULL,"
                " '{}', NULL, '', ?, ?)",
                [f"2026-01-0{n + 1} 10:00:00", str(n), f"Chart C-00{n}", previous, entry],
            )
            previous = entry
    after = _waypoint("migrate", "-v", "0", var_dir=tmp_path)
    assert after.returncode == 0, after.stderr
    verify = _waypoint("audit-verify", var_dir=tmp_path)
    assert verify.returncode == 0, verify.stderr
    assert "audit trail intact: 3 events verified, 3 of them legacy SHA-256" in verify.stdout
    assert f"head: count 3 hash {previous} key -" in verify.stdout
    with sqlite3.connect(database) as db:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE audit_auditevent SET actor_label = 'Nobody'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM audit_auditevent")


def test_generate_key_makes_an_audit_key_pair():
    out = io.StringIO()
    call_command("generate_key", "--audit", stdout=out)
    key_id, _, key = out.getvalue().strip().partition(":")
    assert len(key_id) == 13 and key_id[8] == "-"  # YYYYMMDD-xxxx
    assert len(key) >= 32


# --- the three attacks of the review ---------------------------------------------------------


def test_attack_1_editing_one_row_is_detected(client_chart):
    _events(client_chart, 3)
    victim = AuditEvent.objects.order_by("id")[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor_label = 'Nobody' WHERE id = %s", [victim.pk]
        )
    count = AuditEvent.objects.count()
    with pytest.raises(
        CommandError,
        match=rf"^1 of {count} audit events do not verify; first bad id {victim.pk}: .*hash",
    ):
        _verify()


def test_attack_2_dropping_the_trigger_and_deleting_the_newest_50_is_caught_by_an_anchor(
    client_chart, tmp_path
):
    _events(client_chart, 60)
    anchors = tmp_path / "anchors.log"
    anchor = write_anchor(anchors)
    assert anchor.count == AuditEvent.objects.count()

    TRIGGERS.install(_Executor())
    newest = list(AuditEvent.objects.order_by("-id").values_list("id", flat=True)[:50])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_auditevent_append_only ON audit_auditevent")
        else:
            cursor.execute("DROP TRIGGER audit_auditevent_no_delete")
        cursor.execute("DELETE FROM audit_auditevent WHERE id >= %s", [min(newest)])

    # The shortened chain is consistent in itself: only the anchor shows what is missing.
    assert "audit trail intact" in _verify()
    with pytest.raises(CommandError, match="^audit trail does not match its anchor: .*removed"):
        _verify("--expect-count", str(anchor.count), "--expect-head", anchor.head)
    with pytest.raises(CommandError, match="events were removed"):
        _verify("--anchors", str(anchors))

    # Padding the chain back to the old length does not help: the anchored head is gone.
    _events(client_chart, 50)
    assert AuditEvent.objects.count() == anchor.count
    with pytest.raises(CommandError, match="anchor of .* events no longer matches"):
        _verify("--expect-count", str(anchor.count), "--expect-head", anchor.head)


def test_attack_3_relabel_and_rehash_with_the_models_hash_function_is_detected(client_chart):
    """The forger has the code (compute_hash) and the database, but not AUDIT_HMAC_KEYS."""
    _events(client_chart, 4)
    victim = AuditEvent.objects.order_by("id")[2]

    def with_the_code_but_no_key(event):
        event.entry_hash = event.compute_hash()

    _rechain_from(victim.pk, with_the_code_but_no_key)
    report = check_chain()
    assert report.broken[0] == victim.pk
    assert "does not match its hash" in report.problem
    with pytest.raises(CommandError, match=f"first bad id {victim.pk}"):
        _verify()


def test_attack_3_with_a_guessed_key_or_a_downgrade_to_legacy_is_detected(client_chart):
    _events(client_chart, 4)
    victim = AuditEvent.objects.order_by("id")[2]

    def guessed_key(event):
        event.entry_hash = event.compute_hash(b"a-guess-at-the-key-" + b"x" * 20)

    _rechain_from(victim.pk, guessed_key)
    assert check_chain().broken[0] == victim.pk

    def downgrade_to_legacy(event):
        event.key_id = ""
        event.entry_hash = event.compute_hash(None)

    _rechain_from(victim.pk, downgrade_to_legacy)
    report = check_chain()
    assert report.broken[0] == victim.pk
    assert "legacy unkeyed hash after HMAC-linked events" in report.problem


# --- anchors ---------------------------------------------------------------------------------


def test_audit_verify_prints_the_head_that_an_anchor_records(client_chart):
    _events(client_chart, 2)
    anchor = current_anchor()
    last = AuditEvent.objects.latest("id")
    assert (anchor.count, anchor.head, anchor.key_id) == (
        AuditEvent.objects.count(),
        last.entry_hash,
        NEWEST[0],
    )
    out = _verify("--expect-count", str(anchor.count), "--expect-head", anchor.head)
    assert f"head: count {anchor.count} hash {anchor.head} key {NEWEST[0]}" in out
    assert "1 anchors hold" in out


def test_anchors_append_to_a_private_file_and_still_hold_as_the_chain_grows(
    settings, client_chart, tmp_path
):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.log")
    first = io.StringIO()
    call_command("audit_anchor", stdout=first)
    _events(client_chart, 3)
    second = write_anchor()  # what the worker's schedule calls
    lines = (tmp_path / "anchors.log").read_text().splitlines()
    assert lines == [first.getvalue().strip(), second.line()]
    assert stat.S_IMODE(os.stat(tmp_path / "anchors.log").st_mode) == 0o600
    assert Anchor.parse(lines[1]).line() == second.line()
    _events(client_chart, 2)
    assert "2 anchors hold" in _verify("--anchors", settings.AUDIT_ANCHOR_FILE)


def test_anchor_print_only_writes_no_file(settings, client_chart, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.log")
    out = io.StringIO()
    call_command("audit_anchor", "--print-only", stdout=out)
    anchor = Anchor.parse(out.getvalue().strip())
    assert anchor.count == AuditEvent.objects.count()
    assert not (tmp_path / "anchors.log").exists()


def test_anchor_refuses_a_symlink_and_a_missing_directory(client_chart, tmp_path):
    target = tmp_path / "elsewhere.log"
    target.write_text("")
    (tmp_path / "link.log").symlink_to(target)
    with pytest.raises(CommandError, match="^cannot open the anchor file .*link.log"):
        call_command("audit_anchor", "--file", str(tmp_path / "link.log"), stdout=io.StringIO())
    assert target.read_text() == ""
    with pytest.raises(CommandError, match="^cannot open the anchor file"):
        call_command("audit_anchor", "--file", str(tmp_path / "no" / "a.log"), stdout=io.StringIO())


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--expect-count", "3"], "--expect-count and --expect-head go together"),
        (["--expect-count", "-1", "--expect-head", GENESIS], "--expect-count must be 0 or more"),
        (["--anchors", "/nonexistent/anchors.log"], "cannot read the anchor file"),
        (["--expect-count", "3", "--expect-head", "abc"], "must be a 64-character hex hash"),
    ],
)
def test_audit_verify_refuses_bad_arguments_with_one_line(client_chart, args, reason):
    with pytest.raises(CommandError, match=reason):
        _verify(*args)


def test_a_damaged_anchor_file_is_refused_by_line(client_chart, tmp_path):
    path = tmp_path / "anchors.log"
    path.write_text(current_anchor().line() + "\n# a comment\nnot an anchor\n")
    with pytest.raises(CommandError, match=r"anchors.log, line 3: not an anchor line"):
        _verify("--anchors", str(path))


def test_an_expected_head_that_never_existed_fails(client_chart):
    count = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="no longer matches"):
        _verify("--expect-count", str(count), "--expect-head", "f" * 64)


# --- two database roles (PostgreSQL) ---------------------------------------------------------


def test_audit_harden_on_sqlite_says_why_not(client_chart):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite message; PostgreSQL is tested below")
    with pytest.raises(CommandError, match="^audit-harden is for PostgreSQL; SQLite has no roles"):
        call_command("audit_harden", "--owner", "audit_owner", "--app-role", "waypoint")


def test_role_names_are_checked_before_any_sql():
    with pytest.raises(hardening.HardeningError, match="not a plain role name"):
        hardening.statements(owner='x"; DROP TABLE audit_auditevent; --', app_role="waypoint")
    with pytest.raises(hardening.HardeningError, match="must differ"):
        hardening.statements(owner="waypoint", app_role="waypoint")


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return cursor.fetchone()[0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two database roles: DATABASE_URL is not PostgreSQL"
)
def test_after_audit_harden_the_app_role_cannot_undo_the_append_only_trigger(client_chart):
    if not _is_superuser():
        pytest.skip("creating throw-away roles needs a PostgreSQL superuser")
    TRIGGERS.install(_Executor())
    suffix = secrets.token_hex(4)
    owner, app = f"wp_audit_owner_{suffix}", f"wp_audit_app_{suffix}"
    with connection.cursor() as cursor:  # roles are rolled back with the test's transaction
        cursor.execute(f'CREATE ROLE "{owner}" NOLOGIN')
        cursor.execute(f'CREATE ROLE "{app}" NOLOGIN')
        # The old set-up: the app's role owns the table and the trigger function.
        cursor.execute(f'ALTER TABLE audit_auditevent OWNER TO "{app}"')
        cursor.execute(f'ALTER FUNCTION waypoint_audit_append_only() OWNER TO "{app}"')

    def as_app(do) -> str:
        """Run `do(cursor)` as the app's role and undo it; the error, or "" if it worked."""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f'SET ROLE "{app}"')
                do(cursor)
                cursor.execute("RESET ROLE")
                transaction.set_rollback(True)
        except DatabaseError as exc:
            return str(exc)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")
        return ""

    def sql(statement):
        return lambda cursor: cursor.execute(statement)

    drop = sql("DROP TRIGGER audit_auditevent_append_only ON audit_auditevent")
    assert as_app(drop) == ""  # before: as the owner, the app could drop its trigger

    out = io.StringIO()
    call_command("audit_harden", "--owner", owner, "--app-role", app, stdout=out)
    assert f"owned by {owner}" in out.getvalue()

    attacks = {
        "drop trigger": drop,
        "disable trigger": sql("ALTER TABLE audit_auditevent DISABLE TRIGGER ALL"),
        "replace the trigger function": sql(
            "CREATE OR REPLACE FUNCTION waypoint_audit_append_only() RETURNS trigger AS "
            "$$ BEGIN RETURN NULL; END; $$ LANGUAGE plpgsql"
        ),
        "update": sql("UPDATE audit_auditevent SET actor_label = 'Nobody'"),
        "delete": sql("DELETE FROM audit_auditevent"),
        "truncate": sql("TRUNCATE audit_auditevent"),
        "drop table": sql("DROP TABLE audit_auditevent"),
    }
    for name, attack in attacks.items():
        error = as_app(attack)
        assert "must be owner" in error or "permission denied" in error, (name, error)

    before = AuditEvent.objects.count()
    seen = []

    def append(cursor):
        _events(client_chart, 2)
        seen.append((AuditEvent.objects.count(), check_chain().intact))

    assert as_app(append) == ""  # the app still appends and reads
    assert seen == [(before + 2, True)]

    printed = io.StringIO()
    call_command("audit_harden", "--owner", owner, "--app-role", app, "--print-sql", stdout=printed)
    assert f'GRANT SELECT, INSERT ON TABLE audit_auditevent TO "{app}";' in printed.getvalue()
    with pytest.raises(CommandError, match=f"role {app} is a member of {owner}"):
        with connection.cursor() as cursor:
            cursor.execute(f'GRANT "{owner}" TO "{app}"')
        call_command("audit_harden", "--owner", owner, "--app-role", app)


# --- reading the trail is audited ------------------------------------------------------------


def test_opening_the_organization_audit_trail_is_audited(login, admin, clinic):
    response = login(admin).get(reverse("audit-log"), {"action": "view", "page": "1"})
    assert response.status_code == 200
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor_id, event.object_type, event.object_label) == (
        AuditAction.VIEW,
        admin.pk,
        "audit.auditevent",
        "Audit trail",
    )
    assert event.organization_id == clinic.pk
    assert event.detail == {"page": "audit trail", "filter": "view", "page_number": 1}
    assert event.path == reverse("audit-log")


def test_opening_a_charts_access_history_is_audited(login, admin, client_chart):
    response = login(admin).get(reverse("clients-access-log", args=[client_chart.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor_id, event.client_id, event.detail) == (
        AuditAction.VIEW,
        admin.pk,
        client_chart.pk,
        {"page": "access history"},
    )
