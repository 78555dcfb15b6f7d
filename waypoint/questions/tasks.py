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
from waypoint.questions.models import Question
from waypoint.questions.site import on_call_address, public_organization

URGENT_SUBJECT = "An urgent question is waiting in Waypoint"


@task()
def notify_on_call(question_id: int) -> bool:
    """Tell the public site's on-call address that an urgent question is waiting: a link only,
    never the question (email is not a safe place for it)."""
    with transaction.atomic():
        claimed = Question.objects.filter(pk=question_id, on_call_notified_at__isnull=True).update(
            on_call_notified_at=timezone.now()
        )
        if not claimed:
            return False
        address = on_call_address(public_organization())
        if not address:
            return False
        link = settings.SITE_URL + reverse("questions-moderate", args=[question_id])
        body = (
            "A question asked on the public site reads like someone may be in danger.\n\n"
            f"Open it in Waypoint: {link}\n\n"
            "The person who asked was shown the crisis lines and the emergency number.\n"
        )
        EmailMessage(URGENT_SUBJECT, body, to=[address]).send()
        record(
            by=None,
            action=AuditAction.CHANGE,
            object_type="questions.question",
            object_id=str(question_id),
            object_label=f"Question #{question_id}",
            detail={"question": "on_call_emailed"},
        )
    return True


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
