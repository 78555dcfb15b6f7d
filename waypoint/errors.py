"""Friendly error pages that reveal no internals; under /api/ the same answers as JSON."""

from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

API_PREFIX = "/api/"


def _page(request, status, title, message):
    if request is not None and request.path.startswith(API_PREFIX):
        # An address the API does not have (or a failure before the API's own handlers run)
        # still answers in the API's error shape, never an HTML page.
        return JsonResponse({"error": f"{title}.", "fields": {}}, status=status)
    html = render_to_string(
        "errors/error.html",
        # The page in the visitor's language; the API's JSON above stays in English.
        {"status": status, "title": gettext(title), "message": gettext(message)},
        request=request if status != 500 else None,
    )
    return HttpResponse(html, status=status)


def bad_request(request, exception=None):
    return _page(
        request,
        400,
        _("Something in that request was not right"),
        _("Please go back and try again."),
    )


def permission_denied(request, exception=None):
    reason = (
        str(exception)
        if exception and str(exception)
        else _("You do not have access to this page.")
    )
    return _page(request, 403, _("Not available to you"), reason)


def page_not_found(request, exception=None):
    return _page(
        request,
        404,
        _("We could not find that page"),
        _("The address may be mistyped, or the page may have moved."),
    )


def server_error(request):
    return _page(
        request,
        500,
        _("Something went wrong on our side"),
        _("The problem has been logged. Please try again in a moment."),
    )


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: usually an old tab after signing in again."""
    return _page(
        request,
        403,
        _("This form has expired"),
        _(
            "The page was open for a long time or you signed in again elsewhere. Go back, "
            "reload the page and try again."
        ),
    )
