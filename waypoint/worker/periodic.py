"""Periodic tasks: "run X every N minutes" is one line in PERIODIC_TASKS.

`waypoint worker` calls `enqueue_due()` between looks for queued tasks. Each entry is the dotted
path of a task (a function decorated with `django_tasks.task`, taking no arguments) and how often
it should run. The last run of each is kept in the database (`PeriodicTaskRun`), so a restarted
worker does not run everything at once and two workers do not both enqueue the same run.
"""

import datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from waypoint.worker.models import PeriodicTaskRun

PERIODIC_TASKS: list[tuple[str, datetime.timedelta]] = [
    ("waypoint.clients.tasks.renotify_urgent_alerts", datetime.timedelta(minutes=1)),
    ("waypoint.audit.tasks.anchor_audit_trail", datetime.timedelta(hours=1)),
    ("waypoint.measures.tasks.create_due_items", datetime.timedelta(hours=1)),
    ("waypoint.appointments.tasks.send_due_reminders", datetime.timedelta(minutes=15)),
    ("waypoint.reports.tasks.purge_expired_exports", datetime.timedelta(minutes=15)),
    ("waypoint.reports.tasks.fail_stalled_exports", datetime.timedelta(minutes=1)),
    ("waypoint.questions.tasks.remove_expired_public_text", datetime.timedelta(hours=1)),
]


def load_task(path: str) -> Task:
    task = import_string(path)
    if not isinstance(task, Task):
        raise ImproperlyConfigured(f"{path} in PERIODIC_TASKS is not a task (use @task)")
    return task


def _claim(path: str, interval: datetime.timedelta, now: datetime.datetime) -> bool:
    """Take the due run of `path` for this worker: True for exactly one caller per run."""
    try:
        with transaction.atomic():
            _, created = PeriodicTaskRun.objects.get_or_create(
                task_path=path, defaults={"last_run_at": now}
            )
    except IntegrityError:  # another worker created the row a moment ago: its run
        return False
    if created:
        return True
    return bool(
        PeriodicTaskRun.objects.filter(task_path=path, last_run_at__lte=now - interval).update(
            last_run_at=now
        )
    )


def enqueue_due(now: datetime.datetime | None = None, *, registry=None) -> list[str]:
    """Enqueue every periodic task whose interval has passed since its last run.

    Returns the paths enqueued. The claim and the queued task commit together.
    """
    now = now or timezone.now()
    enqueued = []
    for path, interval in PERIODIC_TASKS if registry is None else registry:
        task = load_task(path)
        with transaction.atomic():
            if _claim(path, interval, now):
                task.enqueue()
                enqueued.append(path)
    return enqueued
