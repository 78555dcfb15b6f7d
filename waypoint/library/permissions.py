"""Who may write the public library: roles with EDIT_PUBLIC_CONTENT (admins) and staff granted
the editor role (an `Editor` row). Clients never."""

from functools import wraps

from django.core.exceptions import PermissionDenied

from waypoint.accounts.decorators import staff_required
from waypoint.accounts.roles import Permission


def can_edit_public_content(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.is_clinic_staff:
        return False
    if user.can(Permission.EDIT_PUBLIC_CONTENT):
        return True
    from waypoint.library.models import Editor

    return Editor.objects.filter(user=user).exists()


def editor_required(view):
    @staff_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_edit_public_content(request.user):
            raise PermissionDenied("Editing the public library is for editors.")
        return view(request, *args, **kwargs)

    return wrapper
