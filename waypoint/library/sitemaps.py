from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from waypoint.library.models import Article, BookReview


class PublicPagesSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return ["home", "library", "substances-combination", "helplines", "questions-list"]

    def location(self, item):
        return reverse(item)


class LibrarySitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return [*Article.objects.filter(published=True), *BookReview.objects.filter(published=True)]

    def lastmod(self, item):
        return item.updated_at


def _question_sitemap():
    from waypoint.questions.sitemaps import QuestionSitemap

    return QuestionSitemap


SITEMAPS = {
    "pages": PublicPagesSitemap,
    "library": LibrarySitemap,
    "questions": _question_sitemap(),
}
