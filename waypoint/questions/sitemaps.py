from django.contrib.sitemaps import Sitemap

from waypoint.questions.models import Question


class QuestionSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return Question.objects.published().only("pk", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at
