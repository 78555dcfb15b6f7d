"""Every write to public questions goes through here; moderation writes an audit event each."""

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.questions.models import AskAttempt, Comment, CommentStatus, Question, Status, Tag


def _reread(item):
    """Lock the row and read it again inside the action's transaction. The page that sent the
    request read it earlier, and the hourly retention sweep may have blanked what the asker sent
    since: a check on that copy would pass, and saving it whole would write the words back."""
    item.refresh_from_db(from_queryset=type(item).objects.select_for_update())


def _enqueue(task, question_id: int) -> None:
    transaction.on_commit(lambda: task.enqueue(question_id))


@transaction.atomic
def receive_question(
    *,
    text: str,
    language: str,
    email: str = "",
    consent_to_publish: bool = False,
    article=None,
    urgent: bool = False,
    refused_because: str = "",
    replacing: Question | None = None,
    at=None,
) -> Question:
    """Store a question from the public (no account). An urgent one emails the public site's
    on-call address once it commits. `replacing`: the urgent question kept from this browser's
    refused attempt, completed now instead of adding a second copy to the queue."""
    from waypoint.questions import tasks

    if replacing is not None and replacing.status == Status.PENDING:
        question = replacing
        created = False
    else:
        question = Question()
        created = True
    question.text = text
    question.language = language
    question.email = email
    question.consent_to_publish = consent_to_publish
    question.article = article
    question.urgent = question.urgent or urgent
    question.refused_because = refused_because
    if at is not None:
        question.asked_at = at
    question.save()
    record(
        by=None,
        action=AuditAction.CREATE if created else AuditAction.CHANGE,
        obj=question,
        detail={
            "question": "received",
            "urgent": question.urgent,
            "refused": bool(refused_because),
        },
    )
    if urgent and created:
        _enqueue(tasks.notify_on_call, question.pk)
    return question


def _tags(names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        slug = slugify(name)[:60]
        if slug:
            tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name[:60]})
            tags.append(tag)
    return tags


@transaction.atomic
def answer_question(
    question: Question,
    *,
    by,
    answer: str,
    publish: bool = False,
    title: str = "",
    public_question: str = "",
    tags=(),
    new_tags=(),
    at=None,
) -> Question:
    """Answer a question; publish it at once if asked and the asker consented. The asker is
    emailed (a link when published, the answer itself when not) if they left an address."""
    from waypoint.questions import tasks

    _reread(question)
    if question.status == Status.REJECTED:
        raise ValueError("This question was rejected.")
    if question.is_removed and question.status != Status.PUBLISHED:
        raise ValueError("What the asker sent was removed under the retention rule.")
    if publish and not question.consent_to_publish:
        raise ValueError("The asker did not agree to publication: the answer can only be emailed.")
    first_answer = question.answered_at is None
    question.answer = answer.strip()
    question.answered_at = question.answered_at or at or timezone.now()
    question.answered_by = by
    if question.consent_to_publish:
        question.title = title.strip()
        question.public_question = public_question.strip()
    if publish:
        _make_public(question, at=at)
    elif question.status in (Status.PENDING, Status.PUBLISHED):
        question.status = Status.ANSWERED  # unticking "publish" takes it off the site
    question.save()
    if question.consent_to_publish:
        question.tags.set([*tags, *_tags(list(new_tags))])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=question,
        detail={"question": "answered", "published": question.is_published},
    )
    if first_answer and question.email:
        _enqueue(tasks.email_answer, question.pk)
    return question


def _make_public(question: Question, *, at=None) -> None:
    question.status = Status.PUBLISHED
    question.public_answer = question.answer
    question.published_at = question.published_at or at or timezone.now()


@transaction.atomic
def publish_question(question: Question, *, by) -> Question:
    """Publish an answered question whose asker consented and which has its public copy."""
    _reread(question)
    if not question.consent_to_publish:
        raise ValueError("The asker did not agree to publication.")
    if question.answered_at is None or not question.title or not question.public_question:
        raise ValueError("Answer the question and give it a title and public text first.")
    _make_public(question)
    question.save()
    record(by=by, action=AuditAction.CHANGE, obj=question, detail={"question": "published"})
    return question


@transaction.atomic
def unpublish_question(question: Question, *, by) -> Question:
    _reread(question)
    question.status = Status.ANSWERED
    question.save()
    record(by=by, action=AuditAction.CHANGE, obj=question, detail={"question": "unpublished"})
    return question


@transaction.atomic
def reject_question(question: Question, *, by, reason: str) -> Question:
    _reread(question)
    question.status = Status.REJECTED
    question.email = ""  # no answer will be sent: the address is not needed any more
    question.save()
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=question,
        detail={"question": "rejected", "reason": reason},
    )
    return question


@transaction.atomic
def handle_urgent(question: Question, *, by) -> Question:
    """Someone on the team has seen the urgent question and done what they could."""
    _reread(question)
    if not question.urgent:
        raise ValueError("This question is not marked urgent.")
    if question.urgent_handled_at is None:
        question.urgent_handled_at = timezone.now()
        question.urgent_handled_by = by
        question.save(update_fields=["urgent_handled_at", "urgent_handled_by", "updated_at"])
        record(
            by=by, action=AuditAction.CHANGE, obj=question, detail={"question": "urgent_handled"}
        )
    return question


