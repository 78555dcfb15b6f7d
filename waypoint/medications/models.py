"""Medications, co-occurring conditions, allergies and coordination with prescribers (issue #11).

Every free-text field is encrypted at rest (42 CFR Part 2): a medication's name, dose and
prescriber, a diagnosis in words and its code, allergies, coordination notes. Flags for
medications for opioid or alcohol use disorder come from the sourced data file
(`reference.py`), never from a hand-ticked box, so they cannot drift from the name.
"""

import datetime

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from waypoint.lib import plainrows
from waypoint.lib.fields import EncryptedCharField, EncryptedTextField
from waypoint.medications import reference


class MedicationQuerySet(models.QuerySet):
    def current_on(self, day: datetime.date):
        """Taken on `day`: started on or before it and not stopped before it."""
        return self.filter(started_on__lte=day).filter(
            Q(stopped_on__isnull=True) | Q(stopped_on__gte=day)
        )

    def names_current_on(self, client_id: int, day: datetime.date):
        """One person's medications current on `day` (as `current_on` selects them, newest first)
        with only their names and dates: the safety check of every diary check-in runs it, so it
        is one plain query, and the dose and prescriber are neither read nor decrypted."""
        on = connections[self.db].ops.adapt_datefield_value(day)
        return plainrows.select(
            Medication,
            ("id", "client", "name", "started_on", "stopped_on"),
            "client_id = %s AND started_on <= %s AND (stopped_on IS NULL OR stopped_on >= %s)",
            [client_id, on, on],
            order_by="started_on DESC, id DESC",
        )


class Medication(models.Model):
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="medications"
    )
    name = EncryptedCharField("medication", max_length=120)
    dose = EncryptedCharField(
        "dose and how taken", max_length=120, blank=True, help_text="e.g. 16 mg film daily"
    )
    prescriber = EncryptedCharField("prescriber", max_length=120, blank=True)
    started_on = models.DateField("start date")
    stopped_on = models.DateField("stop date", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MedicationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stopped_on__isnull=True) | Q(stopped_on__gte=models.F("started_on")),
                name="medication_stop_after_start",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("medications-list", args=[self.client_id])

    def audit_label(self) -> str:
        return f"Medication #{self.pk}"

    def is_current_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.stopped_on is None or self.stopped_on >= day)

    @property
    def catalogue_entry(self):
        """The substance-catalogue entry this name stands for, or None (no combination check)."""
        from waypoint.substances import catalogue

        try:
            return catalogue.resolve(self.name)
        except catalogue.UnknownSubstance:
            return None

    @property
    def flags(self) -> reference.TreatmentFlags:
        return reference.treatment_flags(self.name)

    @property
    def for_opioid_use(self) -> bool:
        return self.flags.opioid_use

    @property
    def for_alcohol_use(self) -> bool:
        return self.flags.alcohol_use


class Diagnosis(models.Model):
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="diagnoses")
    description = EncryptedTextField("diagnosis, in words")
    code = EncryptedCharField("ICD-10-CM code", max_length=8, blank=True)
    noted_on = models.DateField("date noted")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-noted_on", "-id"]
        verbose_name_plural = "diagnoses"

    def __str__(self):
        return f"{self.code} {self.description}".strip()

    def audit_label(self) -> str:
        return f"Diagnosis #{self.pk}"

    @property
    def code_title(self) -> str:
        return reference.icd10_title(self.code)


class Allergy(models.Model):
    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="allergies")
    text = EncryptedTextField("allergy or reaction")
    noted_on = models.DateField("date noted")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-noted_on", "-id"]
        verbose_name_plural = "allergies"

    def __str__(self):
        return self.text

    def audit_label(self) -> str:
        return f"Allergy #{self.pk}"


class CoordinationNote(models.Model):
    """A contact with a prescriber about this person's medications (with their consent)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="prescriber_contacts"
    )
    occurred_on = models.DateField("date")
    prescriber = EncryptedCharField("prescriber", max_length=120)
    note = EncryptedTextField("note")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "-id"]

    def __str__(self):
        return f"{self.occurred_on}: {self.prescriber}"

    def audit_label(self) -> str:
        return f"Coordination note #{self.pk}"
