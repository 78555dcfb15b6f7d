import pytest
from django.urls import reverse

from waypoint.accounts.roles import Permission, role_has
from waypoint.audit.models import AuditEvent
from waypoint.library import actions
from waypoint.library.models import Article, BookReview, Editor
from waypoint.library.permissions import can_edit_public_content
from waypoint.library.rendering import render_markdown

pytestmark = pytest.mark.django_db


def _review(**extra):
    fields = {
        "title": "Over the Influence",
        "slug": "over-the-influence",
        "authors": "Patt Denning and Jeannie Little",
        "publisher": "Guilford Press",
        "year": 2017,
        "isbn": "9781462528646",
        "reviewer": "Maya Chen",
        "reviewer_credentials": "LCSW",
        "rating": 4,
        "audience": "People who use drugs",
        "summary": "A self-help book.",
        "body": "It **treats** the reader as an adult.",
        "published": True,
    }
    fields.update(extra)
    return BookReview.objects.create(**fields)


def _article(**extra):
    fields = {
        "title": "What is harm reduction?",
        "slug": "what-is-harm-reduction",
        "authors": "Sam Okafor, PsyD",
        "audience": "Anyone",
        "summary": "Help that starts from what you want.",
        "body": "Any positive change counts.",
        "published": True,
    }
    fields.update(extra)
    return Article.objects.create(**fields)


def test_public_home_for_visitors(client):
    _article()
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Care that starts where you are" in body
    assert "You do not have to stop" in body
    for name in ("library", "substances-combination", "helplines", "login"):
        assert f'href="{reverse(name)}"' in body
    assert ">Sign in</a>" in body
    assert "What is harm reduction?" in body  # new in the library
    for word in ("addict", "abuser", "clean", "dirty"):
        assert word not in body.lower()


def test_the_front_door_refuses_a_post(client):
    assert client.post("/", {"q": "x"}).status_code == 405
    assert client.head("/").status_code == 200


def test_signed_in_people_are_still_sent_on(login, clinician, client_user):
    assert login(clinician).get("/")["Location"] == reverse("caseload")
    assert login(client_user).get("/")["Location"] == reverse("portal-home")


