"""The request an audit event happens in, so actions need not pass addresses around."""

from contextvars import ContextVar

_current_request = ContextVar("waypoint_audit_request", default=None)


def set_request(request):
    return _current_request.set(request)


def reset(token):
    _current_request.reset(token)


def current_request():
    return _current_request.get()


def client_address(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
