"""Run the installed `waypoint` console script in a clean environment, as a person would."""

import os
import subprocess
import sys
from pathlib import Path

WAYPOINT = str(Path(sys.executable).with_name("waypoint"))
# The checkout under test, first on the path: the console script then runs this tree's code
# even when the virtualenv's editable install points at another checkout.
REPO = str(Path(__file__).resolve().parents[1])
PRODUCTION_SECRETS = {
    "WAYPOINT_ENV": "production",
    "SECRET_KEY": "production-test-" + "k" * 60,
    "FIELD_ENCRYPTION_KEYS": "tGq0cJ2y8c0n1k5oG2m7oTjY6kZ8iV3mQ9wE1rT4yU0=",
    "SEARCH_HASH_KEY": "production-test-search-key",
    "AUDIT_HMAC_KEYS": "prod-test:production-test-audit-key-not-a-real-one",
    "ALLOWED_HOSTS": "clinic.example.org",
}


def run_waypoint(*args, var_dir, env=None, timeout=120) -> subprocess.CompletedProcess:
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var_dir),
        "WAYPOINT_VAR_DIR": str(var_dir),
        "LANG": "C.UTF-8",
        "PYTHONPATH": REPO,
    }
    clean.update(env or {})
    return subprocess.run(  # noqa: S603 - our own console script with fixed arguments
        [WAYPOINT, *args],
        cwd=var_dir,
        env=clean,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def python_in(code: str, *, var_dir, env=None) -> subprocess.CompletedProcess:
    """Evaluate `code` in a fresh interpreter with the given environment (for settings)."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(var_dir),
        "WAYPOINT_VAR_DIR": str(var_dir),
        "PYTHONPATH": REPO,
    }
    clean.update(env or {})
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=var_dir,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
