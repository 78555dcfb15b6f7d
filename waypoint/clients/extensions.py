"""Where other apps plug into the caseload, the chart page and the portal home.

Each entry is a dotted path, loaded with Django's `import_string` when used (the same
mechanism as the other registries: docs/adr/0003-extension-registries.md):
- CASELOAD_COLUMNS: (heading, cell, annotator). The annotator gets the list of Client rows on
  the page and the user, and sets attributes on them in bulk (one query, never per row); the
  cell renders one client's cell from those attributes: a dotted path to a function
  `(client) -> str` of escaped HTML (fast: the caseload has 200 rows, see clients/cells.py), or
  a template path ending in ".html" (context: `client`). The rows carry only the chart fields in
  `waypoint.clients.models.TABLE_FIELDS` (a cell reading another one queries per row: add it
  there); annotators filter by the rows' ids with `waypoint.lib.idlists.IdIn`.
- CHART_PANELS: callables `(request, access) -> Panel | None`, `access` being the request's
  `ChartAccess` (the chart and what the user may do with it: never ask again in a panel).
- PORTAL_PANELS: callables `(request, client) -> Panel | None` (the signed-in client's own chart).
Panels give a template and its context, rendered in order on the chart page / the portal home.
"""

from dataclasses import dataclass, field

from django.utils.module_loading import import_string

CASELOAD_COLUMNS = [
    ("Alerts", "waypoint.clients.panels.alerts_cell", "waypoint.clients.panels.annotate_alerts"),
    (
        "Measures due",
        "waypoint.measures.panels.measures_due_cell",
        "waypoint.measures.panels.annotate_measures_due",
    ),
    (
        "Goal review",
        "waypoint.goals.panels.goal_review_cell",
        "waypoint.goals.panels.annotate_goal_reviews",
    ),
    (
        "Diary, 12 weeks",
        "waypoint.diary.panels.outcomes_cell",
        "waypoint.diary.panels.annotate_outcomes",
    ),
    (
        "Next appointment",
        "waypoint.appointments.panels.next_appointment_cell",
        "waypoint.appointments.panels.annotate_next_appointment",
    ),
    (
        "Stage",
        "waypoint.assessment.panels.stages_cell",
        "waypoint.assessment.panels.annotate_stages",
    ),
]

CHART_PANELS = [
    "waypoint.clients.panels.alerts_panel",
    "waypoint.appointments.panels.chart_panel",
    "waypoint.goals.panels.goals_panel",
    "waypoint.notes.panels.notes_panel",
    "waypoint.groups.panels.chart_panel",
    "waypoint.plans.panels.chart_panel",
    "waypoint.assessment.panels.chart_panel",
    "waypoint.diary.panels.outcomes_panel",
    "waypoint.measures.panels.chart_panel",
    "waypoint.medications.panels.chart_panel",
    "waypoint.privacy.panels.chart_panel",
]

PORTAL_PANELS: list[str] = [
    "waypoint.appointments.panels.portal_panel",
    "waypoint.groups.panels.portal_panel",
    "waypoint.diary.panels.portal_progress_panel",
    "waypoint.goals.panels.portal_goals_panel",
    "waypoint.plans.panels.portal_panel",
    "waypoint.assessment.panels.portal_panel",
    "waypoint.measures.panels.portal_panel",
    "waypoint.privacy.panels.portal_panel",
    "waypoint.medications.panels.portal_panel",
]


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)


def cell_renderer(cell: str):
    """The `(client) -> str` of a CASELOAD_COLUMNS cell: a dotted function or a template."""
    if cell.endswith(".html"):
        from waypoint.clients.cells import template_cell

        return template_cell(cell)
    return import_string(cell)


def caseload_columns() -> list[tuple[str, object]]:
    """(heading, cell renderer) of every caseload column, in order."""
    return [(heading, cell_renderer(cell)) for heading, cell, _ in CASELOAD_COLUMNS]


def annotate_caseload(clients: list, user) -> list:
    for _, _, annotator in CASELOAD_COLUMNS:
        import_string(annotator)(clients, user)
    return clients


def _panels(paths, request, subject) -> list[Panel]:
    panels = []
    for dotted in paths:
        panel = import_string(dotted)(request, subject)
        if panel is not None:
            panels.append(panel)
    return panels


def chart_panels(request, access) -> list[Panel]:
    return _panels(CHART_PANELS, request, access)


def portal_panels(request, client) -> list[Panel]:
    return _panels(PORTAL_PANELS, request, client)
