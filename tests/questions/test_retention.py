"""The public site's retention rule: what people sent is removed after the clinic's period
(`PrivacySettings.public_question_days`), hourly on the worker; urgent questions nobody has
handled are kept."""

import datetime
import io
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from waypoint.audit.models import AuditEvent
from waypoint.clinics.models import Organization
from waypoint.privacy.models import DEFAULT_PUBLIC_QUESTION_DAYS, PrivacySettings
from waypoint.questions import actions, tasks
from waypoint.questions.models import AskAttempt, Comment, CommentStatus, Question, Status
from waypoint.worker import periodic

pytestmark = pytest.mark.django_db

DAYS = DEFAULT_PUBLIC_QUESTION_DAYS
ASKED = "I use on weekends and my name is Sam Rivera, what should I know?"
EMAIL = "sam.rivera@example.org"
ANSWER = "Thank you for asking. Here is what we suggest."
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def public_site(clinic, settings):
    settings.PUBLIC_SITE_ORGANIZATION = clinic.slug
    return clinic


def _ago(now, days, extra=datetime.timedelta(0)):
    return now - datetime.timedelta(days=days) + extra


def _question(*, status, at, by=None, urgent=False, consent=True):
    """A question in `status`, asked (and answered, when it has an answer) at `at`."""
    question = actions.receive_question(
        text=ASKED, language="en", email=EMAIL, consent_to_publish=consent, urgent=urgent, at=at
    )
    if status in (Status.ANSWERED, Status.PUBLISHED):
        actions.answer_question(
            question,
            by=by,
            answer=ANSWER,
            publish=status == Status.PUBLISHED,
            title="What to know about weekend use" if consent else "",
            public_question="I use on weekends: what should I know?" if consent else "",
            at=at,
        )
    elif status == Status.REJECTED:
        actions.reject_question(question, by=by, reason="spam")
    question.refresh_from_db()
    assert question.status == status
    return question


def _comment(*, status=CommentStatus.PENDING, at, urgent=False):
    return Comment.objects.create(
        content_type=ContentType.objects.get_for_model(Organization),
        object_id=1,
        name="Sam",
        text="My cousin Sam at the Elm Street shelter needs this.",
        status=status,
        urgent=urgent,
        received_at=at,
    )


@pytest.mark.parametrize(
    "status", [Status.PENDING, Status.ANSWERED, Status.REJECTED, Status.PUBLISHED]
)
def test_due_exactly_at_the_period_and_not_a_second_before(status, public_site, admin, now):
    due = _question(status=status, at=_ago(now, DAYS), by=admin)
    young = _question(status=status, at=_ago(now, DAYS, SECOND), by=admin)
    assert list(Question.objects.private_due(days=DAYS, now=now)) == [due]
    result = actions.remove_expired_public_text(now=now)
    assert result["questions"][status] == 1
    due.refresh_from_db()
    young.refresh_from_db()
    assert due.text == "" and due.email == "" and due.private_removed_at == now
    assert young.text == ASKED and young.private_removed_at is None


def test_an_answered_question_is_counted_from_its_answer(public_site, admin, now):
    question = _question(status=Status.PENDING, at=_ago(now, DAYS * 2))
    actions.answer_question(question, by=admin, answer=ANSWER, at=_ago(now, DAYS - 1))
    assert not Question.objects.private_due(days=DAYS, now=now).exists()
    assert Question.objects.private_due(days=DAYS, now=now + datetime.timedelta(days=1)).exists()


def test_an_answered_question_not_public_loses_its_answer_and_draft(public_site, admin, now):
    question = _question(status=Status.ANSWERED, at=_ago(now, DAYS), by=admin)
    assert question.title and question.public_question  # drafted, never published
    actions.remove_expired_public_text(now=now)
    question.refresh_from_db()
    assert (question.text, question.email, question.answer) == ("", "", "")
    assert (question.title, question.public_question, question.public_answer) == ("", "", "")
    assert question.status == Status.ANSWERED and question.answered_at is not None


