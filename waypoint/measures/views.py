"""Staff pages for measures: record in session, assign, schedule, history with reliable change,
correction, and the FHIR download. Every page reaches the chart through get_client_for_user."""

import datetime
import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.accounts.decorators import staff_required
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.access import get_client_for_user
from waypoint.clients.models import Alert
from waypoint.clients.panels import urgent_alert_forms
from waypoint.lib.dbrouter import reads_from_replica
from waypoint.lib.downloads import attachment
from waypoint.measures import actions, fhir, instruments, reliable_change
from waypoint.measures.charts import history_chart
from waypoint.measures.forms import AnswersForm, AssignForm, ScheduleForm
from waypoint.measures.models import Administration, MeasureNorm, Schedule
from waypoint.measures.panels import latest_by_instrument
from waypoint.measures.scoring import ScoringError

# The schedule form shares a page with the assign form: a prefix keeps their ids apart.
SCHEDULE_PREFIX = "schedule"


def _instrument_or_404(instrument_id):
    try:
        return instruments.get(instrument_id)
    except instruments.UnknownInstrument:
        raise Http404("No such instrument") from None


def _administered_at(day: datetime.date, organization) -> datetime.datetime:
    """A date typed by a clinician, stored as noon in the clinic's zone (now, if it is today)."""
    if day == organization.today():
        return timezone.now()
    return datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=organization.zone)


def _measures_page(request, access, *, assign_form=None, schedule_form=None, status=200):
    client = access.client
    administrations = list(
        Administration.objects.filter(client=client)
        .exclude(status="cancelled")
        .select_related("entered_by", "supersedes")
        .order_by("-administered_at", "-id")
    )
    superseded = {a.supersedes_id for a in administrations if a.supersedes_id}
    today = client.organization.today()
    for administration in administrations:
        administration.is_superseded = administration.pk in superseded
    return TemplateResponse(
        request,
        "measures/client_measures.html",
        {
            "client": client,
            "completed": [a for a in administrations if a.is_completed],
            "waiting": sorted(
                (a for a in administrations if a.is_open),
                key=lambda a: (a.due_on or datetime.date.max, a.pk),
            ),
            "latest": latest_by_instrument(client),
            "schedules": Schedule.objects.filter(client=client, active=True),
            "instruments": instruments.all_instruments(),
            "can_write": access.can_write,
            "assign_form": assign_form or AssignForm(),
            "schedule_form": schedule_form
            or ScheduleForm(prefix=SCHEDULE_PREFIX, initial={"starts_on": today}),
            "today": today,
        },
        status=status,
    )


@require_GET
@staff_required
def client_measures(request, pk):
    return _measures_page(request, get_client_for_user(request.user, pk, page="measures"))


