"""Times on pages are the clinic's time zone, not the server's (ClinicTimeZoneMiddleware)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from waypoint.accounts.middleware import ClinicTimeZoneMiddleware

pytestmark = pytest.mark.django_db


def _zone_seen_by_view(user):
    request = RequestFactory().get("/")
    request.user = user
    middleware = ClinicTimeZoneMiddleware(
        lambda request: HttpResponse(timezone.get_current_timezone_name())
    )
    return middleware(request).content.decode()


def test_signed_in_staff_see_their_clinics_zone(clinician):
    clinician.organization.timezone = "Asia/Tokyo"
    clinician.organization.save()
    assert _zone_seen_by_view(clinician) == "Asia/Tokyo"
    # The zone is the request's only: afterwards the server's zone is back.
    assert timezone.get_current_timezone_name() != "Asia/Tokyo"


def test_visitors_keep_the_servers_zone():
    assert _zone_seen_by_view(AnonymousUser()) == timezone.get_default_timezone_name()
