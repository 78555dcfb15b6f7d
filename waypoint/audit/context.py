"""The request an audit event happens in, so actions need not pass addresses around."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.ipv6 import clean_ipv6_address

_current_request = ContextVar("waypoint_audit_request", default=None)


def set_request(request):
    return _current_request.set(request)


def reset(token):
    _current_request.reset(token)


def current_request():
    return _current_request.get()


def client_address(request) -> str | None:
    """The client's address in the form the database stores it, or None if it is not one.

    Behind TRUSTED_PROXY_COUNT reverse proxies (AXES_IPWARE_PROXY_COUNT), the address is the one
    the outermost trusted proxy added to X-Forwarded-For; anything further left was sent by the
    client and is not trusted. django-axes uses this same function (AXES_CLIENT_IP_CALLABLE), so
    lockouts and the audit trail agree on who is asking.

    The audit hash covers the address, so it must be normalized before hashing exactly as
    GenericIPAddressField does when saving ("2001:0DB8::0001" -> "2001:db8::1"); otherwise the
    chain would not verify. Garbage from a misconfigured proxy is dropped rather than crashing
    every page on PostgreSQL's inet column.
    """
    if request is None:
        return None
    raw = str(request.META.get("REMOTE_ADDR") or "").strip()
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies:
        forwarded = [
            hop.strip()
            for hop in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if hop.strip()
        ]
        if len(forwarded) >= proxies:
            raw = forwarded[-proxies]
    try:
        ipaddress.ip_address(raw)
        return clean_ipv6_address(raw) if ":" in raw else raw
    except (ValueError, ValidationError):
        return None
