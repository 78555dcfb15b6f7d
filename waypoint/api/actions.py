"""Making and revoking API tokens, audited."""

import datetime
import secrets

from django.utils import timezone

from waypoint.api.models import ApiToken, TokenScope
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction

TOKEN_PREFIX = "wpt_"  # noqa: S105  # nosec B105 - a visible marker on every token, not a secret
DEFAULT_DAYS = 90
MAX_DAYS = 365


class TokenError(ValueError):
    """The token cannot be made; the message is one line for the person."""


def create_token(user, *, by, name: str, scope: str = TokenScope.READ, days: int = DEFAULT_DAYS):
    """Make a token for `user`; returns (token, raw). The raw value is never stored."""
    if not (user.is_active and user.is_clinic_staff):
        raise TokenError("API tokens are for active staff accounts only.")
    if scope not in TokenScope.values:
        raise TokenError(f"scope must be one of: {', '.join(TokenScope.values)}")
    if not 1 <= days <= MAX_DAYS:
        raise TokenError(f"a token lasts between 1 and {MAX_DAYS} days")
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise TokenError("give the token a name of up to 100 characters (what it is for)")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=ApiToken.digest_of(raw),
        scope=scope,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    record(
        by=by,
        action=AuditAction.ACCOUNT,
        obj=token,
        object_label=f"API token {token.prefix}…",
        detail={"event": "api token created", "scope": scope, "days": days, "for": user.pk},
    )
    return token, raw


def revoke_token(token: ApiToken, *, by) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            by=by,
            action=AuditAction.ACCOUNT,
            obj=token,
            object_label=f"API token {token.prefix}…",
            detail={"event": "api token revoked"},
        )
    return token
