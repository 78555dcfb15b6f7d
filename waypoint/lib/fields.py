"""The project's encrypted field types: use them for every identifying or free-text clinical field.

Values are encrypted in `get_db_prep_value` and decrypted in `from_db_value`; the database column
is text holding a Fernet token. Encrypted columns cannot be filtered or ordered on (the lookup
raises): search through a blind index instead (see `waypoint.lib.encryption`).
"""

import datetime

from django.core.exceptions import FieldError
from django.db import models

from waypoint.lib import encryption

_ALLOWED_LOOKUPS = {"isnull"}


class EncryptedMixin:
    def get_internal_type(self):
        return "TextField"

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def get_lookup(self, lookup_name):
        if lookup_name not in _ALLOWED_LOOKUPS:
            raise FieldError(
                f"{self.__class__.__name__} {self.name!r} is encrypted and cannot be filtered "
                f"with {lookup_name!r}; use a blind index"
            )
        return super().get_lookup(lookup_name)

    def _to_plain_string(self, value) -> str:
        return str(value)

    def _from_plain_string(self, value: str):
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        if hasattr(value, "as_sql"):
            # An expression (F(), Value(..., output_field=TextField()) in key rotation): it
            # compiles to SQL itself; encrypting its repr would corrupt the column.
            return value
        if not prepared:
            value = self.get_prep_value(value)
        if value is None:
            return None
        plain = self._to_plain_string(value)
        if plain == "":
            return ""
        return encryption.encrypt(plain)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value if value is None else self._from_plain_string("")
        return self._from_plain_string(encryption.decrypt(value))


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedMixin, models.CharField):
    """A short encrypted string; max_length applies to the plaintext (forms), not the column."""

    def get_db_prep_save(self, value, connection):
        return self.get_db_prep_value(value, connection, prepared=False)

    def check(self, **kwargs):
        return [c for c in super().check(**kwargs) if c.id != "fields.E120"]


class EncryptedDateField(EncryptedMixin, models.DateField):
    def _to_plain_string(self, value) -> str:
        return value.isoformat()

    def _from_plain_string(self, value: str):
        return datetime.date.fromisoformat(value) if value else None

    def get_db_prep_value(self, value, connection, prepared=False):
        if hasattr(value, "as_sql"):
            return value
        if value in (None, ""):
            return None
        if not prepared:
            value = self.get_prep_value(value)
        return encryption.encrypt(self._to_plain_string(value))

    def pre_save(self, model_instance, add):
        return getattr(model_instance, self.attname)


class BlindIndexField(models.CharField):
    """The keyed hash (`encryption.blind_index`) of another field's value, set on every save.

    Holds no plaintext; lets an encrypted value be found by exact match. A save with
    `update_fields` must name this field too when it names the source field.
    """

    def __init__(self, *args, source: str, purpose: str, **kwargs):
        self.source = source
        self.purpose = purpose
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose)
        return name, path, args, kwargs

    def digest_of(self, value) -> str | None:
        return encryption.blind_index(str(value), purpose=self.purpose) if value else None

    def pre_save(self, model_instance, add):
        digest = self.digest_of(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, digest)
        return digest


class _DigestExact(models.Lookup):
    """`field=value` on an encrypted field with a blind index: compares the keyed hashes.

    Case and spacing are folded by the hash (`normalize_for_search`), so `exact` and `iexact`
    are the same lookup. Only plain values can be compared (no expressions, no joins on it).
    """

    lookup_name = "exact"
    prepare_rhs = False

    def get_prep_lookup(self):
        return self.rhs

    def as_sql(self, compiler, connection):
        field = self.lhs.output_field
        if hasattr(self.rhs, "resolve_expression") or not hasattr(self.lhs, "alias"):
            raise FieldError(
                f"{field.name!r} is encrypted: compare it with a plain value (blind index)"
            )
        digest_field = field.model._meta.get_field(field.digest_field)
        sql, params = compiler.compile(digest_field.get_col(self.lhs.alias))
        return f"{sql} = %s", [*params, digest_field.digest_of(self.rhs)]


class EncryptedEmailField(EncryptedCharField):
    """An encrypted address that can still be looked up by exact match (`email=...`,
    `email__iexact=...`), through the `BlindIndexField` named by `digest_field`."""

    def __init__(self, *args, digest_field: str, **kwargs):
        self.digest_field = digest_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["digest_field"] = self.digest_field
        return name, path, args, kwargs

    def get_lookup(self, lookup_name):
        if lookup_name in ("exact", "iexact"):
            return _DigestExact
        return super().get_lookup(lookup_name)

    def formfield(self, **kwargs):
        from django import forms

        return super().formfield(**{"form_class": forms.EmailField, **kwargs})
