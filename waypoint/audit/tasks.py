"""Background work for the audit trail, run by `waypoint worker`: the scheduled anchor."""

from django_tasks import task

from waypoint.audit.actions import write_anchor


@task()
def anchor_audit_trail() -> str:
    """Append the head of the audit chain to AUDIT_ANCHOR_FILE (docs/security.md, "Anchors").

    Registered hourly in `waypoint.worker.periodic.PERIODIC_TASKS`; returns the anchor line so
    the task result shows what was written. Ship the file off the machine as the docs describe.
    """
    return write_anchor().line()
