"""The assessment's caseload column, chart panel and portal panel."""

from django.template.defaultfilters import date as date_filter

from waypoint.assessment.models import DecisionalBalance, NeedsPriorities, StageOfChange
from waypoint.clients.cells import badges, e
from waypoint.clients.extensions import Panel
from waypoint.lib.idlists import IdIn


def annotate_stages(clients: list, user) -> None:
    """Current stage per substance for every row: ONE query for the whole list."""
    current = (
        StageOfChange.objects.filter(IdIn("client_id", [c.pk for c in clients]))
        .only("id", "client_id", "substance", "stage", "noted_on")  # not the encrypted note
        .latest_per_substance()
    )
    per_client: dict[int, list] = {}
    for (client_id, _), row in sorted(current.items()):
        per_client.setdefault(client_id, []).append(row)
    for client in clients:
        client.current_stages = per_client.get(client.pk, [])


def chart_panel(request, access):
    from waypoint.assessment.views import stage_timelines

    client = access.client
    balances = DecisionalBalance.objects.filter(client=client).latest_per_substance()
    return Panel(
        "assessment/_panel_chart.html",
        {
            "timelines": stage_timelines(client),
            "balances": sorted(balances.values(), key=lambda b: b.substance),
            "priorities": NeedsPriorities.objects.filter(client=client).first(),
            "can_write": access.can_write,
        },
    )


def portal_panel(request, client):
    balances = DecisionalBalance.objects.filter(client=client).latest_per_substance()
    return Panel(
        "assessment/_panel_portal.html",
        {
            "balances": sorted(balances.values(), key=lambda b: b.substance),
            "priorities": NeedsPriorities.objects.filter(client=client).first(),
        },
    )


def _stage_badge(row) -> str:
    stage = row.get_stage_display()
    return (
        f'<span class="badge" title="{e(row.get_substance_display())}: {e(stage)}, '
        f'{e(date_filter(row.noted_on, "M j, Y"))}">{e(row.substance_short)}: '
        f"{e(stage.lower())}</span>"
    )


def stages_cell(client) -> str:
    """Caseload cell: the stages set by `annotate_stages`."""
    return badges(client.current_stages, _stage_badge, empty='<span class="muted">not noted</span>')
