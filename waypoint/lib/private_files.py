"""Files only the app's own user may read: `var/` 0700, databases and keys 0600.

The database file, its WAL and shared-memory files, the local key files and anything a command
writes (exports, restored databases) hold client data or the keys to it; other accounts on the
same host must not read them. See docs/security.md, "File permissions".
"""

import os
from pathlib import Path

PRIVATE_UMASK = 0o077  # new files 0600, new directories 0700
_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def use_private_umask() -> None:
    """Called first by the CLI and the WSGI entry point, before any file is created."""
    os.umask(PRIVATE_UMASK)


def make_private_dir(path: Path) -> Path:
    """Create `path` (and parents) and make it 0700, tightening one made by an older version."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def restrict_sqlite_files(name: str | os.PathLike) -> None:
    """Create the SQLite file 0600 if it does not exist yet, and make it and its companions 0600
    (SQLite gives new -wal/-shm files the database file's mode)."""
    if str(name) == ":memory:" or str(name).startswith("file:"):
        return  # an in-memory database has no file
    path = Path(name)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # an empty file is a new database
    for suffix in _SQLITE_SUFFIXES:
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.chmod(0o600)
