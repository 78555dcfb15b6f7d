"""Where other apps plug into the caseload, the chart page and the portal home.

Each entry is a dotted path, loaded with Django's `import_string` when used (the same
mechanism as the other registries: docs/adr/0003-extension-registries.md):
- CASELOAD_COLUMNS: (heading, cell template, annotator). The annotator gets the list of Client
  rows on the page and the user, and sets attributes on them in bulk (one query, never per row);
  the cell template renders one client's cell from those attributes.
- CHART_PANELS: callables `(request, access) -> Panel | None`, `access` being the request's
  `ChartAccess` (the chart and what the user may do with it: never ask again in a panel).
- PORTAL_PANELS: callables `(request, client) -> Panel | None` (the signed-in client's own chart).
Panels give a template and its context, rendered in order on the chart page / the portal home.
"""

from dataclasses import dataclass, field

from django.utils.module_loading import import_string

CASELOAD_COLUMNS = [
    ("Alerts", "clients/_cell_alerts.html", "waypoint.clients.panels.annotate_alerts"),
    ("Measures due", "measures/_cell_due.html", "waypoint.measures.panels.annotate_measures_due"),
    ("Goal review", "goals/_cell_review.html", "waypoint.goals.panels.annotate_goal_reviews"),
    ("Diary, 12 weeks", "diary/_cell_outcomes.html", "waypoint.diary.panels.annotate_outcomes"),
    (
        "Next appointment",
        "appointments/_cell_next.html",
        "waypoint.appointments.panels.annotate_next_appointment",
    ),
    ("Stage", "assessment/_cell_stages.html", "waypoint.assessment.panels.annotate_stages"),
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


def caseload_columns() -> list[tuple[str, str]]:
    return [(heading, template) for heading, template, _ in CASELOAD_COLUMNS]


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
