"""Client-chosen goals, one per substance at a time, anywhere from no change to abstinence.

Harm reduction treatment weighs each drug separately and lets the person choose the goal for each
(Denning & Little, *Practicing Harm Reduction Psychotherapy*, 2nd ed. 2012; domain.md §1). So:
- there is no default goal type anywhere (forms make the person's choice explicit);
- a change of goal is a new decision, not a failure: the old goal is closed (`ended_on`) and a new
  one starts; edits in place (a review date, a limit) keep their history (simple-history);
- abstinence from one substance says nothing about the others.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop, ngettext
from simple_history.models import HistoricalRecords

from waypoint.lib import plainrows, units
from waypoint.lib.fields import EncryptedTextField


class Substance(models.TextChoices):
    ALCOHOL = "alcohol", gettext_noop("Alcohol")
    CANNABIS = "cannabis", gettext_noop("Cannabis")
    OPIOIDS = "opioids", gettext_noop("Opioids (heroin, fentanyl, pills)")
    METHAMPHETAMINE = "methamphetamine", gettext_noop("Methamphetamine")
    COCAINE = "cocaine", gettext_noop("Cocaine or crack")
    BENZODIAZEPINES = "benzodiazepines", gettext_noop("Benzodiazepines")
    TOBACCO = "tobacco", gettext_noop("Tobacco or nicotine")
    GHB = "ghb", gettext_noop("GHB/GBL")
    KETAMINE = "ketamine", gettext_noop("Ketamine")
    MDMA = "mdma", gettext_noop("MDMA")
    PSYCHEDELICS = "psychedelics", gettext_noop("Psychedelics")
    KRATOM = "kratom", gettext_noop("Kratom")
    OTHER = "other", gettext_noop("Something else")


class Unit(models.TextChoices):
    """Units a diary amount or a moderation limit may be written in."""

    DRINKS = "drinks", gettext_noop("standard drinks")
    BEVERAGE = "beverage", gettext_noop("servings of a beverage (volume and strength)")
    GRAMS = "g", gettext_noop("grams")
    MILLIGRAMS = "mg", gettext_noop("milligrams")
    MILLILITRES = "ml", gettext_noop("millilitres")
    PILLS = "pills", gettext_noop("pills")
    HITS = "hits", gettext_noop("hits")
    JOINTS = "joints", gettext_noop("joints")
    LINES = "lines", gettext_noop("lines")
    CIGARETTES = "cigarettes", gettext_noop("cigarettes")
    TIMES = "times", gettext_noop("times used")
    SESSIONS = "sessions", gettext_noop("sessions")


# Each unit's word for a count (issue #10): literal ngettext calls, so `makemessages` extracts
# the singular and the plural and the Spanish catalogue can give both.
UNIT_WORDS = {
    Unit.DRINKS: lambda n: ngettext("standard drink", "standard drinks", n),
    Unit.BEVERAGE: lambda n: ngettext(
        "serving of a beverage (volume and strength)",
        "servings of a beverage (volume and strength)",
        n,
    ),
    Unit.GRAMS: lambda n: ngettext("gram", "grams", n),
    Unit.MILLIGRAMS: lambda n: ngettext("milligram", "milligrams", n),
    Unit.MILLILITRES: lambda n: ngettext("millilitre", "millilitres", n),
    Unit.PILLS: lambda n: ngettext("pill", "pills", n),
    Unit.HITS: lambda n: ngettext("hit", "hits", n),
    Unit.JOINTS: lambda n: ngettext("joint", "joints", n),
    Unit.LINES: lambda n: ngettext("line", "lines", n),
    Unit.CIGARETTES: lambda n: ngettext("cigarette", "cigarettes", n),
    Unit.TIMES: lambda n: ngettext("time used", "times used", n),
    Unit.SESSIONS: lambda n: ngettext("session", "sessions", n),
}


def amount_with_unit(amount: Decimal, unit: str) -> str:
    """ "1 joint", "1.5 joints", "2 times used": the number as written, the unit agreeing."""
    number = amount.normalize()
    if unit not in Unit.values:
        return f"{number:f} {unit}".strip()
    # Only exactly one takes the singular (1.0 too; 1.5 and 0.5 do not, in English).
    count = 1 if number == 1 else 2
    return f"{number:f} {UNIT_WORDS[Unit(unit)](count)}"


# For alcohol, "g" means grams of ethanol; for every other substance it is grams of the drug.
ALCOHOL_UNITS = (Unit.DRINKS, Unit.GRAMS, Unit.BEVERAGE)
OTHER_UNITS = tuple(u for u in Unit if u not in (Unit.DRINKS, Unit.BEVERAGE))

DEFAULT_UNIT = {
    Substance.ALCOHOL: Unit.DRINKS,
    Substance.CANNABIS: Unit.JOINTS,
    Substance.OPIOIDS: Unit.TIMES,
    Substance.METHAMPHETAMINE: Unit.TIMES,
    Substance.COCAINE: Unit.LINES,
    Substance.BENZODIAZEPINES: Unit.PILLS,
    Substance.TOBACCO: Unit.CIGARETTES,
    Substance.GHB: Unit.MILLILITRES,
    Substance.KETAMINE: Unit.LINES,
    Substance.MDMA: Unit.PILLS,
    Substance.PSYCHEDELICS: Unit.TIMES,
    Substance.KRATOM: Unit.GRAMS,
    Substance.OTHER: Unit.TIMES,
}


def units_for(substance: str) -> tuple:
    return ALCOHOL_UNITS if substance == Substance.ALCOHOL else OTHER_UNITS


class SaferUsePractice(models.TextChoices):
    """Safer-use practices a person may choose (domain.md §5)."""

    NEVER_ALONE = "never_alone", gettext_noop("Never use alone (or call a spotting line)")
    NALOXONE = "naloxone", gettext_noop("Carry naloxone")
    TEST_STRIPS = "test_strips", gettext_noop("Check with fentanyl test strips")
    NEW_SUPPLIES = "new_supplies", gettext_noop("Use new supplies")
    TESTER_DOSE = "tester_dose", gettext_noop("Start with a tester dose")
    NO_MIXING = "no_mixing_depressants", gettext_noop("Don't mix depressants")
    SAFER_ROUTE = "safer_route", gettext_noop("Use a safer route (e.g. smoke instead of inject)")
    EAT_HYDRATE = "eat_hydrate", gettext_noop("Eat and drink water")
    BUDGET = "budget", gettext_noop("Stick to a budget")


PRACTICE_LABELS = dict(SaferUsePractice.choices)


class GoalKind(models.TextChoices):
    NO_CHANGE = "no_change", gettext_noop("No change for now")
    SAFER_USE = "safer_use", gettext_noop("Safer use")
    MODERATION = "moderation", gettext_noop("Moderation, with my own limits")
    ABSTINENCE = "abstinence", gettext_noop("Abstinence from this substance")


# The encrypted free text of a goal: never needed to judge whether a day was within plan.
PLAN_UNUSED_FIELDS = frozenset({"practices_other", "no_use_situations", "in_own_words"})


class GoalQuerySet(models.QuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)

    def in_effect_between(self, first: datetime.date, last: datetime.date):
        """Goals whose period overlaps [first, last]."""
        return self.filter(started_on__lte=last).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=first)
        )

    def plan_goals_between(self, client_id: int, first: datetime.date, last: datetime.date):
        """One person's goals that judge plan days (every kind but "no change") in effect during
        [first, last], as `in_effect_between` selects them.

        One plain query (every diary write runs it inside its transaction): no SQL to compile,
        and the free-text fields in the person's words — encrypted, never needed to judge a day —
        are neither read nor decrypted (reading one later would cost a query).
        """
        adapt = connections[self.db].ops.adapt_datefield_value
        return plainrows.select(
            Goal,
            (f.name for f in Goal._meta.concrete_fields if f.name not in PLAN_UNUSED_FIELDS),
            "client_id = %s AND kind <> %s AND started_on <= %s "
            "AND (ended_on IS NULL OR ended_on > %s)",
            [client_id, GoalKind.NO_CHANGE.value, adapt(last), adapt(first)],
            order_by="substance, started_on DESC, id DESC",
        )


class Goal(models.Model):
    """One client-chosen goal for one substance, in effect from `started_on` until `ended_on`."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="goals")
    substance = models.CharField(max_length=20, choices=Substance.choices)
    kind = models.CharField("goal", max_length=20, choices=GoalKind.choices)
    chosen_by_client = models.BooleanField(
        "the person chose this goal",
        default=False,
        help_text="Goals are the person's own choice; the record says so.",
    )
    started_on = models.DateField("start date")
    review_on = models.DateField("review date", null=True, blank=True)
    ended_on = models.DateField(
        "ended on", null=True, blank=True, help_text="Set when the person chose a new goal."
    )
    practices = models.JSONField(
        "safer-use practices", default=list, blank=True, help_text="Codes of SaferUsePractice"
    )
    practices_other = EncryptedTextField("other practices, in their words", blank=True)
    limit_unit = models.CharField(max_length=12, choices=Unit.choices, blank=True)
    max_per_occasion = models.DecimalField(
        "most per occasion", max_digits=9, decimal_places=2, null=True, blank=True
    )
    max_per_day = models.DecimalField(
        "most per day", max_digits=9, decimal_places=2, null=True, blank=True
    )
    max_use_days_per_week = models.PositiveSmallIntegerField(
        "most days of use per week", null=True, blank=True
    )
    no_use_situations = EncryptedTextField(
        "situations with no use", blank=True, help_text="e.g. before driving, at work"
    )
    in_own_words = EncryptedTextField("why, in the person's words", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["substance", "-started_on", "-id"]
        indexes = [models.Index(fields=["client", "substance", "started_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "substance"],
                condition=Q(ended_on__isnull=True),
                name="one_current_goal_per_substance",
            ),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(review_on__gte=models.F("started_on")),
                name="goal_review_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="goal_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(max_use_days_per_week__isnull=True) | Q(max_use_days_per_week__lte=7),
                name="goal_use_days_per_week_at_most_7",
            ),
            models.CheckConstraint(
                condition=(Q(max_per_occasion__isnull=True) | Q(max_per_occasion__gte=0))
                & (Q(max_per_day__isnull=True) | Q(max_per_day__gte=0)),
                name="goal_limits_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.get_substance_display()}: {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("goals-list", args=[self.client_id])

    def audit_label(self) -> str:
        return f"Goal #{self.pk}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    def in_effect_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)

    def practice_labels(self) -> list[str]:
        return [PRACTICE_LABELS.get(code, code) for code in self.practices]

    def limits_text(self) -> str:
        unit = self.limit_unit or ""
        parts = []
        if self.max_per_occasion is not None:
            amount = amount_with_unit(self.max_per_occasion, unit)
            parts.append(gettext("at most %(amount)s per occasion") % {"amount": amount})
        if self.max_per_day is not None:
            amount = amount_with_unit(self.max_per_day, unit)
            parts.append(gettext("at most %(amount)s per day") % {"amount": amount})
        if self.max_use_days_per_week is not None:
            days = self.max_use_days_per_week
            parts.append(
                ngettext(
                    "use on at most %(days)d day a week",
                    "use on at most %(days)d days a week",
                    days,
                )
                % {"days": days}
            )
        return "; ".join(parts)

    def _limit_in(self, value: Decimal, entry_unit: str, country: str) -> float | None:
        """A limit expressed in the unit of an entry, or None when the units can't be compared."""
        if self.substance == Substance.ALCOHOL:
            # Alcohol is compared in grams of ethanol; limits in drinks use the org's country.
            if self.limit_unit == Unit.DRINKS:
                return units.standard_drinks_to_grams(float(value), country)
            if self.limit_unit == Unit.GRAMS:
                return float(value)
            return None
        if self.limit_unit == entry_unit:
            return float(value)
        if (self.limit_unit, entry_unit) == (Unit.GRAMS, Unit.MILLIGRAMS):
            return float(value) * 1000
        if (self.limit_unit, entry_unit) == (Unit.MILLIGRAMS, Unit.GRAMS):
            return float(value) / 1000
        return None

    def is_kept_on(self, day_entries, *, country: str = "US", use_days_earlier_in_week: int = 0):
        """Was this day within the person's own plan for this substance?

        `day_entries` are all diary entries of one known day (any substance; at least one, else
        the day is unknown and nobody can say). `use_days_earlier_in_week` counts days of use of
        this substance earlier in the same Monday-to-Sunday week (for a days-per-week limit).
        Returns True (kept), False (not this time), or None (nothing to assess: "no change for
        now", or limits that can't be compared with how the amount was written).
        """
        if not day_entries:
            return None
        uses = [e for e in day_entries if e.kind == "use" and e.substance == self.substance]
        if self.kind == GoalKind.NO_CHANGE:
            return None
        if not uses:
            return True  # no use of this substance today is within every goal
        if self.kind == GoalKind.ABSTINENCE:
            return False
        if self.kind == GoalKind.SAFER_USE:
            chosen = set(self.practices)
            if not chosen:
                return None
            return all(chosen <= set(e.practices or ()) for e in uses)
        # Moderation: each limit the person set must hold.
        assessable = False
        if self.max_use_days_per_week is not None:
            assessable = True
            if use_days_earlier_in_week + 1 > self.max_use_days_per_week:
                return False
        for limit_value, per_occasion in (
            (self.max_per_occasion, True),
            (self.max_per_day, False),
        ):
            if limit_value is None:
                continue
            amounts = []
            for entry in uses:
                unit = entry.unit
                limit = self._limit_in(limit_value, unit, country)
                if limit is None:
                    amounts = None
                    break
                if self.substance == Substance.ALCOHOL:
                    amount = float(entry.alcohol_grams or 0)
                elif entry.amount is None:
                    amounts = None
                    break
                else:
                    amount = float(entry.amount)
                amounts.append((amount, limit))
            if amounts is None:
                continue
            assessable = True
            # A day counts as kept when the amount, rounded to the 0.1 standard drink the person
            # is shown, is within the limit: two US beer presets are 28.01 g (355 ml x 5% x
            # 0.789) against a 2-drink limit of 28 g, and the person sees "2.0 standard drinks".
            slack = 0.0
            if self.substance == Substance.ALCOHOL and self.limit_unit == Unit.DRINKS:
                slack = 0.05 * units.standard_drinks_to_grams(1, country) - 1e-9
            if per_occasion:
                if any(amount > limit + slack + 1e-9 for amount, limit in amounts):
                    return False
            elif any(limit <= 0 for _, limit in amounts):
                return False  # a limit of zero with some use
            elif (
                sum(amount / limit for amount, limit in amounts) > 1 + slack / amounts[0][1] + 1e-9
            ):
                return False  # share of the day's limit, so mixed units (g and mg) add up
        return True if assessable else None
