from django.utils import timezone
from django.utils.cache import patch_cache_control

PRIVATE = "no-store, private"


class NoStoreMiddleware:
    """Nothing a signed-in person sees is kept by the browser or a proxy.

    A shared clinic computer's back button, after sign-out, must show nothing: so every response
    to a signed-in person (pages, redirects, downloads, htmx fragments, errors) gets
    `Cache-Control: no-store, private`, replacing whatever the view set. Anonymous responses
    get the same unless the view chose its own caching (a future public page may opt in with
    `@cache_control(public=True, ...)`). Static files are served by WhiteNoise before this
    runs and keep their long-lived caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            del response["Cache-Control"]
            response["Cache-Control"] = PRIVATE
        elif not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class ClinicTimeZoneMiddleware:
    """Times on every page are the clinic's: the signed-in person's organization's time zone is
    the request's current zone, so `{{ note.signed_at|moment }}` and `|date` show clinic time,
    not the server's `TIME_ZONE`. Visitors keep the server's zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        organization = getattr(user, "organization", None) if user else None
        if user is not None and user.is_authenticated and organization is not None:
            with timezone.override(organization.zone):
                return self.get_response(request)
        return self.get_response(request)
