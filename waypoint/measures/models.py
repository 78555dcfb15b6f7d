"""Administrations of validated measures, and schedules that create due items.

An administration is written once: answers, scores, band and flags are computed by
`waypoint.measures.actions` when it is submitted and never edited afterwards. A correction is a
new administration that `supersedes` the old one and records why.
"""

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from waypoint.lib.fields import EncryptedTextField
from waypoint.measures import instruments
from waypoint.measures.reliable_change import Norms


class AdministrationStatus(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class AdministrationQuerySet(models.QuerySet):
    def completed(self):
        return self.filter(status=AdministrationStatus.COMPLETED)

    def current(self):
        """Completed and not replaced by a correction."""
        return self.completed().filter(superseded_by__isnull=True)

    def open(self):
        return self.filter(status=AdministrationStatus.ASSIGNED)

    def for_instrument(self, instrument_id: str):
        return self.filter(instrument_id=instrument_id)


class Administration(models.Model):
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="administrations"
    )
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=10, choices=AdministrationStatus.choices, default=AdministrationStatus.ASSIGNED
    )
    # Clinical content, encrypted: a JSON list of chosen option indices (null = unanswered),
    # and for per-behaviour instruments (Readiness Ruler) the behaviour in the person's words.
    answers = EncryptedTextField(blank=True)
    target = EncryptedTextField(blank=True)
    # Derived scores, kept in the clear so that charts and reports can use them.
    total = models.IntegerField(null=True, blank=True)
    band_key = models.CharField(max_length=40, blank=True)
    band = models.CharField(max_length=80, blank=True)
    flags = models.JSONField(default=list, blank=True)
    subscales = models.JSONField(default=dict, blank=True)
    key_items = models.JSONField(default=dict, blank=True)
    prorated = models.BooleanField(default=False)
    thresholds = models.CharField(
        max_length=10, blank=True, help_text="Cut-off set applied where they differ (AUDIT-C)"
    )
    # Assignment (to the client in the portal, or as a due item from a schedule).
    in_portal = models.BooleanField(default=False)
    due_on = models.DateField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    schedule = models.ForeignKey(
        "measures.Schedule",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="administrations",
    )
    # Completion.
    administered_at = models.DateTimeField(null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The clinician who entered it, or the client who completed it in the portal",
    )
    completed_in_portal = models.BooleanField(default=False)
    # RESTRICT: an original cannot be deleted on its own, but goes with its chart (purge).
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    correction_reason = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AdministrationQuerySet.as_manager()

    class Meta:
        ordering = ["-administered_at", "-id"]
        indexes = [
            models.Index(fields=["client", "instrument_id", "status"]),
            models.Index(fields=["client", "status", "due_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(administered_at__isnull=False),
                name="administration_completed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(supersedes__isnull=True) | Q(status="completed"),
                name="administration_correction_is_completed",
            ),
        ]

    def __str__(self):
        return f"{self.instrument_id} #{self.pk}"

    def get_absolute_url(self):
        return reverse("measures-detail", args=[self.client_id, self.pk])

    def audit_label(self) -> str:
        return f"Measure #{self.pk} ({self.instrument_id})"

    @property
    def instrument(self):
        try:
            return instruments.get(self.instrument_id)
        except instruments.UnknownInstrument:
            return None

    @property
    def instrument_name(self) -> str:
        instrument = self.instrument
        return instrument.short_name if instrument else self.instrument_id

    @property
    def is_completed(self) -> bool:
        return self.status == AdministrationStatus.COMPLETED

    @property
    def is_open(self) -> bool:
        return self.status == AdministrationStatus.ASSIGNED

    def answer_indices(self) -> list:
        return json.loads(self.answers) if self.answers else []

    def answered_items(self) -> list[tuple]:
        """(number, item, chosen option or None) for display, when the version still matches."""
        instrument = self.instrument
        if instrument is None:
            return []
        answers = self.answer_indices()
        rows = []
        for number, item in enumerate(instrument.items, 1):
            index = answers[number - 1] if number - 1 < len(answers) else None
            option = (
                item.options[index] if index is not None and index < len(item.options) else None
            )
            rows.append((number, item, option))
        return rows

    def flag_labels(self) -> list[str]:
        instrument = self.instrument
        by_id = {f.id: f.label for f in instrument.flags} if instrument else {}
        return [by_id.get(flag, flag) for flag in self.flags]

    def is_due_by(self, day) -> bool:
        return self.is_open and (self.due_on is None or self.due_on <= day)


class Schedule(models.Model):
    """Repeat an instrument every N weeks for one client; each due item is an assigned
    administration, created when the schedule starts and after each completion."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="measure_schedules"
    )
    instrument_id = models.CharField(max_length=40)
    every_weeks = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    in_portal = models.BooleanField(
        default=True, help_text="Ask the client to complete it in the portal when it is due"
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["instrument_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "instrument_id"],
                condition=Q(active=True),
                name="one_active_schedule_per_instrument",
            ),
            models.CheckConstraint(
                condition=Q(every_weeks__gte=1) & Q(every_weeks__lte=52),
                name="schedule_every_1_to_52_weeks",
            ),
        ]

    def __str__(self):
        return f"{self.instrument_id} every {self.every_weeks} weeks"

    def audit_label(self) -> str:
        return f"Measure schedule #{self.pk} ({self.instrument_id})"

    @property
    def instrument_name(self) -> str:
        try:
            return instruments.get(self.instrument_id).short_name
        except instruments.UnknownInstrument:
            return self.instrument_id


class MeasureNormQuerySet(models.QuerySet):
    def norms_for(self, organization, instrument) -> Norms | None:
        """The norms reliable change uses: the organization's own, else the data file's."""
        own = (
            self.filter(organization=organization, instrument_id=instrument.id)
            .select_related("entered_by")
            .first()
            if organization is not None
            else None
        )
        if own is not None:
            return own.as_norms()
        return Norms.from_file(instrument)


class MeasureNorm(models.Model):
    """An organization's own intake SD and reliability for one instrument's reliable change.

    Jacobson & Truax (1991) use the SD of the pre-treatment group; a service that knows its own
    intake SD (and a reliability from a comparable sample) can enter it here, and the history
    pages say so.
    """

    organization = models.ForeignKey(
        "clinics.Organization", on_delete=models.CASCADE, related_name="measure_norms"
    )
    instrument_id = models.CharField(max_length=40)
    sd = models.DecimalField("intake SD", max_digits=5, decimal_places=2)
    reliability = models.DecimalField(max_digits=4, decimal_places=3)
    source_note = models.CharField(
        max_length=500, help_text="Where the SD and reliability come from (sample, year, report)"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    objects = MeasureNormQuerySet.as_manager()

    class Meta:
        ordering = ["instrument_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "instrument_id"], name="one_norm_per_instrument"
            ),
            models.CheckConstraint(condition=Q(sd__gt=0), name="measure_norm_sd_positive"),
            models.CheckConstraint(
                condition=Q(reliability__gt=0) & Q(reliability__lt=1),
                name="measure_norm_reliability_between_0_and_1",
            ),
        ]

    def __str__(self):
        return f"{self.instrument_id} norms"

    def audit_label(self) -> str:
        return f"Measure norms #{self.pk} ({self.instrument_id})"

    def as_norms(self) -> Norms:
        who = str(self.entered_by) if self.entered_by else "a former staff member"
        day = self.organization.local_date(self.entered_at)
        return Norms(
            sd=float(self.sd),
            reliability=float(self.reliability),
            description=(
                f"this organization's norms, entered by {who} on {day:%b %-d, %Y}: "
                f"SD {float(self.sd):g}, \u03b1 {float(self.reliability):g}"
            ),
            source=self.source_note,
            organization=True,
        )
