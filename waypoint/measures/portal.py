"""The client's side: complete an assigned questionnaire in the portal, on a phone."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts.decorators import client_required
from waypoint.clients.access import portal_client_for_user
from waypoint.measures import actions
from waypoint.measures.forms import AnswersForm
from waypoint.measures.models import Administration, AdministrationStatus
from waypoint.measures.scoring import ScoringError


@require_http_methods(["GET", "POST"])
@client_required
def complete(request, adm_pk):
    client = portal_client_for_user(request.user, page="portal questionnaire")
    administration = get_object_or_404(Administration, pk=adm_pk, client=client, in_portal=True)
    if administration.status == AdministrationStatus.COMPLETED:
        messages.info(request, "You already sent this questionnaire. Thank you.")
        return redirect("portal-home")
    if not administration.is_open or (
        administration.due_on and administration.due_on > timezone.localdate()
    ):
        return redirect("portal-home")
    instrument = administration.instrument
    form = AnswersForm(
        request.POST or None, instrument=instrument, thresholds=client.drinking_thresholds
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.complete_in_portal(
                administration,
                by=request.user,
                answers=form.cleaned_data["answers"],
                target=form.cleaned_data.get("target", ""),
            )
        except (ScoringError, actions.MeasureError) as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("portal-measure-done", administration.pk)
    return TemplateResponse(
        request,
        "measures/portal_complete.html",
        {
            "client": client,
            "administration": administration,
            "instrument": instrument,
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@client_required
def done(request, adm_pk):
    client = portal_client_for_user(request.user, page="portal questionnaire sent")
    administration = get_object_or_404(
        Administration,
        pk=adm_pk,
        client=client,
        status=AdministrationStatus.COMPLETED,
        completed_in_portal=True,
    )
    instrument = administration.instrument
    crisis = bool(instrument) and any(
        flag.crisis_lines for flag in instrument.flags if flag.id in administration.flags
    )
    return TemplateResponse(
        request,
        "measures/portal_done.html",
        {"client": client, "administration": administration, "crisis": crisis},
    )
