"""The yardstick for `make load`: a bare Django view, served by gunicorn like Waypoint is.

One URL answering "ok", no middleware, no database, no templates: what Django and gunicorn
cost on this machine with nothing of Waypoint's. `bench/load.py` drives it with the same
users, processes and threads as the app and reports the app's throughput as a fraction of it.
"""

from django.conf import settings

settings.configure(
    DEBUG=False,
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    SECRET_KEY="bare-bench-only-" + "x" * 50,  # noqa: S106 - serves one constant string
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    DATABASES={},
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok)]
application = get_wsgi_application()
