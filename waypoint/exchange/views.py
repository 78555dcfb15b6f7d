"""Download a chart as a FHIR Bundle; upload a Bundle to create a chart."""

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts.decorators import permission_required, staff_required
from waypoint.accounts.roles import Permission
from waypoint.exchange import actions
from waypoint.exchange.fhir_import import BundleError
from waypoint.exchange.forms import BundleUploadForm
from waypoint.lib.downloads import attachment


@require_GET
@staff_required
def export_bundle(request, pk):
    bundle = actions.export_chart(request.user, pk)
    chart_number = bundle["entry"][0]["resource"]["identifier"][0]["value"]
    response = HttpResponse(json.dumps(bundle, indent=2), content_type="application/fhir+json")
    return attachment(response, f"{chart_number}-fhir.json")


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CREATE_CHART)
def import_bundle(request):
    form = BundleUploadForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.import_chart(
                form.cleaned_data["bundle"],
                by=request.user,
                chart_number=form.cleaned_data["chart_number"],
            )
        except BundleError as exc:
            form.add_error("bundle", f"Nothing was created. {exc.path}: {exc.message}")
        else:
            counts = (
                ", ".join(f"{n} {what}" for what, n in result.counts.items() if n)
                or "no records besides the person's details"
            )
            messages.success(request, f"Chart {result.client.chart_number} created: {counts}.")
            for note in result.skipped:
                messages.info(request, f"Not imported: {note}.")
            return redirect(result.client.get_absolute_url())
    return TemplateResponse(
        request,
        "exchange/import.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
