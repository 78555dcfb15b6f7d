"""The clients app's own caseload column and chart panel: safety alerts."""

from collections import defaultdict

from django.template.defaultfilters import truncatechars

from waypoint.clients.cells import badges, e
from waypoint.clients.extensions import Panel
from waypoint.clients.forms import AcknowledgeAlertForm
from waypoint.clients.models import Alert
from waypoint.lib.idlists import IdIn


def annotate_alerts(clients: list, user) -> None:
    by_client = defaultdict(list)
    for alert in (
        Alert.objects.open()
        .filter(IdIn("client_id", [c.pk for c in clients]))
        .order_by("raised_at")
        .only("id", "client_id", "kind", "severity", "title", "raised_at")  # not the detail
    ):
        by_client[alert.client_id].append(alert)
    for client in clients:
        client.open_alerts = by_client.get(client.pk, [])


def urgent_alert_forms(alerts) -> list:
    """(alert, acknowledge form) pairs for `clients/_urgent_alerts.html`."""
    return [(alert, AcknowledgeAlertForm(prefix=f"alert{alert.pk}")) for alert in alerts]


def alerts_panel(request, access):
    client = access.client
    # Open urgent alerts show at the top of the chart (client_detail), not again down here.
    alerts = [
        alert
        for alert in client.alerts.select_related("acknowledged_by")[:20]
        if not (alert.is_open and alert.is_urgent)
    ]
    if not alerts:
        return None
    return Panel(
        "clients/_panel_alerts.html",
        {
            "items": [
                (alert, AcknowledgeAlertForm(prefix=f"alert{alert.pk}") if alert.is_open else None)
                for alert in alerts
            ],
            "can_acknowledge": access.can_acknowledge_alerts,
        },
    )


def alerts_cell(client) -> str:
    """Caseload cell: the open alerts set by `annotate_alerts`."""
    return badges(
        client.open_alerts,
        lambda alert: (
            f'<span class="badge alert severity-{e(alert.severity)}" title="{e(alert.title)}">'
            f"{e(truncatechars(alert.title, 28))}</span>"
        ),
    )
