from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from waypoint.accounts.roles import Permission


def staff_required(view):
    """Signed-in clinic staff only; clients and other accounts get 403."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_clinic_staff:
            raise PermissionDenied("This page is for clinic staff.")
        return view(request, *args, **kwargs)

    return wrapper


def permission_required(permission: Permission):
    def decorator(view):
        @staff_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.can(permission):
                raise PermissionDenied("Your role does not include this.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def client_required(view):
    """Signed-in portal users only."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_client:
            raise PermissionDenied("This page is for clients using the portal.")
        return view(request, *args, **kwargs)

    return wrapper