def test_library_lists_published_items_only_in_few_queries(client, django_assert_num_queries):
    for n in range(5):
        _article(slug=f"article-{n}", title=f"Article {n}")
        _review(slug=f"review-{n}", title=f"Review {n}")
    _article(slug="a-draft", title="Secret draft", published=False)
    with django_assert_num_queries(5):  # articles + topics, reviews + topics, topic index
        response = client.get(reverse("library"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Article 4" in body and "Review 4" in body
    assert "Secret draft" not in body


def test_review_page_shows_the_book_facts_and_where_to_get_it(client):
    review = _review(publisher_url="https://www.guilford.com/books/over-the-influence")
    response = client.get(review.get_absolute_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert "Patt Denning and Jeannie Little" in body
    assert "9781462528646" in body
    assert "4 of 5" in body
    assert "Maya Chen, LCSW" in body
    assert "https://search.worldcat.org/search?q=bn%3A9781462528646" in body
    assert "https://www.guilford.com/books/over-the-influence" in body
    assert "<strong>treats</strong>" in body


def test_drafts_and_unknown_slugs_are_404_for_visitors(client, login, admin):
    draft = _article(published=False)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/library/no-such-page/").status_code == 404
    response = login(admin).get(draft.get_absolute_url())
    assert response.status_code == 200 and "Draft: only editors" in response.content.decode()


def test_markdown_is_sanitized():
    html = render_markdown(
        "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n"
        "[ok](https://example.org) **bold**"
    )
    assert "<script" not in html and "<img" not in html  # shown as text, never as tags
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert 'href="https://example.org"' in html and "noopener" in html
    assert "<strong>bold</strong>" in html


def test_editor_permission():
    assert role_has("admin", Permission.EDIT_PUBLIC_CONTENT)
    assert not role_has("clinician", Permission.EDIT_PUBLIC_CONTENT)
    assert not role_has("client", Permission.EDIT_PUBLIC_CONTENT)


def test_granting_an_editor(admin, clinician, client_user):
    assert not can_edit_public_content(clinician)
    actions.grant_editor(clinician, by=admin)
    assert can_edit_public_content(clinician)
    assert AuditEvent.objects.filter(detail__library_editor="granted").exists()
    with pytest.raises(ValueError):
        actions.grant_editor(client_user, by=admin)
    actions.revoke_editor(clinician, by=admin)
    assert not Editor.objects.filter(user=clinician).exists()


def test_grant_editor_command(clinician):
    from django.core.management import call_command

    call_command("grant_editor", clinician.email)
    assert can_edit_public_content(clinician)


REVIEW_POST = {
    "title": "Practicing Harm Reduction Psychotherapy",
    "slug": "phrp",
    "authors": "Patt Denning and Jeannie Little",
    "publisher": "Guilford Press",
    "year": "2012",
    "edition": "2nd edition",
    "isbn": "978-1-4625-0216-5",
    "publisher_url": "",
    "reviewer": "Luis Romero",
    "reviewer_credentials": "LMFT",
    "rating": "5",
    "audience": "Therapists",
    "summary": "The standard clinical text.",
    "body": "## Contents\n\nGoals along a spectrum.",
    "published": "on",
}


def test_editor_creates_a_review_with_audit(login, admin):
    response = login(admin).post(reverse("library-review-add"), REVIEW_POST)
    assert response.status_code == 302 and response["Location"] == reverse("library-manage")
    review = BookReview.objects.get(slug="phrp")
    assert review.isbn == "9781462502165" and review.published_at is not None
    assert review.created_by == admin
    assert AuditEvent.objects.filter(object_type="library.bookreview", action="create").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("isbn", "9781462502166", "check digit"),
        ("rating", "6", "less than or equal to 5"),
        ("slug", "manage", "used by the library itself"),
        ("title", "", "This field is required"),
    ],
)
def test_bad_input_shows_errors_and_saves_nothing(login, admin, field, value, message):
    response = login(admin).post(reverse("library-review-add"), {**REVIEW_POST, field: value})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BookReview.objects.exists()


def test_slug_is_unique_across_articles_and_reviews(login, admin):
    _article(slug="phrp")
    response = login(admin).post(reverse("library-review-add"), REVIEW_POST)
    assert response.status_code == 400
    assert "Another library page already uses that address" in response.content.decode()


def test_preview_saves_nothing(login, admin):
    response = login(admin).post(reverse("library-review-add"), {**REVIEW_POST, "preview": "1"})
    assert response.status_code == 200
    assert "<h2>Contents</h2>" in response.content.decode()
    assert not BookReview.objects.exists()


def test_editor_edits_an_article(login, clinician):
    article = _article()
    actions.grant_editor(clinician, by=None)
    url = reverse("library-article-edit", args=[article.pk])
    assert login(clinician).get(url).status_code == 200
    data = {
        "title": "What harm reduction is",
        "slug": article.slug,
        "authors": article.authors,
        "audience": article.audience,
        "summary": article.summary,
        "body": "New body.",
        "published": "on",
    }
    assert login(clinician).post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.title == "What harm reduction is"


def test_sitemap_robots_and_feed(client):
    review = _review()
    _article(slug="hidden", published=False)
    sitemap = client.get("/sitemap.xml")
    assert sitemap.status_code == 200
    text = sitemap.content.decode()
    assert review.get_absolute_url() in text and "/library/hidden/" not in text
    assert "/combinations/" in text and "/helplines/" in text

    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and robots["Content-Type"].startswith("text/plain")
    for path in ("/clients/", "/portal/", "/api/", "/accounts/"):
        assert f"Disallow: {path}" in robots.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()

    feed = client.get(reverse("library-feed"))
    assert feed.status_code == 200 and "atom" in feed["Content-Type"]
    assert "Over the Influence" in feed.content.decode()
    assert "hidden" not in feed.content.decode()


def test_demo_builds_the_library():
    from waypoint.clinics.demo import build_demo

    build_demo()
    review = BookReview.objects.get(slug="practicing-harm-reduction-psychotherapy")
    assert review.isbn == "9781462502165"
    assert BookReview.objects.get(slug="over-the-influence").isbn == "9781462528646"
    # The plain-language explainers the issue names, published, and one draft.
    explainers = {
        "what-is-harm-reduction",
        "safer-use-basics",
        "moderation-on-your-own-terms",
        "finding-a-harm-reduction-therapist",
    }
    assert explainers <= set(Article.objects.filter(published=True).values_list("slug", flat=True))
    assert Article.objects.filter(published=False).count() == 1


def test_only_the_publishing_organization_edits_the_public_site(
    settings, admin, other_admin, other_clinician, clinic, other_clinic
):
    # Default: the oldest organization publishes; another clinic's admin may not edit.
    assert can_edit_public_content(admin)
    assert not can_edit_public_content(other_admin)
    with pytest.raises(ValueError, match="PUBLIC_SITE_ORGANIZATION"):
        actions.grant_editor(other_clinician, by=other_admin)
    assert not Editor.objects.exists()
    # Named by slug: the other clinic publishes instead.
    settings.PUBLIC_SITE_ORGANIZATION = other_clinic.slug
    assert can_edit_public_content(other_admin)
    assert not can_edit_public_content(admin)


def test_a_misnamed_publishing_organization_is_a_configuration_error(settings, admin):
    from django.core.exceptions import ImproperlyConfigured

    settings.PUBLIC_SITE_ORGANIZATION = "no-such-clinic"
    with pytest.raises(ImproperlyConfigured, match="no-such-clinic"):
        can_edit_public_content(admin)
