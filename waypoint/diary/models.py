"""The use diary: one row per entry, several per day, and rollups kept in step by the actions.

- An entry is either "use" (a substance, an amount) or "no use" (an explicit "No use today").
  A day without any entry is **unknown** and is never counted as a day without use.
- Client and clinician entries of the same day are separate rows, so neither overwrites the other.
- Alcohol is stored as grams of ethanol (`alcohol_grams`); standard drinks are a display conversion
  with the organization's country (domain.md §4; `waypoint.lib.units`).
- `DayRollup`, `WeekRollup` and `WeekSubstanceRollup` are derived data, rewritten by
  `waypoint.diary.rollups` inside the transaction of every diary or goal write. Outcome pages read
  them with SQL SUM and call `waypoint.diary.outcomes.outcomes_from_sums`.
- `RunningTotal` holds each person's totals up to each known day, so the report of any window is
  two lookups per person (end minus the day before the start), whatever the window's length.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import connections, models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from simple_history.models import HistoricalRecords

from waypoint.goals.models import PRACTICE_LABELS, Substance, Unit, amount_with_unit
from waypoint.lib import units
from waypoint.lib.fields import EncryptedCharField, EncryptedTextField


class DiarySettings(models.Model):
    """Per-organization diary settings (kept here rather than on clinics.Organization)."""

    organization = models.OneToOneField(
        "clinics.Organization", on_delete=models.CASCADE, related_name="diary_settings"
    )
    country = models.CharField(
        "standard drink",
        max_length=4,
        choices=list(units.COUNTRIES.items()),
        default="US",
        help_text="Whose standard drink the diary uses to show and enter alcohol.",
    )

    def __str__(self):
        return f"Diary settings of {self.organization}"

    @classmethod
    def country_for(cls, organization) -> str:
        """The organization's standard-drink country (an organization or its id): the one lookup
        the diary, goals, outcomes and privacy use. One plain query (every portal check-in runs
        it); the default when the organization saved no settings, as `for_organization`."""
        organization_id = getattr(organization, "pk", organization)
        with connections[cls.objects.db].cursor() as cursor:
            cursor.execute(
                f"SELECT country FROM {cls._meta.db_table} "  # noqa: S608  # nosec B608 - fixed names
                "WHERE organization_id = %s",
                [organization_id],
            )
            row = cursor.fetchone()
        return row[0] if row is not None else cls._meta.get_field("country").get_default()

    @classmethod
    def for_organization(cls, organization) -> "DiarySettings":
        """The saved settings, or unsaved defaults (reading never writes)."""
        organization_id = getattr(organization, "pk", organization)
        found = cls.objects.filter(organization_id=organization_id).first()
        return found or cls(organization_id=organization_id)

    @property
    def grams_per_drink(self) -> float:
        return units.grams_per_standard_drink(self.country)

    def drink_word(self, count: float | None = None) -> str:
        """ "US standard drinks", "UK unit"…: `units.drink_word` for this organization."""
        return units.drink_word(self.country, count)


class EntryKind(models.TextChoices):
    USE = "use", "Used"
    NO_USE = "no_use", "No use today"


class EntrySource(models.TextChoices):
    CLIENT = "client", gettext_noop("Client (portal)")
    CLINICIAN = "clinician", gettext_noop("Clinician")
    TLFB = "tlfb", gettext_noop("Timeline Followback")


class Route(models.TextChoices):
    SWALLOWED = "swallowed", gettext_noop("Swallowed or drank")
    SMOKED = "smoked", gettext_noop("Smoked")
    VAPED = "vaped", gettext_noop("Vaped")
    SNORTED = "snorted", gettext_noop("Snorted")
    INJECTED = "injected", gettext_noop("Injected")
    OTHER = "other", gettext_noop("Other")


class Beverage(models.TextChoices):
    BEER = "beer", gettext_noop("Beer")
    WINE = "wine", gettext_noop("Wine")
    SPIRITS = "spirits", gettext_noop("Spirits")
    CUSTOM = "custom", gettext_noop("Something else (custom)")


class DiaryEntryQuerySet(models.QuerySet):
    def between(self, first: datetime.date, last: datetime.date):
        return self.filter(day__gte=first, day__lte=last)

    def has_same_use(self, client_id: int, *, day, substance: str, unit: str, amount) -> bool:
        """Is this use (day, substance, unit, amount; no amount matches no amount) already in
        the person's diary? The entry form asks before recording it twice. One plain query, as
        every portal check-in runs it: compiling the ORM's `exists()` cost more than running it.
        """
        field = DiaryEntry._meta.get_field
        connection = connections[self.db]
        params = [
            client_id,
            field("day").get_db_prep_value(day, connection),
            EntryKind.USE.value,
            substance,
            unit,
        ]
        if amount is None:
            same_amount = "amount IS NULL"
        else:
            same_amount = "amount = %s"
            params.append(field("amount").get_db_prep_value(amount, connection))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT 1 FROM {DiaryEntry._meta.db_table} "  # noqa: S608  # nosec B608 - fixed names
                "WHERE client_id = %s AND day = %s AND kind = %s AND substance = %s "
                f"AND unit = %s AND {same_amount} LIMIT 1",
                params,
            )
            return cursor.fetchone() is not None


class DiaryEntry(models.Model):
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.CASCADE,
        related_name="diary_entries",
        db_index=False,  # the (client, day) index serves every lookup by client
    )
    day = models.DateField(help_text="A date in the clinic's time zone.")
    kind = models.CharField(max_length=8, choices=EntryKind.choices, default=EntryKind.USE)
    substance = models.CharField(max_length=20, choices=Substance.choices, blank=True)
    amount = models.DecimalField(max_digits=9, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=12, choices=Unit.choices, blank=True)
    beverage = models.CharField(max_length=10, choices=Beverage.choices, blank=True)
    volume_ml = models.DecimalField(
        "volume per serving (ml)", max_digits=8, decimal_places=1, null=True, blank=True
    )
    abv = models.DecimalField("ABV %", max_digits=5, decimal_places=2, null=True, blank=True)
    alcohol_grams = models.FloatField(default=0.0, help_text="Grams of ethanol (alcohol only).")
    route = models.CharField(max_length=10, choices=Route.choices, blank=True)
    setting_where = EncryptedCharField("where", max_length=200, blank=True)
    setting_with_whom = EncryptedCharField("with whom", max_length=200, blank=True)
    mood = models.PositiveSmallIntegerField(null=True, blank=True)
    urge = models.PositiveSmallIntegerField(null=True, blank=True)
    practices = models.JSONField("safer-use practices followed", default=list, blank=True)
    money_spent = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    note = EncryptedTextField(blank=True)
    source = models.CharField(max_length=10, choices=EntrySource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords(excluded_fields=["created_at"])
    objects = DiaryEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "created_at", "id"]
        verbose_name_plural = "diary entries"
        indexes = [models.Index(fields=["client", "day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="no_use", substance="", amount__isnull=True)
                | Q(kind="use") & ~Q(substance=""),
                name="diary_entry_kind_and_substance_agree",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="diary_amount_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(abv__isnull=True) | Q(abv__gte=0, abv__lte=100),
                name="diary_abv_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(volume_ml__isnull=True) | Q(volume_ml__gt=0, volume_ml__lte=20000),
                name="diary_volume_possible",
            ),
            models.CheckConstraint(
                condition=Q(alcohol_grams__gte=0), name="diary_grams_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(mood__isnull=True) | Q(mood__lte=10), name="diary_mood_0_to_10"
            ),
            models.CheckConstraint(
                condition=Q(urge__isnull=True) | Q(urge__lte=10), name="diary_urge_0_to_10"
            ),
            models.CheckConstraint(
                condition=Q(money_spent__isnull=True) | Q(money_spent__gte=0),
                name="diary_money_not_negative",
            ),
        ]

    def __str__(self):
        return f"Diary entry on {self.day}"

    def audit_label(self) -> str:
        return f"Diary entry #{self.pk}"

    @property
    def is_no_use(self) -> bool:
        return self.kind == EntryKind.NO_USE

    def practice_labels(self) -> list[str]:
        return [PRACTICE_LABELS.get(code, code) for code in self.practices or ()]

    def standard_drinks(self, country: str) -> float:
        return units.grams_to_standard_drinks(self.alcohol_grams, country)

    def amount_text(self, country: str = "US") -> str:
        """How much, as written, plus the conversion for alcohol (so the client sees it).

        In the active language (a Spanish-speaking client's check-in message); staff pages and
        record exports are English."""
        if self.is_no_use:
            return gettext("No use")
        if self.substance == Substance.ALCOHOL:
            drinks = round(self.standard_drinks(country), 1)
            word = units.drink_word(country, drinks)
            grams = gettext("%(grams)s g of alcohol = %(drinks)s %(word)s") % {
                "grams": f"{self.alcohol_grams:.1f}",
                "drinks": f"{drinks:.1f}",
                "word": word,
            }
            if self.unit == Unit.BEVERAGE and self.volume_ml is not None:
                count = self.amount.normalize() if self.amount is not None else Decimal(1)
                volume, abv = self.volume_ml.normalize(), self.abv.normalize()
                return gettext("%(count)s × %(volume)s ml at %(abv)s %%: %(grams)s") % {
                    "count": f"{count:f}",
                    "volume": f"{volume:f}",
                    "abv": f"{abv:f}",
                    "grams": grams,
                }
            return grams
        if self.amount is None:
            return gettext("amount not recorded")
        return amount_with_unit(self.amount, self.unit)

    @property
    def company_text(self) -> str:
        """ "with my partner", however the person wrote it ("my partner" or "with my partner")."""
        who = (self.setting_with_whom or "").strip()
        if not who:
            return ""
        return who if who.lower().startswith("with ") else f"with {who}"


def alcohol_grams_for(*, unit: str, amount, volume_ml=None, abv=None, country: str = "US") -> float:
    """Grams of ethanol of an alcohol entry written as drinks, grams, or servings of a beverage.

    Raises units.UnitError for an impossible volume or strength (domain.md §4).
    """
    count = float(amount) if amount is not None else 0.0
    if count < 0:
        raise units.UnitError(gettext_noop("the amount cannot be negative"))
    if unit == Unit.DRINKS:
        return units.standard_drinks_to_grams(count, country)
    if unit == Unit.GRAMS:
        return count
    if unit == Unit.BEVERAGE:
        if volume_ml is None or abv is None:
            raise units.UnitError(gettext_noop("a beverage needs a volume and a strength (ABV)"))
        return count * units.grams_from_volume(float(volume_ml), float(abv))
    raise units.UnitError(
        gettext_noop("alcohol cannot be written in %(unit)s"), {"unit": repr(unit)}
    )


class AnchorKind(models.TextChoices):
    PAYDAY = "payday", "Payday or benefits day"
    HOLIDAY = "holiday", "Holiday"
    BIRTHDAY = "birthday", "Birthday or anniversary"
    APPOINTMENT = "appointment", "Appointment or court date"
    OTHER = "other", "Other"


class Repeat(models.TextChoices):
    NONE = "", "Does not repeat"
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month"
    YEARLY = "yearly", "Every year"


class AnchorEvent(models.Model):
    """A memorable day that helps a person recall their use (Timeline Followback anchors)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="anchor_events"
    )
    day = models.DateField()
    kind = models.CharField(max_length=12, choices=AnchorKind.choices)
    label = EncryptedCharField(max_length=100, blank=True)
    repeats = models.CharField(max_length=12, choices=Repeat.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "id"]

    def __str__(self):
        return self.label or self.get_kind_display()

    def audit_label(self) -> str:
        return f"Anchor event #{self.pk}"

    def occurrences(self, first: datetime.date, last: datetime.date) -> list[datetime.date]:
        """Days of this event between first and last inclusive, following the repeat rule."""
        days = []
        if not self.repeats:
            return [self.day] if first <= self.day <= last else []
        if self.repeats in (Repeat.WEEKLY, Repeat.FORTNIGHTLY):
            step = 7 if self.repeats == Repeat.WEEKLY else 14
            day = self.day
            if day < first:
                day += datetime.timedelta(days=((first - day).days + step - 1) // step * step)
            while day <= last:
                days.append(day)
                day += datetime.timedelta(days=step)
            return days
        months = 12 if self.repeats == Repeat.YEARLY else 1
        index = 0
        while True:
            month0 = self.day.month - 1 + index * months
            year, month = self.day.year + month0 // 12, month0 % 12 + 1
            day = _clamped_date(year, month, self.day.day)
            if day > last:
                return days
            if day >= first:
                days.append(day)
            index += 1


def _clamped_date(year: int, month: int, day: int) -> datetime.date:
    while True:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            day -= 1


class DayRollup(models.Model):
    """One known day of one person: exists only if the day has at least one entry."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique constraint's index (client first) serves lookups by client
    day = models.DateField()
    alcohol_grams = models.FloatField(default=0.0)
    substances = models.CharField(
        max_length=300, blank=True, help_text="Comma-separated substance codes used that day"
    )
    within_plan = models.BooleanField(null=True)
    money_spent = models.DecimalField(max_digits=11, decimal_places=2, null=True)
    entries = models.PositiveIntegerField(default=0)
    has_live = models.BooleanField(default=False, help_text="Has client or clinician entries")
    mixed_no_use = models.BooleanField(
        default=False, help_text="'No use' and use were both recorded (use counts)"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="unique_day_rollup"),
        ]

    def __str__(self):
        return f"Day rollup {self.client_id} {self.day}"

    @property
    def substance_set(self) -> frozenset[str]:
        return frozenset(s for s in self.substances.split(",") if s)


class WeekRollup(models.Model):
    """OutcomeSums of one person's Monday-to-Sunday week (only weeks with a known day)."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique constraint's index (client first) serves lookups by client
    week_start = models.DateField()
    known_days = models.PositiveSmallIntegerField(default=0)
    no_use_days = models.PositiveSmallIntegerField(default=0)
    drinking_days = models.PositiveSmallIntegerField(default=0)
    heavy_days_female = models.PositiveSmallIntegerField(default=0)
    heavy_days_male = models.PositiveSmallIntegerField(default=0)
    alcohol_grams = models.FloatField(default=0.0)
    plan_days = models.PositiveSmallIntegerField(default=0)
    within_plan_days = models.PositiveSmallIntegerField(default=0)
    money_spent = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "week_start"], name="unique_week_rollup"),
        ]

    def __str__(self):
        return f"Week rollup {self.client_id} {self.week_start}"


