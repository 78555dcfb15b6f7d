"""Encrypted, consistent backups (`waypoint backup FILE`) and restores (`waypoint restore FILE`).

A backup is a database snapshot, encrypted and authenticated:

- the snapshot: SQLite's online backup API (a consistent copy while the site runs) or
  `pg_dump --format=custom` on PostgreSQL (one consistent transaction), into a private temp file;
- the file: a small plain header (format version, engine, created_at, app version, schema, sha256
  and size of the snapshot, a random salt), then the snapshot encrypted in 1 MiB chunks with
  AES-256-GCM from `cryptography`. Each chunk's nonce is its index plus a last-chunk flag and
  every chunk authenticates the header's hash, so a changed, reordered, dropped or appended byte
  fails authentication (the "STREAM" construction of Hoang, Reyhanitabar, Rogaway and Vizár,
  "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance", CRYPTO 2015).
  The per-file key is HKDF-SHA256(BACKUP_ENCRYPTION_KEY, salt); a key-check block right after the
  header tells a wrong key apart from a damaged file.

A restore decrypts and verifies the whole file into a temp file before it touches the database,
and restores only into an empty instance (no organizations). See docs/security.md, "Backups".
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - runs pg_dump/pg_restore with fixed arguments, never a shell
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import DatabaseError, connection

from waypoint.lib.private_files import restrict_sqlite_files

MAGIC = b"WAYPOINT-BACKUP\n"
FORMAT_VERSION = 1
CIPHER = "AES-256-GCM chunks, HKDF-SHA256 file key"
CHUNK_SIZE = 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
_TAG_BYTES = 16
_LENGTH_BYTES = 4
_KEY_CHECK_NONCE = b"\xff" * 12  # never a chunk nonce: chunk nonces end in 0x00 or 0x01
_KEY_CHECK_PLAINTEXT = b"waypoint backup key check"
_HKDF_INFO = b"waypoint-backup-v1"


class BackupError(Exception):
    """A backup could not be written or read; the message is one line for the operator."""


@dataclass(frozen=True)
class BackupHeader:
    format: int
    engine: str
    created_at: str
    app_version: str
    sha256: str
    size: int
    chunk_size: int
    salt: bytes
    schema: tuple[str, ...]
    cipher: str = CIPHER

    def to_bytes(self) -> bytes:
        data = {
            "format": self.format,
            "engine": self.engine,
            "created_at": self.created_at,
            "app_version": self.app_version,
            "sha256": self.sha256,
            "size": self.size,
            "chunk_size": self.chunk_size,
            "salt": base64.b64encode(self.salt).decode("ascii"),
            "schema": list(self.schema),
            "cipher": self.cipher,
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":")).encode("utf-8")


# Reading and writing the container ------------------------------------------------------------


def backup_key() -> bytes:
    """The 32-byte master key from BACKUP_ENCRYPTION_KEY (urlsafe base64, as `generate-key`)."""
    value = (getattr(settings, "BACKUP_ENCRYPTION_KEY", "") or "").strip()
    if not value:
        raise BackupError(
            "BACKUP_ENCRYPTION_KEY is not set (make one with `waypoint generate-key`)"
        )
    try:
        key = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeError):
        key = b""
    if len(key) != 32:
        raise BackupError(
            "BACKUP_ENCRYPTION_KEY must be 32 bytes in urlsafe base64 (`waypoint generate-key`)"
        )
    return key


def _file_key(master_key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO).derive(
        master_key
    )
    return AESGCM(derived)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _read_exact(stream: BinaryIO, count: int, what: str) -> bytes:
    data = stream.read(count)
    if len(data) != count:
        raise BackupError(f"the backup file is truncated ({what} is incomplete)")
    return data


def _read_block(stream: BinaryIO, limit: int, what: str) -> bytes | None:
    """A length-prefixed block, or None at a clean end of file."""
    prefix = stream.read(_LENGTH_BYTES)
    if prefix == b"":
        return None
    if len(prefix) != _LENGTH_BYTES:
        raise BackupError(f"the backup file is truncated ({what} is incomplete)")
    length = int.from_bytes(prefix, "big")
    if length > limit:
        raise BackupError(f"the backup file is damaged ({what} has an impossible length)")
    return _read_exact(stream, length, what)


def _write_block(out: BinaryIO, data: bytes) -> None:
    out.write(len(data).to_bytes(_LENGTH_BYTES, "big"))
    out.write(data)


def parse_header(raw: bytes) -> BackupHeader:
    """Parse header JSON; any malformation raises BackupError (never another exception)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BackupError("the backup file's header is damaged") from exc
    if not isinstance(data, dict):
        raise BackupError("the backup file's header is damaged")
    if data.get("format") != FORMAT_VERSION:
        raise BackupError(
            f"unsupported backup format {data.get('format')!r} (this Waypoint reads "
            f"format {FORMAT_VERSION})"
        )
    try:
        header = BackupHeader(
            format=FORMAT_VERSION,
            engine=_expect(data, "engine", str),
            created_at=_expect(data, "created_at", str),
            app_version=_expect(data, "app_version", str),
            sha256=_expect(data, "sha256", str),
            size=_expect(data, "size", int),
            chunk_size=_expect(data, "chunk_size", int),
            salt=base64.b64decode(_expect(data, "salt", str).encode("ascii"), validate=True),
            schema=tuple(_expect(data, "schema", list)),
            cipher=_expect(data, "cipher", str),
        )
    except (binascii.Error, ValueError, UnicodeError, TypeError) as exc:
        raise BackupError("the backup file's header is damaged") from exc
    if header.engine not in {"sqlite", "postgresql"}:
        raise BackupError(f"the backup file names an unknown database engine {header.engine!r}")
    if header.cipher != CIPHER or len(header.salt) != 32:
        raise BackupError("the backup file uses an encryption scheme this Waypoint cannot read")
    if not 1 <= header.chunk_size <= 64 * CHUNK_SIZE or header.size < 0:
        raise BackupError("the backup file's header is damaged")
    if len(header.sha256) != 64 or not all(c in "0123456789abcdef" for c in header.sha256):
        raise BackupError("the backup file's header is damaged")
    if not all(isinstance(name, str) for name in header.schema):
        raise BackupError("the backup file's header is damaged")
    return header


