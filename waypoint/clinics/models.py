from django.conf import settings
from django.db import models
from django.utils.text import slugify


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)
