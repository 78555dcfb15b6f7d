import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify

from waypoint.clinics.hours import next_review
from waypoint.lib import dates


def staff_two_factor_default() -> bool:
    """New organizations require staff two-factor sign-in in production (docs/security.md)."""
    return settings.PRODUCTION


class Organization(models.Model):
    """A clinic or program. Every clinical record belongs to exactly one organization."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    timezone = models.CharField(
        max_length=64,
        default="America/Los_Angeles",
        help_text="Diary days and reports use this time zone.",
    )
    clinicians_see_all_charts = models.BooleanField(
        default=False,
        help_text=(
            "Let every clinician read every chart in the organization. Off: clinicians see "
            "only charts where they are on the care team."
        ),
    )
    require_staff_two_factor = models.BooleanField(
        default=staff_two_factor_default, help_text="Staff must sign in with a second factor."
    )
    on_call_email = models.EmailField(
        blank=True,
        help_text="Also emailed about every urgent alert, e.g. an on-call phone's mail address.",
    )
    public_on_call_email = models.EmailField(
        blank=True,
        help_text=(
            "Emailed when a question on the public site reads like a crisis (empty: the on-call "
            "address above)."
        ),
    )
    alert_renotify_minutes = models.PositiveIntegerField(
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(7 * 24 * 60)],
        help_text="Email again about an urgent alert still open after this many minutes.",
    )
    alert_review_days = models.CharField(
        max_length=7,
        default="01234",
        help_text="Weekdays when the team reads alerts, as digits (0 = Monday).",
    )
    alert_review_opens = models.TimeField(default=datetime.time(9))
    alert_review_closes = models.TimeField(default=datetime.time(17))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(alert_review_opens__lt=F("alert_review_closes")),
                name="organization_alert_review_opens_before_closes",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)

    @property
    def zone(self) -> datetime.tzinfo:
        return dates.zone_named(self.timezone)

    def today(self) -> datetime.date:
        """Today in the organization's time zone: the clinical day for diaries, measures,
        consents and reports alike (never the server's zone)."""
        return dates.zoned_today(self.timezone)

    def local_date(self, moment: datetime.datetime) -> datetime.date:
        """The organization's calendar day of an aware datetime (e.g. when a measure was done)."""
        return dates.zoned_date(moment, self.timezone)

    def alerts_reviewed_by(self, at: datetime.datetime | None = None) -> datetime.datetime | None:
        """When the team will next read alerts, from `at` (default now); None: no hours set."""
        return next_review(
            at or timezone.now(),
            days=[int(d) for d in self.alert_review_days],
            opens=self.alert_review_opens,
            closes=self.alert_review_closes,
            zone=self.zone,
        )
