import datetime
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp import models as totp_models

from waypoint.accounts.roles import STAFF_ROLES, Permission, Role, role_has
from waypoint.lib.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField

EMAIL_DIGEST_PURPOSE = "account-email"


class UserQuerySet(models.QuerySet):
    def staff_of(self, organization):
        return self.filter(organization=organization, role__in=STAFF_ROLES)

    def active(self):
        return self.filter(is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required")
        if fields.get("role") == Role.CLIENT and fields.get("full_name"):
            raise ValueError("A client account takes its name from the chart; give no full_name")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


def email_digest(email: str) -> str:
    """The keyed hash an account's email is found by (sign-in, password reset, lockout)."""
    from waypoint.lib.encryption import blind_index

    return blind_index(email, purpose=EMAIL_DIGEST_PURPOSE)


def lockout_username(request, credentials=None) -> str | None:
    """What django-axes stores and locks on instead of the typed email (AXES_USERNAME_CALLABLE):
    its keyed hash, so the lockout tables never hold an address in clear."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = getattr(request, "POST", {}).get("username")
    typed = str(typed or "").strip()
    return email_digest(typed) if typed else None


class User(AbstractUser):
    """A person who signs in: staff of one organization, or a client linked to one chart.

    No client identity is stored in clear: the email is encrypted and found by its keyed hash
    (`email_digest`; `User.objects.get(email=...)` compares hashes), and a client account has no
    `full_name`: it shows the chart's (encrypted) name. Staff names stay in clear (staff lists
    sort by them). See docs/security.md, "Client accounts".
    """

    username = None
    first_name = None
    last_name = None
    # unique=True keeps Django's unique-email validation (it looks up through the digest); the
    # database uniqueness that matters is on email_digest, ciphertexts never repeat.
    email = EncryptedEmailField(
        "email address", max_length=254, unique=True, digest_field="email_digest"
    )
    email_digest = BlindIndexField(
        source="email", purpose=EMAIL_DIGEST_PURPOSE, unique=True, null=True
    )
    full_name = models.CharField(max_length=150, blank=True, help_text="Staff only")
    organization = models.ForeignKey(
        "clinics.Organization",
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLINICIAN)
    credentials = models.CharField(
        max_length=80, blank=True, help_text="e.g. LCSW, PsyD, peer specialist"
    )
    supervisors = models.ManyToManyField(
        "self", symmetrical=False, related_name="supervisees", blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | models.Q(is_superuser=True),
                name="user_has_organization_unless_superuser",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.CLIENT) | models.Q(full_name=""),
                name="client_account_has_no_clear_name",
            ),
        ]

    def __str__(self):
        if self.is_client:
            chart = self.chart_or_none()
            return chart.display_name if chart is not None else "Client account"
        return self.full_name or self.email

    def chart_or_none(self):
        """The chart a client account belongs to (None for staff or an unlinked account)."""
        try:
            return self.client_chart
        except models.ObjectDoesNotExist:
            return None

    def audit_label(self) -> str:
        """Staff by name; a client account by its chart number only, never the client's name
        (the audit trail is append-only, so a name written there could never be removed)."""
        if self.is_client:
            chart = self.chart_or_none()
            if chart is not None:
                return f"Client, chart {chart.chart_number}"
            return f"Client account #{self.pk}"
        return str(self)

    def refresh_search_index(self):
        """Recompute the email digest (after SEARCH_HASH_KEY changes: `rotate-keys
        --search-index`)."""
        self.save(update_fields=["email_digest"])

    @property
    def display_name(self) -> str:
        if self.credentials:
            return f"{self} ({self.credentials})"
        return str(self)

    @property
    def is_client(self) -> bool:
        return self.role == Role.CLIENT

    @property
    def is_clinic_staff(self) -> bool:
        return self.role in STAFF_ROLES and self.organization_id is not None

    def can(self, permission: Permission) -> bool:
        return self.is_active and role_has(self.role, permission)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An emailed link that lets a new staff member set a password and join an organization."""

    organization = models.ForeignKey("clinics.Organization", on_delete=models.CASCADE)
    email = models.EmailField()
    full_name = models.CharField(max_length=150)
    role = models.CharField(
        max_length=20, choices=[(r.value, r.label) for r in STAFF_ROLES], default=Role.CLINICIAN
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email}"

    @property
    def expires_at(self):
        return self.created_at + datetime.timedelta(days=settings.INVITATION_MAX_AGE_DAYS)

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    def is_usable(self) -> bool:
        """Not accepted, withdrawn or expired, and nobody has an account with this address yet
        (an earlier invitation to the same person may have been accepted)."""
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and timezone.now() < self.expires_at
            and not User.objects.filter(email__iexact=self.email).exists()
        )


# Second factors ---------------------------------------------------------------------------------
# django-otp's own TOTP and static devices keep their secrets in clear. These two devices keep the
# TOTP key encrypted (covered by `rotate-keys`) and recovery codes only as password hashes; the
# one-time-password maths stays django-otp's (`TOTPDevice.verify_token`, reused below).


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) whose shared secret is encrypted at rest."""

    key = EncryptedCharField(max_length=80, default=totp_models.default_key)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = "authenticator app"

    # django-otp's own implementation, unchanged: it reads self.key (decrypted on load).
    bin_key = totp_models.TOTPDevice.bin_key
    verify_token = totp_models.TOTPDevice.verify_token
    get_throttle_factor = totp_models.TOTPDevice.get_throttle_factor


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """Single-use recovery codes, stored as password hashes: they only ever need checking."""

    class Meta(Device.Meta):
        verbose_name = "recovery codes"

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)

    def set_codes(self, codes: list[str]) -> None:
        self.codes.all().delete()
        RecoveryCode.objects.bulk_create(
            [RecoveryCode(device=self, code_hash=make_password(code)) for code in codes]
        )

    def verify_token(self, token) -> bool:
        """Like django-otp's static device: a matching code is used up; failures throttle."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        match = next((c for c in self.codes.all() if check_password(token, c.code_hash)), None)
        if match is None:
            self.throttle_increment()
            return False
        match.delete()
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=128)

    def __str__(self):
        return f"recovery code #{self.pk}"
