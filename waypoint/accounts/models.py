import datetime
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone

from waypoint.accounts.roles import STAFF_ROLES, Permission, Role, role_has


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
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A person who signs in: staff of one organization, or a client linked to one chart."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
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
        ordering = ["full_name", "email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organization__isnull=False) | models.Q(is_superuser=True),
                name="user_has_organization_unless_superuser",
            )
        ]

    def __str__(self):
        return self.full_name or self.email

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

    def is_usable(self) -> bool:
        """Not accepted, withdrawn or expired, and nobody has an account with this address yet
        (an earlier invitation to the same person may have been accepted)."""
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and timezone.now() < self.expires_at
            and not User.objects.filter(email__iexact=self.email).exists()
        )
