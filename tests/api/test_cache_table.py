"""The database cache's table is created by `migrate` (post_migrate), whichever cache is set."""

import pytest
from django.db import connection

from waypoint.api.checks import create_cache_tables, rate_limit_cache_is_shared

pytestmark = pytest.mark.django_db


def test_a_database_cache_gets_its_table(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "rate_limit_cache_table",
        }
    }
    assert "rate_limit_cache_table" not in connection.introspection.table_names()
    create_cache_tables(using="default")
    assert "rate_limit_cache_table" in connection.introspection.table_names()
    create_cache_tables(using="default")  # a second migrate leaves it as it is
    assert rate_limit_cache_is_shared() == []


def test_a_per_process_cache_creates_nothing_and_is_reported(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    before = set(connection.introspection.table_names())
    create_cache_tables(using="default")
    assert set(connection.introspection.table_names()) == before
    [warning] = rate_limit_cache_is_shared()
    assert warning.id == "api.W001" and "LocMemCache" in warning.msg
