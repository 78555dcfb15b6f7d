"""Session notes (draft → signed, then addenda only), co-signing for trainees, supervision notes.

- A note belongs to one chart and follows a template (built-in formats in `note_templates.json`,
  with their sources; organizations add their own as `NoteTemplate` rows). The note keeps a copy
  of its template's section labels, so later template edits never change a written note.
- The sections are one encrypted JSON text (`EncryptedTextField`): every word of a note is
  clinical free text.
- Signing locks the note: the signer's name and credentials are copied onto it (they stay what
  they were at signing), with the time. A note signed more than `late_entry_hours` (an
  organization setting, default `LATE_ENTRY_HOURS`) after the end of the session day is a
  **late entry**. After signing, changes are only addenda. The actions refuse edits; a database
  trigger (migration 0002) refuses UPDATE of a signed note's sections or signature as well.
- A trainee's signed note waits for a supervisor's co-signature (`PENDING_COSIGN`, locked as
  well); the supervisor co-signs (→ `SIGNED`) or returns it with a comment (→ `DRAFT`, the
  comment stays visible to the trainee).
- Supervision notes are about a supervisee's work, not about a client: they belong to no chart,
  so no record download or disclosure can include them.

See docs/notes.md.
"""

import datetime
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, Value
from django.urls import reverse
from django.utils import timezone

from waypoint.lib import encryption
from waypoint.lib.fields import EncryptedMixin, EncryptedTextField

# A note signed later than this many hours after the end of the session day is a late entry,
# unless the organization sets its own threshold (NoteSettings.late_entry_hours).
LATE_ENTRY_HOURS = 24
# The supervision queue lists notes still unsigned this long after they were started.
UNSIGNED_AFTER_HOURS = 72
# ... and clients with no contact for this many days.
NOT_SEEN_DAYS = 30

DATA_FILE = Path(__file__).with_name("note_templates.json")


# Templates -------------------------------------------------------------------------------------


@cache
def builtin_templates() -> dict[str, dict]:
    """The reviewed built-in formats, by key (read once from note_templates.json)."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return {t["key"]: t for t in data["templates"]}


class NoteTemplate(models.Model):
    """A format an organization defines for its own notes: sections with labels and prompts."""

    organization = models.ForeignKey(
        "clinics.Organization", on_delete=models.CASCADE, related_name="note_templates"
    )
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    # [{"key": ..., "label": ..., "prompt": ...}]: labels and prompts, no clinical content.
    sections = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="note_template_name_unique_per_org"
            )
        ]

    def __str__(self):
        return self.name

    def audit_label(self) -> str:
        return f"Note template #{self.pk}"

    @property
    def key(self) -> str:
        return f"org-{self.pk}"

    def as_template(self) -> dict:
        return {
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "sources": [],
            "sections": self.sections,
        }


def templates_for(organization) -> list[dict]:
    """Every format this organization may write a new note in: built-ins first, then its own."""
    own = NoteTemplate.objects.filter(organization=organization, is_active=True)
    return [*builtin_templates().values(), *(t.as_template() for t in own)]


def template_for(organization, key: str) -> dict | None:
    return next((t for t in templates_for(organization) if t["key"] == key), None)


class NoteSettings(models.Model):
    """An organization's note rules: the late-entry threshold, and who needs a co-signature."""

    organization = models.OneToOneField(
        "clinics.Organization", on_delete=models.CASCADE, related_name="note_settings"
    )
    late_entry_hours = models.PositiveSmallIntegerField(
        "late entry after (hours)",
        default=LATE_ENTRY_HOURS,
        help_text="A note signed more than this many hours after the end of the session day "
        "is marked as a late entry.",
    )
    # Trainees: staff whose notes need a supervisor's co-signature. They must have a supervisor
    # (User.supervisors); the accounts app has no trainee flag of its own.
    trainees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        verbose_name_plural = "note settings"

    def __str__(self):
        return f"Note settings of {self.organization}"

    def audit_label(self) -> str:
        return f"Note settings #{self.pk}"

    @classmethod
    def for_organization(cls, organization) -> "NoteSettings":
        found, _ = cls.objects.get_or_create(organization=organization)
        return found


def needs_cosign(user) -> bool:
    """A trainee with at least one supervisor: their signed notes wait for a co-signature."""
    return (
        NoteSettings.objects.filter(organization_id=user.organization_id, trainees=user).exists()
        and user.supervisors.filter(is_active=True).exists()
    )


# Notes -----------------------------------------------------------------------------------------


class NoteStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING_COSIGN = "pending_cosign", "Signed, awaiting co-signature"
    SIGNED = "signed", "Signed"


LOCKED_STATUSES = (NoteStatus.PENDING_COSIGN, NoteStatus.SIGNED)


class Reencryption(models.Model):
    """While a row exists, the lock trigger lets encrypted text of locked notes be rewritten.

    Opened only by `LockedQuerySet.update` for key rotation, after checking that the new token
    holds the same plaintext, and closed in the same transaction (migration 0002).
    """

    def __str__(self):
        return f"Re-encryption window #{self.pk}"


class LockedQuerySet(models.QuerySet):
    """QuerySet of a lockable model: a bulk update of encrypted text is allowed past the lock
    trigger only when it re-encrypts the same plaintext (what `rotate-keys` does)."""

    def update(self, **kwargs):
        encrypted = {f.attname for f in self.model._meta.concrete_fields if _is_encrypted(f)}
        if (
            kwargs
            and set(kwargs) <= encrypted
            and all(isinstance(v, Value) for v in kwargs.values())
        ):
            with transaction.atomic(using=self.db):
                if self._same_plaintext(kwargs):
                    Reencryption.objects.using(self.db).create()
                    count = super().update(**kwargs)
                    Reencryption.objects.using(self.db).all().delete()
                    return count
        return super().update(**kwargs)

    def _same_plaintext(self, values: dict) -> bool:
        for row in self.values(*values):
            for name, new in values.items():
                try:
                    plain = encryption.decrypt(new.value) if new.value else ""
                except encryption.DecryptionError:
                    return False
                if plain != (row[name] or ""):
                    return False
        return True


