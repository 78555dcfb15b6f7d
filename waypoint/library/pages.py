"""The context of a library page, shared by the library's views and the comment view."""

from waypoint.library.forms import RatingForm
from waypoint.library.permissions import can_edit_public_content
from waypoint.questions.context import comment_context


def detail_context(request, item, *, rating_form=None) -> dict:
    """Everything a library page shows: the item, its topics, readers' ratings and comments."""
    return {
        "item": item,
        "can_edit": can_edit_public_content(request.user),
        "topics": item.topics.all(),
        "ratings": item.reader_ratings(),
        "rating_form": rating_form or RatingForm(),
        "rated": request.GET.get("rated") == "1",
        **comment_context(request, item),
    }
