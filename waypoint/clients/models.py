import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from waypoint.lib import encryption
from waypoint.lib.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField
from waypoint.lib.plainrows import loaded

# Chart numbers are stored in clear, shown on every page, and used in filenames and exports:
# ASCII letters, digits and hyphens, starting with a letter or digit (C-0042).
CHART_NUMBER_PATTERN = r"\A[A-Za-z0-9][A-Za-z0-9-]*\Z"
validate_chart_number = RegexValidator(
    CHART_NUMBER_PATTERN,
    "Use letters, digits and hyphens only, starting with a letter or digit (for example C-0042).",
    code="invalid_chart_number",
)


class ChartStatus(models.TextChoices):
    WAITLIST = "waitlist", "Waitlist"
    ACTIVE = "active", "Active"
    DISCHARGED = "discharged", "Discharged"


class DrinkingThresholds(models.TextChoices):
    """Which sex-specific guideline cut-offs to apply (AUDIT-C, heavy days, WHO levels).

    An explicit clinical choice made with the client, never inferred from gender identity.
    """

    FEMALE = "female", "Female guideline thresholds"
    MALE = "male", "Male guideline thresholds"


# The chart fields a client-table row reads (ClientQuerySet.for_client_table), and of its primary
# clinician what `str(user)` and the "inactive" badge need.
TABLE_FIELDS = (
    "organization_id",
    "chart_number",
    "legal_name",
    "preferred_name",
    "pronouns",
    "status",
    "drinking_thresholds",
    "primary_clinician__full_name",
    "primary_clinician__email",
    "primary_clinician__role",
    "primary_clinician__is_active",
)


# What `ClientQuerySet.table_rows` reads, from TABLE_FIELDS: the chart's own columns, then its
# primary clinician's.
_ROW_FIELDS = (
    "id",
    *(name for name in TABLE_FIELDS if "__" not in name),
    "primary_clinician_id",
    "last_contact_on",
)
_CLINICIAN_FIELDS = tuple(
    name.removeprefix("primary_clinician__")
    for name in TABLE_FIELDS
    if name.startswith("primary_clinician__")
)


class ClientQuerySet(models.QuerySet):
    def in_organization(self, organization_id):
        return self.filter(organization_id=organization_id)

    def active(self):
        return self.filter(status=ChartStatus.ACTIVE)

    def not_discharged(self):
        return self.exclude(status=ChartStatus.DISCHARGED)

    def without_active_primary(self):
        """Open charts whose primary clinician is missing or has been deactivated."""
        return self.not_discharged().filter(
            Q(primary_clinician__isnull=True) | Q(primary_clinician__is_active=False)
        )

    def on_care_team_of(self, user):
        """Charts `user` is the primary clinician of or on the care team of: the team through a
        subquery, not a join, so each chart comes once without DISTINCT (which would sort every
        selected column, ciphertexts included)."""
        team = self.model.care_team.through.objects.filter(user=user).values("client_id")
        return self.filter(Q(primary_clinician=user) | Q(pk__in=team))

    def matching(self, query: str):
        """Search by chart number (exact) or by the start of any word of a name."""
        query = (query or "").strip()
        if not query:
            return self
        by_number = Q(chart_number__iexact=query)
        digests = encryption.query_digests(query)
        if not digests:
            return self.filter(by_number)
        by_name = Q(pk__in=ClientNameIndex.objects.filter(digest=digests[0]).values("client_id"))
        for digest in digests[1:]:
            by_name &= Q(pk__in=ClientNameIndex.objects.filter(digest=digest).values("client_id"))
        return self.filter(by_number | by_name)

    def with_last_contact(self):
        """`last_contact_on`: the latest contact's day, read per chart from the (client,
        -occurred_on) index instead of joining every contact and grouping by every column."""
        latest = (
            Contact.objects.filter(client=OuterRef("pk"))
            .order_by("-occurred_on")
            .values("occurred_on")[:1]
        )
        return self.annotate(last_contact_on=Subquery(latest))

    def for_client_table(self):
        """Rows for the caseload and client list (clients/cells.py, the CASELOAD_COLUMNS
        annotators): the last contact, the primary clinician, and only the columns the table
        shows. The other encrypted fields (address, date of birth, phone, ...) are neither read
        nor decrypted: 200 rows used to decrypt every one of them. A column that needs another
        field of the chart must add it to TABLE_FIELDS (else one query per row)."""
        return (
            self.with_last_contact()
            .select_related("primary_clinician")
            .only(*TABLE_FIELDS)
            .order_by("chart_number")
        )

    def table_rows(self) -> list:
        """This `for_client_table()` queryset's charts as `Client` instances, from ONE query of
        plain values: the same SQL (join and last contact included) and field converters, but
        no `Model.__init__` per row, and one `User` per distinct primary clinician rather than
        one per row (issue #14). The other chart fields are deferred, as with `.only()`."""
        from django.contrib.auth import get_user_model

        user_model = get_user_model()
        names = (*_ROW_FIELDS, *(f"primary_clinician__{f}" for f in _CLINICIAN_FIELDS))
        db = self.db
        cache = Client.primary_clinician.field.cache_name
        clinicians: dict = {}
        rows = []
        width = len(_ROW_FIELDS)
        for values in self.values_list(*names):
            client = loaded(Client, db, dict(zip(_ROW_FIELDS, values[:width], strict=True)))
            clinician_id = client.primary_clinician_id
            person = None
            if clinician_id is not None:
                person = clinicians.get(clinician_id)
                if person is None:
                    fields = dict(zip(_CLINICIAN_FIELDS, values[width:], strict=True))
                    person = clinicians[clinician_id] = loaded(
                        user_model, db, {"id": clinician_id, **fields}
                    )
            client._state.fields_cache[cache] = person
            rows.append(client)
        return rows


