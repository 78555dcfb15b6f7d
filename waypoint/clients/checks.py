"""`waypoint check --database default`: existing rows that today's rules would refuse."""

import re

from django.core import checks

from waypoint.clients.models import CHART_NUMBER_PATTERN


@checks.register(checks.Tags.database)
def chart_numbers_are_valid(app_configs=None, databases=None, **kwargs):
    """Charts saved before chart numbers were validated, by id (numbers may identify)."""
    if not databases:
        return []
    from django.db import connections

    from waypoint.clients.models import Client

    if Client._meta.db_table not in connections["default"].introspection.table_names():
        return []  # `migrate` runs database checks before the table exists

    pattern = re.compile(CHART_NUMBER_PATTERN)
    bad = [
        (pk, org)
        for pk, org, number in Client.objects.values_list("pk", "organization_id", "chart_number")
        if not pattern.match(number)
    ]
    if not bad:
        return []
    shown = ", ".join(f"{pk} (organization {org})" for pk, org in bad[:20])
    return [
        checks.Warning(
            f"{len(bad)} chart number(s) are not letters, digits and hyphens: chart id {shown}"
            + (" and more" if len(bad) > 20 else "")
            + ".",
            hint="Give each a valid number on its Edit chart page; saving it requires one.",
            id="clients.W001",
        )
    ]
