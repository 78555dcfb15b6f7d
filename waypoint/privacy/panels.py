"""The privacy panel on the chart page and on the client's portal home."""

from waypoint.accounts.roles import Permission
from waypoint.clients.extensions import Panel
from waypoint.privacy.models import ConsentStatus


def chart_panel(request, access):
    """Consents with their status, recent disclosures, and the ways to add either."""
    client = access.client
    today = client.organization.today()
    consents = [(c, c.status_on(today)) for c in client.consents.all()[:10]]
    return Panel(
        "privacy/_chart_panel.html",
        {
            "consents": consents,
            "disclosures": list(client.disclosures.select_related("consent")[:5]),
            "can_write": access.can_write,
            "is_admin": request.user.can(Permission.MANAGE_ORGANIZATION),
            "statuses": ConsentStatus,
        },
    )


def portal_panel(request, client):
    """What waits for the client's signature, and the way to their privacy page."""
    today = client.organization.today()
    consents = [(c, c.status_on(today)) for c in client.consents.all()]
    return Panel(
        "privacy/_portal_panel.html",
        {
            "awaiting": [c for c, s in consents if s == ConsentStatus.AWAITING_SIGNATURE],
            "active": [c for c, s in consents if s == ConsentStatus.ACTIVE],
        },
    )
