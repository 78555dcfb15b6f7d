"""Exports and imports of whole charts, audited."""

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.access import get_client_for_user
from waypoint.exchange.fhir_export import client_bundle
from waypoint.exchange.fhir_import import import_bundle


def export_chart(user, pk) -> dict:
    """The chart as a FHIR Bundle, if `user` may open it (404 otherwise), recorded as an export."""
    client = get_client_for_user(user, pk, page="fhir export").client
    bundle = client_bundle(client)
    record(
        by=user,
        action=AuditAction.EXPORT,
        obj=client,
        client=client,
        detail={"format": "fhir-r4-bundle", "resources": len(bundle.get("entry", []))},
    )
    return bundle


def import_chart(data, *, by, chart_number: str = ""):
    """A new chart in the importer's organization (raises BundleError; nothing created)."""
    result = import_bundle(data, organization=by.organization, by=by, chart_number=chart_number)
    record(
        by=by,
        action=AuditAction.CREATE,
        obj=result.client,
        client=result.client,
        detail={"imported": "fhir-r4-bundle", **{k: v for k, v in result.counts.items()}},
    )
    return result
