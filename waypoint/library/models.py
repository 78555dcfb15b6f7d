"""Public library content: articles and book reviews. Public writing, not clinical records,
so plain (unencrypted) fields; nothing here may name or describe a client."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from waypoint.lib.encryption import blind_index
from waypoint.library import isbn as isbn_rules
from waypoint.library.rendering import render_markdown

# Paths under /library/ that are pages, not items.
RESERVED_SLUGS = {"manage", "feed", "new", "edit", "topics"}


class Topic(models.Model):
    """A subject that groups library pages: safer use, moderation, finding a therapist…"""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("library-topic", args=[self.slug])


class LibraryItem(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The page address: /library/<slug>/. Lowercase letters, digits and hyphens.",
    )
    audience = models.CharField(
        "Who it is for",
        max_length=300,
        help_text="For example: people who use drugs and their families; therapists.",
    )
    summary = models.TextField(max_length=600, help_text="One or two plain sentences.")
    body = models.TextField(help_text="Markdown: **bold**, *italic*, lists, links, ## headings.")
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="%(class)ss")
    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    kind = ""

    class Meta:
        abstract = True
        ordering = ["-published_at", "-created_at"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("library-detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": "That address is used by the library itself."})
        for model in (Article, BookReview):
            others = model.objects.filter(slug=self.slug)
            if isinstance(self, model) and self.pk:
                others = others.exclude(pk=self.pk)
            if self.slug and others.exists():
                raise ValidationError({"slug": "Another library page already uses that address."})

    @property
    def body_html(self):
        return render_markdown(self.body)

    @property
    def dated(self):
        return self.published_at or self.created_at

    def reader_ratings(self) -> dict:
        return ReaderRating.objects.summary_for(self)


class Article(LibraryItem):
    kind = "article"
    authors = models.CharField(max_length=300, help_text="Who wrote it, with credentials.")

    class Meta(LibraryItem.Meta):
        pass


class BookReview(LibraryItem):
    kind = "review"
    authors = models.CharField("Book's authors", max_length=300)
    publisher = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1450), MaxValueValidator(2100)]
    )
    edition = models.CharField(max_length=60, blank=True, help_text="For example: 2nd edition.")
    isbn = models.CharField(
        "ISBN",
        max_length=20,
        blank=True,
        validators=[isbn_rules.validate_isbn],
        help_text="ISBN-10 or ISBN-13; hyphens are fine. The check digit is verified.",
    )
    publisher_url = models.URLField("Publisher's page", blank=True)
    reviewer = models.CharField(max_length=200)
    reviewer_credentials = models.CharField(
        max_length=200, help_text="For example: LCSW, harm reduction therapist."
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 to 5."
    )

    class Meta(LibraryItem.Meta):
        pass

    def save(self, *args, **kwargs):
        self.isbn = isbn_rules.normalize(self.isbn)
        super().save(*args, **kwargs)

    @property
    def library_search_url(self) -> str:
        """WorldCat finds the nearest library that holds the book (by ISBN, else by title)."""
        from urllib.parse import quote

        if self.isbn:
            return f"https://search.worldcat.org/search?q=bn%3A{self.isbn}"
        return f"https://search.worldcat.org/search?q={quote(self.title)}"


class Editor(models.Model):
    """A staff member granted EDIT_PUBLIC_CONTENT beyond their role (admins have it already).
    Granted with `waypoint grant_editor EMAIL` (see docs/public-site.md)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_editor"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Editor: {self.user}"


class ReaderRatingQuerySet(models.QuerySet):
    def for_item(self, item):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(item)), object_id=item.pk
        )

    def summary_for(self, item) -> dict:
        """{"count": n, "average": 4.2 or None} for one article or review: one query."""
        result = self.for_item(item).aggregate(
            count=models.Count("id"), average=models.Avg("stars")
        )
        average = result["average"]
        return {"count": result["count"], "average": round(average, 1) if average else None}


class ReaderRating(models.Model):
    """A reader's 1–5 stars for an article or review, one per browser session (the session key
    is kept only as a keyed hash, so ratings cannot be tied back to a visit)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    stars = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    reader = models.CharField(max_length=64, help_text="Keyed hash of the browser session.")
    rated_at = models.DateTimeField(default=timezone.now)

    objects = ReaderRatingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reader"], name="one_rating_per_reader"
            ),
            models.CheckConstraint(
                condition=models.Q(stars__gte=1, stars__lte=5), name="rating_stars_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.stars} of 5"

    @staticmethod
    def reader_of(session_key: str) -> str:
        return blind_index(session_key, purpose="library-reader")
