"""Saving safety plans. Every save is a new version (with who and when), audited.

The clinician saves every section and decides which the client may edit; the client saves only
those. Required sections must have at least one item: the forms say so field by field, and
`save_plan` refuses too, so nothing incomplete is ever stored.
"""

import json

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.diary.actions import lock_client
from waypoint.plans import guide
from waypoint.plans.models import PlanKind, SafetyPlan, SafetyPlanVersion


class PlanRefused(ValueError):
    """The save would store an incomplete plan or touch a section the client may not edit."""

    def __init__(self, message: str, *, sections: list[str] | None = None):
        super().__init__(message)
        self.sections = sections or []


def _clean(items: dict, keys) -> dict[str, list[str]]:
    return {key: [line.strip() for line in items.get(key, []) if line.strip()] for key in keys}


@transaction.atomic
def save_plan(
    client,
    *,
    by,
    kind: str,
    items: dict[str, list[str]],
    by_client: bool = False,
    client_may_edit: list[str] | None = None,
    saved_at=None,
) -> SafetyPlanVersion | None:
    """Save the plan's items as a new version; None when nothing changed.

    `items` maps section keys to lists of short items. A client (`by_client=True`) may pass only
    the sections the plan lets them edit; the others are carried over from the current version.
    `client_may_edit` (staff only) replaces the list of client-editable sections. `saved_at`
    backdates the version (the demo's history); real saves are stamped now.
    """
    if kind not in PlanKind.values:
        raise ValueError(f"unknown plan kind {kind!r}")
    plan_guide = guide.guide(kind)
    unknown = set(items) - set(plan_guide.section_keys)
    if unknown:
        raise ValueError(f"unknown sections: {sorted(unknown)}")
    lock_client(client)  # one version number at a time per chart
    plan, created = SafetyPlan.objects.get_or_create(client=client, kind=kind)
    current = plan.current_version()
    stored = current.sections() if current else {}
    if by_client:
        if client_may_edit is not None:
            raise PlanRefused(
                gettext_noop("Only the care team decides which sections the client may edit.")
            )
        if current is None:
            raise PlanRefused(gettext_noop("The care team has not made this plan with you yet."))
        refused = sorted(set(items) - set(plan.client_may_edit))
        if refused:
            raise PlanRefused(
                gettext_noop("These sections are edited by your care team."), sections=refused
            )
    new = _clean({**stored, **items}, plan_guide.section_keys)
    missing = [key for key in plan_guide.required_keys if not new[key]]
    if missing:
        raise PlanRefused(gettext_noop("A complete plan needs these sections."), sections=missing)

    if created:
        record(by=by, action=AuditAction.CREATE, obj=plan, client=client, detail={"kind": kind})
    if client_may_edit is not None:
        allowed = [key for key in plan_guide.section_keys if key in set(client_may_edit)]
        if allowed != plan.client_may_edit:
            plan.client_may_edit = allowed
            plan.save(update_fields=["client_may_edit"])
            record(
                by=by,
                action=AuditAction.CHANGE,
                obj=plan,
                client=client,
                detail={"client_may_edit": allowed},
            )

    if current is not None and _clean(stored, plan_guide.section_keys) == new:
        return None
    number = (plan.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = SafetyPlanVersion.objects.create(
        plan=plan,
        number=number,
        items=json.dumps(new, ensure_ascii=False),
        saved_by=by,
        by_client=by_client,
        saved_at=saved_at or timezone.now(),
    )
    changed = sorted(k for k in plan_guide.section_keys if new[k] != stored.get(k, []))
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=version,
        client=client,
        detail={"kind": kind, "version": number, "sections": changed, "by_client": by_client},
    )
    return version


def record_print(plan: SafetyPlan, *, by, version: SafetyPlanVersion) -> None:
    """A PDF of a plan was made (staff or the client's own copy): audited like other prints."""
    record(
        by=by,
        action=AuditAction.PRINT,
        obj=version,
        client=plan.client,
        detail={"kind": plan.kind, "version": version.number, "format": "pdf"},
    )
