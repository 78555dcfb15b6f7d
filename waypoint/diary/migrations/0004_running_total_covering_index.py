"""PostgreSQL: the (client, day) unique index of the running totals also carries every column the
window report reads (INCLUDE), so each "latest row on or before a day" seek is an index-only scan
and never visits the table (docs/outcomes.md, "How any window costs the same").

The constraint keeps its name and its key, so Django's model state is unchanged: `include` in the
model would make Django skip the constraint altogether on SQLite, which has no INCLUDE and whose
seeks already read the (client_id, day) index and then the row by rowid. The substance text is at
most 13 names with their counts, far below a btree entry's size limit.
"""

from django.db import migrations

TABLE = "diary_runningtotal"
INCLUDED = (
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


def _replace_constraint(schema_editor, include: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT unique_running_total")
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD CONSTRAINT unique_running_total UNIQUE (client_id, day){include}"
    )


def covering(apps, schema_editor):
    _replace_constraint(schema_editor, f" INCLUDE ({', '.join(INCLUDED)})")


def plain(apps, schema_editor):
    _replace_constraint(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0003_running_totals"),
    ]

    operations = [migrations.RunPython(covering, plain)]
