"""PostgreSQL two-role set-up for the audit table (`waypoint audit-harden`).

The append-only trigger only binds whoever cannot drop it, and PostgreSQL lets a table's owner
drop its triggers. So the audit table and its trigger function are given to a separate owner
role that the app never signs in as, and the app's role keeps only SELECT and INSERT (plus the
id sequence). It can then no longer DROP or DISABLE the trigger, replace the trigger function,
UPDATE, DELETE or TRUNCATE audit rows. See docs/security.md, "Two database roles".
"""

import re

from django.db import connection, transaction

TABLE = "audit_auditevent"
FUNCTION = "waypoint_audit_append_only()"
TRIGGERS = ("audit_auditevent_append_only", "audit_auditevent_no_truncate")
_ROLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


class HardeningError(Exception):
    """The set-up cannot be applied; the message is one line for the operator."""


def _quoted(role: str) -> str:
    if not _ROLE.fullmatch(role):
        raise HardeningError(f"{role!r} is not a plain role name (letters, digits, underscore)")
    return f'"{role}"'


def statements(*, owner: str, app_role: str, sequence: str | None = None) -> list[str]:
    """The SQL that moves the audit table to `owner` and leaves `app_role` SELECT and INSERT."""
    owner_q, app_q = _quoted(owner), _quoted(app_role)
    if owner == app_role:
        raise HardeningError("the owner role must differ from the app's role")
    sql = [
        f"ALTER TABLE {TABLE} OWNER TO {owner_q}",  # its identity sequence follows
        f"ALTER FUNCTION {FUNCTION} OWNER TO {owner_q}",
        f"REVOKE ALL ON TABLE {TABLE} FROM PUBLIC",
        f"REVOKE ALL ON TABLE {TABLE} FROM {app_q}",
        f"GRANT SELECT, INSERT ON TABLE {TABLE} TO {app_q}",
    ]
    if sequence:
        sql.append(f"GRANT USAGE ON SEQUENCE {sequence} TO {app_q}")
    return sql


def _one(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def plan(*, owner: str, app_role: str) -> list[str]:
    """Check the roles and the triggers, then return the statements to run."""
    if connection.vendor != "postgresql":
        raise HardeningError(
            "audit-harden is for PostgreSQL; SQLite has no roles (see docs/security.md)"
        )
    for role in (owner, app_role):
        _quoted(role)
        if _one("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]) is None:
            raise HardeningError(f"role {role} does not exist (CREATE ROLE {role} NOLOGIN first)")
    if _one("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [app_role])[0]:
        raise HardeningError(f"role {app_role} is a superuser: no privilege binds it")
    if _one("SELECT pg_has_role(%s, %s, 'MEMBER')", [app_role, owner])[0]:
        raise HardeningError(
            f"role {app_role} is a member of {owner}: it could SET ROLE and drop the trigger"
        )
    installed = _one(
        "SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname = ANY(%s)",
        [TABLE, list(TRIGGERS)],
    )[0]
    if installed != len(TRIGGERS):
        raise HardeningError("the append-only triggers are missing: run `waypoint migrate` first")
    sequence = _one("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])[0]
    return statements(owner=owner, app_role=app_role, sequence=sequence)


def harden(*, owner: str, app_role: str) -> list[str]:
    """Apply the set-up in one transaction (idempotent); returns the statements run."""
    with transaction.atomic():
        sql = plan(owner=owner, app_role=app_role)
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
    return sql
