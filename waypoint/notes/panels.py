"""The notes panel on the chart: recent notes and "new note"."""

from waypoint.clients.extensions import Panel
from waypoint.notes.models import Note

RECENT = 5


def notes_panel(request, access):
    client = access.client
    notes = list(
        Note.objects.filter(client=client)
        .select_related("author")
        .order_by("-session_date", "-id")[:RECENT]
    )
    return Panel(
        "notes/_panel_notes.html",
        {"client": client, "notes": notes, "can_write": access.can_write},
    )
