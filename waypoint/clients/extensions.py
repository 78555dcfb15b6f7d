"""Where other apps plug into the caseload, the chart page and the portal home.

Each entry is a dotted path, imported on first use:
- CASELOAD_COLUMNS: (heading, cell template, annotator). The annotator gets the list of Client
  rows on the page and the user, and sets attributes on them in bulk (one query, never per row);
  the cell template renders one client's cell from those attributes.
- CHART_PANELS / PORTAL_PANELS: callables `(request, client) -> Panel | None` giving a template and
  its context, rendered in order on the chart page / the client's portal home.
"""

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

CASELOAD_COLUMNS = [
    ("Alerts", "clients/_cell_alerts.html", "waypoint.clients.panels.annotate_alerts"),
    ("Measures due", "measures/_cell_due.html", "waypoint.measures.panels.annotate_measures_due"),
    ("Diary, 12 weeks", "diary/_cell_outcomes.html", "waypoint.diary.panels.annotate_outcomes"),
]

CHART_PANELS = [
    "waypoint.clients.panels.alerts_panel",
    "waypoint.goals.panels.goals_panel",
    "waypoint.diary.panels.outcomes_panel",
    "waypoint.measures.panels.chart_panel",
    "waypoint.privacy.panels.chart_panel",
]

PORTAL_PANELS: list[str] = [
    "waypoint.diary.panels.portal_progress_panel",
    "waypoint.goals.panels.portal_goals_panel",
    "waypoint.measures.panels.portal_panel",
    "waypoint.privacy.panels.portal_panel",
]


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)


@cache
def _load(dotted: str):
    module_name, attr = dotted.rsplit(".", 1)
    return getattr(import_module(module_name), attr)


def caseload_columns() -> list[tuple[str, str]]:
    return [(heading, template) for heading, template, _ in CASELOAD_COLUMNS]


def annotate_caseload(clients: list, user) -> list:
    for _, _, annotator in CASELOAD_COLUMNS:
        _load(annotator)(clients, user)
    return clients


def _panels(paths, request, client) -> list[Panel]:
    panels = []
    for dotted in paths:
        panel = _load(dotted)(request, client)
        if panel is not None:
            panels.append(panel)
    return panels


def chart_panels(request, client) -> list[Panel]:
    return _panels(CHART_PANELS, request, client)


def portal_panels(request, client) -> list[Panel]:
    return _panels(PORTAL_PANELS, request, client)
