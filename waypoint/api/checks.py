"""`waypoint check --deploy`: the API's rate limit needs a cache every app process shares."""

from django.conf import settings
from django.core import checks

# Caches that live inside one process: behind gunicorn's workers each counts requests alone.
_PER_PROCESS = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@checks.register(checks.Tags.caches, deploy=True)
def rate_limit_cache_is_shared(app_configs=None, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in _PER_PROCESS:
        return []
    return [
        checks.Warning(
            f"CACHE_URL is a per-process cache ({backend.rsplit('.', 1)[-1]}): with several "
            "gunicorn workers or app servers each counts API requests alone, so the rate limit "
            "is that many times looser.",
            hint=f"Leave CACHE_URL unset (production uses the database table "
            f"{settings.SHARED_CACHE_TABLE!r}) or point it at a shared cache "
            "(dbcache://<table>, memcached, Redis).",
            id="api.W001",
        )
    ]


def create_cache_tables(using: str = "default", **kwargs) -> None:
    """After `migrate`: the table of every database cache (Django's `createcachetable`, which
    skips a table that exists), so the production default needs no extra install step."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache
    from django.core.management import call_command

    if any(isinstance(caches[alias], DatabaseCache) for alias in settings.CACHES):
        call_command("createcachetable", database=using, verbosity=0)
