"""The measures caseload column, chart panel and portal panel (see clients/extensions.py)."""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.template.defaultfilters import date as date_filter

from waypoint.clients.cells import badges, e
from waypoint.clients.extensions import Panel
from waypoint.clinics.templatetags.dates import day
from waypoint.lib.idlists import IdIn
from waypoint.measures.models import Administration

DUE_SOON_DAYS = 7


def annotate_measures_due(clients: list, user) -> None:
    """Sets `measures_due` on each caseload row: items due within a week, or waiting in the
    portal, in ONE query for the whole list. Caseload rows are charts of the user's organization,
    so "overdue" is by that organization's calendar, as in the diary."""
    today = user.organization.today()
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    by_client = defaultdict(list)
    rows = (
        Administration.objects.open()
        .filter(IdIn("client_id", [c.pk for c in clients]))
        .filter(Q(due_on__isnull=True) | Q(due_on__lte=horizon))
        .order_by("due_on", "id")
        .only("id", "client_id", "instrument_id", "due_on", "in_portal", "status")
    )
    for item in rows:
        item.overdue = item.due_on is not None and item.due_on < today
        by_client[item.client_id].append(item)
    for client in clients:
        client.measures_due = by_client.get(client.pk, [])


def latest_by_instrument(client) -> list[Administration]:
    latest = {}
    for administration in (
        Administration.objects.current().filter(client=client).order_by("-administered_at", "-id")
    ):
        latest.setdefault(administration.instrument_id, administration)
    return sorted(latest.values(), key=lambda a: a.instrument_name.lower())


def chart_panel(request, access):
    client = access.client
    latest = latest_by_instrument(client)
    waiting = list(Administration.objects.open().filter(client=client).order_by("due_on", "id"))
    return Panel(
        "measures/_panel_chart.html",
        {
            "latest": latest,
            "waiting": waiting,
            "today": client.organization.today(),
            "can_write": access.can_write,
        },
    )


def portal_panel(request, client):
    today = client.organization.today()
    waiting = [
        item
        for item in Administration.objects.open()
        .filter(client=client, in_portal=True)
        .order_by("due_on", "id")
        if item.due_on is None or item.due_on <= today
    ]
    if not waiting:
        return None
    return Panel("measures/_panel_portal.html", {"waiting": waiting})


def _due_badge(item) -> str:
    overdue = " overdue" if item.overdue else ""
    due = f" due {e(date_filter(item.due_on, 'M j'))}" if item.due_on else ""
    portal = ", in the portal" if item.in_portal else ""
    if item.overdue:
        when = " overdue"
    elif item.due_on:
        when = f" {e(day(item.due_on))}"
    else:
        when = ""
    name = e(item.instrument_name)
    return (
        f'<span class="badge measure-due{overdue}" title="{name}{due}{portal}">'
        f"{name}{when}{' · portal' if item.in_portal else ''}</span>"
    )


def measures_due_cell(client) -> str:
    """Caseload cell: the measures set by `annotate_measures_due`."""
    return badges(client.measures_due, _due_badge)
