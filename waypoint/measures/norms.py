"""Organization admins' pages for their own reliable-change norms (intake SD and reliability).

Each instrument with a total can carry the organization's own pair; without one, the data file's
clinical-sample norms apply, and where the file has none, raw change is shown with the reason.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.accounts.decorators import permission_required
from waypoint.accounts.roles import Permission
from waypoint.measures import actions, instruments
from waypoint.measures.forms import MeasureNormForm
from waypoint.measures.models import MeasureNorm
from waypoint.measures.reliable_change import Norms


def _comparable_instruments():
    return [i for i in instruments.all_instruments() if i.has_total and i.direction]


def _comparable_or_404(instrument_id):
    try:
        instrument = instruments.get(instrument_id)
    except instruments.UnknownInstrument:
        raise Http404("No such instrument") from None
    if not instrument.has_total or instrument.direction is None:
        raise Http404("This instrument has no total to compare over time")
    return instrument


@require_GET
@permission_required(Permission.MANAGE_MEASURE_NORMS)
def norm_list(request):
    organization = request.user.organization
    own = {
        n.instrument_id: n
        for n in MeasureNorm.objects.filter(organization=organization).select_related("entered_by")
    }
    rows = [
        {
            "instrument": instrument,
            "own": own.get(instrument.id),
            "file_norms": Norms.from_file(instrument),
        }
        for instrument in _comparable_instruments()
    ]
    return TemplateResponse(request, "measures/norms.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_MEASURE_NORMS)
def norm_edit(request, instrument_id):
    organization = request.user.organization
    instrument = _comparable_or_404(instrument_id)
    current = MeasureNorm.objects.filter(
        organization=organization, instrument_id=instrument.id
    ).first()
    initial = (
        {"sd": current.sd, "reliability": current.reliability, "source_note": current.source_note}
        if current
        else {}
    )
    form = MeasureNormForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_measure_norm(
                organization,
                by=request.user,
                instrument_id=instrument.id,
                **form.cleaned_data,
            )
        except actions.MeasureError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{instrument.short_name} norms saved.")
            return redirect("measures-norms")
    return TemplateResponse(
        request,
        "measures/norm_edit.html",
        {"instrument": instrument, "form": form, "current": current},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@permission_required(Permission.MANAGE_MEASURE_NORMS)
def norm_remove(request, measurenorm_pk):
    norm = get_object_or_404(MeasureNorm, pk=measurenorm_pk, organization=request.user.organization)
    actions.remove_measure_norm(norm, by=request.user)
    messages.success(request, "Your organization's norms were removed; the defaults apply.")
    return redirect("measures-norms")