class Client(models.Model):
    """A client chart. Identifying fields are encrypted at rest."""

    organization = models.ForeignKey(
        "clinics.Organization", on_delete=models.PROTECT, related_name="clients"
    )
    chart_number = models.CharField(
        max_length=20,
        validators=[validate_chart_number],
        help_text="Letters, digits and hyphens, e.g. C-0042. Not encrypted: nothing identifying.",
    )
    legal_name = EncryptedCharField(max_length=200)
    preferred_name = EncryptedCharField(
        max_length=100, blank=True, help_text="The name to use with this person."
    )
    pronouns = EncryptedCharField(max_length=40, blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    phone = EncryptedCharField(max_length=40, blank=True)
    email = EncryptedCharField(max_length=200, blank=True)
    address = EncryptedTextField(blank=True)
    emergency_contact_name = EncryptedCharField(max_length=200, blank=True)
    emergency_contact_phone = EncryptedCharField(max_length=40, blank=True)
    emergency_contact_relationship = EncryptedCharField(max_length=80, blank=True)
    languages = EncryptedCharField(
        max_length=200, blank=True, help_text="Languages the person prefers, e.g. Spanish, English"
    )
    drinking_thresholds = models.CharField(
        max_length=10,
        choices=DrinkingThresholds.choices,
        default=DrinkingThresholds.FEMALE,
        help_text=(
            "Guideline cut-offs for AUDIT-C, heavy drinking days and WHO risk levels. "
            "Choose with the client; it is not inferred from gender identity."
        ),
    )
    status = models.CharField(
        max_length=12, choices=ChartStatus.choices, default=ChartStatus.WAITLIST
    )
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_clients",
    )
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="care_team_clients", blank=True
    )
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="client_chart",
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = ClientQuerySet.as_manager()

    class Meta:
        ordering = ["chart_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "chart_number"], name="unique_chart_number_per_org"
            )
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("clients-detail", args=[self.pk])

    def audit_label(self) -> str:
        return f"Chart {self.chart_number}"

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_name

    def age_on(self, day: datetime.date) -> int | None:
        if not self.date_of_birth:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def current_episode(self):
        return self.episodes.filter(discharged_on__isnull=True).order_by("-admitted_on").first()

    def team_members(self):
        """Everyone on the care team, primary clinician first."""
        members = list(self.care_team.all())
        if self.primary_clinician and self.primary_clinician not in members:
            members.insert(0, self.primary_clinician)
        members.sort(key=lambda u: (u != self.primary_clinician, str(u)))
        return members

    def refresh_search_index(self):
        digests = encryption.name_search_digests(self.legal_name, self.preferred_name)
        self.name_index.exclude(digest__in=digests).delete()
        existing = set(self.name_index.values_list("digest", flat=True))
        ClientNameIndex.objects.bulk_create(
            [ClientNameIndex(client=self, digest=d) for d in digests - existing]
        )


