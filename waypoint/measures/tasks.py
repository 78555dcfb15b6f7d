"""Background work for measures, run by `waypoint worker`: schedules coming due."""

from django.db import transaction
from django_tasks import task

from waypoint.measures.models import Schedule


@task()
def schedule_next_item(schedule_id: int) -> bool:
    """The next due item of one schedule, enqueued when an item is completed or cancelled."""
    from waypoint.measures import actions  # actions enqueue this task: import on call

    with transaction.atomic():
        schedule = (
            Schedule.objects.select_for_update()
            .select_related("client__organization")
            .filter(pk=schedule_id, active=True)
            .first()
        )
        return schedule is not None and actions.ensure_next_item(schedule) is not None


@task()
def create_due_items() -> int:
    """Every active schedule with nothing open gets its next item (PERIODIC_TASKS): catches
    what a stopped worker or a failed task missed. Returns how many were created."""
    from waypoint.measures import actions

    created = 0
    for schedule_id in Schedule.objects.filter(active=True).values_list("pk", flat=True):
        with transaction.atomic():
            schedule = (
                Schedule.objects.select_for_update()
                .select_related("client__organization")
                .get(pk=schedule_id)
            )
            created += actions.ensure_next_item(schedule) is not None
    return created
