"""Questions from the public and their answers (issue #12, "Ask a question").

What the asker sent (the question as typed, the optional email address) is kept encrypted: it
may say who they are, and the asker may not have agreed to publication. Only when a moderator
publishes an answered question, with the asker's consent, do the public copies (`title`,
`public_question`, `public_answer`) get filled in, in plain text, and only those are indexed
for full-text search (SQLite FTS5 or PostgreSQL tsvector: `waypoint/questions/fulltext.py`).

Retention (docs/security.md, "Public questions and comments"): the public site's organization
chooses `PrivacySettings.public_question_days`; once a question or comment is that old, the
worker removes what the person sent (`actions.remove_expired_public_text`), except from an
urgent question nobody has handled yet.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waypoint.lib.fields import EncryptedCharField, EncryptedTextField
from waypoint.library.rendering import render_markdown

MAX_QUESTION_CHARS = 2000
MIN_QUESTION_CHARS = 15
MAX_LINKS = 2


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered, not public")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def queue(self):
        """The moderation queue: everything waiting for an answer (unless the retention rule
        removed it), and urgent questions whose urgency nobody has handled yet, always;
        urgent first, then oldest first."""
        return (
            self.filter(
                Q(status=Status.PENDING, private_removed_at__isnull=True)
                | Q(urgent=True, urgent_handled_at__isnull=True)
            )
            .annotate(
                waiting_urgent=models.Case(
                    models.When(urgent=True, urgent_handled_at__isnull=True, then=0),
                    default=1,
                    output_field=models.IntegerField(),
                )
            )
            .order_by("waiting_urgent", "asked_at", "pk")
        )

    def private_due(self, *, days: int, now=None):
        """Questions whose private words are due for removal: `days` or more since it was
        asked, or answered if it was (so the answer email has the whole period to go), and never
        an urgent question whose urgency nobody has handled. Also one removed while published
        and taken off the site since, which still holds its public copy."""
        cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
        return (
            self.filter(
                Q(private_removed_at__isnull=True)
                | (~Q(status=Status.PUBLISHED) & (~Q(title="") | ~Q(public_answer="")))
            )
            .exclude(urgent=True, urgent_handled_at__isnull=True)
            .alias(retention_from=Coalesce("answered_at", "asked_at"))
            .filter(retention_from__lte=cutoff)
        )


class Question(models.Model):
    # What the asker sent.
    text = EncryptedTextField(help_text="The question as the asker typed it (never shown).")
    email = EncryptedCharField(max_length=254, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    article = models.ForeignKey(
        "library.Article",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
        help_text="The article it was asked under, if any.",
    )
    consent_to_publish = models.BooleanField(default=False)
    asked_at = models.DateTimeField(default=timezone.now, db_index=True)

    # Crisis first.
    urgent = models.BooleanField(default=False)
    urgent_handled_at = models.DateTimeField(null=True, blank=True)
    urgent_handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_call_notified_at = models.DateTimeField(null=True, blank=True)
    # Why the form was refused, when an urgent question was kept anyway ("" when accepted).
    refused_because = models.CharField(max_length=200, blank=True)

    # Moderation.
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    answer = EncryptedTextField(blank=True, help_text="The answer as written (Markdown).")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_emailed_at = models.DateTimeField(null=True, blank=True)

    # The public copy, filled in only when published (plain text: it is public writing).
    title = models.CharField(max_length=200, blank=True)
    public_question = models.TextField(blank=True)
    public_answer = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    # PostgreSQL only: kept by a trigger from the public copy (fulltext.py); NULL on SQLite,
    # which searches its FTS5 table instead.
    search_vector = SearchVectorField(null=True, editable=False)
    # When the retention rule removed what the asker sent (and, unless published, the answer
    # and any draft public copy): the row stays as a count and a status, with no words in it.
    private_removed_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    kind = "question"  # beside the library's "article" and "review" in the feed

    class Meta:
        ordering = ["-published_at", "-asked_at"]
        indexes = [models.Index(fields=["status", "-published_at"], name="question_status_pub")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published")
                | (Q(consent_to_publish=True) & Q(published_at__isnull=False) & ~Q(title="")),
                name="question_published_needs_consent_and_title",
            ),
            models.CheckConstraint(
                condition=Q(urgent_handled_at__isnull=True) | Q(urgent=True),
                name="question_urgent_handled_only_if_urgent",
            ),
        ]

    def __str__(self):
        # Audit labels use this: never the asker's words.
        return f"Question #{self.pk}"

    def get_absolute_url(self):
        return reverse("questions-detail", args=[self.pk])

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def waiting_for_urgent_handling(self) -> bool:
        return self.urgent and self.urgent_handled_at is None

    @property
    def is_removed(self) -> bool:
        return self.private_removed_at is not None

    @property
    def removed_after_days(self) -> int | None:
        """How old it was when its words were removed (the period then in force, or more)."""
        if self.private_removed_at is None:
            return None
        return (self.private_removed_at - (self.answered_at or self.asked_at)).days

    @property
    def public_answer_html(self):
        return render_markdown(self.public_answer)

    @property
    def answer_html(self):
        return render_markdown(self.answer)


class AskAttempt(models.Model):
    """One row per question received, for the per-address rate limit (`abuse.py`).

    The address is a keyed hash (never the address itself) and rows older than the window
    are deleted as new ones arrive. A table rather than the cache: the default cache is
    per process (locmem), so with several web workers a cache limit would multiply."""

    address_digest = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["address_digest", "at"], name="askattempt_address_at")]

    def __str__(self):
        return f"Ask attempt at {self.at:%Y-%m-%d %H:%M}"


MAX_COMMENT_CHARS = 1000
MIN_COMMENT_CHARS = 15


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a moderator")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")


class CommentQuerySet(models.QuerySet):
    def on(self, item):
        from django.contrib.contenttypes.models import ContentType

        return self.filter(
            content_type=ContentType.objects.get_for_model(type(item)), object_id=item.pk
        )

    def published(self):
        return self.filter(status=CommentStatus.PUBLISHED)

    def queue(self):
        """Comments waiting for a moderator: urgent (reads like a crisis) first, then oldest."""
        return self.filter(status=CommentStatus.PENDING, private_removed_at__isnull=True).order_by(
            "-urgent", "received_at", "pk"
        )

    def private_due(self, *, days: int, now=None):
        """Unpublished comments (rejected, or waiting) received `days` or more ago whose words
        are still kept; an urgent comment still waiting for a moderator is kept until decided.
        A published comment's text is its public copy and stays."""
        cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
        return self.filter(
            private_removed_at__isnull=True,
            status__in=[CommentStatus.PENDING, CommentStatus.REJECTED],
            received_at__lte=cutoff,
        ).exclude(status=CommentStatus.PENDING, urgent=True)

    def with_pages(self, limit: int):
        """The first `limit` comments as a list, each with `page` (its article or review): one
        query per kind of page, not one per comment."""
        comments = list(self.select_related("content_type")[:limit])
        by_type = {}
        for comment in comments:
            by_type.setdefault(comment.content_type, set()).add(comment.object_id)
        pages = {
            (content_type.pk, page.pk): page
            for content_type, ids in by_type.items()
            for page in content_type.model_class().objects.filter(pk__in=ids)
        }
        for comment in comments:
            comment.page = pages.get((comment.content_type_id, comment.object_id))
        return comments


class Comment(models.Model):
    """A reader's comment on a library page, moderated like questions: nothing appears until a
    moderator publishes it. What the reader typed is kept encrypted until then and after (it may
    say who they are); a published comment is shown escaped, never as Markdown or HTML."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    name = EncryptedCharField(max_length=60, blank=True)
    text = EncryptedTextField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)
    status = models.CharField(
        max_length=12, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    urgent = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_call_notified_at = models.DateTimeField(null=True, blank=True)
    # When the retention rule removed the name and text of this unpublished comment.
    private_removed_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]

    def __str__(self):
        return f"Comment #{self.pk}"

    @property
    def item(self):
        return self.content_type.get_object_for_this_type(pk=self.object_id)

    @property
    def shown_name(self) -> str:
        return self.name or _("A reader")
