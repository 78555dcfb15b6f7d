"""Export jobs finish honestly: a crash, a killed worker or a missing worker ends in a plain
sentence and a "Try again" button within minutes, never a progress bar that waits for a day."""

import datetime
import logging
import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.cli import python_in
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.reports import actions, exports, tasks
from waypoint.reports import models as export_models
from waypoint.reports.models import ExportJob, ExportKind, ExportStatus
from waypoint.worker.periodic import PERIODIC_TASKS

pytestmark = pytest.mark.django_db

PERIOD = {"first": "2026-06-01", "last": "2026-06-30"}
MINUTE = datetime.timedelta(minutes=1)


def _job(by, *, status, minutes_ago=0, heartbeat_minutes_ago=None, **fields):
    """A program-report job of `by`, asked for `minutes_ago`, last heard from as given."""
    now = timezone.now()
    asked = now - minutes_ago * MINUTE
    if status in (ExportStatus.DONE, ExportStatus.FAILED):
        fields.setdefault("finished_at", now)
    return ExportJob.objects.create(
        organization=by.organization,
        requested_by=by,
        kind=ExportKind.PROGRAM_PDF,
        params=PERIOD,
        status=status,
        created_at=asked,
        started_at=asked if status != ExportStatus.QUEUED else None,
        heartbeat_at=(
            None if heartbeat_minutes_ago is None else now - heartbeat_minutes_ago * MINUTE
        ),
        expires_at=now + datetime.timedelta(hours=23),
        **fields,
    )


# The sweeper.


@override_settings(EXPORT_STALL_MINUTES=5, EXPORT_QUEUE_MINUTES=60)
def test_the_sweeper_gives_up_only_jobs_that_will_never_finish(admin):
    dead = _job(admin, status=ExportStatus.RUNNING, minutes_ago=30, heartbeat_minutes_ago=6)
    alive = _job(admin, status=ExportStatus.RUNNING, minutes_ago=30, heartbeat_minutes_ago=1)
    done = _job(admin, status=ExportStatus.DONE, minutes_ago=30, heartbeat_minutes_ago=29)
    lost = _job(admin, status=ExportStatus.QUEUED, minutes_ago=61)
    waiting = _job(admin, status=ExportStatus.QUEUED, minutes_ago=10)

    assert tasks.fail_stalled_exports.call() == 2

    states = {j.pk: (j.status, j.error) for j in ExportJob.objects.all()}
    assert states[dead.pk] == (ExportStatus.FAILED, export_models.STALLED)
    assert states[lost.pk] == (ExportStatus.FAILED, export_models.NOT_STARTED)
    assert states[alive.pk] == (ExportStatus.RUNNING, "")
    assert states[done.pk] == (ExportStatus.DONE, "")
    assert states[waiting.pk] == (ExportStatus.QUEUED, "")
    assert ExportJob.objects.get(pk=dead.pk).finished_at is not None
    assert tasks.fail_stalled_exports.call() == 0  # nothing left to give up


@override_settings(EXPORT_STALL_MINUTES=5, EXPORT_RUN_MINUTES=60)
def test_a_job_alive_but_stuck_is_given_up_after_the_run_limit(admin):
    """The heartbeat thread goes on while a rendering never returns: the total time limit ends it,
    on the page at once and in the sweep."""
    stuck = _job(admin, status=ExportStatus.RUNNING, minutes_ago=61, heartbeat_minutes_ago=0)
    slow = _job(admin, status=ExportStatus.RUNNING, minutes_ago=59, heartbeat_minutes_ago=0)
    assert (stuck.state(), slow.state()) == ("failed", "working")
    assert stuck.error_message == export_models.TOO_LONG
    assert stuck.can_retry() and not slow.can_retry()

    assert actions.fail_stalled_exports() == 1
    states = {j.pk: (j.status, j.error) for j in ExportJob.objects.all()}
    assert states[stuck.pk] == (ExportStatus.FAILED, export_models.TOO_LONG)
    assert states[slow.pk] == (ExportStatus.RUNNING, "")


