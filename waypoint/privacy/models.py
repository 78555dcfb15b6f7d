"""Consents, disclosures, and the organization's retention setting (42 CFR Part 2, 2024 rule).

- `Consent` holds the elements of a written consent that 42 CFR 2.31(a) requires (as amended by
  the 2024 final rule, 89 FR 12472): the client (a1), the program permitted to disclose (a2: the
  client's organization), what information (a3), the recipient by name or general designation
  (a4), the purpose (a5), the right to revoke (a6: shown to the client when signing), the
  expiry date or event (a7), the signature (a8) and the date signed (a9). Its status is computed,
  never stored, so an expired consent cannot look active.
- `Disclosure` is the ledger row for each release of chart information outside the care team,
  under a consent or a permitted exception (42 CFR 2.51 medical emergency, 2.53 audit or
  evaluation). The ledger is the source of the accounting of disclosures (42 CFR 2.25).
- `PrivacySettings` holds the organization's retention period.

Every identifying or free-text field is encrypted at rest (HIPAA 45 CFR 164.312(a)(2)(iv)).
See docs/privacy.md.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_noop
from simple_history.models import HistoricalRecords

from waypoint.lib.encryption import normalize_for_search
from waypoint.lib.fields import EncryptedCharField, EncryptedTextField


class InfoKind(models.TextChoices):
    """How much and what kind of information (42 CFR 2.31(a)(3)), in structured choices."""

    DEMOGRAPHICS = "demographics", gettext_noop("Demographics and contact details")
    ATTENDANCE = "attendance", gettext_noop("Attendance: episodes of care, contacts and care team")
    DIAGNOSES = "diagnoses", gettext_noop("Diagnoses")
    MEASURES = "measures", gettext_noop("Questionnaire scores (measures)")
    DIARY_GOALS = "diary_goals", gettext_noop("Diary and goals summaries")
    NOTES = "notes", gettext_noop("Session notes")
    SAFETY_PLANS = (
        "safety_plans",
        gettext_noop("Safety plans (overdose prevention and crisis plans)"),
    )
    ASSESSMENT = (
        "assessment",
        gettext_noop("Assessments: stages of change, decisional balance, priorities"),
    )
    MEDICATIONS = (
        "medications",
        gettext_noop("Medications, allergies and contacts with prescribers"),
    )


def kind_labels(kinds) -> list[str]:
    labels = dict(InfoKind.choices)
    return [labels.get(kind, kind) for kind in kinds]


class RecipientKind(models.TextChoices):
    """Who may receive (42 CFR 2.31(a)(4)): a name, or one of the rule's general designations."""

    NAMED = "named", gettext_noop("A named person or organization")
    TREATING_PROVIDERS = "treating_providers", gettext_noop("My treating providers")
    TPO = (
        "tpo",
        gettext_noop(
            "My treating providers, health plans, third-party payers, "
            "and people helping to operate this program"
        ),
    )


class RecipientRole(models.TextChoices):
    """What the actual recipient of a disclosure is, checked against a general designation."""

    TREATING_PROVIDER = "treating_provider", "A treating provider"
    HEALTH_PLAN = "health_plan", "A health plan or third-party payer"
    OPERATIONS = "operations", "Someone helping to operate this program"
    OTHER = "other", "Someone else (a person, employer, agency, court...)"


# Which recipient roles each general designation covers (42 CFR 2.31(a)(4)(i)).
DESIGNATION_COVERS = {
    RecipientKind.TREATING_PROVIDERS: {RecipientRole.TREATING_PROVIDER},
    RecipientKind.TPO: {
        RecipientRole.TREATING_PROVIDER,
        RecipientRole.HEALTH_PLAN,
        RecipientRole.OPERATIONS,
    },
}


class Purpose(models.TextChoices):
    """The purpose (42 CFR 2.31(a)(5)); the first two are the rule's own sufficient wordings."""

    CLIENT_REQUEST = "client_request", gettext_noop("At the request of the client")
    # 42 CFR 2.31(a)(5)(ii) (2024): "for treatment, payment, and health care operations".
    TPO = "tpo", gettext_noop("For treatment, payment, and health care operations")
    TREATMENT = "treatment", gettext_noop("Treatment and care coordination")
    PAYMENT = "payment", gettext_noop("Payment")
    OPERATIONS = "operations", gettext_noop("Health care operations")
    OTHER = "other", gettext_noop("Another purpose (described below)")


# A consent for "treatment, payment, and health care operations" covers each of the three.

