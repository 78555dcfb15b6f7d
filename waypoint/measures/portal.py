"""The client's side: complete an assigned questionnaire in the portal, on a phone."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts.decorators import client_required
from waypoint.clients.access import portal_client_for_user
from waypoint.clinics.hours import review_phrase
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
        administration.due_on and administration.due_on > client.organization.today()
    ):
        return redirect("portal-home")
    instrument = administration.instrument
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        thresholds=client.drinking_thresholds,
        safety_scope=f"portal:{administration.pk}",
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.complete_in_portal(
                administration,
                by=request.user,
                answers=form.cleaned_data["answers"],
                target=form.cleaned_data.get("target", ""),
                already_alerted=form.safety_alerted,
            )
        except (ScoringError, actions.MeasureError) as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("portal-measure-done", administration.pk)
    if request.method == "POST" and form.safety_flags:
        # Refused (an item left blank), but a safety answer reaches the care team now.
        alerted = actions.raise_safety_alerts(
            client,
            by=request.user,
            instrument=instrument,
            answers=form.partial_answers,
            administration=administration,
            already=form.safety_alerted,
        )
        form.remember_safety_alerts(alerted)
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
    raised = [f for f in (instrument.flags if instrument else ()) if f.id in administration.flags]
    crisis = any(flag.crisis_lines for flag in raised)
    urgent = any(flag.alert and flag.alert.get("severity") == "urgent" for flag in raised)
    now = timezone.now()
    return TemplateResponse(
        request,
        "measures/portal_done.html",
        {
            "client": client,
            "administration": administration,
            "crisis": crisis,
            # Honest timing: the team is emailed at once, but reads alerts in its hours.
            "team_sees": (
                review_phrase(now, client.organization.alerts_reviewed_by(now)) if urgent else ""
            ),
        },
    )