def test_urgent_question_is_kept_until_someone_handles_it(public_site, admin, now):
    question = _question(status=Status.PENDING, at=_ago(now, 3000), urgent=True)
    actions.remove_expired_public_text(now=now)
    question.refresh_from_db()
    assert question.text == ASKED and question.email == EMAIL
    assert question in Question.objects.queue()
    actions.handle_urgent(question, by=admin)
    actions.remove_expired_public_text(now=now)
    question.refresh_from_db()
    assert question.text == "" and question.email == ""
    assert question not in Question.objects.queue()


def test_published_question_keeps_only_its_public_copy(client, public_site, admin, now):
    question = _question(status=Status.PUBLISHED, at=_ago(now, DAYS + 10), by=admin)
    actions.remove_expired_public_text(now=now)
    question.refresh_from_db()
    assert question.text == "" and question.email == ""
    assert question.is_published and question.title == "What to know about weekend use"
    assert question.public_question and question.public_answer == ANSWER
    page = client.get(question.get_absolute_url())
    assert page.status_code == 200 and ANSWER in page.content.decode()


def test_a_removed_question_taken_off_the_site_loses_its_public_copy(public_site, admin, now):
    question = _question(status=Status.PUBLISHED, at=_ago(now, DAYS), by=admin)
    actions.remove_expired_public_text(now=now)
    question.refresh_from_db()
    actions.unpublish_question(question, by=admin)
    actions.remove_expired_public_text(now=now + SECOND)
    question.refresh_from_db()
    assert (question.title, question.public_question, question.public_answer) == ("", "", "")
    assert question.private_removed_at == now  # first removal kept


def test_one_audit_event_with_counts_and_no_words(public_site, admin, now):
    for status in (Status.PENDING, Status.PENDING, Status.REJECTED, Status.PUBLISHED):
        _question(status=status, at=_ago(now, DAYS + 1), by=admin)
    _comment(status=CommentStatus.REJECTED, at=_ago(now, DAYS))
    AskAttempt.objects.create(address_digest="x" * 64, at=_ago(now, 1))
    before = AuditEvent.objects.count()
    actions.remove_expired_public_text(now=now)
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(object_type="questions.retention")
    assert event.actor_id is None and event.organization_id == public_site.pk
    assert event.detail == {
        "removed_after_days": DAYS,
        "questions": {"pending": 2, "answered": 0, "rejected": 1, "published": 1},
        "comments": 1,
        "ask_attempts": 1,
    }
    written = json.dumps(event.detail) + event.object_label
    for words in (ASKED, EMAIL, "Sam", ANSWER, "Elm Street"):
        assert words not in written


def test_a_second_run_does_nothing(public_site, admin, now):
    question = _question(status=Status.ANSWERED, at=_ago(now, DAYS), by=admin)
    _comment(at=_ago(now, DAYS))
    actions.remove_expired_public_text(now=now)
    question.refresh_from_db()
    events = AuditEvent.objects.count()
    later = now + datetime.timedelta(hours=1)
    result = actions.remove_expired_public_text(now=later)
    assert result["questions"] == {"pending": 0, "answered": 0, "rejected": 0, "published": 0}
    assert result["comments"] == 0 and result["ask_attempts"] == 0
    assert AuditEvent.objects.count() == events
    again = Question.objects.get(pk=question.pk)
    assert again.updated_at == question.updated_at and again.private_removed_at == now


def test_comments_not_published_are_removed_urgent_waiting_ones_kept(public_site, now):
    old = _ago(now, DAYS)
    waiting = _comment(at=old)
    rejected = _comment(status=CommentStatus.REJECTED, at=old)
    published = _comment(status=CommentStatus.PUBLISHED, at=old)
    urgent = _comment(at=old, urgent=True)
    young = _comment(at=_ago(now, DAYS, SECOND))
    assert actions.remove_expired_public_text(now=now)["comments"] == 2
    for comment in (waiting, rejected):
        comment.refresh_from_db()
        assert comment.text == "" and comment.name == "" and comment.private_removed_at == now
    for comment in (published, urgent, young):
        comment.refresh_from_db()
        assert comment.text.startswith("My cousin") and comment.private_removed_at is None
    assert list(Comment.objects.queue()) == [urgent, young]
    with pytest.raises(ValueError, match="retention"):
        actions.moderate_comment(waiting, by=None, publish=True)


