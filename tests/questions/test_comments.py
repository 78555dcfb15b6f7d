"""Readers' comments on library pages, moderated like questions (issue #12)."""

import pytest
from django.core import mail
from django.urls import reverse

from waypoint.audit.models import AuditEvent
from waypoint.library import actions as library_actions
from waypoint.library.models import Article
from waypoint.questions import actions
from waypoint.questions.models import AskAttempt, Comment, CommentStatus

pytestmark = pytest.mark.django_db

GOOD = {"text": "This helped me talk to my sister about naloxone.", "name": "Jo", "website": ""}
CRISIS = {**GOOD, "text": "I want to kill myself tonight, nothing helps"}


@pytest.fixture
def page(clinic):
    return library_actions.save_item(
        Article(
            title="Naloxone basics",
            slug="naloxone-basics",
            authors="Maya Chen, LCSW",
            audience="Anyone",
            summary="How to use it.",
            body="Spray into one nostril.",
            published=True,
        ),
        by=None,
    )


def _comment(client, page, data):
    return client.post(reverse("library-comment", args=[page.slug]), data)


def test_a_comment_waits_for_a_moderator_then_appears(client, login, clinician, page):
    response = _comment(client, page, GOOD)
    assert response.status_code == 302 and "commented=1" in response["Location"]
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING and comment.text == GOOD["text"]
    body = client.get(response["Location"]).content.decode()
    assert "a moderator reads every comment" in body
    assert GOOD["text"] not in body  # not before it is published

    staff = login(clinician)
    queue = staff.get(reverse("questions-comments"))
    assert queue.status_code == 200 and GOOD["text"] in queue.content.decode()
    staff.post(reverse("questions-comment-moderate", args=[comment.pk]), {"decision": "publish"})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED and comment.moderated_by == clinician
    assert AuditEvent.objects.filter(detail__comment="published").exists()
    shown = client.get(page.get_absolute_url()).content.decode()
    assert GOOD["text"] in shown and "Jo" in shown


def test_a_rejected_comment_never_appears_and_cannot_be_decided_twice(client, login, admin, page):
    _comment(client, page, GOOD)
    comment = Comment.objects.get()
    staff = login(admin)
    staff.post(reverse("questions-comment-moderate", args=[comment.pk]), {"decision": "reject"})
    staff.post(reverse("questions-comment-moderate", args=[comment.pk]), {"decision": "publish"})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    assert GOOD["text"] not in client.get(page.get_absolute_url()).content.decode()


def test_a_script_in_a_comment_is_shown_as_text(client, login, admin, page):
    _comment(client, page, {**GOOD, "text": "<script>alert(1)</script> thanks for this page"})
    actions.moderate_comment(Comment.objects.get(), by=admin, publish=True)
    body = client.get(page.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.mark.parametrize(
    "text, reason",
    [
        ("short", "at least 15 characters"),
        ("x" * 1001, "under 1000 characters"),
        ("see http://a.example http://b.example http://c.example now", "at most 2 links"),
    ],
)
def test_bad_comments_are_refused_with_a_reason(client, page, text, reason):
    response = _comment(client, page, {**GOOD, "text": text})
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Comment.objects.exists()


def test_the_honeypot_drops_a_bot_silently(client, page):
    response = _comment(client, page, {**GOOD, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not Comment.objects.exists()


def test_a_crisis_comment_shows_crisis_lines_first_and_alerts_on_call(client, clinic, page):
    clinic.public_on_call_email = "oncall@clinic.test"
    clinic.save()
    response = _comment(client, page, CRISIS)
    body = client.get(response["Location"]).content.decode()
    assert "crisis-first" in body and "988" in body
    comment = Comment.objects.get()
    assert comment.urgent
    assert [m.to for m in mail.outbox] == [["oncall@clinic.test"]]
    assert CRISIS["text"] not in mail.outbox[0].body  # a link only, never what was written


def test_a_refused_crisis_comment_is_kept_urgent_and_still_shows_the_lines(client, clinic, page):
    response = _comment(
        client, page, {**CRISIS, "text": CRISIS["text"] + " http://a.b http://c.d http://e.f"}
    )
    assert response.status_code == 400
    assert "crisis-first" in response.content.decode()
    assert Comment.objects.get().urgent


def test_posting_is_rate_limited_per_address_with_questions(client, page):
    for _ in range(3):
        _comment(client, page, GOOD)
    response = _comment(client, page, GOOD)
    assert response.status_code == 429
    assert Comment.objects.count() == 3 and AskAttempt.objects.count() == 3


def test_drafts_take_no_comments(client, page):
    page.published = False
    page.save()
    assert _comment(client, page, GOOD).status_code == 404
    assert client.get(reverse("library-comment", args=[page.slug])).status_code == 405


def test_only_answerers_moderate(client, login, client_user, other_admin, page):
    _comment(client, page, GOOD)
    pk = Comment.objects.get().pk
    assert client.get(reverse("questions-comments")).status_code == 302  # sign in
    assert login(client_user).get(reverse("questions-comments")).status_code == 403
    assert login(other_admin).get(reverse("questions-comments")).status_code == 403
    login(other_admin).post(
        reverse("questions-comment-moderate", args=[pk]), {"decision": "publish"}
    )
    assert Comment.objects.get().status == CommentStatus.PENDING


def test_the_comment_queue_reads_pages_in_one_query_per_kind(login, clinician, page):
    for n in range(2):
        other = library_actions.save_item(
            Article(
                title=f"Page {n}",
                slug=f"page-{n}",
                authors="A",
                audience="Anyone",
                summary="S.",
                body="B.",
                published=True,
            ),
            by=None,
        )
        actions.receive_comment(other, text=GOOD["text"], language="en", urgent=False)
    actions.receive_comment(page, text=GOOD["text"], language="en", urgent=False)
    staff = login(clinician)
    staff.get(reverse("questions-comments"))  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        response = staff.get(reverse("questions-comments"))
    assert response.status_code == 200 and "Page 1" in response.content.decode()
    for n in range(2, 6):
        extra = library_actions.save_item(
            Article(
                title=f"Page {n}",
                slug=f"page-{n}",
                authors="A",
                audience="Anyone",
                summary="S.",
                body="B.",
                published=True,
            ),
            by=None,
        )
        actions.receive_comment(extra, text=GOOD["text"], language="en", urgent=False)
    with CaptureQueriesContext(connection) as seven:
        staff.get(reverse("questions-comments"))
    assert len(seven) == len(three)
