from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed

from waypoint.library.queries import published_items


class LibraryFeed(Feed):
    feed_type = Atom1Feed
    title = "Waypoint library: harm reduction articles and book reviews"
    link = reverse_lazy("library")
    subtitle = "New articles and book reviews from the Waypoint public library."

    def items(self):
        from waypoint.questions.feeds import answered_questions

        items = [*published_items()[:30], *answered_questions(30)]
        return sorted(items, key=lambda item: item.published_at, reverse=True)[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        if item.kind == "question":
            return item.public_question[:600]
        return item.summary

    def item_author_name(self, item):
        if item.kind == "question":
            return "Waypoint clinicians"
        return item.reviewer if item.kind == "review" else item.authors

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