def _is_encrypted(field) -> bool:
    return isinstance(field, EncryptedMixin)


class NoteQuerySet(LockedQuerySet):
    def signed(self):
        return self.filter(status=NoteStatus.SIGNED)

    def drafts(self):
        return self.filter(status=NoteStatus.DRAFT)

    def awaiting_cosign_by(self, supervisor):
        return self.filter(
            status=NoteStatus.PENDING_COSIGN, author__in=supervisor.supervisees.values("pk")
        )

    def unsigned_since(self, moment: datetime.datetime):
        return self.filter(status=NoteStatus.DRAFT, created_at__lte=moment)


class Note(models.Model):
    """One session note on a chart."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="notes")
    template_key = models.CharField(max_length=40)
    template_name = models.CharField(max_length=100)
    session_date = models.DateField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_notes"
    )
    # JSON: [{"key", "label", "text"}], encrypted as a whole.
    sections = EncryptedTextField(blank=True)
    status = models.CharField(max_length=20, choices=NoteStatus.choices, default=NoteStatus.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Signature, copied at signing (names of staff are kept in clear, as on User).
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    signer_name = models.CharField(max_length=150, blank=True)
    signer_credentials = models.CharField(max_length=80, blank=True)
    late_entry = models.BooleanField(default=False)
    # Co-signature (trainees).
    cosign_required = models.BooleanField(default=False)
    cosigned_at = models.DateTimeField(null=True, blank=True)
    cosigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cosigner_name = models.CharField(max_length=150, blank=True)
    cosigner_credentials = models.CharField(max_length=80, blank=True)
    # The last return by a supervisor: shown to the trainee until the note is signed again.
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    return_comment = EncryptedTextField(blank=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"  # key rotation updates through the base manager
        ordering = ["-session_date", "-id"]
        indexes = [
            models.Index(fields=["client", "status", "-session_date"]),
            models.Index(fields=["status", "author"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=NoteStatus.DRAFT, signed_at__isnull=True)
                | (
                    ~Q(status=NoteStatus.DRAFT)
                    & Q(signed_at__isnull=False, signed_by__isnull=False)
                    & ~Q(signer_name="")
                ),
                name="note_signed_has_signature",
            ),
            models.CheckConstraint(
                condition=Q(cosigned_at__isnull=True, cosigned_by__isnull=True)
                | Q(cosigned_at__isnull=False, cosigned_by__isnull=False),
                name="note_cosigned_at_and_by_together",
            ),
        ]

    def __str__(self):
        return f"{self.template_name}, {self.session_date:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("notes-detail", args=[self.client_id, self.pk])

    def audit_label(self) -> str:
        return f"Note #{self.pk}"

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES

    @property
    def is_draft(self) -> bool:
        return self.status == NoteStatus.DRAFT

    def section_list(self) -> list[dict]:
        """[{"key", "label", "prompt", "text"}] in template order."""
        if not self.sections:
            return []
        return json.loads(self.sections)

    def set_sections(self, sections: list[dict]) -> None:
        self.sections = json.dumps(sections, ensure_ascii=False)

    @property
    def signature_text(self) -> str:
        if self.signer_credentials:
            return f"{self.signer_name}, {self.signer_credentials}"
        return self.signer_name

    @property
    def cosignature_text(self) -> str:
        if self.cosigner_credentials:
            return f"{self.cosigner_name}, {self.cosigner_credentials}"
        return self.cosigner_name


def is_late(organization, session_date: datetime.date, signed_at: datetime.datetime) -> bool:
    """Signed more than the organization's threshold after the end of the session day (in the
    organization's time zone)."""
    hours = (
        NoteSettings.objects.filter(organization=organization)
        .values_list("late_entry_hours", flat=True)
        .first()
    )
    hours = LATE_ENTRY_HOURS if hours is None else hours
    day_end = datetime.datetime.combine(
        session_date + datetime.timedelta(days=1), datetime.time.min, tzinfo=organization.zone
    )
    return signed_at > day_end + datetime.timedelta(hours=hours)


class Addendum(models.Model):
    """A later addition to a signed note; the note itself never changes."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(max_length=150)
    author_credentials = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    text = EncryptedTextField()

    objects = LockedQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"  # key rotation updates through the base manager
        ordering = ["created_at", "id"]
        verbose_name_plural = "addenda"

    def __str__(self):
        return f"Addendum to note #{self.note_id}"

    def audit_label(self) -> str:
        return f"Addendum #{self.pk} to note #{self.note_id}"

    @property
    def author_text(self) -> str:
        if self.author_credentials:
            return f"{self.author_name}, {self.author_credentials}"
        return self.author_name


class SupervisionNote(models.Model):
    """A supervisor's note about a supervisee's work. Not part of any client's chart."""

    organization = models.ForeignKey(
        "clinics.Organization", on_delete=models.CASCADE, related_name="+"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    met_on = models.DateField()
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-met_on", "-id"]

    def __str__(self):
        return f"Supervision note, {self.met_on:%Y-%m-%d}"

    def audit_label(self) -> str:
        return f"Supervision note #{self.pk}"
