"""A readable change history of a chart, built from django-simple-history records."""

from dataclasses import dataclass
from datetime import datetime

from waypoint.accounts.models import User

_SKIPPED = {"id", "client", "organization", "portal_user"}


@dataclass
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class ChartChange:
    at: datetime
    by: str
    what: str
    kind: str
    changes: list[FieldChange]


def _display(model, field_name, value) -> str:
    if value in (None, ""):
        return "—"
    field = model._meta.get_field(field_name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        user = User.objects.filter(pk=value).first()
        return str(user) if user else f"#{value}"
    return str(value)


def _changes_for(records, model, label) -> list[ChartChange]:
    """Diff each history record against the one before it (records oldest first)."""
    result = []
    previous = None
    for rec in records:
        if previous is None or rec.history_type == "+":
            changes = [
                FieldChange(f.verbose_name, "—", _display(model, f.name, getattr(rec, f.attname)))
                for f in model._meta.concrete_fields
                if f.name not in _SKIPPED and getattr(rec, f.attname, None) not in (None, "")
            ]
            kind = "created"
        else:
            delta = rec.diff_against(previous)
            changes = [
                FieldChange(
                    model._meta.get_field(c.field).verbose_name,
                    _display(model, c.field, c.old),
                    _display(model, c.field, c.new),
                )
                for c in delta.changes
                if c.field not in _SKIPPED
            ]
            kind = "changed"
        previous = rec
        if changes:
            result.append(
                ChartChange(
                    at=rec.history_date,
                    by=str(rec.history_user) if rec.history_user else "system",
                    what=label(rec),
                    kind=kind,
                    changes=changes,
                )
            )
    return result


def chart_changes(client) -> list[ChartChange]:
    """Every recorded change to the chart and its episodes, newest first."""
    client_records = list(client.history.select_related("history_user").order_by("history_date"))
    changes = _changes_for(client_records, type(client), lambda rec: "Chart")
    episode_model = client.episodes.model
    records = episode_model.history.filter(client_id=client.pk).select_related("history_user")
    by_episode: dict[int, list] = {}
    for rec in records.order_by("history_date"):
        by_episode.setdefault(rec.id, []).append(rec)
    for episode_id, recs in by_episode.items():
        changes += _changes_for(recs, episode_model, lambda rec, i=episode_id: f"Episode #{i}")
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes
