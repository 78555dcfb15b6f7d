from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_GET

from waypoint.accounts import views as account_views


@require_GET
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("", include("waypoint.accounts.urls")),
    path("", include("waypoint.clients.urls")),
    path("", include("waypoint.privacy.urls")),
    path("", include("waypoint.measures.urls")),
    path("", include("waypoint.goals.urls")),
    path("", include("waypoint.diary.urls")),
    path("", include("waypoint.notes.urls")),
    path("", include("waypoint.groups.urls")),
    path("", include("waypoint.plans.urls")),
    path("", include("waypoint.medications.urls")),
    path("", include("waypoint.assessment.urls")),
    path("", include("waypoint.clinics.urls")),
    path("", include("waypoint.substances.urls")),
    path("", include("waypoint.api.urls")),
    path("", include("waypoint.exchange.urls")),
    path("", include("waypoint.appointments.urls")),
    path("", include("waypoint.library.urls")),
    path("", include("waypoint.reports.urls")),
    path("", include("waypoint.questions.urls")),
]

handler400 = "waypoint.errors.bad_request"
handler403 = "waypoint.errors.permission_denied"
handler404 = "waypoint.errors.page_not_found"
handler500 = "waypoint.errors.server_error"