def test_rate_limit_rows_past_their_window_are_deleted(public_site, now):
    from waypoint.questions.abuse import RATE_WINDOW

    old = AskAttempt.objects.create(address_digest="a" * 64, at=now - RATE_WINDOW)
    recent = AskAttempt.objects.create(address_digest="b" * 64, at=now - RATE_WINDOW + SECOND)
    events = AuditEvent.objects.count()
    result = actions.remove_expired_public_text(now=now)
    assert list(AskAttempt.objects.all()) == [recent]
    assert not AskAttempt.objects.filter(pk=old.pk).exists()
    assert result["ask_attempts"] == 1
    assert AuditEvent.objects.count() == events  # nobody's words removed: nothing to account for


def test_the_public_site_organizations_period_applies(clinic, other_clinic, settings, admin, now):
    PrivacySettings.objects.create(organization=clinic, public_question_days=3650)
    PrivacySettings.objects.create(organization=other_clinic, public_question_days=30)
    question = _question(status=Status.PENDING, at=_ago(now, 30))
    settings.PUBLIC_SITE_ORGANIZATION = clinic.slug
    assert actions.remove_expired_public_text(now=now)["questions"]["pending"] == 0
    settings.PUBLIC_SITE_ORGANIZATION = other_clinic.slug
    result = actions.remove_expired_public_text(now=now)
    assert result["days"] == 30 and result["questions"]["pending"] == 1
    question.refresh_from_db()
    assert question.text == ""


def test_the_default_period_applies_without_an_organization(now):
    assert not Organization.objects.exists()
    kept = _question(status=Status.PENDING, at=_ago(now, DAYS, SECOND))
    removed = _question(status=Status.PENDING, at=_ago(now, DAYS))
    result = actions.remove_expired_public_text(now=now)
    assert result["days"] == DAYS == 180
    assert Question.objects.filter(private_removed_at__isnull=False).get() == removed
    assert kept.pk != removed.pk
    assert AuditEvent.objects.get(object_type="questions.retention").organization_id is None


def test_the_worker_runs_it_hourly(public_site, now):
    entry = ("waypoint.questions.tasks.remove_expired_public_text", datetime.timedelta(hours=1))
    assert entry in periodic.PERIODIC_TASKS
    assert periodic.load_task(entry[0]) is tasks.remove_expired_public_text
    question = _question(status=Status.PENDING, at=_ago(now, DAYS + 1))
    result = tasks.remove_expired_public_text.call()
    assert result["questions"]["pending"] == 1
    question.refresh_from_db()
    assert question.text == ""


def test_the_command_runs_it_and_prints_counts(public_site, now):
    _question(status=Status.PENDING, at=_ago(now, DAYS + 1))
    out = io.StringIO()
    call_command("questions_sweep", stdout=out)
    assert out.getvalue().strip() == (
        f"period {DAYS} days; questions: pending 1, answered 0, rejected 0, published 0; "
        "comments 0; rate-limit rows 0"
    )
    assert Question.objects.get().text == ""


# Moderation pages after removal ---------------------------------------------------------------


