"""The demo clinic has enough people for unsuppressed cells, and its reports render."""

import pytest
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.clinics.demo import build_demo

pytestmark = pytest.mark.slow  # builds the whole demo


@pytest.fixture
def demo(db):
    return build_demo()


def _as(client, email):
    client.force_login(
        User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend"
    )
    return client


def test_demo_program_report_has_shown_and_suppressed_cells(client, demo):
    response = _as(client, "admin@demo.test").get(reverse("reports-program"))
    assert response.status_code == 200
    report = response.context["report"]
    total = report.total.cells
    # 19 active and 3 discharged charts were in care in the last year; 3 are on the waitlist.
    assert total["served"] == 22
    assert total["retention_eligible"] >= 11
    assert total["phq9_assessed"] >= 11
    assert report.suppressed_cells >= 1  # small counts exist and are hidden
    shown = [v for v in total.values() if v is not None]
    assert all(v == 0 or v >= 11 for v in shown)
    body = response.content.decode()
    for name in ("Marisol", "Brightwater", "Dev Sandpiper"):
        assert name not in body


def test_demo_progress_reports_render(client, demo):
    marisol = demo.clients[0]
    staff = _as(client, "clinician@demo.test").get(
        reverse("reports-progress-pdf", args=[marisol.pk])
    )
    assert staff.status_code == 200 and staff.content.startswith(b"%PDF")
    own = _as(client, "client@demo.test").get(reverse("reports-portal-progress"))
    assert own.status_code == 200 and own.content.startswith(b"%PDF")