@transaction.atomic
def mark_urgent(question: Question, *, by) -> Question:
    """A moderator marks a question urgent that the rules missed."""
    _reread(question)
    question.urgent = True
    question.urgent_handled_at = None
    question.save(update_fields=["urgent", "urgent_handled_at", "updated_at"])
    record(by=by, action=AuditAction.CHANGE, obj=question, detail={"question": "marked_urgent"})
    return question


def vote(question: Question, *, helpful: bool) -> None:
    """One "was this helpful" vote (the view allows one per browser session). Not audited:
    anonymous, and it changes no one's record."""
    field = "helpful_yes" if helpful else "helpful_no"
    Question.objects.filter(pk=question.pk, status=Status.PUBLISHED).update(**{field: F(field) + 1})


@transaction.atomic
def receive_comment(item, *, text: str, name: str = "", language: str, urgent: bool) -> Comment:
    """A reader's comment on a published library page, waiting for a moderator. An urgent one
    (reads like a crisis) emails the on-call address once it commits."""
    from django.contrib.contenttypes.models import ContentType

    from waypoint.questions import tasks

    if not item.published:
        raise ValueError("Only published pages take comments.")
    comment = Comment.objects.create(
        content_type=ContentType.objects.get_for_model(type(item)),
        object_id=item.pk,
        text=text,
        name=name.strip(),
        language=language,
        urgent=urgent,
    )
    record(
        by=None,
        action=AuditAction.CREATE,
        obj=comment,
        detail={"comment": "received", "urgent": urgent},
    )
    if urgent:
        _enqueue(tasks.notify_on_call_about_comment, comment.pk)
    return comment


@transaction.atomic
def moderate_comment(comment: Comment, *, by, publish: bool) -> Comment:
    """Publish or reject a waiting comment; audited. A decided comment stays decided."""
    _reread(comment)
    if comment.status != CommentStatus.PENDING:
        raise ValueError("This comment has already been moderated.")
    if comment.private_removed_at is not None:
        raise ValueError("This comment was removed under the retention rule.")
    comment.status = CommentStatus.PUBLISHED if publish else CommentStatus.REJECTED
    comment.moderated_at = timezone.now()
    comment.moderated_by = by
    comment.save(update_fields=["status", "moderated_at", "moderated_by"])
    record(by=by, action=AuditAction.CHANGE, obj=comment, detail={"comment": comment.status})
    return comment


# Retention ----------------------------------------------------------------------------------

# What the asker sent, removed from every question past the period.
_ASKER_FIELDS = {"text": "", "email": "", "refused_because": ""}
# And from a question that is not published: the private answer and any draft public copy
# (drafted from the asker's words, and plain text).
_UNPUBLISHED_FIELDS = {"answer": "", "title": "", "public_question": "", "public_answer": ""}


@transaction.atomic
def remove_expired_public_text(*, by=None, now=None) -> dict:
    """Apply the public site's retention rule (`PrivacySettings.public_question_days` of
    `public_organization()`, else the default): blank what people sent in questions and
    comments past the period, and drop rate-limit rows past their window.

    One audit event per run that removed anything people wrote, with counts only; a run that
    only dropped rate-limit rows (keyed hashes, no one's words), as most hourly runs on a busy
    site would, writes none. Returns the counts.
    """
    from waypoint.privacy.models import PrivacySettings
    from waypoint.questions.abuse import RATE_WINDOW
    from waypoint.questions.site import public_organization

    now = now or timezone.now()
    organization = public_organization()
    days = PrivacySettings.public_question_days_for(organization)
    due = Question.objects.private_due(days=days, now=now)
    # Row by row through the ORM would decrypt every text only to throw it away; an update
    # writes the encrypted empty string. Questions have no history table to skip.
    removed_at = Coalesce("private_removed_at", Value(now))
    published = due.filter(status=Status.PUBLISHED).update(
        **_ASKER_FIELDS, private_removed_at=removed_at, updated_at=now
    )
    counts = {
        status: due.filter(status=status).update(
            **_ASKER_FIELDS, **_UNPUBLISHED_FIELDS, private_removed_at=removed_at, updated_at=now
        )
        for status in (Status.PENDING, Status.ANSWERED, Status.REJECTED)
    }
    counts[Status.PUBLISHED] = published
    comments = Comment.objects.private_due(days=days, now=now).update(
        text="", name="", private_removed_at=now
    )
    attempts, _ = AskAttempt.objects.filter(at__lte=now - RATE_WINDOW).delete()
    result = {
        "days": days,
        "questions": {str(status): n for status, n in counts.items()},
        "comments": comments,
        "ask_attempts": attempts,
    }
    if sum(counts.values()) or comments:
        record(
            by=by,
            action=AuditAction.CHANGE,
            object_type="questions.retention",
            object_label="Public questions retention",
            organization_id=organization.pk if organization is not None else None,
            detail={"removed_after_days": days, **{k: v for k, v in result.items() if k != "days"}},
        )
    return result
