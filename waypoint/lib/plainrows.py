"""Model instances read with one plain query, for the few reads of every portal check-in.

On those paths compiling an ORM query (or setting up a `RawQuerySet`) cost more than running
it. `select` runs a fixed `SELECT` of the named fields, passes each value through the same
converters the ORM's compiler would (the backend's, then the field's own `from_db_value`:
encrypted fields are decrypted exactly as a queryset decrypts them) and builds the instances
without `Model.__init__`. Fields not named are deferred: read on first access, as `.only()`'s.
"""

from django.db import connections, router
from django.db.models.base import ModelState

# (model, field names, database alias) -> [(attname, column expression, converters)]. Holds
# functions and field objects only, never a value read.
_CONVERTERS: dict[tuple, list] = {}


def loaded(model, db: str, values: dict):
    """An instance of `model` as loaded from `db` with only `values`' fields (the others
    deferred: read on first access like `.only()`'s), built without `Model.__init__`."""
    instance = model.__new__(model)
    instance.__dict__.update(values)
    instance._state = ModelState()
    instance._state.adding = False
    instance._state.db = db
    return instance


def _columns(model, names: tuple[str, ...], db: str) -> list:
    key = (model, names, db)
    columns = _CONVERTERS.get(key)
    if columns is None:
        connection = connections[db]
        columns = []
        for name in names:
            field = model._meta.get_field(name)
            col = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            columns.append((field.attname, col, converters))
        _CONVERTERS[key] = columns
    return columns


def select(model, names, where: str, params, *, order_by: str = "") -> list:
    """Instances of `model` with the fields `names` (column names and values as the ORM's),
    from `SELECT <names> FROM <table> WHERE <where> [ORDER BY <order_by>]`.

    `where` and `order_by` are the caller's fixed SQL (never user input), `params` its values,
    already adapted for the database (dates with `connection.ops.adapt_datefield_value`).
    """
    names = tuple(names)
    db = router.db_for_read(model)
    connection = connections[db]
    columns = _columns(model, names, db)
    sql = (
        f"SELECT {', '.join(col.target.column for _, col, _ in columns)} "  # noqa: S608  # nosec B608
        f"FROM {model._meta.db_table} WHERE {where}"
    )
    if order_by:
        sql += f" ORDER BY {order_by}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    instances = []
    for row in rows:
        values = {}
        for (attname, col, converters), value in zip(columns, row, strict=True):
            for convert in converters:
                value = convert(value, col, connection)
            values[attname] = value
        instances.append(loaded(model, db, values))
    return instances
