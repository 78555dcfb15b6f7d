from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
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
from waypoint.clients.access import get_client_for_user, portal_client_for_user
from waypoint.goals.models import Substance


def _posted(request):
    """The POST data on a POST (even an empty one, so the form is bound and shows errors)."""
    return request.POST if request.method == "POST" else None


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
    form = StageForm(_posted(request), today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.record_stage(client, by=request.user, **form.cleaned_data)
        messages.success(request, "Stage of change noted. Earlier stages stay in the history.")
        return redirect("assessment-stages", client.pk)
    return TemplateResponse(request, "assessment/stage_form.html", {"form": form, "client": client})


def _balance_versions(client, substance):
    return list(
        DecisionalBalance.objects.filter(client=client, substance=substance).select_related(
            "recorded_by"
        )
    )


def _balance_initial(versions) -> dict:
    return {cell: getattr(versions[0], cell) for cell in CELLS} if versions else {}


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
    versions = _balance_versions(client, substance)
    form = BalanceForm(_posted(request), initial=_balance_initial(versions))
    if request.method == "POST" and form.is_valid():
        actions.save_balance(
            client,
            by=request.user,
            substance=substance,
            noted_on=client.organization.today(),
            **form.cleaned_data,
        )
        messages.success(request, "Decisional balance saved. Earlier versions are kept.")
        return redirect("assessment-balances", client.pk)
    return TemplateResponse(
        request,
        "assessment/balance_form.html",
        {
            "form": form,
            "client": client,
            "substance_label": Substance(substance).label,
            "versions": versions,
            "portal": False,
        },
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
    versions = _balance_versions(client, substance)
    form = BalanceForm(_posted(request), initial=_balance_initial(versions))
    if request.method == "POST" and form.is_valid():
        actions.save_balance(
            client,
            by=request.user,
            substance=substance,
            noted_on=client.organization.today(),
            by_client=True,
            **form.cleaned_data,
        )
        messages.success(
            request, "Saved. Your care team can see it, and earlier versions are kept."
        )
        return redirect("assessment-portal-balances")
    return TemplateResponse(
        request,
        "assessment/balance_form.html",
        {
            "form": form,
            "client": client,
            "substance_label": Substance(substance).label,
            "versions": versions[:5],
            "portal": True,
        },
    )


def _priorities_versions(client):
    return list(NeedsPriorities.objects.filter(client=client).select_related("recorded_by"))


def _priorities_form(request, versions):
    initial = PrioritiesForm.initial_from(versions[0].order) if versions else {}
    return PrioritiesForm(_posted(request), initial=initial)


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
    versions = _priorities_versions(client)
    form = _priorities_form(request, versions)
    if request.method == "POST" and form.is_valid():
        actions.save_priorities(
            client,
            by=request.user,
            order=form.cleaned_data["order"],
            note=form.cleaned_data["note"],
            noted_on=client.organization.today(),
        )
        messages.success(request, "Priorities saved. Earlier versions are kept.")
        return redirect("assessment-priorities", client.pk)
    return TemplateResponse(
        request,
        "assessment/priorities_form.html",
        {"form": form, "client": client, "versions": versions, "portal": False},
    )


@require_http_methods(["GET", "POST"])
@client_required
def portal_priorities(request):
    client = portal_client_for_user(request.user, page="priorities")
    versions = _priorities_versions(client)
    form = _priorities_form(request, versions)
    if request.method == "POST" and form.is_valid():
        actions.save_priorities(
            client,
            by=request.user,
            order=form.cleaned_data["order"],
            note=form.cleaned_data["note"],
            noted_on=client.organization.today(),
            by_client=True,
        )
        messages.success(request, "Saved. Your care team can see your priorities.")
        return redirect("assessment-portal-priorities")
    return TemplateResponse(
        request,
        "assessment/priorities_form.html",
        {"form": form, "client": client, "versions": versions[:5], "portal": True},
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
    form = DrugSetSettingForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.save_drug_set_setting(
            client,
            by=request.user,
            substance=substance,
            noted_on=client.organization.today(),
            **{name: form.cleaned_data[name] for name in DrugSetSettingForm.Meta.fields},
        )
        messages.success(request, "Assessment saved. Earlier versions are kept.")
        return redirect("assessment-dss", client.pk)
    return TemplateResponse(
        request,
        "assessment/dss_form.html",
        {
            "form": form,
            "client": client,
            "substance_label": Substance(substance).label,
            "versions": versions,
        },
    )
