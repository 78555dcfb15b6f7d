"""Every write to public questions goes through here; moderation writes an audit event each."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.questions.models import Question, Status, Tag


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

    if question.status == Status.REJECTED:
        raise ValueError("This question was rejected.")
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
    question.status = Status.ANSWERED
    question.save()
    record(by=by, action=AuditAction.CHANGE, obj=question, detail={"question": "unpublished"})
    return question


@transaction.atomic
def reject_question(question: Question, *, by, reason: str) -> Question:
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
