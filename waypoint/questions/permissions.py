"""Who may answer public questions: staff of the organization that runs the public site
(`library.permissions.public_site_organization`) whose role has ANSWER_PUBLIC_QUESTIONS
(clinicians, supervisors, admins), and its library editors (`library.Editor`). Clients never;
another organization's staff never (the public site has one publisher)."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from waypoint.accounts.decorators import staff_required
from waypoint.accounts.roles import Permission


def can_answer_questions(user) -> bool:
    from waypoint.library.permissions import is_library_editor, is_public_site_staff

    if not is_public_site_staff(user):
        return False
    return user.can(Permission.ANSWER_PUBLIC_QUESTIONS) or is_library_editor(user)


def answerer_required(view):
    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_answer_questions(request.user):
            raise PermissionDenied("Answering public questions is for clinicians and editors.")
        return view(request, *args, **kwargs)

    return wrapper