def test_the_sweeper_runs_every_minute():
    assert ("waypoint.reports.tasks.fail_stalled_exports", MINUTE) in PERIODIC_TASKS


@override_settings(EXPORT_STALL_MINUTES=2)
def test_the_stall_timeout_is_a_setting(admin):
    job = _job(admin, status=ExportStatus.RUNNING, minutes_ago=10, heartbeat_minutes_ago=3)
    assert actions.fail_stalled_exports() == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED


QUEUE_RULE = "EXPORT_STALL_MINUTES must be at least 1 and at most EXPORT_QUEUE_MINUTES"
RUN_RULE = "EXPORT_RUN_MINUTES must be at least EXPORT_STALL_MINUTES"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "refusal"),
    [
        (
            {"EXPORT_STALL_MINUTES": "2", "EXPORT_QUEUE_MINUTES": "30", "EXPORT_RUN_MINUTES": "9"},
            None,
        ),
        ({"EXPORT_STALL_MINUTES": "0"}, QUEUE_RULE),
        ({"EXPORT_STALL_MINUTES": "10", "EXPORT_QUEUE_MINUTES": "5"}, QUEUE_RULE),
        ({"EXPORT_STALL_MINUTES": "10", "EXPORT_RUN_MINUTES": "5"}, RUN_RULE),
    ],
)
def test_the_export_timeouts_are_read_and_checked(tmp_path, env, refusal):
    probe = (
        "import waypoint.settings as s; "
        "print(s.EXPORT_STALL_MINUTES, s.EXPORT_QUEUE_MINUTES, s.EXPORT_RUN_MINUTES)"
    )
    result = python_in(probe, var_dir=tmp_path, env=env)
    if refusal is None:
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["2", "30", "9"]
    else:
        assert result.returncode != 0
        assert refusal in result.stderr


def test_a_job_given_up_meanwhile_keeps_its_failure(admin, monkeypatch):
    """The worker comes back after the sweep: the page already said it failed, so it stays so."""
    job = actions.request_export(ExportKind.PROGRAM_PDF, by=admin, params=PERIOD)

    def slow_then_given_up(job, progress):
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=export_models.STALLED, finished_at=timezone.now()
        )
        return b"%PDF-late", "application/pdf", "late.pdf"

    monkeypatch.setitem(exports.BUILDERS, ExportKind.PROGRAM_PDF, slow_then_given_up)
    job = actions.make_export(job)
    assert (job.status, job.error, job.content) == (
        ExportStatus.FAILED,
        export_models.STALLED,
        "",
    )


def test_progress_is_a_heartbeat(admin):
    job = _job(admin, status=ExportStatus.RUNNING, minutes_ago=10, heartbeat_minutes_ago=9)
    actions.set_progress(job, 1, 4)
    job.refresh_from_db()
    assert job.progress == 25
    assert timezone.now() - job.heartbeat_at < MINUTE
    actions.set_progress(job, 0, 4)  # progress never goes back
    job.refresh_from_db()
    assert job.progress == 25


@pytest.mark.django_db(transaction=True)
def test_a_long_step_keeps_beating(admin, monkeypatch):
    """One slow step with no progress callback (a big PDF) is not taken for a dead worker."""
    monkeypatch.setattr(export_models, "HEARTBEAT_EVERY", datetime.timedelta(seconds=0.05))
    seen = []

    def slow(job, progress):
        seen.append(ExportJob.objects.get(pk=job.pk).heartbeat_at)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            time.sleep(0.05)
            beat = ExportJob.objects.get(pk=job.pk).heartbeat_at
            if beat > seen[0]:
                seen.append(beat)
                break
        return b"%PDF-slow", "application/pdf", "slow.pdf"

    monkeypatch.setitem(exports.BUILDERS, ExportKind.PROGRAM_PDF, slow)
    # Committed at once (no test transaction), so the task runs the build on commit, like the
    # worker, and the heartbeat thread's own connection sees the row.
    job = actions.request_export(ExportKind.PROGRAM_PDF, by=admin, params=PERIOD)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE
    assert len(seen) == 2 and seen[1] > seen[0]


