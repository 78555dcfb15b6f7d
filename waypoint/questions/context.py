"""What public pages show beside a question or a library page: the crisis lines and comments.

Kept out of the views so the library's pages and the questions' pages share them without one
app's views importing the other's.
"""

from waypoint.clinics import helplines
from waypoint.questions.forms import CommentForm
from waypoint.questions.models import Comment
from waypoint.questions.site import public_organization

COMMENTED = "questions_commented"


def comment_context(request, item, form=None) -> dict:
    """What a library page needs to show its published comments and the comment form."""
    commented = request.session.pop(COMMENTED, None) if request.GET.get("commented") else None
    return {
        "comments": list(Comment.objects.on(item).published().order_by("received_at", "pk")),
        "comment_form": form or CommentForm(),
        "commented": commented is not None,
        "comment_crisis": bool(commented),
        **(crisis_context() if commented else {}),
    }


def crisis_context() -> dict:
    """The publishing organization's crisis and overdose lines, shown first on a crisis."""
    country = helplines.for_organization(public_organization())
    shown = country.shown if country else ()
    return {
        "country": country,
        "lines": [line for line in shown if line.kind in {"crisis", "overdose"}],
        "compact_lines": [line for line in shown if line.kind == "crisis"],
        "compact": False,
    }
