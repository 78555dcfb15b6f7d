"""Bearer-token authentication, scopes and rate limits for /api/v1/ (docs/api.md)."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from ninja.security import HttpBearer
from ninja.throttling import AuthRateThrottle

from waypoint.api.models import ApiToken
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction

LAST_USED_EVERY = datetime.timedelta(minutes=1)


class ReadOnlyToken(Exception):
    """A read-only token was used for a write."""


class TokenRateThrottle(AuthRateThrottle):
    """Django Ninja's throttle, keyed by the token's id (its name is not unique), with the rate
    from `API_RATE_LIMIT` ("120/m"). Counts live in the configured cache: shared across app
    servers when CACHE_URL points at Redis (docs/deployment.md)."""

    def __init__(self):
        super().__init__(settings.API_RATE_LIMIT)

    def allow_request(self, request):
        # Read the setting on each request, so a changed limit applies without a restart of
        # this object (and tests can lower it).
        self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request):
        return self.cache_format % {"scope": self.scope, "ident": f"token-{request.auth.pk}"}


class BearerToken(HttpBearer):
    """`Authorization: Bearer TOKEN`. Sets `request.user` to the token's person, so every access
    function and audit event sees exactly who acted, as on the web."""

    def authenticate(self, request, token):
        found = (
            ApiToken.objects.select_related("user", "user__organization")
            .filter(digest=ApiToken.digest_of(token or ""))
            .first()
        )
        user = found.user if found else None
        if found is None or not found.is_usable or not user.is_active:
            _denied(request, user, "no valid API token")
            return None
        if not user.is_clinic_staff:
            # A valid token of a client account (say, staff whose account became a client's):
            # as on the web, where a client signed in gets 403 from every staff page.
            _denied(request, user, "client account")
            raise PermissionDenied("Client accounts use the portal, not the API.")
        request.user = user
        request.api_token = found
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        record(
            by=user,
            action=AuditAction.VIEW,
            object_type="api",
            object_label=f"API {request.method} {request.path}"[:200],
            detail={"token": found.prefix},
        )
        return found


def _denied(request, user, reason: str) -> None:
    record(
        by=user,
        action=AuditAction.DENIED,
        object_type="api",
        object_label=f"API {request.method} {request.path}"[:200],
        detail={"reason": reason},
    )


def require_write(request) -> None:
    if not request.auth.can_write:
        raise ReadOnlyToken()
