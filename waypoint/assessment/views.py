from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts.decorators import client_required, staff_required
from waypoint.assessment import actions
from waypoint.assessment.forms import BalanceForm, DrugSetSettingForm, PrioritiesForm, StageForm
from waypoint.assessment.models import (
    CELLS,
    DecisionalBalance,
    DrugSetSetting,
    NeedsPriorities,
    StageOfChange,
)
from waypoint.assessment.suggestions import suggestions_for
from waypoint.assessment.summary import summary_for
from waypoint.clients.access import get_client_for_user, portal_client_for_user
from waypoint.goals.models import Substance
from waypoint.lib.downloads import attachment
from waypoint.privacy.documents import render_pdf


def _form_page(request, form, *, save, done: str, then, template: str, context: dict):
    """The one get-form-save step of this app's edit pages: on a valid POST, `save` the cleaned
    data (an action), say `done` and redirect to `then` (a URL name and its arguments);
    otherwise show `template` with the form, its errors and `context` (nothing saved)."""
    if request.method == "POST" and form.is_valid():
        save(form.cleaned_data)
        messages.success(request, done)
        return redirect(*then)
    return TemplateResponse(request, template, {"form": form, **context})


def _substance_or_404(substance: str) -> str:
    if substance not in Substance.values:
        raise Http404("Unknown substance")
    return substance


def stage_timelines(client) -> list[dict]:
    """Per substance: the current stage, its suggestions and the dated history, newest first."""
    by_substance: dict[str, list] = {}
    for row in StageOfChange.objects.filter(client=client).select_related("recorded_by"):
        by_substance.setdefault(row.substance, []).append(row)
    return [
        {
            "substance": substance,
            "label": Substance(substance).label,
            "current": rows[0],
            "history": rows,
            "suggestions": suggestions_for(rows[0].stage),
        }
        for substance, rows in sorted(by_substance.items())
    ]


