"""The real URLs plus a view that fails, to see the 500 page."""

from django.urls import path

from waypoint.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("secret internals: /srv/waypoint/settings.py line 42")


urlpatterns = [*urlpatterns, path("boom/", boom)]
