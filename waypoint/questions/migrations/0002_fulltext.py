"""Full-text search: an FTS5 table and its triggers on SQLite, the tsvector trigger and GIN index
on PostgreSQL (waypoint/questions/fulltext.py). Runs only the statements of the database in use."""

from django.db import migrations


def forwards(apps, schema_editor):
    from waypoint.questions import fulltext

    fulltext.install(schema_editor)


def backwards(apps, schema_editor):
    from waypoint.questions import fulltext

    fulltext.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("questions", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
