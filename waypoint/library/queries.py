from waypoint.library.models import Article, BookReview


def published_items(include_drafts: bool = False) -> list:
    """Articles and reviews together, newest first: two queries whatever the count."""
    items = []
    for model in (Article, BookReview):
        qs = model.objects.all() if include_drafts else model.objects.filter(published=True)
        items.extend(qs)
    return sorted(items, key=lambda item: item.dated, reverse=True)


def find_item(slug: str):
    for model in (Article, BookReview):
        item = model.objects.filter(slug=slug).first()
        if item is not None:
            return item
    return None
