"""Test settings: the real settings with fixed test keys and a fast password hasher."""

import os
import tempfile

os.environ["WAYPOINT_ENV"] = "test"
os.environ.setdefault("WAYPOINT_VAR_DIR", tempfile.mkdtemp(prefix="waypoint-test-"))
os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 50)
# Two keys so that every test exercises MultiFernet with a rotation candidate.
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    "tGq0cJ2y8c0n1k5oG2m7oTjY6kZ8iV3mQ9wE1rT4yU0=,Zm9yLXRlc3RzLW9ubHktbm90LWEtcmVhbC1rZXktMDA=",
)
os.environ.setdefault("SEARCH_HASH_KEY", "test-search-key")
# Two audit keys, newest first, so that verification always meets a rotation's older key.
os.environ.setdefault(
    "AUDIT_HMAC_KEYS",
    "test-2:test-audit-key-two-not-a-real-secret-000,test-1:test-audit-key-one-not-a-real-secret-00",
)

from waypoint.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only  # noqa: S303
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Tasks run at once, inside the test (after commit); tests/worker/ uses the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
