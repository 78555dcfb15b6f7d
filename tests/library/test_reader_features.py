"""Library topics, revision history for editors, and readers' ratings (issue #12)."""

import pytest
from django.urls import reverse

from waypoint.library import actions
from waypoint.library.models import Article, ReaderRating, Topic

pytestmark = pytest.mark.django_db


def _article(**extra):
    fields = {
        "title": "Fentanyl test strips",
        "slug": "test-strips",
        "authors": "Maya Chen, LCSW",
        "audience": "Anyone",
        "summary": "How to use them.",
        "body": "Dissolve a little of the drug in water.",
        "published": True,
    }
    fields.update(extra)
    return actions.save_item(Article(**fields), by=None)


def test_a_topic_page_lists_its_published_pages_only():
    safer = Topic.objects.create(name="Safer use", slug="safer-use")
    shown = _article()
    shown.topics.add(safer)
    draft = _article(slug="draft-strips", title="Draft on strips", published=False)
    draft.topics.add(safer)
    _article(slug="other", title="Unrelated page")
    from django.test import Client

    body = Client().get(reverse("library-topic", args=["safer-use"])).content.decode()
    assert "Fentanyl test strips" in body
    assert "Draft on strips" not in body and "Unrelated page" not in body
    detail = Client().get(shown.get_absolute_url()).content.decode()
    assert f'href="{safer.get_absolute_url()}"' in detail


def test_an_unknown_topic_is_a_404(client):
    assert client.get(reverse("library-topic", args=["nope"])).status_code == 404


def test_the_editor_saves_topics_and_every_save_is_a_revision(login, admin):
    safer = Topic.objects.create(name="Safer use", slug="safer-use")
    web = login(admin)
    data = {
        "title": "Never use alone",
        "slug": "never-use-alone",
        "authors": "Sam Okafor, PsyD",
        "audience": "Anyone who uses",
        "topics": [safer.pk],
        "summary": "Have someone with you.",
        "body": "Call a spotting line.",
        "published": "on",
    }
    assert web.post(reverse("library-article-add"), data).status_code == 302
    article = Article.objects.get(slug="never-use-alone")
    assert list(article.topics.all()) == [safer]
    data["summary"] = "Have someone with you, or call a line."
    web.post(reverse("library-article-edit", args=[article.pk]), data)
    page = web.get(reverse("library-article-revisions", args=[article.pk]))
    assert page.status_code == 200
    revisions = list(page.context["revisions"])
    assert [r.summary for r in revisions] == [
        "Have someone with you, or call a line.",
        "Have someone with you.",
    ]
    assert all(r.history_user == admin for r in revisions)


def test_a_reader_rates_and_rerating_replaces(client):
    item = _article()
    url = reverse("library-rate", args=[item.slug])
    response = client.post(url, {"stars": "4"})
    assert response.status_code == 302 and response["Location"].endswith("?rated=1#h-rate")
    client.post(url, {"stars": "2"})
    assert ReaderRating.objects.count() == 1
    assert item.reader_ratings() == {"count": 1, "average": 2.0}
    from django.test import Client

    Client().post(url, {"stars": "5"})  # another browser
    assert item.reader_ratings() == {"count": 2, "average": 3.5}
    page = client.get(item.get_absolute_url() + "?rated=1").content.decode()
    assert "Readers rate it 3.5 of 5 (2 ratings)." in page
    assert "your rating is counted" in page


@pytest.mark.parametrize("stars", ["", "0", "6", "five"])
def test_a_bad_rating_is_refused_and_nothing_saved(client, stars):
    item = _article()
    response = client.post(reverse("library-rate", args=[item.slug]), {"stars": stars})
    assert response.status_code == 400
    assert "Choose 1 to 5 stars." in response.content.decode()
    assert not ReaderRating.objects.exists()


def test_drafts_and_unknown_pages_cannot_be_rated(client):
    draft = _article(published=False)
    assert (
        client.post(reverse("library-rate", args=[draft.slug]), {"stars": "5"}).status_code == 404
    )
    assert client.post(reverse("library-rate", args=["nope"]), {"stars": "5"}).status_code == 404
    assert client.get(reverse("library-rate", args=[draft.slug])).status_code == 405
    with pytest.raises(ValueError):
        actions.rate_item(draft, stars=5, session_key="x")
    assert not ReaderRating.objects.exists()


def test_the_stored_reader_is_a_keyed_hash_not_the_session_key(client):
    item = _article()
    client.post(reverse("library-rate", args=[item.slug]), {"stars": "5"})
    stored = ReaderRating.objects.get().reader
    assert stored != client.session.session_key and len(stored) == 32


def test_the_library_list_stays_at_a_fixed_number_of_queries(client, django_assert_num_queries):
    for n in range(6):
        item = _article(slug=f"page-{n}", title=f"Page {n}")
        item.topics.add(Topic.objects.get_or_create(name=f"T{n}", slug=f"t{n}")[0])
    with django_assert_num_queries(4):  # articles, their topics, reviews (none), topic index
        assert client.get(reverse("library")).status_code == 200
    for n in range(6, 12):
        item = _article(slug=f"page-{n}", title=f"Page {n}")
        item.topics.add(Topic.objects.get_or_create(name=f"T{n}", slug=f"t{n}")[0])
    with django_assert_num_queries(4):  # the same for twice as many pages
        assert client.get(reverse("library")).status_code == 200
