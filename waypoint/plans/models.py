"""Safety plans: an overdose prevention plan and a crisis plan per chart, kept as versions.

Each save is a new dated `SafetyPlanVersion` with who saved it; nothing is edited in place, so
the history of a plan is its list of versions. The items (short lines of free text, per
section) are one encrypted JSON document per version. The clinician decides which sections the
client may edit in the portal (`client_may_edit`). Sections and guidance: `guide.py` and
`data/safety_plans.json`; method and sources: docs/safety-plans.md.
"""

import json

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from waypoint.lib.fields import EncryptedTextField
from waypoint.plans import guide


class PlanKind(models.TextChoices):
    OVERDOSE = "overdose", gettext_noop("Overdose prevention plan")
    CRISIS = "crisis", gettext_noop("Crisis plan")


class SafetyPlan(models.Model):
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="safety_plans"
    )
    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    client_may_edit = models.JSONField(
        "sections the client may edit in the portal", default=list, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["client", "kind"], name="one_safety_plan_per_kind")
        ]

    def __str__(self):
        return self.get_kind_display()

    def get_absolute_url(self):
        return reverse("plans-detail", args=[self.client_id, self.kind])

    def audit_label(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def guide(self) -> guide.PlanGuide:
        return guide.guide(self.kind)

    def current_version(self):
        return self.versions.order_by("-number").first()


class SafetyPlanVersion(models.Model):
    plan = models.ForeignKey(SafetyPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    items = EncryptedTextField(
        "items", blank=True, help_text="JSON: section key -> list of short items"
    )
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_client = models.BooleanField("saved by the client in the portal", default=False)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="safety_plan_version_unique")
        ]

    def __str__(self):
        return f"{self.plan} version {self.number}"

    def audit_label(self) -> str:
        return f"{self.plan.get_kind_display()} #{self.plan_id} version {self.number}"

    def sections(self) -> dict[str, list[str]]:
        """Items per section key (sections the data file no longer has are kept as stored)."""
        if not self.items:
            return {}
        return json.loads(self.items)

    def filled_sections(self):
        """(Section, items) in the data file's order, every section, empty ones too."""
        stored = self.sections()
        return [(s, stored.get(s.key, [])) for s in self.plan.guide.sections]

    def missing_required(self) -> list[str]:
        stored = self.sections()
        return [key for key in self.plan.guide.required_keys if not stored.get(key)]

    @property
    def is_complete(self) -> bool:
        return not self.missing_required()

    def saved_by_label(self) -> str:
        if self.by_client:
            return "the client, in the portal"
        if self.saved_by is None:
            return "a former staff member"
        return self.saved_by.full_name
