"""The safety-plans panel on the chart and in the portal: one query for both plans."""

from django.db.models import Prefetch

from waypoint.clients.extensions import Panel
from waypoint.plans.models import PlanKind, SafetyPlan, SafetyPlanVersion


def _plans_by_kind(client) -> list[tuple[str, str, object, object]]:
    """(kind, label, plan or None, current version or None) for both kinds, in order."""
    plans = {
        plan.kind: plan
        for plan in SafetyPlan.objects.filter(client=client).prefetch_related(
            Prefetch(
                "versions",
                queryset=SafetyPlanVersion.objects.select_related("saved_by").order_by("-number"),
            )
        )
    }
    rows = []
    for kind, label in PlanKind.choices:
        plan = plans.get(kind)
        versions = list(plan.versions.all()) if plan else []
        rows.append((kind, label, plan, versions[0] if versions else None))
    return rows


def chart_panel(request, access):
    return Panel(
        "plans/_panel_plans.html",
        {"plans": _plans_by_kind(access.client), "can_write": access.can_write},
    )


def portal_panel(request, client):
    return Panel("plans/_panel_portal_plans.html", {"plans": _plans_by_kind(client)})
