from waypoint.library.models import Article, BookReview


def published_items(include_drafts: bool = False) -> list:
    """Articles and reviews together, newest first, each with `topic_list`: four queries
    whatever the count."""
    items = []
    for model in (Article, BookReview):
        qs = model.objects.all() if include_drafts else model.objects.filter(published=True)
        for item in qs.prefetch_related("topics"):
            item.topic_list = list(item.topics.all())
            items.append(item)
    return sorted(items, key=lambda item: item.dated, reverse=True)


def find_item(slug: str):
    for model in (Article, BookReview):
        item = model.objects.filter(slug=slug).first()
        if item is not None:
            return item
    return None
