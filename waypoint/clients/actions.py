"""Writes to client charts. Each records an audit event; changes also land in chart history."""

from django.db import transaction
from django.utils import timezone

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.models import (
    Alert,
    AlertSeverity,
    ChartStatus,
    Client,
    Contact,
    Episode,
)


@transaction.atomic
def create_client(*, by, organization, care_team=(), admitted_on=None, **fields) -> Client:
    client = Client(organization=organization, **fields)
    client._history_user = by
    client.save()
    team = set(care_team)
    if client.primary_clinician:
        team.add(client.primary_clinician)
    client.care_team.set(team)
    client.refresh_search_index()
    record(by=by, action=AuditAction.CREATE, obj=client, client=client)
    if admitted_on is not None:
        admit_client(client, by=by, admitted_on=admitted_on)
    return client


@transaction.atomic
def update_client(client: Client, *, by, changed_fields: list[str]) -> Client:
    """Save a chart already modified in memory (usually by a ModelForm)."""
    if not changed_fields:
        return client
    client._history_user = by
    client.save()
    if {"legal_name", "preferred_name"} & set(changed_fields):
        client.refresh_search_index()
    if "primary_clinician" in changed_fields and client.primary_clinician:
        client.care_team.add(client.primary_clinician)
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=client,
        client=client,
        detail={"fields": sorted(changed_fields)},
    )
    return client


@transaction.atomic
def set_care_team(client: Client, *, by, primary_clinician, members) -> None:
    before = {u.pk for u in client.care_team.all()}
    old_primary = client.primary_clinician_id
    team = set(members) | {primary_clinician}
    client.primary_clinician = primary_clinician
    client._history_user = by
    client.save(update_fields=["primary_clinician"])
    client.care_team.set(team)
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=client,
        client=client,
        detail={
            "care_team": {"before": sorted(before), "after": sorted(u.pk for u in team)},
            "primary_clinician": {"before": old_primary, "after": primary_clinician.pk},
        },
    )


@transaction.atomic
def admit_client(client: Client, *, by, admitted_on, program="Outpatient") -> Episode:
    if client.current_episode() is not None:
        raise ValueError("This person already has an open episode of care.")
    episode = Episode(client=client, admitted_on=admitted_on, program=program)
    episode._history_user = by
    episode.save()
    if client.status != ChartStatus.ACTIVE:
        client.status = ChartStatus.ACTIVE
        client._history_user = by
        client.save(update_fields=["status"])
    record(by=by, action=AuditAction.CREATE, obj=episode, client=client)
    return episode


@transaction.atomic
def discharge_client(client: Client, *, by, discharged_on, reason, note="") -> Episode:
    episode = client.current_episode()
    if episode is None:
        raise ValueError("This person has no open episode of care.")
    if discharged_on < episode.admitted_on:
        raise ValueError("The discharge date cannot be before the admission date.")
    episode.discharged_on = discharged_on
    episode.discharge_reason = reason
    episode.discharge_note = note
    episode._history_user = by
    episode.save(update_fields=["discharged_on", "discharge_reason", "discharge_note"])
    client.status = ChartStatus.DISCHARGED
    client._history_user = by
    client.save(update_fields=["status"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=episode,
        client=client,
        detail={"discharged": str(discharged_on), "reason": reason},
    )
    return episode


@transaction.atomic
def record_contact(client: Client, *, by, occurred_on, kind, minutes=None) -> Contact:
    contact = Contact.objects.create(
        client=client, occurred_on=occurred_on, kind=kind, minutes=minutes, staff=by
    )
    record(by=by, action=AuditAction.CREATE, obj=contact, client=client)
    return contact


@transaction.atomic
def link_portal_user(client: Client, *, by, user) -> None:
    client.portal_user = user
    client._history_user = by
    client.save(update_fields=["portal_user"])
    record(by=by, action=AuditAction.ACCOUNT, obj=client, client=client, detail={"portal": True})


@transaction.atomic
def raise_alert(
    client: Client,
    *,
    by,
    kind: str,
    title: str,
    detail: str = "",
    severity: str = AlertSeverity.WARNING,
    source=None,
) -> Alert:
    """Raise a safety alert for the care team. `by` may be None for system-raised alerts."""
    alert = Alert.objects.create(
        client=client,
        kind=kind,
        title=title,
        detail=detail,
        severity=severity,
        source_type=source._meta.label_lower if source is not None else "",
        source_id=str(source.pk) if source is not None else "",
    )
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=alert,
        client=client,
        detail={"alert": kind, "severity": severity},
    )
    return alert


@transaction.atomic
def acknowledge_alert(alert: Alert, *, by, note: str) -> Alert:
    if not alert.is_open:
        raise ValueError("This alert was already acknowledged.")
    if not note.strip():
        raise ValueError("Write a short note on what was done.")
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = by
    alert.acknowledgement_note = note.strip()
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=alert,
        client=alert.client,
        detail={"acknowledged": True},
    )
    return alert
