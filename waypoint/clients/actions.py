"""Writes to client charts. Each records an audit event; changes also land in chart history."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients import tasks
from waypoint.clients.models import (
    Alert,
    AlertSeverity,
    ChartStatus,
    Client,
    Contact,
    Episode,
    validate_chart_number,
)


@transaction.atomic
def create_client(*, by, organization, care_team=(), admitted_on=None, **fields) -> Client:
    validate_chart_number(fields.get("chart_number", ""))  # also for imports and commands
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
def hand_over_charts(clinician, *, to, by, charts=None) -> int:
    """Make `to` the primary clinician of `charts` (default: `clinician`'s open charts).

    The care team is kept as it was, plus `to`; each chart's change is audited.
    """
    if charts is None:
        charts = Client.objects.filter(primary_clinician=clinician).not_discharged()
    count = 0
    for chart in charts:
        set_care_team(chart, by=by, primary_clinician=to, members=list(chart.care_team.all()))
        count += 1
    return count


@transaction.atomic
def cover_open_alerts(clinician, *, by) -> list[Client]:
    """An inactive clinician's charts with open alerts: their active supervisors join the team.

    So the alerts appear on each supervisor's own caseload, and they may acknowledge them,
    until an admin picks a new primary clinician. Returns the charts changed.
    """
    supervisors = list(clinician.supervisors.filter(is_active=True))
    if not supervisors:
        return []
    charts = list(
        Client.objects.filter(primary_clinician=clinician)
        .filter(alerts__acknowledged_at__isnull=True)
        .distinct()
        .prefetch_related("care_team")
    )
    changed = []
    for chart in charts:
        joining = [s for s in supervisors if s not in chart.care_team.all()]
        if not joining:
            continue
        chart.care_team.add(*joining)
        changed.append(chart)
        record(
            by=by,
            action=AuditAction.CHANGE,
            obj=chart,
            client=chart,
            detail={
                "care_team": {"added": sorted(s.pk for s in joining)},
                "reason": "covering the open alerts of an inactive primary clinician",
            },
        )
    return changed


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
    if alert.is_urgent:
        # A person must hear of it now, not when someone next opens the caseload.
        transaction.on_commit(lambda: tasks.notify_alert.enqueue(alert.pk))
    return alert


URGENT_ALERT_SUBJECT = "An urgent alert is waiting in Waypoint"


def urgent_alert_message(alert: Alert) -> str:
    """The whole email body: that an alert waits, and a link behind sign-in. Nothing else.

    Email leaves the system unencrypted, and a Part 2 program may not reveal that a person is a
    client (42 CFR 2.13): no name, chart number, measure or clinical word goes in it.
    """
    link = settings.SITE_URL + alert.client.get_absolute_url()
    return f"{URGENT_ALERT_SUBJECT}.\n\nSign in to see it:\n{link}\n"


def alert_recipients(alert: Alert) -> tuple[list, str]:
    """The active care team with an email address (primary clinician included), and the
    organization's on-call address ("" when none is set)."""
    team = [user for user in alert.client.team_members() if user.is_active and user.email]
    return team, alert.client.organization.on_call_email


@transaction.atomic
def notify_urgent_alert(alert: Alert, *, now=None) -> bool:
    """Email the care team and the on-call address that an urgent alert is waiting.

    Run by the worker (`clients.tasks`). Claims the round by moving `notified_at` on from the
    value this copy of the alert holds, so two workers never send the same round twice; returns
    False (nothing sent) when the alert was acknowledged or another worker got there first.
    """
    now = now or timezone.now()
    claimed = (
        Alert.objects.open()
        .filter(pk=alert.pk, notified_at=alert.notified_at)
        .update(notified_at=now)
    )
    if not claimed:
        return False
    alert.notified_at = now
    team, on_call = alert_recipients(alert)
    addresses = sorted({user.email for user in team} | ({on_call} if on_call else set()))
    body = urgent_alert_message(alert)
    # One message per address: recipients do not see each other's addresses.
    get_connection().send_messages(
        [EmailMessage(URGENT_ALERT_SUBJECT, body, to=[address]) for address in addresses]
    )
    record(
        by=None,
        action=AuditAction.CHANGE,
        obj=alert,
        client=alert.client,
        detail={
            "notified_user_ids": sorted(user.pk for user in team),
            "on_call": bool(on_call),
        },
    )
    return True


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
