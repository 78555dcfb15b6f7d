"""Read replica routing: read-only pages read from a PostgreSQL streaming replica.

When `DATABASE_REPLICA_URL` is set, settings add a `replica` database alias and this router.
Everything goes to the primary (`default`) except the reads of views marked
`@reads_from_replica`, and only when all of these hold:

- the request is a GET or HEAD (`ReplicaMiddleware` decides in `process_view`, after the session
  and the signed-in user are loaded from the primary);
- the person has not written in the last `REPLICA_STICKY_SECONDS` (read-your-writes: every
  POST/PUT/PATCH/DELETE by a signed-in person stamps their session, and for that long all their
  reads go to the primary, so a clinician who just saved a diary day sees it on the next page
  even if the replica is a second behind);
- no transaction is open on the primary: reads inside an action (`@transaction.atomic`) or in
  `audit.record` (which reads the chain's head under a lock) must see the primary's rows, so
  they never leave it.

Writes always go to the primary; the router never migrates the replica (it copies the primary's
schema by streaming). Why a context variable rather than per-query hints: a page's reads happen
in querysets built deep inside models, extensions and template rendering, which should not know
where they run. See docs/configuration.md ("Read replica") and docs/deployment.md.
"""

from __future__ import annotations

import contextvars
import time
from functools import wraps

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
SESSION_KEY = "waypoint_last_write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "waypoint_use_replica", default=False
)


def reads_from_replica(view):
    """Mark a read-only view whose reads may come from the replica (a second or so behind)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return view(*args, **kwargs)

    wrapper.reads_from_replica = True
    return wrapper


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def using_replica() -> bool:
    """Whether reads made now would go to the replica."""
    return _use_replica.get() and replica_configured() and not connections[PRIMARY].in_atomic_block


class ReplicaRouter:
    """Django database router: see the module docstring."""

    def db_for_read(self, model, **hints):
        return REPLICA if using_replica() else PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both aliases

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


def wrote_recently(session, *, now: float | None = None) -> bool:
    """Did this session write within the last `REPLICA_STICKY_SECONDS`?"""
    stamp = session.get(SESSION_KEY)
    if not isinstance(stamp, int | float):
        return False
    now = time.time() if now is None else now
    return now - stamp < settings.REPLICA_STICKY_SECONDS


class ReplicaMiddleware:
    """Turns replica reads on for marked GET views; stamps a person's session when they write.

    Placed after the session, authentication and two-factor middleware, so the session and the
    user come from the primary before any read is sent elsewhere.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._replica_token = None
        try:
            response = self.get_response(request)
        finally:
            # The response is rendered inside get_response (TemplateResponse), so the reads of
            # template rendering were routed too; the flag ends with the request.
            if request._replica_token is not None:
                _use_replica.reset(request._replica_token)
                request._replica_token = None
        if request.method not in SAFE_METHODS and replica_configured() and _signed_in(request):
            request.session[SESSION_KEY] = time.time()
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "reads_from_replica", False) or not replica_configured():
            return None
        if request.method not in ("GET", "HEAD"):
            return None
        session = getattr(request, "session", None)
        if session is not None and wrote_recently(session):
            return None
        _signed_in(request)  # loads the user (and session) from the primary, before the flag
        request._replica_token = _use_replica.set(True)
        return None


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and hasattr(request, "session"))
