"""Refuse, in the database itself, UPDATE of a signed note's content or signature.

A note awaiting co-signature or signed keeps its sections, session date, chart, author and
template; a signed note also keeps its status and signatures. Addenda never change either. The
only UPDATE of that content allowed is key rotation re-encrypting the same plaintext: the note
managers open a `notes_reencryption` window row for that one statement after checking that the
plaintext is unchanged (`waypoint.notes.models.LockedQuerySet.update`). Deleting stays possible:
a chart's purge removes its notes with it.
"""

from django.db import migrations

MESSAGE = "signed notes cannot be changed: add an addendum"

LOCKED = "('pending_cosign', 'signed')"
CONTENT = ("session_date", "client_id", "author_id", "template_key", "template_name")
SIGNATURE = (
    "status",
    "signed_at",
    "signed_by_id",
    "signer_name",
    "signer_credentials",
    "late_entry",
    "cosign_required",
    "cosigned_at",
    "cosigned_by_id",
    "cosigner_name",
    "cosigner_credentials",
)


def _changed(columns, op):
    return " OR ".join(f"NEW.{c} {op} OLD.{c}" for c in columns)


def _condition(op):
    window = "NOT EXISTS (SELECT 1 FROM notes_reencryption)"
    return (
        f"(OLD.status IN {LOCKED} AND ((NEW.sections {op} OLD.sections AND {window})"
        f" OR {_changed(CONTENT, op)}))"
        f" OR (OLD.status = 'signed' AND ({_changed(SIGNATURE, op)}))"
    )


def _addendum_condition(op):
    window = "NOT EXISTS (SELECT 1 FROM notes_reencryption)"
    return (
        f"(NEW.text {op} OLD.text AND {window})"
        f" OR {_changed(('note_id', 'author_id', 'author_name', 'created_at'), op)}"
    )


SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS notes_note_signed_locked BEFORE UPDATE ON notes_note
    WHEN {_condition("IS NOT")}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS notes_addendum_locked BEFORE UPDATE ON notes_addendum
    WHEN {_addendum_condition("IS NOT")}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS notes_note_signed_locked",
    "DROP TRIGGER IF EXISTS notes_addendum_locked",
]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION waypoint_notes_note_locked() RETURNS trigger AS $$
    BEGIN
        IF {_condition("IS DISTINCT FROM")} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER notes_note_signed_locked BEFORE UPDATE ON notes_note
    FOR EACH ROW EXECUTE FUNCTION waypoint_notes_note_locked();""",
    f"""CREATE OR REPLACE FUNCTION waypoint_notes_addendum_locked() RETURNS trigger AS $$
    BEGIN
        IF {_addendum_condition("IS DISTINCT FROM")} THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER notes_addendum_locked BEFORE UPDATE ON notes_addendum
    FOR EACH ROW EXECUTE FUNCTION waypoint_notes_addendum_locked();""",
]
POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS notes_note_signed_locked ON notes_note",
    "DROP TRIGGER IF EXISTS notes_addendum_locked ON notes_addendum",
    "DROP FUNCTION IF EXISTS waypoint_notes_note_locked()",
    "DROP FUNCTION IF EXISTS waypoint_notes_addendum_locked()",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, []):
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial")]
    operations = [
        migrations.RunPython(forwards, backwards),
    ]