class WeekSubstanceRollup(models.Model):
    """Days of use of one substance in one person's week."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique constraint's index (client first) serves lookups by client
    week_start = models.DateField()
    substance = models.CharField(max_length=20)
    use_days = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["client", "week_start", "substance"], name="unique_week_substance_rollup"
            ),
        ]

    def __str__(self):
        return f"Week substance rollup {self.client_id} {self.week_start} {self.substance}"


class RunningTotal(models.Model):
    """One person's OutcomeSums from their first known day up to and including `day`.

    A row exists for each known day (as `DayRollup`), so the totals of any window first..last are
    two lookups: the latest row on or before `last` minus the latest row before `first`
    (`waypoint.diary.reports.window_sums_by_client`). Money is kept in whole cents so that the
    subtraction is exact on every engine; `substances` holds the running use days per substance
    as "alcohol:12,cannabis:3" (sorted by name).
    """

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="+", db_index=False
    )  # the unique constraint's index (client, day) serves the "latest row on or before" seeks;
    # on PostgreSQL it INCLUDEs every other column (migration diary/0004), so they read only it.
    # A second index, (day, client) with every column (diary/0005), finds the rows *on* a
    # report's bound days in bulk; only the people without one take the backward seek.
    day = models.DateField()
    known_days = models.PositiveIntegerField(default=0)
    no_use_days = models.PositiveIntegerField(default=0)
    drinking_days = models.PositiveIntegerField(default=0)
    heavy_days_female = models.PositiveIntegerField(default=0)
    heavy_days_male = models.PositiveIntegerField(default=0)
    alcohol_grams = models.FloatField(default=0.0)
    plan_days = models.PositiveIntegerField(default=0)
    within_plan_days = models.PositiveIntegerField(default=0)
    money_cents = models.BigIntegerField(default=0)
    substances = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "day"], name="unique_running_total"),
        ]

    def __str__(self):
        return f"Running total {self.client_id} {self.day}"
