"""The current-medications panel on the chart, placed right after the measures panel (so the
scores over time are read beside what the person takes), and the portal's "My medications"."""

from waypoint.clients.extensions import Panel
from waypoint.medications.models import Medication


def chart_panel(request, access):
    client = access.client
    today = client.organization.today()
    return Panel(
        "medications/_panel_medications.html",
        {
            "current": list(Medication.objects.filter(client=client).current_on(today)),
            "allergies": list(client.allergies.all()),
            "can_write": access.can_write,
        },
    )


def portal_panel(request, client):
    today = client.organization.today()
    return Panel(
        "medications/_panel_portal.html",
        {"current": list(Medication.objects.filter(client=client).current_on(today))},
    )
