"""Asking, moderating, publishing, voting and searching public questions (SQLite here; the
PostgreSQL search test is in test_search.py)."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from waypoint.accounts.roles import Permission, role_has
from waypoint.audit.models import AuditEvent
from waypoint.questions import abuse, actions, fulltext
from waypoint.questions.models import AskAttempt, Question, Status

pytestmark = pytest.mark.django_db

ASK = "questions-ask"
GOOD = {
    "text": "How do fentanyl test strips work on pills, and are they reliable?",
    "language": "en",
    "email": "",
    "consent_to_publish": "on",
    "website": "",
}
CRISIS = {**GOOD, "text": "My friend is not breathing after using, what do I do"}


@pytest.fixture
def on_call(clinic):
    clinic.public_on_call_email = "oncall@clinic.test"
    clinic.save()
    return clinic


def _post(client, data, **extra):
    return client.post(reverse(ASK), data, **extra)


def _published(title="Naloxone and fentanyl", question="Does naloxone work on fentanyl?", **kw):
    q = actions.receive_question(
        text=question, language=kw.pop("language", "en"), consent_to_publish=True
    )
    return actions.answer_question(
        q,
        by=kw.pop("by"),
        answer=kw.pop("answer", "Yes. Naloxone reverses fentanyl; a second dose may be needed."),
        publish=True,
        title=title,
        public_question=question,
        new_tags=kw.pop("tags", ["naloxone"]),
    )


# Asking ----------------------------------------------------------------------------------------


def test_anyone_can_ask_without_an_account(client, on_call):
    response = _post(client, {**GOOD, "email": "asker@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("questions-thanks")
    question = Question.objects.get()
    assert question.status == Status.PENDING
    assert question.consent_to_publish is True
    assert question.urgent is False
    assert question.email == "asker@example.org"
    assert mail.outbox == []  # only urgent questions email the on-call address
    page = client.get(reverse("questions-thanks"))
    assert page.status_code == 200
    assert b"we have your question" in page.content
    assert b"crisis-first" not in page.content


def test_email_and_question_are_encrypted_at_rest(client, clinic):
    _post(client, {**GOOD, "email": "hidden.asker@example.org"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, email FROM questions_question")
        text, email = cursor.fetchone()
    assert "fentanyl" not in text and "hidden.asker" not in email
    assert Question.objects.get().email == "hidden.asker@example.org"


def test_the_email_address_is_never_shown(client, clinician, login):
    _post(client, {**GOOD, "email": "hidden.asker@example.org"})
    question = Question.objects.get()
    page = login(clinician).get(reverse("questions-moderate", args=[question.pk]))
    assert page.status_code == 200
    assert b"hidden.asker" not in page.content


def test_asking_under_an_article_links_it(client, clinic):
    from waypoint.library.models import Article

    article = Article.objects.create(
        title="Naloxone basics",
        slug="naloxone-basics",
        authors="Sam",
        audience="Anyone",
        summary="s",
        body="b",
        published=True,
    )
    page = client.get(reverse(ASK) + "?article=naloxone-basics")
    assert b"Naloxone basics" in page.content
    _post(client, {**GOOD, "article": "naloxone-basics"})
    assert Question.objects.get().article == article
    detail = client.get(article.get_absolute_url())
    assert b"Ask a question about this article" in detail.content


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"text": "x" * 2001}, b"under 2000 characters"),
        ({"text": "help?"}, b"at least 15 characters"),
        (
            {"text": "Buy now http://a.example http://b.example http://c.example cheap pills"},
            b"at most 2 links",
        ),
        ({"consent_to_publish": ""}, b"no way for you"),
        ({"email": "not-an-address"}, b"valid email"),
        ({"language": "fr"}, b"Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_saved(client, clinic, change, message):
    response = _post(client, {**GOOD, **change})
    assert response.status_code == 400
    assert message in response.content
    assert Question.objects.count() == 0
    assert b"crisis-first" not in response.content


def test_honeypot_submissions_are_dropped_silently(client, on_call):
    response = _post(client, {**CRISIS, "website": "http://spam.example"})
    assert response.status_code == 302
    assert Question.objects.count() == 0
    assert mail.outbox == []


def test_rate_limit_three_per_ten_minutes_per_address(client, clinic):
    for _ in range(abuse.RATE_LIMIT):
        assert _post(client, GOOD).status_code == 302
    response = _post(client, GOOD)
    assert response.status_code == 429
    assert b"Please wait before asking again" in response.content
    assert Question.objects.count() == 3
    # Another address is not limited; nothing stores the address itself.
    assert _post(client, GOOD, REMOTE_ADDR="203.0.113.9").status_code == 302
    assert not AskAttempt.objects.filter(address_digest__contains="127.0.0.1").exists()


def test_rate_limit_window_passes(client, clinic):
    for _ in range(abuse.RATE_LIMIT):
        _post(client, GOOD)
    AskAttempt.objects.update(at=timezone.now() - datetime.timedelta(minutes=11))
    assert _post(client, GOOD).status_code == 302
    assert AskAttempt.objects.count() == 1  # old rows are deleted as new ones arrive


# Crisis first ----------------------------------------------------------------------------------


def _shows_crisis_lines(response):
    content = response.content.decode()
    assert "crisis-first" in content
    assert "988" in content  # the US crisis line (the clinic's country is the US)
    assert "911" in content  # the local emergency number
    assert "Never Use Alone" in content
    assert "quick" not in content.lower() and "soon" not in content.lower()


def test_crisis_question_shows_crisis_lines_marks_urgent_and_emails_on_call(client, on_call):
    response = _post(client, CRISIS, follow=True)
    assert response.status_code == 200
    _shows_crisis_lines(response)
    question = Question.objects.get()
    assert question.urgent is True and question.urgent_handled_at is None
    assert question.on_call_notified_at is not None
    assert [m.to for m in mail.outbox] == [["oncall@clinic.test"]]
    assert "not breathing" not in mail.outbox[0].body  # a link only, never the question
    assert reverse("questions-moderate", args=[question.pk]) in mail.outbox[0].body


def test_on_call_falls_back_to_the_alert_on_call_address(client, clinic):
    clinic.on_call_email = "alerts@clinic.test"
    clinic.save()
    _post(client, CRISIS)
    assert [m.to for m in mail.outbox] == [["alerts@clinic.test"]]


def test_public_site_organization_setting_chooses_the_on_call(
    client, clinic, other_clinic, settings
):
    other_clinic.public_on_call_email = "other-oncall@other.test"
    other_clinic.save()
    settings.PUBLIC_SITE_ORGANIZATION = "other-clinic"
    _post(client, CRISIS)
    assert [m.to for m in mail.outbox] == [["other-oncall@other.test"]]


def test_spanish_crisis_question_uses_the_spanish_rules(client, on_call):
    _post(client, {**GOOD, "language": "es", "text": "Mi amigo no respira, que hago"})
    assert Question.objects.get().urgent is True
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"consent_to_publish": ""},  # neither consent nor email
        {"text": "I want to kill myself. " + "x" * 2000},  # too long
        {"text": "I want to kill myself http://a.ex http://b.ex http://c.ex"},  # links
    ],
)
def test_refused_crisis_question_still_shows_lines_and_is_kept_urgent(client, on_call, change):
    response = _post(client, {**CRISIS, **change})
    assert response.status_code == 400
    _shows_crisis_lines(response)
    question = Question.objects.get()
    assert question.urgent is True
    assert question.refused_because.startswith("Form refused")
    assert len(mail.outbox) == 1
    # Fixing the form completes the kept question instead of adding a second one.
    assert _post(client, {**CRISIS, "email": "me@example.org"}).status_code == 302
    question = Question.objects.get()
    assert question.email == "me@example.org" and question.refused_because == ""
    assert len(mail.outbox) == 1


def test_rate_limited_crisis_question_still_shows_lines_and_is_kept(client, on_call):
    for _ in range(abuse.RATE_LIMIT):
        _post(client, GOOD)
    response = _post(client, CRISIS)
    assert response.status_code == 429
    _shows_crisis_lines(response)
    urgent = Question.objects.get(urgent=True)
    assert urgent.refused_because == "rate limit"
    assert len(mail.outbox) == 1


def test_urgent_questions_are_at_the_top_of_the_queue(client, clinician, login, on_call):
    _post(client, GOOD)
    _post(client, CRISIS)
    queue = list(Question.objects.queue())
    assert [q.urgent for q in queue] == [True, False]
    page = login(clinician).get(reverse("questions-queue"))
    assert page.status_code == 200
    content = page.content.decode()
    assert content.index("Urgent: reads like a crisis") < content.index("test strips")


# Moderation ------------------------------------------------------------------------------------


def test_answering_roles_have_the_permission():
    for role in ("admin", "supervisor", "clinician"):
        assert role_has(role, Permission.ANSWER_PUBLIC_QUESTIONS)
    assert not role_has("client", Permission.ANSWER_PUBLIC_QUESTIONS)


def test_answer_and_publish_with_consent(client, clinician, login, on_call):
    _post(client, {**GOOD, "email": "asker@example.org"})
    question = Question.objects.get()
    staff = login(clinician)
    response = staff.post(
        reverse("questions-moderate", args=[question.pk]),
        {
            "title": "Do fentanyl test strips work on pills?",
            "public_question": GOOD["text"],
            "answer": "Yes, if you **dissolve** the whole pill or a scraping from several parts.",
            "new_tags": "fentanyl, test strips",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Status.PUBLISHED
    assert question.answered_by == clinician
    assert sorted(t.slug for t in question.tags.all()) == ["fentanyl", "test-strips"]
    page = client.get(question.get_absolute_url())
    assert page.status_code == 200
    assert b"<strong>dissolve</strong>" in page.content
    assert [m.to for m in mail.outbox] == [["asker@example.org"]]
    assert question.get_absolute_url() in mail.outbox[0].body
    question.refresh_from_db()
    assert question.email == "" and question.answer_emailed_at is not None  # forgotten
    events = AuditEvent.objects.filter(object_type="questions.question", object_id=str(question.pk))
    assert {e.detail.get("question") for e in events} >= {"received", "answered", "answer_emailed"}
    assert all("fentanyl" not in str(e.detail) for e in events)


def test_without_consent_the_answer_is_emailed_only(client, clinician, login, clinic):
    _post(client, {**GOOD, "consent_to_publish": "", "email": "asker@example.org"})
    question = Question.objects.get()
    staff = login(clinician)
    page = staff.get(reverse("questions-moderate", args=[question.pk]))
    assert b'name="publish"' not in page.content
    # Even a forged "publish" cannot publish it.
    staff.post(
        reverse("questions-moderate", args=[question.pk]),
        {
            "answer": "Test strips detect fentanyl; dissolve the whole pill.",
            "publish": "on",
            "title": "T",
            "public_question": "Q",
        },
    )
    question.refresh_from_db()
    assert question.status == Status.ANSWERED
    assert question.title == ""
    assert client.__class__().get(question.get_absolute_url()).status_code == 404  # anonymous
    assert "dissolve the whole pill" in mail.outbox[0].body
    assert fulltext.search("fentanyl") == []
    with pytest.raises(ValueError, match="did not agree"):
        actions.publish_question(question, by=clinician)


def test_publish_needs_a_title(client, clinician, login, clinic):
    _post(client, GOOD)
    question = Question.objects.get()
    response = login(clinician).post(
        reverse("questions-moderate", args=[question.pk]),
        {"answer": "An answer.", "publish": "on", "title": "", "public_question": "Q?"},
    )
    assert response.status_code == 400
    assert b"needs a title" in response.content
    question.refresh_from_db()
    assert question.status == Status.PENDING and question.answer == ""


def test_answer_now_publish_later(client, clinician, login, clinic):
    _post(client, GOOD)
    question = Question.objects.get()
    staff = login(clinician)
    staff.post(
        reverse("questions-moderate", args=[question.pk]),
        {"answer": "Yes.", "title": "Test strips", "public_question": GOOD["text"]},
    )
    question.refresh_from_db()
    assert question.status == Status.ANSWERED
    response = staff.post(reverse("questions-publish", args=[question.pk]))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Status.PUBLISHED
    assert AuditEvent.objects.filter(detail__question="published").count() == 1


def test_reject_and_urgent_handled_are_audited(client, clinician, login, on_call):
    _post(client, {**CRISIS, "email": "asker@example.org"})
    question = Question.objects.get()
    staff = login(clinician)
    assert staff.post(reverse("questions-urgent-handled", args=[question.pk])).status_code == 302
    question.refresh_from_db()
    assert question.urgent_handled_by == clinician
    assert list(Question.objects.queue()) == [question]  # still waiting for an answer
    assert (
        staff.post(reverse("questions-reject", args=[question.pk]), {"reason": "bogus"}).status_code
        == 302
    )
    question.refresh_from_db()
    assert question.status == Status.PENDING  # an invalid reason rejects nothing
    staff.post(reverse("questions-reject", args=[question.pk]), {"reason": "spam"})
    question.refresh_from_db()
    assert question.status == Status.REJECTED
    assert question.email == ""
    assert list(Question.objects.queue()) == []
    details = set(AuditEvent.objects.values_list("detail__question", flat=True))
    assert {"received", "on_call_emailed", "urgent_handled", "rejected"} <= details
    assert (
        staff.post(reverse("questions-moderate", args=[question.pk]), {"answer": "x"}).status_code
        == 403
    )


def test_moderation_is_for_answerers_only(client, client_user, login, clinic):
    _post(client, GOOD)
    question = Question.objects.get()
    assert client.get(reverse("questions-queue")).status_code == 302  # to sign-in
    portal = login(client_user)
    assert portal.get(reverse("questions-queue")).status_code == 403
    assert (
        portal.post(reverse("questions-reject", args=[question.pk]), {"reason": "spam"}).status_code
        == 403
    )
    assert portal.get(reverse("questions-detail", args=[question.pk])).status_code == 404


def test_wrong_methods_are_refused(client, clinician, login, clinic):
    staff = login(clinician)
    assert staff.get(reverse("questions-reject", args=[1])).status_code == 405
    assert client.delete(reverse(ASK)).status_code == 405


# Sanitizing ------------------------------------------------------------------------------------


def test_script_in_questions_and_answers_is_neutralized(client, clinician, login, clinic):
    _post(client, {**GOOD, "text": "<script>alert(1)</script> is naloxone <b>safe</b>?"})
    question = Question.objects.get()
    staff = login(clinician)
    queue = staff.get(reverse("questions-queue")).content.decode()
    moderate = staff.get(reverse("questions-moderate", args=[question.pk])).content.decode()
    for html in (queue, moderate):
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html
    staff.post(
        reverse("questions-moderate", args=[question.pk]),
        {
            "title": "<img src=x onerror=alert(1)> naloxone",
            "public_question": "<script>alert(2)</script> naloxone?",
            "answer": "Safe. <script>alert(3)</script> [x](javascript:alert(4)) <a onclick=x>y</a>",
            "publish": "on",
        },
    )
    page = client.get(question.get_absolute_url()).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert 'href="javascript' not in page and "<a onclick" not in page
    listing = client.get(reverse("questions-list") + "?q=naloxone").content.decode()
    assert "<mark>naloxone</mark>" in listing
    assert "<script>alert" not in listing and "<img src=x" not in listing


# Search, votes, feed, sitemap, home ------------------------------------------------------------


def test_search_ranks_and_highlights(client, clinician, clinic):
    _published(
        title="Mixing alcohol and benzodiazepines",
        question="Is it risky to drink on Xanax?",
        answer="Yes: alcohol and benzodiazepines both slow breathing.",
        by=clinician,
        tags=["combinations"],
    )
    _published(
        title="Naloxone basics",
        question="Where do I get naloxone?",
        answer="Pharmacies. Naloxone does not reverse alcohol or benzodiazepines.",
        by=clinician,
    )
    hits = fulltext.search("benzodiazepines alcohol")
    assert [h.question.title for h in hits] == [
        "Mixing alcohol and benzodiazepines",  # in the title: ranked first
        "Naloxone basics",
    ]
    assert "<mark>" in hits[0].title_html and "<mark>" in hits[1].snippet_html
    assert fulltext.search("naloxone xanax") == []  # every word must match
    assert [h.question.title for h in fulltext.search("Benzodiazepine")] != []  # stemmed
    response = client.get(reverse("questions-list"), {"q": "alcohol"})
    assert response.status_code == 200
    assert response.context["hits"][0].question.title == "Mixing alcohol and benzodiazepines"
    assert client.get(reverse("questions-list"), {"q": '"AND OR NEAR( *'}).status_code == 200


def test_spanish_accents_are_optional_in_search(clinician, clinic):
    _published(
        title="¿Cómo hablo con mi terapeuta?",
        question="¿Cómo le digo lo que consumo?",
        answer="Con calma: la terapia de reducción de daños empieza donde estás.",
        language="es",
        by=clinician,
        tags=["terapia"],
    )
    assert len(fulltext.search("reduccion")) == 1
    assert len(fulltext.search("reducción")) == 1


def test_unpublishing_removes_it_from_search(clinician, clinic):
    question = _published(by=clinician)
    assert len(fulltext.search("naloxone")) == 1
    actions.unpublish_question(question, by=clinician)
    assert fulltext.search("naloxone") == []
    actions.publish_question(question, by=clinician)
    assert len(fulltext.search("naloxone")) == 1
    question.delete()
    assert fulltext.search("naloxone") == []


def test_list_and_tags(client, clinician, clinic):
    _published(by=clinician, tags=["naloxone"])
    _published(
        title="Moderation goals",
        question="Can I aim to drink less?",
        answer="Yes.",
        by=clinician,
        tags=["alcohol"],
    )
    page = client.get(reverse("questions-list"))
    assert page.status_code == 200
    assert len(page.context["questions"]) == 2
    tagged = client.get(reverse("questions-list"), {"tag": "alcohol"})
    assert [q.title for q in tagged.context["questions"]] == ["Moderation goals"]


def test_one_vote_per_browser_session(client, clinician, clinic):
    question = _published(by=clinician)
    url = reverse("questions-vote", args=[question.pk])
    assert client.post(url, {"helpful": "yes"}).status_code == 302
    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "no"})
    question.refresh_from_db()
    assert (question.helpful_yes, question.helpful_no) == (1, 0)
    other = client.__class__()
    other.post(url, {"helpful": "no"})
    question.refresh_from_db()
    assert (question.helpful_yes, question.helpful_no) == (1, 1)
    page = client.get(question.get_absolute_url())
    assert page.context["voted"] is True


def test_cannot_vote_on_unpublished(client, clinic):
    question = actions.receive_question(text="A pending question here", language="en")
    assert (
        client.post(reverse("questions-vote", args=[question.pk]), {"helpful": "yes"}).status_code
        == 404
    )


def test_answered_questions_in_feed_sitemap_home(client, clinician, clinic):
    question = _published(by=clinician)
    feed = client.get(reverse("library-feed")).content.decode()
    assert "Naloxone and fentanyl" in feed and question.get_absolute_url() in feed
    sitemap = client.get("/sitemap.xml").content.decode()
    assert question.get_absolute_url() in sitemap and reverse("questions-list") in sitemap
    home = client.get("/").content.decode()
    assert "Naloxone and fentanyl" in home and reverse("questions-ask") in home
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /questions/queue/" in robots


def test_on_call_email_is_editable_on_organization_settings(admin, login, clinic):
    staff = login(admin)
    page = staff.get(reverse("accounts-organization"))
    assert b"On-call email for public questions" in page.content
    response = staff.post(
        reverse("accounts-organization"),
        {
            "name": clinic.name,
            "timezone": clinic.timezone,
            "public_on_call_email": "pub@clinic.test",
        },
    )
    assert response.status_code == 302
    clinic.refresh_from_db()
    assert clinic.public_on_call_email == "pub@clinic.test"
