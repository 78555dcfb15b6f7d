"""Safety plans in the client's record (privacy registries) and their retention anonymizer.

- `plans_part` (kind "Safety plans", `InfoKind.SAFETY_PLANS`): both plans as they stand now
  (every section's items), which sections the client may edit, and the list of versions (number,
  when, saved by staff or by the client). Earlier versions' items stay in the chart; the record
  carries the plan in force, the way a disclosure would need it. In the FHIR download each plan
  is a CarePlan (intent "plan", status active) whose activities are the sections.
- `anonymize_plans` (ANONYMIZERS): blanks every version's items (all free text); the plan kinds,
  version numbers and dates stay.

See docs/safety-plans.md and docs/privacy.md.
"""

from django.utils import translation
from fhir.resources.R4B.careplan import CarePlan

from waypoint.plans.models import SafetyPlan, SafetyPlanVersion
from waypoint.privacy.models import InfoKind
from waypoint.privacy.records import RecordPart


def plans_part(client, ctx):
    # A record says the same whoever downloads it: the data file's English section titles.
    with translation.override("en"):
        return _plans_part(client, ctx)


def _plans_part(client, ctx):
    plans = list(SafetyPlan.objects.filter(client=client).prefetch_related("versions__saved_by"))
    data, resources = [], []
    for plan in plans:
        versions = sorted(plan.versions.all(), key=lambda v: v.number)
        if not versions:
            continue
        current = versions[-1]
        sections = [
            {"key": s.key, "title": s.title, "items": items}
            for s, items in current.filled_sections()
        ]
        data.append(
            {
                "kind": plan.kind,
                "kind_label": plan.get_kind_display(),
                "version": current.number,
                "saved_at": current.saved_at.isoformat(),
                "complete": current.is_complete,
                "sections": sections,
                "client_may_edit": plan.client_may_edit,
                "versions": [
                    {
                        "number": v.number,
                        "saved_at": v.saved_at.isoformat(),
                        "saved_by": "client" if v.by_client else "staff",
                    }
                    for v in versions
                ],
            }
        )
        resources.append((ctx.ref("safety-plan", plan.pk), _fhir_plan(plan, current, ctx)))
    if not data:
        return None
    return RecordPart(
        key="safety_plans",
        title="Safety plans",
        kind=InfoKind.SAFETY_PLANS,
        template="plans/parts/_record.html",
        data=data,
        fhir=resources,
    )


def _fhir_plan(plan, version, ctx) -> CarePlan:
    activities = [
        {"detail": {"status": "in-progress", "description": f"{section.title}: {item}"}}
        for section, items in version.filled_sections()
        for item in items
    ]
    resource = {
        "resourceType": "CarePlan",
        "status": "active",
        "intent": "plan",
        "title": plan.get_kind_display(),
        "subject": {"reference": ctx.patient_ref},
        "created": version.saved_at.isoformat(),
        "activity": activities or None,
    }
    return CarePlan.model_validate({k: v for k, v in resource.items() if v is not None})


def anonymize_plans(client) -> None:
    """Blank every version's items; kinds, version numbers and dates stay."""
    SafetyPlanVersion.objects.filter(plan__client=client).update(items="")