def _expect(data: dict, key: str, kind: type):
    value = data.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(key)
    return value


def read_header(stream: BinaryIO) -> tuple[BackupHeader, bytes]:
    """Read magic and header from the start of a backup file; returns (header, raw bytes)."""
    magic = stream.read(len(MAGIC))
    if magic != MAGIC:
        raise BackupError("this is not a Waypoint backup file")
    raw = _read_block(stream, MAX_HEADER_BYTES, "the header")
    if raw is None:
        raise BackupError("the backup file is truncated (the header is missing)")
    return parse_header(raw), raw


def encrypt_file(plain_path: Path, out: BinaryIO, *, engine: str, schema: list[str]) -> None:
    """Write the container for the plaintext snapshot at `plain_path` to `out`."""
    master = backup_key()
    digest = hashlib.sha256()
    size = 0
    with open(plain_path, "rb") as src:
        for block in iter(lambda: src.read(CHUNK_SIZE), b""):
            digest.update(block)
            size += len(block)
    salt = os.urandom(32)
    header = BackupHeader(
        format=FORMAT_VERSION,
        engine=engine,
        created_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        app_version=_app_version(),
        sha256=digest.hexdigest(),
        size=size,
        chunk_size=CHUNK_SIZE,
        salt=salt,
        schema=tuple(schema),
    )
    raw = header.to_bytes()
    aad = hashlib.sha256(raw).digest()
    aead = _file_key(master, salt)
    out.write(MAGIC)
    _write_block(out, raw)
    _write_block(out, aead.encrypt(_KEY_CHECK_NONCE, _KEY_CHECK_PLAINTEXT, aad))
    with open(plain_path, "rb") as src:
        index = 0
        block = src.read(CHUNK_SIZE)
        while True:
            following = src.read(CHUNK_SIZE) if block else b""
            last = following == b""
            _write_block(out, aead.encrypt(_nonce(index, last), block, aad))
            if last:
                break
            index += 1
            block = following


def decrypt_file(stream: BinaryIO, plain_out: BinaryIO) -> BackupHeader:
    """Verify and decrypt a whole backup into `plain_out`; raises BackupError on any problem."""
    header, raw = read_header(stream)
    aad = hashlib.sha256(raw).digest()
    aead = _file_key(backup_key(), header.salt)
    check = _read_block(stream, 1024, "the key check")
    if check is None:
        raise BackupError("the backup file is truncated (the key check is missing)")
    try:
        ok = aead.decrypt(_KEY_CHECK_NONCE, check, aad) == _KEY_CHECK_PLAINTEXT
    except InvalidTag:
        ok = False
    if not ok:
        raise BackupError(
            "wrong backup key: BACKUP_ENCRYPTION_KEY does not open this backup "
            "(or its header was altered)"
        )
    digest = hashlib.sha256()
    size = 0
    index = 0
    while True:
        block = _read_block(stream, header.chunk_size + _TAG_BYTES, f"chunk {index}")
        if block is None:
            raise BackupError("the backup file is truncated (its last part is missing)")
        try:
            plain = aead.decrypt(_nonce(index, False), block, aad)
            last = False
        except InvalidTag:
            try:
                plain = aead.decrypt(_nonce(index, True), block, aad)
                last = True
            except InvalidTag:
                raise BackupError(
                    f"the backup file is damaged or was tampered with (chunk {index} "
                    "fails authentication)"
                ) from None
        digest.update(plain)
        size += len(plain)
        plain_out.write(plain)
        if last:
            break
        index += 1
    if stream.read(1) != b"":
        raise BackupError("the backup file is damaged (unexpected data after the last part)")
    if size != header.size or digest.hexdigest() != header.sha256:
        raise BackupError("the backup file is damaged (the snapshot checksum does not match)")
    return header


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("waypoint")
    except PackageNotFoundError:
        return "unknown"


