"""What happened on the chart since the last signed note: shown read-only beside the editor, so
the clinician writes less (issue #13). Four bounded queries, whatever the chart's size."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from waypoint.clients.models import Alert
from waypoint.diary.models import DiaryEntry, DiarySettings
from waypoint.measures.models import Administration
from waypoint.notes.models import Note

LIMIT = 20
DEFAULT_DAYS = 30  # no signed note yet: the last 30 days


@dataclass
class SinceLastNote:
    since: datetime.datetime
    last_note: Note | None
    diary: list
    measures: list
    alerts: list


def since_last_note(client, *, exclude: Note | None = None) -> SinceLastNote:
    notes = Note.objects.filter(client=client).signed()
    if exclude is not None:
        notes = notes.exclude(pk=exclude.pk)
    last = notes.order_by("-signed_at").first()
    since = last.signed_at if last else timezone.now() - datetime.timedelta(days=DEFAULT_DAYS)
    first_day = client.organization.local_date(since)
    country = DiarySettings.country_for(client.organization)
    entries = DiaryEntry.objects.filter(client=client, day__gte=first_day).order_by("-day", "-id")
    diary = [
        {
            "day": e.day,
            "substance": e.get_substance_display() if e.substance else "",
            "amount": e.amount_text(country),
            "practices": e.practice_labels(),
        }
        for e in entries[:LIMIT]
    ]
    measures = list(
        Administration.objects.filter(client=client, administered_at__gte=since)
        .completed()
        .order_by("-administered_at")[:LIMIT]
    )
    alerts = list(Alert.objects.filter(client=client, raised_at__gte=since)[:LIMIT])
    return SinceLastNote(since=since, last_note=last, diary=diary, measures=measures, alerts=alerts)