# Purposes and general designations under which the recipient receives for treatment, payment
# or health care operations (42 CFR 2.31(a)(4)(iii)): the consent must then carry the HIPAA
# redisclosure statement with its carve-out (notice.TPO_REDISCLOSURE_STATEMENT).
TPO_PURPOSES = {Purpose.TPO, Purpose.TREATMENT, Purpose.PAYMENT, Purpose.OPERATIONS}
PURPOSE_COVERS = {
    Purpose.TPO: {Purpose.TPO, Purpose.TREATMENT, Purpose.PAYMENT, Purpose.OPERATIONS},
}


class SignatureMethod(models.TextChoices):
    E_SIGNATURE = "e_signature", gettext_noop("Signed electronically in the portal")
    PAPER = "paper", gettext_noop("Signed paper form received")


class SignatureAuthentication(models.TextChoices):
    """How the signer was shown to be the client when the signature was made (#9)."""

    PASSWORD_REAUTH = (
        "password_reauth",
        gettext_noop("The client entered their password again to sign"),
    )
    TOTP_REAUTH = (
        "totp_reauth",
        gettext_noop("The client entered a code from their authenticator app to sign"),
    )
    STAFF_WITNESSED = (
        "staff_witnessed",
        gettext_noop("Signed on paper; the signed form was received by staff"),
    )
    TYPED_NAME_ONLY = (
        "typed_name_only",
        gettext_noop("Typed name only (signed before re-authentication was required)"),
    )


class RevocationMethod(models.TextChoices):
    PORTAL = "portal", gettext_noop("Revoked by the client in the portal")
    IN_WRITING = "in_writing", gettext_noop("Client revoked in writing (letter, email, form)")
    TOLD_STAFF = "told_staff", gettext_noop("Client told staff (in person or by phone)")


class ConsentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING_SIGNATURE = "awaiting", "Awaiting signature"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


def long_date(day: datetime.date) -> str:
    return date_format(day, "F j, Y")


def same_recipient(a: str, b: str) -> bool:
    """Names match ignoring case, accents and spacing ("Eastside Clinic" == "eastside  clinic")."""
    a, b = normalize_for_search(a or ""), normalize_for_search(b or "")
    return bool(a) and a == b


