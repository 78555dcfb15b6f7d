"""Background work for charts, run by `waypoint worker`: urgent alert emails."""

from django.utils import timezone
from django_tasks import task

from waypoint.clients.models import Alert
from waypoint.clinics.hours import renotify_due


def _alerts():
    return Alert.objects.open().urgent().select_related("client__organization")


@task()
def notify_alert(alert_id: int) -> bool:
    """The first email about an urgent alert, enqueued by `raise_alert` once it commits."""
    from waypoint.clients import actions  # actions enqueues these tasks: import on call

    alert = _alerts().filter(pk=alert_id, notified_at__isnull=True).first()
    if alert is None:  # acknowledged already, or the periodic pass sent it first
        return False
    return actions.notify_urgent_alert(alert)


@task()
def renotify_urgent_alerts() -> int:
    """Email again about every urgent alert left open past its organization's period.

    Also catches alerts whose first email never went (the worker was down, mail failed).
    Registered in `waypoint.worker.periodic.PERIODIC_TASKS`; returns how many were sent.
    """
    from waypoint.clients import actions  # actions enqueues these tasks: import on call

    now = timezone.now()
    sent = 0
    for alert in _alerts():
        every = alert.client.organization.alert_renotify_minutes
        if alert.notified_at is None or renotify_due(
            alert.notified_at, every_minutes=every, now=now
        ):
            sent += actions.notify_urgent_alert(alert, now=now)
    return sent
