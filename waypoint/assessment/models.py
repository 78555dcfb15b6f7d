"""Assessment tools of harm reduction psychotherapy, per substance (issue #11, "Assessment").

- `StageOfChange`: where the person is with a substance, in the five stages of Prochaska &
  DiClemente (Prochaska, DiClemente & Norcross 1992, *Am Psychol* 47:1102). Each change is a new
  dated row with who recorded it; the latest row per substance is the current stage. Stages are
  per substance because harm reduction weighs each drug separately (Denning & Little 2012).
- `NeedsPriorities`: the person's own order of priorities across life areas (the "hierarchy of
  needs" of harm reduction psychotherapy: Denning & Little 2012; substance use is one area among
  others and need not come first). Each save is a new dated version.
- `DrugSetSetting`: the multidimensional assessment per substance after Zinberg (*Drug, Set,
  and Setting*, 1984) as Denning & Little use it: the drug (amount, frequency, route, age of
  first use, what it does for and costs the person, and where the relationship sits on the
  use → misuse → dependence continuum as the person and the clinician each see it), the set and
  the setting. Each save is a new dated version.
- `DecisionalBalance`: the four cells (benefits and costs of using, benefits and costs of
  changing; Janis & Mann 1977, used in MI: Miller & Rollnick 2013). Each save is a new version;
  the latest per substance is current. Written by the clinician in the chart or by the person in
  the portal (`by_client`).

Substances are the goals app's list (`waypoint.goals.models.Substance`), shared with the diary.
Free text is encrypted at rest (`waypoint/lib/fields.py`).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_noop

from waypoint.goals.models import Substance
from waypoint.lib.fields import EncryptedTextField


class Stage(models.TextChoices):
    PRECONTEMPLATION = "precontemplation", "Precontemplation"
    CONTEMPLATION = "contemplation", "Contemplation"
    PREPARATION = "preparation", "Preparation"
    ACTION = "action", "Action"
    MAINTENANCE = "maintenance", "Maintenance"


STAGE_ORDER = {stage: i for i, stage in enumerate(Stage.values)}


class LatestPerSubstance(models.QuerySet):
    def latest_per_substance(self) -> dict:
        """{(client_id, substance): newest row} for the rows of this queryset (one query)."""
        newest = {}
        for row in self.order_by("client_id", "substance", "-noted_on", "-id"):
            newest.setdefault((row.client_id, row.substance), row)
        return newest


class StageOfChange(models.Model):
    """The stage of change for one substance, as noted on `noted_on`."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="stages_of_change"
    )
    substance = models.CharField(max_length=20, choices=Substance.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices)
    noted_on = models.DateField("date")
    note = EncryptedTextField(
        "what the person said", blank=True, help_text="In their words, if they want it noted."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LatestPerSubstance.as_manager()

    class Meta:
        ordering = ["substance", "-noted_on", "-id"]
        indexes = [models.Index(fields=["client", "substance", "noted_on"])]

    def __str__(self):
        return f"{self.get_substance_display()}: {self.get_stage_display()}"

    def audit_label(self) -> str:
        return f"Stage of change #{self.pk}"

    @property
    def substance_short(self) -> str:
        """The substance's label without its examples, for the caseload cell ("Opioids")."""
        return self.get_substance_display().split(" (")[0].split(" or ")[0]


class DecisionalBalance(models.Model):
    """One version of the decisional balance for one substance."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="decisional_balances"
    )
    substance = models.CharField(max_length=20, choices=Substance.choices)
    benefits_of_using = EncryptedTextField("good things about using", blank=True)
    costs_of_using = EncryptedTextField("not-so-good things about using", blank=True)
    benefits_of_changing = EncryptedTextField("good things about changing", blank=True)
    costs_of_changing = EncryptedTextField("not-so-good things about changing", blank=True)
    noted_on = models.DateField("date")
    by_client = models.BooleanField("written by the person in the portal", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LatestPerSubstance.as_manager()

    class Meta:
        ordering = ["substance", "-noted_on", "-id"]
        indexes = [models.Index(fields=["client", "substance", "noted_on"])]

    def __str__(self):
        return f"Decisional balance: {self.get_substance_display()}"

    def audit_label(self) -> str:
        return f"Decisional balance #{self.pk}"


CELLS = ("benefits_of_using", "costs_of_using", "benefits_of_changing", "costs_of_changing")


class LifeArea(models.TextChoices):
    HOUSING = "housing", gettext_noop("Housing")
    HEALTH = "health", gettext_noop("Health")
    RELATIONSHIPS = "relationships", gettext_noop("Relationships")
    SUBSTANCE_USE = "substance_use", gettext_noop("Substance use")
    WORK = "work", gettext_noop("Work")
    LEGAL = "legal", gettext_noop("Legal")
    MONEY = "money", gettext_noop("Money")


def is_permutation_of_areas(order) -> bool:
    return isinstance(order, list) and sorted(order) == sorted(LifeArea.values)


class NeedsPriorities(models.Model):
    """One dated version of the person's priorities: every life area, most important first."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="needs_priorities"
    )
    order = models.JSONField(help_text="Every LifeArea code once, most important first")
    note = EncryptedTextField("in the person's words", blank=True)
    noted_on = models.DateField("date")
    by_client = models.BooleanField("ordered by the person in the portal", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-noted_on", "-id"]
        indexes = [models.Index(fields=["client", "noted_on"])]

    def __str__(self):
        return f"Priorities of {self.noted_on}"

    def audit_label(self) -> str:
        return f"Priorities #{self.pk}"

    def labels(self) -> list[str]:
        names = dict(LifeArea.choices)
        return [names.get(code, code) for code in self.order]


class Route(models.TextChoices):
    SWALLOWED = "swallowed", "Swallowed (drink, pill, edible)"
    SMOKED = "smoked", "Smoked or vaped"
    SNORTED = "snorted", "Snorted"
    INJECTED = "injected", "Injected"
    OTHER = "other", "Other or several"


class Continuum(models.TextChoices):
    """Denning & Little's continuum of the relationship with a drug (not a diagnosis)."""

    USE = "use", "Use"
    MISUSE = "misuse", "Misuse"
    DEPENDENCE = "dependence", "Dependence"


DSS_TEXT = (
    "amount_and_frequency",
    "does_for_them",
    "costs_them",
    "set_notes",
    "setting_notes",
)


class DrugSetSetting(models.Model):
    """One dated version of the drug, set and setting assessment for one substance."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="drug_set_settings"
    )
    substance = models.CharField(max_length=20, choices=Substance.choices)
    amount_and_frequency = EncryptedTextField("how much and how often", blank=True)
    route = models.CharField(max_length=12, choices=Route.choices, blank=True)
    age_first_use = models.PositiveSmallIntegerField("age of first use", null=True, blank=True)
    does_for_them = EncryptedTextField("what it does for them, in their words", blank=True)
    costs_them = EncryptedTextField("what it costs them, in their words", blank=True)
    continuum_client = models.CharField(
        "where the person sees it", max_length=12, choices=Continuum.choices, blank=True
    )
    continuum_clinician = models.CharField(
        "where the clinician sees it", max_length=12, choices=Continuum.choices, blank=True
    )
    set_notes = EncryptedTextField(
        "set", blank=True, help_text="Mental health, trauma, expectations, mood, personality"
    )
    setting_notes = EncryptedTextField(
        "setting",
        blank=True,
        help_text="Housing, relationships, money, legal, work, community, supports, risks",
    )
    noted_on = models.DateField("date")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = LatestPerSubstance.as_manager()

    class Meta:
        ordering = ["substance", "-noted_on", "-id"]
        indexes = [models.Index(fields=["client", "substance", "noted_on"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(age_first_use__isnull=True) | models.Q(age_first_use__lte=120),
                name="dss_age_first_use_plausible",
            )
        ]

    def __str__(self):
        return f"Drug, set and setting: {self.get_substance_display()}"

    def audit_label(self) -> str:
        return f"Drug, set and setting #{self.pk}"
