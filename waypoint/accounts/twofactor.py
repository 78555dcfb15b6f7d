"""Two-factor sign-in: TOTP authenticator apps with single-use recovery codes (django-otp).

- Enrolment: a TOTP device starts unconfirmed; it is confirmed by typing a code from the app,
  which also creates 10 single-use recovery codes (an otp_static device).
- Sign-in: a person with a confirmed device is not signed in after the password; the password
  step leaves a short-lived "pending" marker in the (anonymous) session and the second step
  (`accounts-two-factor-verify`) signs them in with the device that matched. See
  `waypoint.accounts.views.LoginView`.
- Policy: when the organization's `require_staff_two_factor` is on (the default for new
  organizations in production), `TwoFactorMiddleware` sends staff without a device to enrolment
  before any other page. Clients and other staff may opt in.
- Admins reset another person's two-factor (a lost phone); the reset is audited and ends the
  person's sessions.

Codes are never checked by hand: django-otp verifies them (with replay protection and
throttling). See docs/security.md, "Two-factor sign-in".
"""

from __future__ import annotations

import base64
import io
import time

import django_otp
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode
from django_otp.plugins.otp_static.models import StaticToken

from waypoint.accounts.actions import end_sessions
from waypoint.accounts.models import AuthenticatorDevice, RecoveryCode, RecoveryCodeDevice
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction

RECOVERY_CODE_COUNT = 10
PENDING_SESSION_KEY = "waypoint_2fa_pending"
PENDING_MAX_SECONDS = 5 * 60
PENDING_MAX_ATTEMPTS = 5
ISSUER = "Waypoint"

# Pages a signed-in person may reach before their second factor is done.
EXEMPT_URL_NAMES = frozenset(
    {
        "accounts-two-factor-setup",
        "accounts-two-factor-verify",
        "logout",
        "healthz",
    }
)


# Who needs what ---------------------------------------------------------------------------------


def is_enrolled(user) -> bool:
    """Has a confirmed authenticator app."""
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()


def is_required(user) -> bool:
    """The organization requires a second factor of this person (staff only)."""
    return bool(
        user.is_clinic_staff
        and user.organization is not None
        and user.organization.require_staff_two_factor
    )


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


# Enrolment ------------------------------------------------------------------------------------


def start_enrolment(user) -> AuthenticatorDevice:
    """The unconfirmed device to show as a QR code (reused, so reloading keeps the same key)."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = AuthenticatorDevice.objects.create(
            user=user, name="Authenticator app", confirmed=False
        )
    return device


def provisioning_uri(device: AuthenticatorDevice) -> str:
    """otpauth:// URI for authenticator apps, labelled with the issuer and the email."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    label = f"{ISSUER}:{device.user.email}"
    query = urlencode(
        {
            "secret": secret,
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        }
    )
    from urllib.parse import quote

    return f"otpauth://totp/{quote(label)}?{query}"


def manual_key(device: AuthenticatorDevice) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: AuthenticatorDevice) -> str:
    """The provisioning URI as an inline SVG data URI (the CSP allows `img-src data:`)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(
        provisioning_uri(device), image_factory=qrcode.image.svg.SvgPathImage, box_size=8
    )
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@transaction.atomic
def confirm_enrolment(
    device: AuthenticatorDevice, token: str, *, by, keep_session: str | None = None
) -> list[str] | None:
    """Confirm the device if `token` is the app's current code; returns new recovery codes.

    Every other session of the person ends (all but `keep_session`, the one enrolling): they
    were signed in with the password alone, and may be someone else's.
    """
    if device.confirmed or device.user_id != by.pk:
        return None
    if not device.verify_token(_digits(token)):
        return None
    AuthenticatorDevice.objects.filter(user=by).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _replace_recovery_codes(by)
    end_sessions(by, keep=keep_session)
    record(by=by, action=AuditAction.ACCOUNT, obj=by, detail={"two_factor": "enabled"})
    return codes


@transaction.atomic
def regenerate_recovery_codes(user, *, by) -> list[str]:
    codes = _replace_recovery_codes(user)
    record(by=by, action=AuditAction.ACCOUNT, obj=user, detail={"two_factor": "new_codes"})
    return codes


def _replace_recovery_codes(user) -> list[str]:
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    device.set_codes(codes)
    return [f"{c[:4]}-{c[4:]}" for c in codes]


@transaction.atomic
def remove_two_factor(user, *, by, reason: str) -> None:
    """Delete every device of `user` (self turning it off, or an admin reset). Audited."""
    AuthenticatorDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()
    if by.pk != user.pk:
        end_sessions(user)
    record(
        by=by,
        action=AuditAction.ACCOUNT,
        obj=user,
        detail={"two_factor": reason},
    )


# Verification ---------------------------------------------------------------------------------


def _digits(token: str) -> str:
    return "".join(ch for ch in (token or "") if not ch.isspace())


def verify(user, token: str):
    """The device that accepts `token` (a 6-digit app code or a recovery code), or None.

    Each device is checked through django-otp, which refuses replays and throttles failures.
    """
    token = _digits(token)
    if token.isdigit():
        devices = AuthenticatorDevice.objects.filter(user=user, confirmed=True)
    else:
        token = token.replace("-", "").lower()
        devices = RecoveryCodeDevice.objects.filter(user=user, confirmed=True)
    for device in devices:
        matched = django_otp.verify_token(user, device.persistent_id, token)
        if matched is not None:
            return matched
    return None


def start_pending(request, user, *, next_url: str) -> None:
    """Password accepted: remember who is halfway through signing in (not signed in yet)."""
    request.session[PENDING_SESSION_KEY] = {
        "user_id": user.pk,
        "backend": getattr(user, "backend", "django.contrib.auth.backends.ModelBackend"),
        "started": time.time(),
        "attempts": 0,
        "next": next_url,
    }


def pending(request) -> dict | None:
    data = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("started", 0) > PENDING_MAX_SECONDS:
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    return data


@receiver(user_logged_in)
def clear_pending(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session.pop(PENDING_SESSION_KEY, None)


# The gate ---------------------------------------------------------------------------------------


class TwoFactorMiddleware:
    """Before any page: verify a signed-in person who has a device; enrol staff who must.

    Goes after django_otp's OTPMiddleware. Only the two-factor pages, sign-out and the health
    check are reachable before that.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            target = self._target(request, user)
            if target is not None:
                return self._redirect(request, target)
        return self.get_response(request)

    def _target(self, request, user) -> str | None:
        try:
            name = resolve(request.path_info).url_name
        except Resolver404:
            return None
        if name in EXEMPT_URL_NAMES:
            return None
        if user.is_verified():
            return None
        # Asked of the database on every unverified request, never remembered in the session:
        # a device added or removed elsewhere takes effect at this person's next request.
        if is_enrolled(user):
            return "accounts-two-factor-verify"
        if is_required(user):
            return "accounts-two-factor-setup"
        return None

    @staticmethod
    def _redirect(request, name: str):
        url = reverse(name)
        if request.method == "GET" and not request.headers.get("HX-Request"):
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