class Consent(models.Model):
    """A client's written consent to disclose (42 CFR 2.31). See the module docstring."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="consents")
    recipient_kind = models.CharField(
        "Who may receive the information",
        max_length=20,
        choices=RecipientKind.choices,
        default=RecipientKind.NAMED,
    )
    recipient_name = EncryptedCharField(
        "Recipient's name",
        max_length=200,
        blank=True,
        help_text="The person or organization, e.g. Eastside Community Health Center.",
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    purpose_detail = EncryptedTextField(
        "Purpose in the client's words", blank=True, help_text="Required for another purpose."
    )
    info_kinds = models.JSONField(
        "Information that may be shared", default=list, help_text="At least one kind."
    )
    info_description = EncryptedTextField(
        "Description of the information",
        blank=True,
        help_text="Anything narrower or more specific, e.g. 'attendance since March only'.",
    )
    expires_on = models.DateField(
        "Expires on", null=True, blank=True, help_text="The last day the consent is valid."
    )
    expiry_event = EncryptedCharField(
        "Or expires when",
        max_length=200,
        blank=True,
        help_text="An event, e.g. 'when I finish treatment' or 'end of my probation'.",
    )
    expiry_event_occurred_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_for_signature_at = models.DateTimeField(null=True, blank=True)
    signature_method = models.CharField(max_length=20, choices=SignatureMethod.choices, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    signed_name = EncryptedCharField(max_length=200, blank=True)
    signature_authentication = models.CharField(
        "How the signer was authenticated",
        max_length=20,
        choices=SignatureAuthentication.choices,
        blank=True,
    )
    # The typed name differed from the chart's name and the client confirmed it anyway.
    signed_name_mismatch_confirmed = models.BooleanField(default=False)
    signed_ip = EncryptedCharField(max_length=64, blank=True)
    signature_recorded_at = models.DateTimeField(null=True, blank=True)
    signature_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_method = models.CharField(
        max_length=20, choices=RevocationMethod.choices, blank=True
    )
    revocation_note = EncryptedTextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(signature_method="", signed_on__isnull=True)
                | ~Q(signature_method="")
                & Q(signed_on__isnull=False, signature_recorded_at__isnull=False),
                name="consent_signature_method_date_and_time_together",
            ),
            models.CheckConstraint(
                condition=Q(signature_method="", signature_authentication="")
                | ~Q(signature_method="") & ~Q(signature_authentication=""),
                name="consent_signature_method_and_authentication_together",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revocation_method="")
                | Q(revoked_at__isnull=False) & ~Q(revocation_method=""),
                name="consent_revoked_at_and_method_together",
            ),
        ]

    def __str__(self):
        return f"Consent #{self.pk} ({self.recipient_label})"

    def get_absolute_url(self):
        return reverse("privacy-consent-detail", args=[self.client_id, self.pk])

    def audit_label(self) -> str:
        return f"Consent #{self.pk}"

    @property
    def recipient_label(self) -> str:
        if self.recipient_kind == RecipientKind.NAMED:
            return self.recipient_name
        label = self.get_recipient_kind_display()  # the rule's designation, as a phrase
        return label[:1].lower() + label[1:]

    @property
    def purpose_label(self) -> str:
        detail = f": {self.purpose_detail}" if self.purpose_detail else ""
        return f"{self.get_purpose_display()}{detail}"

    @property
    def expiry_label(self) -> str:
        parts = []
        if self.expires_on:
            parts.append(f"on {long_date(self.expires_on)}")
        if self.expiry_event:
            parts.append(f"when: {self.expiry_event}")
        return " or ".join(parts)

    @property
    def info_labels(self) -> list[str]:
        return kind_labels(self.info_kinds)

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None

    @property
    def needs_tpo_redisclosure_statement(self) -> bool:
        """Whether 42 CFR 2.31(a)(4)(iii) applies: disclosure for treatment, payment or
        operations, or to a designation of covered entities (a named recipient may be one too,
        so the purpose alone decides for it)."""
        return self.purpose in TPO_PURPOSES or self.recipient_kind in DESIGNATION_COVERS

    @property
    def tpo_redisclosure_statement(self) -> str:
        """The 42 CFR 2.31(a)(4)(iii) statement when it applies, else an empty string."""
        from waypoint.privacy import notice

        return notice.TPO_REDISCLOSURE_STATEMENT if self.needs_tpo_redisclosure_statement else ""

    @property
    def tpo_redisclosure_citation(self) -> str:
        from waypoint.privacy import notice

        return notice.TPO_REDISCLOSURE_CITATION

    def status_on(self, day: datetime.date) -> str:
        """The status on `day`. Revocation wins; an expired consent cannot be signed or used."""
        if self.revoked_at is not None:
            return ConsentStatus.REVOKED
        if (self.expires_on is not None and self.expires_on < day) or (
            self.expiry_event_occurred_on is not None and self.expiry_event_occurred_on <= day
        ):
            return ConsentStatus.EXPIRED
        if self.is_signed:
            return ConsentStatus.ACTIVE
        if self.sent_for_signature_at is not None:
            return ConsentStatus.AWAITING_SIGNATURE
        return ConsentStatus.DRAFT

    @property
    def status(self) -> str:
        return self.status_on(self.client.organization.today())

    @property
    def status_label(self) -> str:
        return ConsentStatus(self.status).label

    def covers_recipient(self, name: str, organization: str, role: str) -> bool:
        if self.recipient_kind == RecipientKind.NAMED:
            return same_recipient(self.recipient_name, name) or same_recipient(
                self.recipient_name, organization
            )
        return role in DESIGNATION_COVERS.get(self.recipient_kind, set())

    def covers_purpose(self, purpose: str) -> bool:
        return purpose == self.purpose or purpose in PURPOSE_COVERS.get(self.purpose, set())

    def refusal_reasons(self, **request) -> list[str]:
        """Why this consent does not allow the requested disclosure; empty when it does."""
        return [text for _code, text in self.refusal_problems(**request)]

    def refusal_problems(
        self,
        *,
        client,
        recipient_name: str,
        recipient_organization: str,
        recipient_role: str,
        purpose: str,
        kinds,
        day: datetime.date,
    ) -> list[tuple[str, str]]:
        """(code, reason) pairs: the code names the rule for the audit trail, without names."""
        if self.client_id != client.pk:
            return [("consent_other_chart", "This consent belongs to another chart.")]
        problems = []
        status = self.status_on(day)
        if status == ConsentStatus.REVOKED:
            revoked_on = long_date(self.client.organization.local_date(self.revoked_at))
            problems.append(("consent_revoked", f"This consent was revoked on {revoked_on}."))
        elif status == ConsentStatus.EXPIRED:
            if self.expiry_event_occurred_on is not None:
                text = (
                    f"This consent expired when its event happened "
                    f"({long_date(self.expiry_event_occurred_on)})."
                )
            else:
                text = f"This consent expired on {long_date(self.expires_on)}."
            problems.append(("consent_expired", text))
        elif status != ConsentStatus.ACTIVE:
            problems.append(("consent_unsigned", "This consent has not been signed yet."))
        if not self.covers_recipient(recipient_name, recipient_organization, recipient_role):
            if self.recipient_kind == RecipientKind.NAMED:
                text = (
                    f"This consent names {self.recipient_name} as the recipient, "
                    "not this recipient."
                )
            else:
                text = (
                    f"This consent covers “{self.get_recipient_kind_display()}”, "
                    f"which does not include {RecipientRole(recipient_role).label.lower()}."
                )
            problems.append(("recipient_not_covered", text))
        if not self.covers_purpose(purpose):
            problems.append(
                (
                    "purpose_not_covered",
                    f"This consent is for “{self.get_purpose_display()}”, "
                    f"not “{Purpose(purpose).label}”.",
                )
            )
        missing = [k for k in InfoKind.values if k in set(kinds) - set(self.info_kinds)]
        if missing:
            problems.append(
                (
                    "kinds_not_covered",
                    "This consent does not cover: " + ", ".join(kind_labels(missing)).lower() + ".",
                )
            )
        return problems


class ConsentScan(models.Model):
    """The scanned signed paper form: file bytes, base64, encrypted in the database.

    Stored in an encrypted column rather than under MEDIA_ROOT so that backups, key rotation
    (`waypoint rotate-keys` walks every encrypted column) and purges treat it like any other
    chart data, and no plaintext file ever touches the disk.
    """

    consent = models.OneToOneField(Consent, on_delete=models.CASCADE, related_name="scan")
    content = EncryptedTextField()
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self):
        return f"Paper form for consent #{self.consent_id}"

    def audit_label(self) -> str:
        return f"Consent #{self.consent_id} paper form"

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(
            self.content_type, "bin"
        )


class ExceptionKind(models.TextChoices):
    """Disclosures without consent that Waypoint supports (42 CFR part 2, subpart D)."""

    MEDICAL_EMERGENCY = "medical_emergency", gettext_noop("Medical emergency (42 CFR 2.51)")
    AUDIT = "audit", gettext_noop("Audit or evaluation (42 CFR 2.53)")


class DeliveryMethod(models.TextChoices):
    PRINTED = "printed", "Printed and handed over"
    MAIL = "mail", "Mailed"
    FAX = "fax", "Faxed"
    SECURE_EMAIL = "secure_email", "Secure email or portal"
    PHONE = "phone", "Told by phone"
    OTHER = "other", "Other"


class DisclosureQuerySet(models.QuerySet):
    def in_organization(self, organization_id):
        return self.filter(client__organization_id=organization_id)

    def between(self, start: datetime.date | None, end: datetime.date | None):
        """Disclosures made on dates `start` through `end` (inclusive), in the server zone."""
        rows = self
        if start:
            rows = rows.filter(disclosed_at__date__gte=start)
        if end:
            rows = rows.filter(disclosed_at__date__lte=end)
        return rows


class Disclosure(models.Model):
    """One release of chart information outside the care team: the ledger row (42 CFR 2.25).

    `snapshot` keeps exactly what was released (the record parts, as data), so the document
    can be shown again as it was sent. Exactly one basis: a consent, or an exception with reason.
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="disclosures"
    )
    disclosed_at = models.DateTimeField(default=timezone.now, db_index=True)
    disclosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    disclosed_by_label = models.CharField(max_length=200)
    recipient_name = EncryptedCharField(max_length=200)
    recipient_organization = EncryptedCharField(max_length=200, blank=True)
    recipient_role = models.CharField(max_length=20, choices=RecipientRole.choices)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    purpose_detail = EncryptedTextField(blank=True)
    info_kinds = models.JSONField(default=list)
    method = models.CharField(max_length=20, choices=DeliveryMethod.choices)
    # RESTRICT: a consent cannot be deleted while its disclosures exist, except together
    # with the whole chart (a retention purge).
    consent = models.ForeignKey(
        Consent, on_delete=models.RESTRICT, null=True, blank=True, related_name="disclosures"
    )
    exception_kind = models.CharField(max_length=20, choices=ExceptionKind.choices, blank=True)
    exception_reason = EncryptedTextField(blank=True)
    snapshot = EncryptedTextField(help_text="JSON of the record parts released")

    objects = DisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-disclosed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(consent__isnull=False, exception_kind="")
                | Q(consent__isnull=True) & ~Q(exception_kind=""),
                name="disclosure_consent_or_exception",
            )
        ]

    def __str__(self):
        return f"Disclosure #{self.pk}"

    def get_absolute_url(self):
        return reverse("privacy-disclosure", args=[self.client_id, self.pk])

    def audit_label(self) -> str:
        return f"Disclosure #{self.pk}"

    @property
    def recipient_label(self) -> str:
        if self.recipient_organization and not same_recipient(
            self.recipient_name, self.recipient_organization
        ):
            return f"{self.recipient_name}, {self.recipient_organization}"
        return self.recipient_name

    @property
    def basis_label(self) -> str:
        if self.consent_id:
            return f"Consent #{self.consent_id}"
        return self.get_exception_kind_display()

    @property
    def info_labels(self) -> list[str]:
        return kind_labels(self.info_kinds)

    @property
    def purpose_label(self) -> str:
        detail = f": {self.purpose_detail}" if self.purpose_detail else ""
        return f"{self.get_purpose_display()}{detail}"


