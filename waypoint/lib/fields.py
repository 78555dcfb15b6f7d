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
