"""Store which AUDIT_HMAC_KEYS key links each event; existing events keep "" (legacy SHA-256).

On PostgreSQL the column is added in place (no row is updated, so the append-only trigger is
not involved). SQLite cannot add a NOT NULL column in place: Django copies the table into a new
one, which drops the table's triggers, so they are installed again afterwards.
"""

from django.db import migrations, models
from django.utils.module_loading import import_string

# The trigger installer of migration 0002 (a module name that starts with a digit).
install_triggers = import_string("waypoint.audit.migrations.0002_append_only_trigger.forwards")


def reinstall_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        install_triggers(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]
    operations = [
        # Reversing removes the column (another copy on SQLite), so the triggers come back then too.
        migrations.RunPython(migrations.RunPython.noop, reinstall_sqlite_triggers),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=32),
        ),
        migrations.RunPython(reinstall_sqlite_triggers, migrations.RunPython.noop),
    ]
