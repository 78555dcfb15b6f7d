"""Background work for reports, run by `waypoint worker`: long exports and their expiry."""

from django_tasks import task


@task()
def run_export(job_id: int) -> str:
    """Make the file of one export job (enqueued by `actions.request_export` on commit)."""
    from waypoint.reports import actions  # actions enqueues this task: import on call
    from waypoint.reports.models import ExportJob

    job = (
        ExportJob.objects.select_related("organization", "client__organization")
        .filter(pk=job_id)
        .first()
    )
    if job is None:  # expired and purged, or its chart was purged
        return "gone"
    return actions.make_export(job).status


@task()
def purge_expired_exports() -> int:
    """Delete expired export files (PERIODIC_TASKS, every 15 minutes)."""
    from waypoint.reports import actions

    return actions.purge_expired_exports()


@task()
def fail_stalled_exports() -> int:
    """Mark exports that will never finish as failed (PERIODIC_TASKS, every minute)."""
    from waypoint.reports import actions

    return actions.fail_stalled_exports()