def test_moderation_page_of_a_removed_question_says_so(login, public_site, clinician, now):
    question = _question(status=Status.REJECTED, at=_ago(now, DAYS + 5), by=clinician)
    actions.remove_expired_public_text(now=now)
    staff = login(clinician)
    page = staff.get(reverse("questions-moderate", args=[question.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f"Removed after {DAYS + 5} days under the clinic's retention rule." in body
    assert "Save the answer" not in body and "Reject the question" not in body
    response = staff.post(reverse("questions-moderate", args=[question.pk]), {"answer": "Hi"})
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.answer == ""
    assert staff.get(reverse("questions-queue")).status_code == 200


def test_a_removed_pending_question_leaves_the_queue(login, public_site, clinician, now):
    question = _question(status=Status.PENDING, at=_ago(now, DAYS))
    assert question in Question.objects.queue()
    actions.remove_expired_public_text(now=now)
    assert question not in Question.objects.queue()
    page = login(clinician).get(reverse("questions-moderate", args=[question.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "Removed after" in body
    assert "never answered; no longer in the queue" in body
    question.refresh_from_db()
    with pytest.raises(ValueError, match="retention"):
        actions.answer_question(question, by=clinician, answer=ANSWER)


def test_a_removed_published_question_can_still_be_edited(login, public_site, clinician, now):
    question = _question(status=Status.PUBLISHED, at=_ago(now, DAYS), by=clinician)
    actions.remove_expired_public_text(now=now)
    staff = login(clinician)
    body = staff.get(reverse("questions-moderate", args=[question.pk])).content.decode()
    assert "Removed after" in body and "The published copy stays on the site." in body
    assert "Save the answer" in body
    queue = staff.get(reverse("questions-queue")).content.decode()
    assert "private words removed" in queue


def test_a_removed_question_marked_urgent_is_back_in_the_queue(public_site, admin, now):
    question = _question(status=Status.PUBLISHED, at=_ago(now, DAYS), by=admin)
    actions.remove_expired_public_text(now=now)
    question.refresh_from_db()
    actions.mark_urgent(question, by=admin)
    assert question in Question.objects.queue()


# A moderator's copy read before the sweep ---------------------------------------------------


def _read_then_swept(question, now):
    """The question as a moderator's page read it, and then the sweep ran."""
    stale = Question.objects.get(pk=question.pk)
    actions.remove_expired_public_text(now=now)
    return stale


def test_rejecting_a_copy_read_before_the_sweep_writes_nothing_back(public_site, admin, now):
    question = _question(status=Status.ANSWERED, at=_ago(now, DAYS), by=admin)
    stale = _read_then_swept(question, now)
    assert stale.text == ASKED and stale.answer == ANSWER
    actions.reject_question(stale, by=admin, reason="spam")
    question.refresh_from_db()
    assert question.status == Status.REJECTED
    assert (question.text, question.email, question.answer, question.title) == ("", "", "", "")


def test_answering_a_copy_read_before_the_sweep_is_refused(public_site, admin, now):
    question = _question(status=Status.PENDING, at=_ago(now, DAYS))
    stale = _read_then_swept(question, now)
    with pytest.raises(ValueError, match="retention"):
        actions.answer_question(stale, by=admin, answer=ANSWER)
    question.refresh_from_db()
    assert question.text == "" and question.email == "" and question.answered_at is None


def test_publishing_a_copy_read_before_the_sweep_is_refused(public_site, admin, now):
    question = _question(status=Status.ANSWERED, at=_ago(now, DAYS), by=admin)
    stale = _read_then_swept(question, now)
    with pytest.raises(ValueError, match="title and public text"):
        actions.publish_question(stale, by=admin)
    question.refresh_from_db()
    assert question.status == Status.ANSWERED and question.text == ""


def test_marking_urgent_a_copy_read_before_the_sweep_keeps_it_removed(public_site, admin, now):
    question = _question(status=Status.PENDING, at=_ago(now, DAYS))
    stale = _read_then_swept(question, now)
    actions.mark_urgent(stale, by=admin)
    question.refresh_from_db()
    assert question.urgent and question.text == "" and question.email == ""


def test_moderating_a_comment_read_before_the_sweep_is_refused(public_site, admin, now):
    comment = _comment(at=_ago(now, DAYS))
    stale = Comment.objects.get(pk=comment.pk)
    actions.remove_expired_public_text(now=now)
    with pytest.raises(ValueError, match="retention"):
        actions.moderate_comment(stale, by=admin, publish=True)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING and comment.text == ""


def test_an_answer_sent_from_a_page_read_before_the_sweep_says_why(
    login, public_site, clinician, now, monkeypatch
):
    """The moderation page's copy passes its checks; the sweep runs while the form is checked."""
    from waypoint.questions import views

    question = _question(status=Status.PENDING, at=_ago(now, DAYS))
    is_valid = views.AnswerForm.is_valid

    def swept_while_checking(form):
        actions.remove_expired_public_text(now=now)
        return is_valid(form)

    monkeypatch.setattr(views.AnswerForm, "is_valid", swept_while_checking)
    staff = login(clinician)
    url = reverse("questions-moderate", args=[question.pk])
    response = staff.post(url, {"answer": ANSWER}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "removed under the retention rule" in response.content.decode()
    question.refresh_from_db()
    assert question.text == "" and question.answer == "" and question.answered_at is None
