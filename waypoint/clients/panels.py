"""The clients app's own caseload column and chart panel: safety alerts."""

from collections import defaultdict

from waypoint.clients.access import can_write_client
from waypoint.clients.extensions import Panel
from waypoint.clients.forms import AcknowledgeAlertForm
from waypoint.clients.models import Alert


def annotate_alerts(clients: list, user) -> None:
    by_client = defaultdict(list)
    for alert in (
        Alert.objects.open().filter(client__in=[c.pk for c in clients]).order_by("raised_at")
    ):
        by_client[alert.client_id].append(alert)
    for client in clients:
        client.open_alerts = by_client.get(client.pk, [])


def alerts_panel(request, client):
    alerts = list(client.alerts.select_related("acknowledged_by")[:20])
    if not alerts:
        return None
    return Panel(
        "clients/_panel_alerts.html",
        {
            "items": [
                (alert, AcknowledgeAlertForm(prefix=f"alert{alert.pk}") if alert.is_open else None)
                for alert in alerts
            ],
            "can_acknowledge": can_write_client(request.user, client),
        },
    )
