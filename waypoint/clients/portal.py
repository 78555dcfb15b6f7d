"""The client portal: a person's own page, client-facing parts of the chart only."""

from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from waypoint.accounts.decorators import client_required
from waypoint.clients.access import portal_client_for_user
from waypoint.clients.extensions import portal_panels


@require_GET
@client_required
def portal_home(request):
    client = portal_client_for_user(request.user)
    return TemplateResponse(
        request,
        "portal/home.html",
        {
            "client": client,
            "team": client.team_members(),
            "episode": client.current_episode(),
            "panels": portal_panels(request, client),
        },
    )
