"""Field encryption and blind indexes.

Identifying data and clinical free text are encrypted with MultiFernet (AES-128-CBC + HMAC-SHA256,
from `cryptography`). `FIELD_ENCRYPTION_KEYS` lists Fernet keys, newest first: new values are
encrypted with the first, any listed key decrypts, and `waypoint rotate-keys` re-encrypts old
values with the first key. Exact-match search uses a keyed hash (HMAC-SHA256 with
`SEARCH_HASH_KEY`), never the plaintext. See docs/security.md and docs/adr/0002-field-encryption.md.
"""

import hashlib
import hmac
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@cache
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys "
            "(make one with `waypoint generate-key`)"
        ) from exc


def current_fernet() -> MultiFernet:
    keys = tuple(k.strip() for k in settings.FIELD_ENCRYPTION_KEYS if k.strip())
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    return _multifernet(keys)


def encrypt(plaintext: str) -> str:
    return current_fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


# Tokens already decrypted inside a `decrypting_once()` block (None outside one).
_decrypted: ContextVar[dict[str, str] | None] = ContextVar("decrypted", default=None)


@contextmanager
def decrypting_once():
    """Within the block, a token read many times is decrypted once.

    A list of 200 charts with the same primary clinician reads her encrypted email 200 times
    (one joined row each). The plaintexts are kept in this block's memory only, as long as the
    objects built from them, and dropped when it ends: never written anywhere, never shared with
    another request or thread (a context variable)."""
    reset = _decrypted.set({})
    try:
        yield
    finally:
        _decrypted.reset(reset)


def decrypt(token: str) -> str:
    seen = _decrypted.get()
    if seen is not None and token in seen:
        return seen[token]
    try:
        plain = current_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError(
            "a stored value could not be decrypted: is FIELD_ENCRYPTION_KEYS missing an old key?"
        ) from exc
    if seen is not None:
        seen[token] = plain
    return plain


def reencrypt(token: str) -> str:
    """Re-encrypt a stored token with the newest key (used by key rotation)."""
    try:
        return current_fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("a stored value could not be decrypted for rotation") from exc


def normalize_for_search(value: str) -> str:
    """Case-, accent- and spacing-insensitive form of a name or number for blind indexes."""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash of `value` for exact-match lookups; `purpose` separates the hash spaces."""
    key = settings.SEARCH_HASH_KEY.encode("utf-8")
    message = f"{purpose}\x00{normalize_for_search(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def name_search_digests(*names: str, min_prefix: int = 2) -> set[str]:
    """Digests of every prefix (2+ characters) of every word of the given names.

    Lets staff find "Marisol Vega" by typing "mar", "vega" or "ve" without the database
    holding any part of the name in clear text.
    """
    digests = set()
    for name in names:
        for word in normalize_for_search(name or "").replace("-", " ").split():
            for end in range(min(min_prefix, len(word)), len(word) + 1):
                digests.add(blind_index(word[:end], purpose="name-prefix"))
    return digests


def query_digests(query: str) -> list[str]:
    """Digests to look up for a typed search: one per word, all must match."""
    words = normalize_for_search(query).replace("-", " ").split()
    return [blind_index(word, purpose="name-prefix") for word in words if len(word) >= 2]