# Seven years after the last discharge: a common state minimum for adult treatment records and
# longer than the six years HIPAA requires for compliance documentation (45 CFR 164.316(b)(2)).
# Part 2 sets no period itself; each organization must set what its state law requires
# (see docs/privacy.md, "Retention").
DEFAULT_RETENTION_YEARS = 7
# What a person sent through the public site (questions, comments) and never published.
DEFAULT_PUBLIC_QUESTION_DAYS = 180
PUBLIC_QUESTION_DAYS_RANGE = (30, 3650)


class PrivacySettings(models.Model):
    """Per-organization privacy settings, kept by the privacy app (one row per organization)."""

    organization = models.OneToOneField(
        "clinics.Organization", on_delete=models.CASCADE, related_name="privacy_settings"
    )
    retention_years = models.PositiveSmallIntegerField(
        "Keep closed charts for (years after the last discharge)",
        default=DEFAULT_RETENTION_YEARS,
        help_text=(
            "After this many years a closed chart may be purged or anonymized by an admin. "
            "Check your state's medical record retention law; minors' records often need longer."
        ),
    )
    public_question_days = models.PositiveSmallIntegerField(
        "Keep what people send through the public site for (days)",
        default=DEFAULT_PUBLIC_QUESTION_DAYS,
        help_text=(
            "After this many days the words and email address a person sent with a question or "
            "comment are removed, unless an urgent one is still waiting to be handled. Published "
            "questions and comments keep only their public copy."
        ),
    )
    updated_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "privacy settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(retention_years__gte=1) & Q(retention_years__lte=50),
                name="privacy_retention_between_1_and_50_years",
            ),
            models.CheckConstraint(
                condition=Q(public_question_days__gte=PUBLIC_QUESTION_DAYS_RANGE[0])
                & Q(public_question_days__lte=PUBLIC_QUESTION_DAYS_RANGE[1]),
                name="privacy_public_question_days_between_30_and_3650",
            ),
        ]

    def __str__(self):
        return f"Privacy settings for organization #{self.organization_id}"

    def audit_label(self) -> str:
        return "Privacy settings"

    @classmethod
    def for_organization(cls, organization) -> "PrivacySettings":
        settings_row, _ = cls.objects.get_or_create(organization=organization)
        return settings_row

    @classmethod
    def public_question_days_for(cls, organization) -> int:
        """The public site's retention period, read without creating a row (the worker asks);
        the default when no organization runs the site or it never saved its settings."""
        days = (
            cls.objects.filter(organization=organization)
            .values_list("public_question_days", flat=True)
            .first()
            if organization is not None
            else None
        )
        return days or DEFAULT_PUBLIC_QUESTION_DAYS


class ChartRetention(models.Model):
    """Retention events of one chart: when an admin closed it, and whether it was anonymized.

    `closed_on` starts the retention clock for a chart never admitted to care (no discharge
    date); for other charts the clock starts at the later of the last discharge and closure.
    """

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, related_name="retention"
    )
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    anonymized_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Retention of chart #{self.client_id}"

    def audit_label(self) -> str:
        return f"Chart retention #{self.pk}"
