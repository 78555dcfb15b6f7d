import functools

from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path

from waypoint.api import views
from waypoint.api.api import api


def json_method_not_allowed(view):
    """Django Ninja answers a method an address does not take with a plain-text 405: answer it
    in the API's JSON error shape instead, keeping the `Allow` header."""

    @functools.wraps(view)
    def answer(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            methods = " or ".join(m.strip() for m in allowed.split(","))
            response = JsonResponse(
                {"error": f"This address takes {methods} only.", "fields": {}}, status=405
            )
            response["Allow"] = allowed
        return response

    return answer


# (Not named app_name: Django would read a module-level `app_name` as this module's namespace.)
_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    _pattern.callback = json_method_not_allowed(_pattern.callback)

urlpatterns = [
    path("api/v1/", (_patterns, _app, _namespace)),
    path("account/api-tokens/", views.token_list, name="api-tokens"),
    path("account/api-tokens/<int:pk>/revoke/", views.token_revoke, name="api-token-revoke"),
]
