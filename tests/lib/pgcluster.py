"""Throw-away PostgreSQL clusters in a temporary directory: a primary and a streaming replica.

Used by the replica routing test. The clusters listen on 127.0.0.1 on free ports, trust local
connections (they hold nothing and live for one test) and are stopped and removed by `stop()`.
Run as root, the server processes run as the `postgres` OS user (PostgreSQL refuses root).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

INITDB = shutil.which("initdb") or "/usr/local/bin/initdb"
PG_CTL = shutil.which("pg_ctl") or "/usr/local/bin/pg_ctl"
PG_BASEBACKUP = shutil.which("pg_basebackup") or "/usr/bin/pg_basebackup"


def binaries_missing() -> str | None:
    """Why the clusters cannot be made here, or None."""
    for path in (INITDB, PG_CTL, PG_BASEBACKUP):
        if not (path and os.access(path, os.X_OK)):
            return f"PostgreSQL binary not found: {path}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no postgres OS user to run the servers"
        if not shutil.which("runuser"):
            return "running as root without runuser"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Clusters:
    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="waypoint-replica-"))
        self.primary_dir = self.root / "primary"
        self.replica_dir = self.root / "replica"
        self.primary_port = free_port()
        self.replica_port = free_port()
        self.started: list[Path] = []
        if os.geteuid() == 0:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(  # noqa: S603 - fixed binaries, arguments we build
            command, check=True, capture_output=True, timeout=timeout, cwd=self.root
        )

    def _start(self, data: Path, port: int) -> None:
        options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
        self._run(PG_CTL, "-D", str(data), "-l", str(self.root / f"{data.name}.log"), "-o",
                  options, "-w", "-t", "60", "start")  # fmt: skip
        self.started.append(data)

    def start(self) -> None:
        self._run(INITDB, "-D", str(self.primary_dir), "-A", "trust", "-U", "postgres",
                  "--no-sync", "-E", "UTF8")  # fmt: skip
        self._start(self.primary_dir, self.primary_port)
        import psycopg

        admin_url = f"postgres://postgres@127.0.0.1:{self.primary_port}/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE waypoint")
        self._run(PG_BASEBACKUP, "-h", "127.0.0.1", "-p", str(self.primary_port), "-U",
                  "postgres", "-D", str(self.replica_dir), "-R", "-X", "stream", "-c", "fast",
                  "--no-sync")  # fmt: skip
        self._start(self.replica_dir, self.replica_port)
        self._wait_streaming()

    def _wait_streaming(self, timeout: float = 30) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with psycopg.connect(self.url(self.primary_port), autocommit=True) as conn:
                if conn.execute("SELECT count(*) FROM pg_stat_replication").fetchone()[0]:
                    return
            time.sleep(0.1)
        raise RuntimeError("the replica never started streaming")

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/waypoint"

    def stop(self) -> None:
        for data in reversed(self.started):
            # Tear-down continues whatever happens: the directory goes regardless.
            with contextlib.suppress(subprocess.SubprocessError, OSError):
                self._run(PG_CTL, "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