# A builder that raises.


def test_the_task_raising_marks_the_job_failed_and_logs_no_record_data(
    admin, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(job, progress):
        raise ValueError("Robin Quillfeather: return to use on 2026-05-01")

    monkeypatch.setitem(exports.BUILDERS, ExportKind.PROGRAM_PDF, broken)
    with (
        caplog.at_level(logging.ERROR, logger="waypoint.reports.actions"),
        django_capture_on_commit_callbacks(execute=True),  # the task runs here
    ):
        job = actions.request_export(ExportKind.PROGRAM_PDF, by=admin, params=PERIOD)
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, export_models.BUILD_FAILED)
    assert job.finished_at is not None and not job.is_downloadable()
    assert f"export {job.pk} (program_pdf) failed: ValueError at" in caplog.text
    assert "broken" in caplog.text  # where it happened
    assert "Robin" not in caplog.text and "return to use" not in caplog.text


# The page.


def test_the_page_shows_the_failure_and_a_retry_button(login, admin):
    job = _job(admin, status=ExportStatus.FAILED, error=export_models.STALLED)
    body = login(admin).get(reverse("reports-export", args=[job.pk])).content.decode()
    assert "Could not be made" in body
    assert "the background worker was interrupted" in body
    assert f'<form method="post" action="{reverse("reports-export-retry", args=[job.pk])}">' in body
    assert "Try again</button>" in body
    assert "hx-get" not in body  # nothing left to poll
    assert "<progress" not in body


@override_settings(EXPORT_STALL_MINUTES=5)
def test_a_stalled_job_says_so_before_the_sweep(login, admin):
    """Even with no worker left to run the sweep, the page does not keep promising a file."""
    job = _job(admin, status=ExportStatus.RUNNING, minutes_ago=20, heartbeat_minutes_ago=7)
    body = login(admin).get(reverse("reports-export-status", args=[job.pk])).content.decode()
    assert "Could not be made" in body and "Try again</button>" in body
    assert "hx-get" not in body


@override_settings(EXPORT_STALL_MINUTES=5)
def test_a_job_no_worker_started_tells_the_person(login, admin):
    fresh = _job(admin, status=ExportStatus.QUEUED, minutes_ago=1)
    old = _job(admin, status=ExportStatus.QUEUED, minutes_ago=6)
    web = login(admin)
    fresh_body = web.get(reverse("reports-export-status", args=[fresh.pk])).content.decode()
    old_body = web.get(reverse("reports-export-status", args=[old.pk])).content.decode()
    notice = "The background worker has not started this yet."
    assert notice not in fresh_body and 'hx-trigger="every 1s"' in fresh_body
    assert notice in old_body
    assert 'hx-trigger="every 5s"' in old_body  # still checking, less often
    assert "Try again" not in old_body  # a second job would wait in the same queue