# Database snapshots -----------------------------------------------------------------------------


def engine_name() -> str:
    return "postgresql" if connection.vendor == "postgresql" else connection.vendor


def applied_migrations() -> list[str]:
    from django.db.migrations.recorder import MigrationRecorder

    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


@contextmanager
def private_tempdir():
    """A temp directory only this user can read, removed afterwards (snapshots are plaintext)."""
    path = Path(tempfile.mkdtemp(prefix="waypoint-backup-"))
    path.chmod(0o700)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def sqlite_snapshot(target: Path) -> None:
    """A consistent copy of the live SQLite database (the online backup API, one step)."""
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _pg_env() -> dict[str, str]:
    """libpq connection settings as environment variables: the password never on a command line."""
    db = settings.DATABASES["default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGDATABASE": db.get("NAME"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
    }
    env.update({k: str(v) for k, v in values.items() if v})
    options = db.get("OPTIONS", {})
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (PostgreSQL client tools are needed)")
    return path


def _run(args: list[str], what: str) -> None:
    # Fixed argument list, no shell, no user input; the password travels in PGPASSWORD.
    result = subprocess.run(  # noqa: S603  # nosec B603
        args, env=_pg_env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit status {result.returncode}"
        raise BackupError(f"{what} failed: {reason}")


def postgresql_snapshot(target: Path) -> None:
    _run(
        [
            _pg_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(target),
        ],
        "pg_dump",
    )


def write_backup(destination: Path) -> BackupHeader:
    """Snapshot the database and write it encrypted to `destination` (never overwritten)."""
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} already exists; choose a new file name")
    if not destination.parent.is_dir():
        raise BackupError(f"the folder {destination.parent} does not exist")
    backup_key()  # fail before any work if the key is missing
    engine = engine_name()
    with private_tempdir() as tmp:
        snapshot = tmp / "snapshot"
        if engine == "sqlite":
            sqlite_snapshot(snapshot)
        elif engine == "postgresql":
            postgresql_snapshot(snapshot)
        else:
            raise BackupError(f"backups support SQLite and PostgreSQL, not {engine}")
        partial = destination.with_name(destination.name + ".partial")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                encrypt_file(snapshot, out, engine=engine, schema=applied_migrations())
            os.replace(partial, destination)
        except FileExistsError:
            raise BackupError(f"{partial} exists: is another backup running?") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    with open(destination, "rb") as stream:
        return read_header(stream)[0]


# Restoring --------------------------------------------------------------------------------------


def database_is_empty() -> bool:
    """True when the instance has no organizations (or no tables yet)."""
    from waypoint.clinics.models import Organization

    try:
        return not Organization.objects.exists()
    except DatabaseError:
        return True  # not migrated yet: nothing to lose


def restore_backup(source: Path) -> tuple[BackupHeader, list[str]]:
    """Verify the whole backup, then load it into this (empty) instance.

    Returns the header and the migrations this code has that the backup lacks (run `migrate`).
    Nothing in the database changes unless every check passes.
    """
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"{source} does not exist or is not a file")
    engine = engine_name()
    with private_tempdir() as tmp:
        plain = tmp / "snapshot"
        with open(source, "rb") as stream, open(plain, "wb") as out:
            header = decrypt_file(stream, out)
        if header.engine != engine:
            raise BackupError(
                f"this backup is of a {header.engine} database; this instance uses {engine}"
            )
        from django.db.migrations.loader import MigrationLoader

        known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
        unknown = sorted(set(header.schema) - known)
        if unknown:
            raise BackupError(
                f"this backup comes from a newer Waypoint ({header.app_version}); it has "
                f"migrations this version lacks, e.g. {unknown[0]}"
            )
        if not database_is_empty():
            raise BackupError(
                "this database already has organizations; restore only into an empty instance "
                "(a new DATABASE_URL, migrated or not)"
            )
        if engine == "sqlite":
            _sqlite_restore(plain)
            restrict_sqlite_files(connection.settings_dict["NAME"])
        else:
            _postgresql_restore(plain)
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    missing = sorted(known - set(header.schema))
    return header, missing


def _sqlite_restore(plain: Path) -> None:
    source = sqlite3.connect(plain)
    try:
        source.execute("PRAGMA quick_check").fetchone()
        connection.ensure_connection()
        if connection.in_atomic_block:
            raise BackupError("restore cannot run inside a transaction")
        source.backup(connection.connection)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the SQLite snapshot could not be restored: {exc}") from exc
    finally:
        source.close()


def _postgresql_restore(plain: Path) -> None:
    connection.close()  # pg_restore needs the tables unlocked
    _run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            settings.DATABASES["default"]["NAME"],
            str(plain),
        ],
        "pg_restore",
    )
