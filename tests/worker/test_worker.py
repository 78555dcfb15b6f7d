"""`waypoint worker`: the database backend's worker loop plus the periodic registry."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from waypoint.clients.models import Alert
from waypoint.measures import actions as measure_actions
from waypoint.worker import periodic
from waypoint.worker.models import PeriodicTaskRun

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
RENOTIFY = "waypoint.clients.tasks.renotify_urgent_alerts"
ANCHOR = "waypoint.audit.tasks.anchor_audit_trail"


def test_every_registry_entry_is_a_task():
    for path, interval in periodic.PERIODIC_TASKS:
        assert isinstance(periodic.load_task(path), Task)
        assert interval >= datetime.timedelta(minutes=1)


@pytest.mark.django_db
def test_periodic_runs_once_per_interval_across_workers():
    registry = [(RENOTIFY, datetime.timedelta(minutes=5))]
    now = timezone.now()
    assert periodic.enqueue_due(now, registry=registry) == [RENOTIFY]
    # A second worker looking at the same moment, or a minute later, finds nothing due.
    assert periodic.enqueue_due(now, registry=registry) == []
    assert periodic.enqueue_due(now + datetime.timedelta(minutes=1), registry=registry) == []
    later = now + datetime.timedelta(minutes=5)
    assert periodic.enqueue_due(later, registry=registry) == [RENOTIFY]
    assert periodic.enqueue_due(later, registry=registry) == []
    assert PeriodicTaskRun.objects.get().last_run_at == later


@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_email_queued_by_an_item9_answer(client_chart, clinician, mailoutbox):
    """The whole wiring: raise_alert → on_commit → database queue → worker → email."""
    with override_settings(TASKS=DATABASE_TASKS):
        measure_actions.record_administration(
            client_chart,
            by=clinician,
            instrument_id="phq-9",
            answers=[0, 0, 0, 0, 0, 0, 0, 0, 2],
            administered_at=timezone.now(),
        )
        queued = DBTaskResult.objects.get()
        assert queued.task_path == "waypoint.clients.tasks.notify_alert"
        assert mailoutbox == []  # nothing is sent in the request itself
        call_command("worker", "--batch", verbosity=0)
    assert [m.to for m in mailoutbox] == [["maya@clinic.test"]]
    assert Alert.objects.get().notified_at is not None
    results = {r.task_path: r.status for r in DBTaskResult.objects.all()}
    assert results == {
        "waypoint.clients.tasks.notify_alert": "SUCCESSFUL",
        RENOTIFY: "SUCCESSFUL",  # the periodic pass ran in the same loop, and sent nothing more
        ANCHOR: "SUCCESSFUL",
        "waypoint.measures.tasks.create_due_items": "SUCCESSFUL",
        "waypoint.appointments.tasks.send_due_reminders": "SUCCESSFUL",
        "waypoint.reports.tasks.purge_expired_exports": "SUCCESSFUL",
        "waypoint.reports.tasks.fail_stalled_exports": "SUCCESSFUL",
        "waypoint.questions.tasks.remove_expired_public_text": "SUCCESSFUL",
    }
    assert PeriodicTaskRun.objects.filter(task_path=RENOTIFY).exists()


@pytest.mark.django_db
def test_worker_refuses_a_backend_without_a_queue():
    # tests/settings.py uses the immediate backend: tasks already ran where they were enqueued.
    with pytest.raises(CommandError, match="not django_tasks_db.DatabaseBackend"):
        call_command("worker", "--batch")
    with override_settings(TASKS=DATABASE_TASKS), pytest.raises(CommandError, match="--interval"):
        call_command("worker", "--interval", "-1")


@pytest.mark.django_db(transaction=True)
def test_worker_anchors_the_audit_trail_hourly(tmp_path, client_chart, clinician):
    """The scheduled anchor (issue: "a scheduled anchor runs from the background worker")."""
    from waypoint.audit.actions import check_chain, read_anchors, record
    from waypoint.audit.models import AuditAction

    anchors = tmp_path / "anchors.log"
    record(by=clinician, action=AuditAction.VIEW, obj=client_chart, client=client_chart)
    registry = [(ANCHOR, datetime.timedelta(hours=1))]
    with override_settings(TASKS=DATABASE_TASKS, AUDIT_ANCHOR_FILE=str(anchors)):
        assert periodic.enqueue_due(registry=registry) == [ANCHOR]
        call_command("worker", "--batch", verbosity=0)
        assert periodic.enqueue_due(registry=registry) == []  # not again within the hour
    written = read_anchors(anchors)
    assert len(written) == 1
    assert written[0].count >= 1
    report = check_chain(expect=[(written[0].count, written[0].head)])
    assert report.intact, report.problem  # the anchor pins the chain as it stands
    assert anchors.stat().st_mode & 0o077 == 0
