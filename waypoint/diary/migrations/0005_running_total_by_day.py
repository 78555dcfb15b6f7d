"""A second index of the running totals, by (day, client), that carries every column the window
report reads, so that the report finds the people with a running row exactly on a bound day in
bulk: on PostgreSQL one index-only range scan per day, hash-joined to the charts; on SQLite one
covering lookup per chart without the rowid read (docs/outcomes.md, "How any window costs the
same"). People without a row on that day still take the backward seek in `unique_running_total`.

Not in the model's Meta, for the reason of diary/0004: Django would drop the INCLUDE on SQLite,
which has none and takes the columns as key columns instead (same order, same use).
"""

from django.db import migrations

TABLE = "diary_runningtotal"
NAME = "running_total_by_day"
READ = (
    "known_days",
    "no_use_days",
    "drinking_days",
    "heavy_days_female",
    "heavy_days_male",
    "alcohol_grams",
    "plan_days",
    "within_plan_days",
    "money_cents",
    "substances",
)


def create(apps, schema_editor):
    columns = ", ".join(READ)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX {NAME} ON {TABLE} (day, client_id) INCLUDE ({columns})"
        )
    else:
        schema_editor.execute(f"CREATE INDEX {NAME} ON {TABLE} (day, client_id, {columns})")


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0004_running_total_covering_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
