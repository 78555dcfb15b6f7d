"""Answered, published questions for the library's Atom feed and the public home page."""

from waypoint.questions.models import Question


def answered_questions(count: int) -> list[Question]:
    return list(Question.objects.published().order_by("-published_at")[:count])
