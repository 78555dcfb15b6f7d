"""Emails about public questions, run by `waypoint worker` (at once in tests)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.questions.models import Comment, Question
from waypoint.questions.site import on_call_address, public_organization

URGENT_SUBJECT = "Something urgent is waiting in Waypoint's public questions"


def _email_on_call(model, pk: int, *, path: str, what: str) -> bool:
    """Claim the row's one on-call email (`on_call_notified_at`), then send a link only, never
    what the person wrote (email is not a safe place for it); audited."""
    with transaction.atomic():
        claimed = model.objects.filter(pk=pk, on_call_notified_at__isnull=True).update(
            on_call_notified_at=timezone.now()
        )
        if not claimed:
            return False
        address = on_call_address(public_organization())
        if not address:
            return False
        link = settings.SITE_URL + path
        body = (
            f"{what} on the public site reads like someone may be in danger.\n\n"
            f"Open it in Waypoint: {link}\n\n"
            "The person who wrote it was shown the crisis lines and the emergency number.\n"
        )
        EmailMessage(URGENT_SUBJECT, body, to=[address]).send()
        label = model._meta.model_name
        record(
            by=None,
            action=AuditAction.CHANGE,
            object_type=model._meta.label_lower,
            object_id=str(pk),
            object_label=f"{label.capitalize()} #{pk}",
            detail={label: "on_call_emailed"},
        )
    return True


@task()
def notify_on_call(question_id: int) -> bool:
    """Tell the public site's on-call address that an urgent question is waiting."""
    path = reverse("questions-moderate", args=[question_id])
    return _email_on_call(Question, question_id, path=path, what="A question asked")


@task()
def notify_on_call_about_comment(comment_id: int) -> bool:
    """Tell the public site's on-call address that an urgent reader's comment is waiting."""
    path = reverse("questions-comments") + f"#comment-{comment_id}"
    return _email_on_call(Comment, comment_id, path=path, what="A comment left")


@task()
def email_answer(question_id: int) -> bool:
    """Send the asker their answer: a link when it is published, the answer when it is not."""
    question = Question.objects.filter(pk=question_id, answer_emailed_at__isnull=True).first()
    if question is None or not question.email or not question.answer:
        return False
    with translation.override(question.language):
        subject = _("Your question has been answered")
        if question.is_published:
            body = _("Your question has an answer on our site:\n\n%(link)s\n") % {
                "link": settings.SITE_URL + question.get_absolute_url()
            }
        else:
            body = _(
                "You asked us a question. Here is the answer, sent to you only:\n\n%(answer)s\n"
            ) % {"answer": question.answer}
        body += "\n" + _(
            "If you are in danger right now, call your local emergency number. In the US, call "
            "or text 988 for the Suicide & Crisis Lifeline.\n"
        )
    EmailMessage(subject, body, to=[question.email]).send()
    # The address was only for this: forget it once the answer has gone.
    question.email = ""
    question.answer_emailed_at = timezone.now()
    question.save(update_fields=["email", "answer_emailed_at", "updated_at"])
    record(
        by=None,
        action=AuditAction.CHANGE,
        obj=question,
        detail={"question": "answer_emailed", "published": question.is_published},
    )
    return True


@task()
def remove_expired_public_text() -> dict:
    """The public site's retention rule (PERIODIC_TASKS, hourly): see `actions`."""
    from waypoint.questions import actions

    return actions.remove_expired_public_text()
