"""Background work for diaries, run by `waypoint worker`."""

from django_tasks import task

from waypoint.diary import rollups


@task()
def rebuild_organization_rollups(organization_id: int) -> int:
    """Recompute every chart's day rollups in an organization (after its standard drink changed).

    Returns the number of diary entries read.
    """
    from waypoint.clients.models import Client

    return rollups.rebuild_rollups(
        Client.objects.filter(organization_id=organization_id).values_list("pk", flat=True)
    )
