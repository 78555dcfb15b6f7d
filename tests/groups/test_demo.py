"""The demo shows groups off: two groups with sessions, attendance, drop-ins, a member who left,
and own parts; the pages render for the facilitators; no group note text in clear."""

import pytest
from django.urls import reverse

from waypoint.accounts.models import User
from waypoint.clinics.demo import build_demo
from waypoint.groups.models import (
    Attendance,
    AttendanceStatus,
    GroupSession,
    Membership,
    TherapyGroup,
)

pytestmark = pytest.mark.slow  # builds the whole demo


@pytest.fixture
def demo(db):
    return build_demo()


def test_demo_groups(demo, client):
    assert TherapyGroup.objects.count() == 2
    assert GroupSession.objects.count() == 8
    for status in AttendanceStatus.values:
        assert Attendance.objects.filter(status=status).exists(), status
    assert Membership.objects.filter(left_on__isnull=False).exists()
    with_notes = [a for a in Attendance.objects.select_related("client") if a.member_note]
    assert len(with_notes) >= 10
    client.force_login(
        User.objects.get(email="clinician2@demo.test"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    for group in TherapyGroup.objects.all():
        assert client.get(reverse("groups-detail", args=[group.pk])).status_code == 200
        session = group.sessions.first()
        assert client.get(session.get_absolute_url()).status_code == 200
    chart = with_notes[0].client
    client.force_login(
        User.objects.get(email="admin@demo.test"),
        backend="django.contrib.auth.backends.ModelBackend",
    )
    page = client.get(reverse("clients-detail", args=[chart.pk])).content.decode()
    assert "Group: " in page