class ClientNameIndex(models.Model):
    """Blind index rows: keyed hashes of name-word prefixes, for search without plaintext."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="name_index")
    digest = models.CharField(max_length=32, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "digest"], name="unique_name_digest")
        ]

    def __str__(self):
        return f"name index row for client #{self.client_id}"


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met", "Reached the goals they set"
    CHOSE_TO_PAUSE = "chose_to_pause", "Chose to pause or end care"
    TRANSFERRED = "transferred", "Transferred to another service"
    MOVED = "moved", "Moved away"
    LOST_CONTACT = "lost_contact", "Lost contact"
    HIGHER_CARE = "higher_care", "Needed a different level of care"
    DIED = "died", "Died"
    OTHER = "other", "Other"


class Episode(models.Model):
    """An episode of care. Discharge records a reason, never a judgement."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="episodes")
    admitted_on = models.DateField()
    discharged_on = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(max_length=20, choices=DischargeReason.choices, blank=True)
    discharge_note = EncryptedTextField(blank=True)
    program = models.CharField(max_length=100, blank=True, default="Outpatient")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-admitted_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True, discharge_reason="")
                | Q(discharged_on__isnull=False) & ~Q(discharge_reason=""),
                name="episode_discharge_date_and_reason_together",
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True)
                | Q(discharged_on__gte=models.F("admitted_on")),
                name="episode_discharge_after_admission",
            ),
        ]

    def __str__(self):
        return f"Episode from {self.admitted_on}"

    def audit_label(self) -> str:
        return f"Episode #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.discharged_on is None


class ContactKind(models.TextChoices):
    INDIVIDUAL = "individual", "Individual session"
    GROUP = "group", "Group session"
    PHONE = "phone", "Phone or video"
    OUTREACH = "outreach", "Outreach or drop-in"
    CASE_MANAGEMENT = "case_management", "Case management"


class Contact(models.Model):
    """A contact with the client: the basis of 'last contact' on caseloads."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    occurred_on = models.DateField()
    kind = models.CharField(max_length=20, choices=ContactKind.choices)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["client", "-occurred_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.occurred_on}"

    def audit_label(self) -> str:
        return f"Contact #{self.pk}"


class AlertSeverity(models.TextChoices):
    URGENT = "urgent", "Urgent"
    WARNING = "warning", "Warning"
    INFO = "info", "Information"


class AlertQuerySet(models.QuerySet):
    def open(self):
        return self.filter(acknowledged_at__isnull=True)

    def urgent(self):
        return self.filter(severity=AlertSeverity.URGENT)

    def raised_by(self, record):
        """Alerts raised by `record` (an administration...), matched by label and id."""
        return self.filter(source_type=record._meta.label_lower, source_id=str(record.pk))


class Alert(models.Model):
    """A safety signal for the care team (a PHQ-9 item 9 answer, a dangerous combination...).

    Shows on the caseload and chart until a clinician acknowledges it with a note.
    `source_type`/`source_id` name the record that raised it, without a foreign key.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=40, help_text="Machine name, e.g. phq9_item9")
    severity = models.CharField(
        max_length=10, choices=AlertSeverity.choices, default=AlertSeverity.WARNING
    )
    title = models.CharField(max_length=200, help_text="Short, no clinical free text")
    detail = EncryptedTextField(blank=True)
    source_type = models.CharField(max_length=60, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    raised_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledgement_note = EncryptedTextField(blank=True)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the care team was last emailed about it"
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["client", "acknowledged_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="alert_acknowledged_at_and_by_together",
            )
        ]

    def __str__(self):
        return self.title

    def audit_label(self) -> str:
        return f"Alert #{self.pk} ({self.kind})"

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None

    @property
    def is_urgent(self) -> bool:
        return self.severity == AlertSeverity.URGENT
