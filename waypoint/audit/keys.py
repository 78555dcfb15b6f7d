"""The keys of the audit trail's HMAC chain (`AUDIT_HMAC_KEYS`).

`AUDIT_HMAC_KEYS` lists `id:key` pairs, newest first, from the environment (never the
database). New events are linked with the newest key and store its id; verification looks up
each event's own key id, so old keys stay listed for as long as events signed with them exist
(rotation does not re-chain history). An event with an empty key id predates the upgrade and is
checked with the old unkeyed SHA-256. See docs/security.md, "Audit trail".
"""

import re
import secrets
from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_ID = re.compile(r"[A-Za-z0-9_.-]{1,32}")
MIN_KEY_LENGTH = 32
FORMAT_HINT = (
    "AUDIT_HMAC_KEYS must be comma-separated id:key pairs, newest first, each key 32+ "
    "characters (make one with `waypoint generate-key --audit`)"
)


def parse_keys(entries) -> dict[str, bytes]:
    """{key id: key bytes}, newest first; raises ImproperlyConfigured with a one-line hint."""
    keys: dict[str, bytes] = {}
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        key_id, separator, secret = entry.partition(":")
        if not separator or not KEY_ID.fullmatch(key_id) or len(secret) < MIN_KEY_LENGTH:
            raise ImproperlyConfigured(FORMAT_HINT)
        if key_id in keys:
            raise ImproperlyConfigured(f"AUDIT_HMAC_KEYS lists the key id {key_id!r} twice")
        keys[key_id] = secret.encode()
    return keys


@cache
def _parsed(entries: tuple[str, ...]) -> dict[str, bytes]:
    return parse_keys(entries)


def configured() -> dict[str, bytes]:
    return _parsed(tuple(settings.AUDIT_HMAC_KEYS))


def signing_key() -> tuple[str, bytes]:
    """The newest key: (id, key). New events are linked with it."""
    keys = configured()
    if not keys:
        raise ImproperlyConfigured(f"AUDIT_HMAC_KEYS is empty: {FORMAT_HINT}")
    key_id = next(iter(keys))
    return key_id, keys[key_id]


def new_key_entry() -> str:
    """A fresh `id:key` pair for the front of AUDIT_HMAC_KEYS (the id says when it was made).

    Used by settings.py for the local key file, so it must not need Django's settings.
    """
    return f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(2)}:{secrets.token_urlsafe(32)}"
