"""The demo clinicians' .ics feeds hold no demo client's name, with either label setting."""

import pytest
from django.test import Client as Browser

from waypoint.appointments import actions
from waypoint.appointments.models import Appointment, CalendarLabel
from waypoint.clients.models import Client
from waypoint.clinics.demo import build_demo


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_feeds_hold_no_client_names():
    demo = build_demo()
    names = set()
    for chart in Client.objects.all():
        for name in (chart.legal_name, chart.preferred_name):
            names |= {part for part in name.split() if len(part) > 2}
    assert "Brightwater" in names
    for label in (CalendarLabel.CHART_NUMBER, CalendarLabel.INITIALS):
        actions.update_settings(demo.clinic, by=demo.users["admin"], calendar_label=label)
        for who in ("clinician", "clinician2"):
            user = demo.users[who]
            _, secret = actions.create_feed(user, by=user)
            response = Browser().get(f"/appointments/feed/{secret}.ics")
            assert response.status_code == 200
            text = response.content.decode()
            assert text.count("BEGIN:VEVENT") >= 10  # the demo month is in it
            for name in names:
                assert name.lower() not in text.lower(), (who, label, name)
            for note in [a.note for a in Appointment.objects.all() if a.note]:
                assert note not in text