@require_http_methods(["GET", "POST"])
@staff_required
def record_measure(request, pk, instrument_id):
    client = get_client_for_user(request.user, pk, write=True, page="record measure").client
    instrument = _instrument_or_404(instrument_id)
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        thresholds=client.drinking_thresholds,
        with_date=True,
        today=client.organization.today(),
        safety_scope=f"session:{client.pk}:{instrument.id}:{request.user.pk}",
    )
    if request.method == "POST" and form.is_valid():
        try:
            administration = actions.record_administration(
                client,
                by=request.user,
                instrument_id=instrument.id,
                answers=form.cleaned_data["answers"],
                administered_at=_administered_at(
                    form.cleaned_data["administered_on"], client.organization
                ),
                target=form.cleaned_data.get("target", ""),
                already_alerted=form.safety_alerted,
            )
        except (ScoringError, actions.MeasureError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{instrument.short_name} recorded.")
            return redirect(administration)
    if request.method == "POST" and form.safety_flags:
        alerted = actions.raise_safety_alerts(
            client,
            by=request.user,
            instrument=instrument,
            answers=form.partial_answers,
            already=form.safety_alerted,
        )
        form.remember_safety_alerts(alerted)
    return TemplateResponse(
        request,
        "measures/record.html",
        {"client": client, "instrument": instrument, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _administration(client, adm_pk) -> Administration:
    return get_object_or_404(
        Administration.objects.select_related("entered_by", "supersedes", "assigned_by"),
        pk=adm_pk,
        client=client,
    )


@require_GET
@staff_required
def measure_detail(request, pk, adm_pk):
    access = get_client_for_user(request.user, pk, page="measure")
    client = access.client
    administration = _administration(client, adm_pk)
    instrument = administration.instrument
    correction = Administration.objects.filter(supersedes=administration).first()
    # An urgent answer (PHQ-9 item 9 above 0) is said at the top, with its acknowledgement.
    raised = list(
        Alert.objects.urgent().raised_by(administration).select_related("acknowledged_by")
    )
    version_changed = bool(
        instrument
        and administration.instrument_version
        and administration.instrument_version != instrument.version
    )
    return TemplateResponse(
        request,
        "measures/detail.html",
        {
            "client": client,
            "administration": administration,
            "instrument": instrument,
            "rows": administration.answered_items() if administration.is_completed else [],
            "correction": correction,
            "version_changed": version_changed,
            "subscales": _subscale_rows(administration, instrument),
            "can_write": access.can_write,
            "urgent_alerts": urgent_alert_forms(a for a in raised if a.is_open),
            "acknowledged_alerts": [a for a in raised if not a.is_open],
            "can_acknowledge": access.can_acknowledge_alerts,
            "next": request.path,
        },
    )


def _subscale_rows(administration, instrument):
    if instrument is None:
        return []
    return [
        {
            "label": sub.label,
            "value": administration.subscales.get(sub.key),
            "range": sub.range,
            "norm": sub.norm_for(administration.subscales.get(sub.key)),
        }
        for sub in instrument.subscales
    ]


@require_http_methods(["GET", "POST"])
@staff_required
def correct_measure(request, pk, adm_pk):
    client = get_client_for_user(request.user, pk, write=True, page="correct measure").client
    original = _administration(client, adm_pk)
    instrument = original.instrument
    if instrument is None or not original.is_completed:
        raise Http404("This measure cannot be corrected")
    if Administration.objects.filter(supersedes=original).exists():
        messages.info(request, "This measure was already corrected; correct the newer one.")
        return redirect(original)
    form = AnswersForm(
        request.POST if request.method == "POST" else None,
        instrument=instrument,
        thresholds=client.drinking_thresholds,
        with_reason=True,
        answers=original.answer_indices(),
        target=original.target,
    )
    if request.method == "POST" and form.is_valid():
        try:
            correction = actions.correct_administration(
                original,
                by=request.user,
                answers=form.cleaned_data["answers"],
                reason=form.cleaned_data["reason"],
                target=form.cleaned_data.get("target"),
            )
        except (ScoringError, actions.MeasureError) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Correction saved; the original is kept and marked.")
            return redirect(correction)
    return TemplateResponse(
        request,
        "measures/correct.html",
        {"client": client, "instrument": instrument, "original": original, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
@staff_required
def measure_fhir(request, pk, adm_pk):
    client = get_client_for_user(request.user, pk, page="measure FHIR export").client
    administration = _administration(client, adm_pk)
    if not administration.is_completed or administration.instrument is None:
        raise Http404("Only completed measures can be exported")
    bundle = fhir.administration_bundle(administration)
    record(
        by=request.user,
        action=AuditAction.EXPORT,
        obj=administration,
        client=client,
        detail={"format": "FHIR R4B bundle"},
    )
    response = HttpResponse(
        json.dumps(bundle, indent=2, ensure_ascii=False),
        content_type="application/fhir+json; charset=utf-8",
    )
    filename = f"{client.chart_number}-{administration.instrument_id}-{administration.pk}.json"
    return attachment(response, filename)


def _changes(instrument, points, norms):
    """Reliable change between first and latest, and between consecutive administrations."""
    threshold = instrument.threshold_change
    if not instrument.has_total or len(points) < 2:
        return None, []

    def compare(before, after):
        row = {"before": before, "after": after, "change": after.total - before.total}
        if norms:
            row["rci"] = reliable_change.classify(
                before.total,
                after.total,
                sd=norms.sd,
                reliability=norms.reliability,
                direction=instrument.direction,
            )
        if threshold:
            row["threshold"] = reliable_change.classify_threshold(
                before.total,
                after.total,
                threshold=threshold.reliable_change,
                direction=instrument.direction,
            )
        return row

    overall = compare(points[0], points[-1])
    steps = [compare(a, b) for a, b in zip(points, points[1:], strict=False)]
    return overall, steps


@require_GET
@staff_required
def measure_history(request, pk, instrument_id):
    access = get_client_for_user(request.user, pk, page="measure history")
    client = access.client
    instrument = _instrument_or_404(instrument_id)
    points = list(
        Administration.objects.current()
        .filter(client=client, instrument_id=instrument.id)
        .order_by("administered_at", "id")
    )
    norms = (
        MeasureNorm.objects.norms_for(client.organization, instrument)
        if instrument.has_total and instrument.direction
        else None
    )
    overall, steps = _changes(instrument, points, norms)
    return TemplateResponse(
        request,
        "measures/history.html",
        {
            "client": client,
            "instrument": instrument,
            "points": points,
            "chart": history_chart(
                instrument,
                points,
                thresholds=client.drinking_thresholds,
                organization=client.organization,
            ),
            "bands": instrument.bands_for(client.drinking_thresholds),
            "overall": overall,
            "steps": steps,
            "norms": norms,
            "can_write": access.can_write,
        },
    )


@require_POST
@staff_required
def assign_measure(request, pk):
    access = get_client_for_user(request.user, pk, write=True, page="assign measure")
    client = access.client
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            administration = actions.assign(
                client,
                by=request.user,
                instrument_id=form.cleaned_data["instrument"],
                due_on=form.cleaned_data["due_on"],
                in_portal=form.cleaned_data["in_portal"],
            )
        except actions.MeasureError as exc:
            form.add_error("instrument", str(exc))
        else:
            where = "in the portal" if administration.in_portal else "for a session"
            messages.success(request, f"{administration.instrument_name} assigned {where}.")
            return redirect("measures-list", client.pk)
    return _measures_page(request, access, assign_form=form, status=400)


@require_POST
@staff_required
def cancel_measure(request, pk, adm_pk):
    client = get_client_for_user(request.user, pk, write=True, page="cancel measure").client
    administration = _administration(client, adm_pk)
    try:
        actions.cancel_assignment(administration, by=request.user)
    except actions.MeasureError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{administration.instrument_name} is no longer assigned.")
    return redirect("measures-list", client.pk)


@require_POST
@staff_required
def schedule_create(request, pk):
    access = get_client_for_user(request.user, pk, write=True, page="measure schedule")
    client = access.client
    form = ScheduleForm(request.POST, prefix=SCHEDULE_PREFIX)
    if form.is_valid():
        try:
            data = form.cleaned_data
            schedule = actions.create_schedule(
                client,
                by=request.user,
                instrument_id=data["instrument"],
                every_weeks=data["every_weeks"],
                starts_on=data["starts_on"],
                in_portal=data["in_portal"],
            )
        except actions.MeasureError as exc:
            form.add_error("instrument", str(exc))
        else:
            messages.success(
                request, f"{schedule.instrument_name} every {schedule.every_weeks} weeks."
            )
            return redirect("measures-list", client.pk)
    return _measures_page(request, access, schedule_form=form, status=400)


@require_POST
@staff_required
def schedule_stop(request, pk, schedule_pk):
    client = get_client_for_user(request.user, pk, write=True, page="measure schedule").client
    schedule = get_object_or_404(Schedule, pk=schedule_pk, client=client)
    try:
        actions.stop_schedule(schedule, by=request.user)
    except actions.MeasureError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{schedule.instrument_name} schedule stopped.")
    return redirect("measures-list", client.pk)


@reads_from_replica
@require_GET
@staff_required
def library(request):
    return TemplateResponse(
        request, "measures/library.html", {"instruments": instruments.all_instruments()}
    )


@reads_from_replica
@require_GET
@staff_required
def instrument_detail(request, instrument_id):
    instrument = _instrument_or_404(instrument_id)
    return TemplateResponse(
        request,
        "measures/instrument.html",
        {
            "instrument": instrument,
            "questionnaire_url": reverse("measures-questionnaire", args=[instrument.id]),
        },
    )


@require_GET
@staff_required
def instrument_questionnaire(request, instrument_id):
    instrument = _instrument_or_404(instrument_id)
    return HttpResponse(
        json.dumps(fhir.questionnaire(instrument), indent=2, ensure_ascii=False),
        content_type="application/fhir+json; charset=utf-8",
    )