def test_retry_makes_a_new_job_of_the_same_kind_and_period(
    login, admin, django_capture_on_commit_callbacks
):
    failed = _job(admin, status=ExportStatus.FAILED, error=export_models.BUILD_FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(admin).post(reverse("reports-export-retry", args=[failed.pk]))
    new = ExportJob.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports-export", args=[new.pk])
    assert (new.kind, new.params, new.requested_by_id) == (failed.kind, PERIOD, admin.pk)
    assert new.status == ExportStatus.DONE  # the worker (here: at once) made it
    event = AuditEvent.objects.get(object_type="reports.exportjob", object_id=str(new.pk))
    assert event.action == AuditAction.EXPORT
    assert event.detail["retry_of"] == failed.pk and event.detail["step"] == "requested"
    assert ExportJob.objects.get(pk=failed.pk).status == ExportStatus.FAILED  # history kept


def test_retry_of_someone_elses_job_is_404(login, admin, supervisor):
    """Sol may make program reports too, but not ask again for Ada's."""
    failed = _job(admin, status=ExportStatus.FAILED, error=export_models.BUILD_FAILED)
    assert (
        login(supervisor).post(reverse("reports-export-retry", args=[failed.pk])).status_code == 404
    )
    assert ExportJob.objects.count() == 1


def test_retry_needs_the_right_of_the_first_request(login, supervisor):
    failed = _job(supervisor, status=ExportStatus.FAILED, error=export_models.BUILD_FAILED)
    supervisor.role = "clinician"  # lost VIEW_PROGRAM_REPORTS since
    supervisor.save(update_fields=["role"])
    url = reverse("reports-export-retry", args=[failed.pk])
    assert login(supervisor).post(url).status_code == 404
    assert ExportJob.objects.count() == 1


def test_retry_of_a_running_or_ready_job_makes_nothing_new(login, admin):
    web = login(admin)
    for status in (ExportStatus.RUNNING, ExportStatus.DONE):
        job = _job(admin, status=status, heartbeat_minutes_ago=0, content="JVBERg==", size=4)
        response = web.post(reverse("reports-export-retry", args=[job.pk]))
        assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert ExportJob.objects.count() == 2


def test_an_expired_file_can_be_asked_for_again(login, admin, django_capture_on_commit_callbacks):
    job = _job(admin, status=ExportStatus.DONE, content="JVBERg==", size=4)
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now())
    web = login(admin)
    body = web.get(reverse("reports-export", args=[job.pk])).content.decode()
    assert "expired" in body and "Try again</button>" in body
    with django_capture_on_commit_callbacks(execute=True):
        assert web.post(reverse("reports-export-retry", args=[job.pk])).status_code == 302
    assert ExportJob.objects.count() == 2


def test_retry_is_post_only(login, admin):
    failed = _job(admin, status=ExportStatus.FAILED, error=export_models.BUILD_FAILED)
    assert login(admin).get(reverse("reports-export-retry", args=[failed.pk])).status_code == 405


def test_a_stalled_record_export_is_retried_for_the_client(
    login, client_user, client_chart, django_capture_on_commit_callbacks
):
    job = ExportJob.objects.create(
        organization=client_user.organization,
        requested_by=client_user,
        client=client_chart,
        kind=ExportKind.RECORD_PDF,
        status=ExportStatus.RUNNING,
        created_at=timezone.now() - 30 * MINUTE,
        heartbeat_at=timezone.now() - 20 * MINUTE,
        expires_at=timezone.now() + datetime.timedelta(hours=20),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client_user).post(reverse("reports-export-retry", args=[job.pk]))
    new = ExportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == new.get_absolute_url()
    assert (new.kind, new.client_id, new.status) == (
        ExportKind.RECORD_PDF,
        client_chart.pk,
        ExportStatus.DONE,
    )
    job.refresh_from_db()  # the stalled one is given up, so only one of them can finish
    assert (job.status, job.error) == (ExportStatus.FAILED, export_models.STALLED)


def test_the_failure_is_told_in_the_clients_language(login, client_user, client_chart):
    job = ExportJob.objects.create(
        organization=client_user.organization,
        requested_by=client_user,
        client=client_chart,
        kind=ExportKind.RECORD_PDF,
        status=ExportStatus.FAILED,
        error=export_models.BUILD_FAILED,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(hours=20),
    )
    body = (
        login(client_user)
        .get(reverse("reports-export", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="es")
        .content.decode()
    )
    assert "No se pudo preparar" in body
    assert "Algo salió mal al preparar este archivo." in body
    assert "Intentar de nuevo</button>" in body
    assert "Something went wrong" not in body and "Try again" not in body
