"""Key rotation for encrypted columns and blind indexes (`waypoint rotate-keys`).

Rotation runs while the site is up. `FIELD_ENCRYPTION_KEYS` lists keys newest first: once the
new key is deployed at the front of the list, new writes use it and every listed key still
decrypts, so the app works throughout. This module then walks every encrypted column of every
installed model (including django-simple-history's Historical* tables, discovered by field type,
so new features are covered without registering anything) and re-encrypts values that are not
yet on the newest key, in small batches with one short transaction each.

A value is written back only if the row still holds the token we read (compare-and-swap on the
raw column): if a user saves the row in between, their new value (already on the newest key)
wins and the row is simply skipped. Fernet tokens carry no key id, so "is this on the newest
key?" is answered by trying the newest key alone. See docs/security.md, "Key rotation".

Audit keys (`AUDIT_HMAC_KEYS`) are not re-applied: the chain keeps each event's key id and old
keys stay listed for verification, so rotation only reports which keys the trail uses and
refuses a list that dropped one still in use (`audit_key_usage`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.functions import Cast

from waypoint.lib import encryption
from waypoint.lib.fields import EncryptedMixin

DEFAULT_BATCH_SIZE = 500


class RotationError(Exception):
    """Rotation cannot start; the message is one line for the operator."""


@dataclass
class ColumnReport:
    """Counts for one encrypted column."""

    label: str  # "clients.Client.legal_name"
    values: int = 0  # non-empty encrypted values seen
    current: int = 0  # already on the newest key
    rotated: int = 0  # re-encrypted by this run
    changed_meanwhile: int = 0  # row saved by someone else between read and write: skipped
    undecryptable: int = 0  # no configured key decrypts it

    @property
    def pending(self) -> int:
        return self.values - self.current


@dataclass
class RotationReport:
    columns: list[ColumnReport] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.columns)


def encrypted_columns() -> Iterator[tuple[type[models.Model], list[models.Field]]]:
    """Every concrete model with its encrypted fields, historical models included."""
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        fields = [f for f in meta.local_concrete_fields if isinstance(f, EncryptedMixin)]
        if fields:
            yield model, fields


def _newest_fernet() -> Fernet:
    keys = [k.strip() for k in settings.FIELD_ENCRYPTION_KEYS if k.strip()]
    encryption.current_fernet()  # validates the whole list with a clear error
    return Fernet(keys[0].encode())


def _is_current(newest: Fernet, token: str) -> bool:
    try:
        newest.decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


def _raw_rows(model, fields, after_pk, batch_size):
    """(pk, raw token, ...) tuples: the columns cast to plain text, so nothing is decrypted."""
    aliases = {f"_raw_{f.attname}": Cast(f.attname, models.TextField()) for f in fields}
    return list(
        model._base_manager.filter(pk__gt=after_pk)
        .order_by("pk")
        .annotate(**aliases)
        .values_list("pk", *aliases)[:batch_size]
    )


def _compare_and_swap(model, field, pk, old: str, new: str) -> bool:
    """Write `new` as the raw column value only if the column still holds `old`."""
    alias = f"_raw_{field.attname}"
    updated = (
        model._base_manager.filter(pk=pk)
        .alias(**{alias: Cast(field.attname, models.TextField())})
        .filter(**{alias: old})
        .update(**{field.attname: models.Value(new, output_field=models.TextField())})
    )
    return updated == 1


def rotate(
    *,
    check_only: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[str], None] | None = None,
) -> RotationReport:
    """Re-encrypt every encrypted value not yet on the newest key (or only count, with check_only).

    Idempotent: a second run finds every value current and writes nothing.
    """
    newest = _newest_fernet()
    report = RotationReport()
    _require_tables(model for model, _ in encrypted_columns())
    for model, fields in encrypted_columns():
        columns = {f.attname: ColumnReport(f"{model._meta.label}.{f.name}") for f in fields}
        report.columns.extend(columns.values())
        after_pk = _min_pk(model)
        while True:
            rows = _raw_rows(model, fields, after_pk, batch_size)
            if not rows:
                break
            after_pk = rows[-1][0]
            todo = []
            for row in rows:
                pk, raw_values = row[0], row[1:]
                for f, token in zip(fields, raw_values, strict=True):
                    if token in (None, ""):
                        continue
                    column = columns[f.attname]
                    column.values += 1
                    if _is_current(newest, token):
                        column.current += 1
                        continue
                    try:
                        new_token = encryption.reencrypt(token)
                    except encryption.DecryptionError:
                        column.undecryptable += 1
                        continue
                    todo.append((f, pk, token, new_token))
            if check_only or not todo:
                continue
            with transaction.atomic():
                for f, pk, token, new_token in todo:
                    if _compare_and_swap(model, f, pk, token, new_token):
                        columns[f.attname].rotated += 1
                    else:
                        columns[f.attname].changed_meanwhile += 1
        if progress is not None:
            for column in columns.values():
                progress(_describe(column, check_only))
    return report


@dataclass
class AuditKeyUsage:
    """Audit events per key id ("" = legacy SHA-256), and the configured ids, newest first."""

    events: dict[str, int]
    configured: list[str]

    @property
    def missing(self) -> list[str]:
        return [key_id for key_id in self.events if key_id and key_id not in self.configured]

    def describe(self) -> str:
        parts = []
        for key_id, count in self.events.items():
            if not key_id:
                parts.append(f"{count} legacy SHA-256")
            else:
                newest = " (newest)" if key_id == self.configured[0] else ""
                parts.append(f"{count} with key {key_id}{newest}")
        return "audit trail: " + (", ".join(parts) or "no events")


def audit_key_usage() -> AuditKeyUsage:
    from waypoint.audit import keys
    from waypoint.audit.models import AuditEvent

    _require_tables([AuditEvent])
    rows = AuditEvent.objects.order_by().values_list("key_id").annotate(n=models.Count("id"))
    configured = list(keys.configured())
    rank = {key_id: i for i, key_id in enumerate(configured)}
    events = dict(sorted(rows, key=lambda row: (row[0] == "", rank.get(row[0], -1), row[0])))
    return AuditKeyUsage(events=events, configured=configured)


def _require_tables(models_) -> None:
    tables = set(connection.introspection.table_names())
    missing = sorted(m._meta.db_table for m in models_ if m._meta.db_table not in tables)
    if missing:
        raise RotationError(
            f"table {missing[0]} does not exist ({len(missing)} missing): run `waypoint migrate`"
        )


def _min_pk(model):
    """A value below every primary key, for keyset pagination."""
    if isinstance(model._meta.pk, models.IntegerField | models.AutoField):
        return -(2**63)
    return ""


def _describe(column: ColumnReport, check_only: bool) -> str:
    if check_only:
        text = f"{column.label}: {column.values} values, {column.pending} not on the newest key"
    else:
        text = (
            f"{column.label}: {column.values} values, {column.rotated} re-encrypted, "
            f"{column.current} already current"
        )
        if column.changed_meanwhile:
            text += f", {column.changed_meanwhile} changed meanwhile (already current)"
    if column.undecryptable:
        text += f", {column.undecryptable} UNDECRYPTABLE"
    return text


def searchable_models() -> Iterator[type[models.Model]]:
    """Models that keep a blind index, recognised by a `refresh_search_index()` method."""
    for model in apps.get_models():
        if callable(getattr(model, "refresh_search_index", None)):
            yield model


def rebuild_search_indexes(
    *, batch_size: int = DEFAULT_BATCH_SIZE, progress: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Recompute every blind index with the current SEARCH_HASH_KEY, in short transactions."""
    counts = {}
    _require_tables(searchable_models())
    for model in searchable_models():
        done = 0
        after_pk = _min_pk(model)
        while True:
            batch = list(model._base_manager.filter(pk__gt=after_pk).order_by("pk")[:batch_size])
            if not batch:
                break
            after_pk = batch[-1].pk
            with transaction.atomic():
                for obj in batch:
                    obj.refresh_search_index()
                    done += 1
        counts[model._meta.label] = done
        if progress is not None:
            progress(f"{model._meta.label}: rebuilt the search index of {done} records")
    return counts