@require_GET
@staff_required
def stage_list(request, pk):
    access = get_client_for_user(request.user, pk, page="stages of change")
    return TemplateResponse(
        request,
        "assessment/stage_list.html",
        {
            "client": access.client,
            "timelines": stage_timelines(access.client),
            "can_write": access.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def stage_add(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="stage add").client
    today = client.organization.today()
    initial = {"noted_on": today}
    if request.GET.get("substance") in Substance.values:
        initial["substance"] = request.GET["substance"]
    return _form_page(
        request,
        StageForm(request.POST if request.method == "POST" else None, today=today, initial=initial),
        save=lambda data: actions.record_stage(client, by=request.user, **data),
        done="Stage of change noted. Earlier stages stay in the history.",
        then=("assessment-stages", client.pk),
        template="assessment/stage_form.html",
        context={"client": client},
    )


def _balance_versions(client, substance):
    return list(
        DecisionalBalance.objects.filter(client=client, substance=substance).select_related(
            "recorded_by"
        )
    )


def _balance_initial(versions) -> dict:
    return {cell: getattr(versions[0], cell) for cell in CELLS} if versions else {}


def _balance_page(request, client, substance, *, portal: bool, done: str, then):
    """The decisional-balance form of one substance, for the chart or (`portal`) the person."""
    versions = _balance_versions(client, substance)
    return _form_page(
        request,
        BalanceForm(
            request.POST if request.method == "POST" else None, initial=_balance_initial(versions)
        ),
        save=lambda data: actions.save_balance(
            client,
            by=request.user,
            substance=substance,
            noted_on=client.organization.today(),
            by_client=portal,
            **data,
        ),
        done=done,
        then=then,
        template="assessment/balance_form.html",
        context={
            "client": client,
            "substance_label": Substance(substance).label,
            "versions": versions[:5] if portal else versions,
            "portal": portal,
        },
    )


@require_GET
@staff_required
def balance_list(request, pk):
    access = get_client_for_user(request.user, pk, page="decisional balance")
    current = DecisionalBalance.objects.filter(client=access.client).latest_per_substance()
    balances = sorted(current.values(), key=lambda b: b.substance)
    return TemplateResponse(
        request,
        "assessment/balance_list.html",
        {
            "client": access.client,
            "balances": balances,
            "substances": Substance.choices,
            "can_write": access.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def balance_edit(request, pk, substance):
    _substance_or_404(substance)
    client = get_client_for_user(
        request.user, pk, write=True, page="decisional balance edit"
    ).client
    return _balance_page(
        request,
        client,
        substance,
        portal=False,
        done="Decisional balance saved. Earlier versions are kept.",
        then=("assessment-balances", client.pk),
    )


@require_GET
@client_required
def portal_balance_list(request):
    client = portal_client_for_user(request.user, page="decisional balance")
    current = DecisionalBalance.objects.filter(client=client).latest_per_substance()
    return TemplateResponse(
        request,
        "assessment/portal_balance_list.html",
        {
            "client": client,
            "balances": sorted(current.values(), key=lambda b: b.substance),
            "substances": [
                (value, label)
                for value, label in Substance.choices
                if (client.pk, value) not in current
            ],
        },
    )


@require_http_methods(["GET", "POST"])
@client_required
def portal_balance_edit(request, substance):
    _substance_or_404(substance)
    client = portal_client_for_user(request.user, page="decisional balance edit")
    return _balance_page(
        request,
        client,
        substance,
        portal=True,
        done="Saved. Your care team can see it, and earlier versions are kept.",
        then=("assessment-portal-balances",),
    )


def _priorities_versions(client):
    return list(NeedsPriorities.objects.filter(client=client).select_related("recorded_by"))


def _priorities_page(request, client, *, portal: bool, done: str, then):
    """The priorities form, for the chart or (`portal`) the person."""
    versions = _priorities_versions(client)
    initial = PrioritiesForm.initial_from(versions[0].order) if versions else {}
    return _form_page(
        request,
        PrioritiesForm(request.POST if request.method == "POST" else None, initial=initial),
        save=lambda data: actions.save_priorities(
            client,
            by=request.user,
            order=data["order"],
            note=data["note"],
            noted_on=client.organization.today(),
            by_client=portal,
        ),
        done=done,
        then=then,
        template="assessment/priorities_form.html",
        context={
            "client": client,
            "versions": versions[:5] if portal else versions,
            "portal": portal,
        },
    )


@require_GET
@staff_required
def priorities(request, pk):
    access = get_client_for_user(request.user, pk, page="priorities")
    return TemplateResponse(
        request,
        "assessment/priorities.html",
        {
            "client": access.client,
            "versions": _priorities_versions(access.client),
            "can_write": access.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def priorities_edit(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="priorities edit").client
    return _priorities_page(
        request,
        client,
        portal=False,
        done="Priorities saved. Earlier versions are kept.",
        then=("assessment-priorities", client.pk),
    )


@require_http_methods(["GET", "POST"])
@client_required
def portal_priorities(request):
    client = portal_client_for_user(request.user, page="priorities")
    return _priorities_page(
        request,
        client,
        portal=True,
        done="Saved. Your care team can see your priorities.",
        then=("assessment-portal-priorities",),
    )


@require_GET
@staff_required
def dss_list(request, pk):
    access = get_client_for_user(request.user, pk, page="drug set setting")
    current = DrugSetSetting.objects.filter(client=access.client).latest_per_substance()
    return TemplateResponse(
        request,
        "assessment/dss_list.html",
        {
            "client": access.client,
            "assessments": sorted(current.values(), key=lambda a: a.substance),
            "substances": Substance.choices,
            "can_write": access.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def dss_edit(request, pk, substance):
    _substance_or_404(substance)
    client = get_client_for_user(request.user, pk, write=True, page="drug set setting edit").client
    versions = list(
        DrugSetSetting.objects.filter(client=client, substance=substance).select_related(
            "recorded_by"
        )
    )
    # A new version starts from the current one; saving never changes an earlier version.
    template = versions[0] if versions else None
    initial = (
        {name: getattr(template, name) for name in DrugSetSettingForm.Meta.fields}
        if template
        else {}
    )
    return _form_page(
        request,
        DrugSetSettingForm(request.POST if request.method == "POST" else None, initial=initial),
        save=lambda data: actions.save_drug_set_setting(
            client,
            by=request.user,
            substance=substance,
            noted_on=client.organization.today(),
            **{name: data[name] for name in DrugSetSettingForm.Meta.fields},
        ),
        done="Assessment saved. Earlier versions are kept.",
        then=("assessment-dss", client.pk),
        template="assessment/dss_form.html",
        context={
            "client": client,
            "substance_label": Substance(substance).label,
            "versions": versions,
        },
    )


def _summary_context(request, client) -> dict:
    return {
        "client": client,
        "summary": summary_for(client),
        "printed_by": request.user.display_name,
        "printed_at": timezone.now(),
    }


@require_GET
@staff_required
def summary(request, pk):
    """The one-page drug, set and setting summary, laid out for printing (print CSS)."""
    client = get_client_for_user(request.user, pk, page="assessment summary").client
    context = _summary_context(request, client)
    actions.record_summary_print(
        client, by=request.user, fmt="html", substances=context["summary"].substance_codes
    )
    return TemplateResponse(request, "assessment/summary.html", context)


@require_GET
@staff_required
def summary_pdf(request, pk):
    """The same summary as a one-page PDF (WeasyPrint, through the record documents' helper)."""
    client = get_client_for_user(request.user, pk, page="assessment summary pdf").client
    context = _summary_context(request, client)
    body = render_pdf(render_to_string("assessment/summary_document.html", context))
    actions.record_summary_print(
        client, by=request.user, fmt="pdf", substances=context["summary"].substance_codes
    )
    stamp = client.organization.today().isoformat()
    name = f"drug-set-setting-summary-{stamp}.pdf"
    return attachment(HttpResponse(body, content_type="application/pdf"), name)
