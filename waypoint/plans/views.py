"""Safety plans in the chart (staff) and in the portal (the client's own plans).

Staff reach the chart only through `get_client_for_user`; the portal only through
`portal_client_for_user`. An unknown plan kind is 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts.decorators import client_required, staff_required
from waypoint.clients.access import get_client_for_user, portal_client_for_user
from waypoint.lib.downloads import attachment
from waypoint.plans import actions, guide
from waypoint.plans.actions import PlanRefused
from waypoint.plans.forms import PlanForm
from waypoint.plans.models import PlanKind, SafetyPlan
from waypoint.privacy.documents import render_pdf


def _kind(kind: str) -> str:
    if kind not in PlanKind.values:
        raise Http404("No such plan")
    return kind


def _plan(client, kind):
    return SafetyPlan.objects.filter(client=client, kind=kind).first()


def _version(plan, number=None):
    if plan is None:
        return None
    if number is None:
        return plan.current_version()
    try:
        return plan.versions.select_related("saved_by").get(number=int(number))
    except (ValueError, TypeError, plan.versions.model.DoesNotExist):
        raise Http404("No such version") from None


def plan_context(client, kind, plan, version, *, portal: bool) -> dict:
    country, lines = guide.lines_for(client.organization, kind)
    return {
        "client": client,
        "kind": kind,
        "kind_label": PlanKind(kind).label,
        "plan": plan,
        "version": version,
        "guide": guide.guide(kind),
        "sections": version.filled_sections() if version else [],
        "country": country,
        "lines": lines,
        "portal": portal,
        "editable_titles": [
            s.title for s in guide.guide(kind).sections if plan and s.key in plan.client_may_edit
        ],
    }


def _pdf_response(request, client, kind, plan, version, *, portal):
    if version is None:
        raise Http404("This plan has not been written yet")
    context = plan_context(client, kind, plan, version, portal=portal)
    context["generated_at"] = timezone.now()
    body = render_pdf(render_to_string("plans/plan_document.html", context))
    actions.record_print(plan, by=request.user, version=version)
    stamp = client.organization.local_date(version.saved_at).isoformat()
    name = f"{'my-' if portal else ''}{kind}-plan-{stamp}.pdf"
    return attachment(HttpResponse(body, content_type="application/pdf"), name)


def _apply_refusal(form, exc: PlanRefused) -> None:
    # The actions' reasons are plain English (gettext_noop); shown in the reader's language.
    message = gettext(str(exc))
    for key in exc.sections:
        form.add_error(key if key in form.fields else None, message)
    if not exc.sections:
        form.add_error(None, message)


def _plan_form_page(request, form, *, save, unchanged: str, saved, then, template, context):
    """The edit step of a plan, in the chart or the portal: for a valid POST, `save()` (a call
    of save_plan with the form's items); a refusal goes on the form. Saved: say `unchanged` when
    nothing in the plan changed (no new version), else `saved(version)`, and redirect to `then`
    (a URL name and its arguments). A POST that saved nothing shows the form again (400)."""
    if request.method == "POST" and form.is_valid():
        try:
            version = save()
        except PlanRefused as exc:
            _apply_refusal(form, exc)
        else:
            if version is None:
                messages.info(request, unchanged)
            else:
                messages.success(request, saved(version))
            return redirect(*then)
    return TemplateResponse(
        request,
        template,
        {**context, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@staff_required
def plan_detail(request, pk, kind):
    kind = _kind(kind)
    access = get_client_for_user(request.user, pk, page=f"{kind} plan")
    client = access.client
    plan = _plan(client, kind)
    version = _version(plan, request.GET.get("version"))
    context = plan_context(client, kind, plan, version, portal=False)
    context["history"] = (
        list(plan.versions.select_related("saved_by").order_by("-number")) if plan else []
    )
    context["can_write"] = access.can_write
    return TemplateResponse(request, "plans/plan_detail.html", context)


@require_http_methods(["GET", "POST"])
@staff_required
def plan_edit(request, pk, kind):
    kind = _kind(kind)
    client = get_client_for_user(request.user, pk, write=True, page=f"{kind} plan edit").client
    plan = _plan(client, kind)
    current = plan.current_version() if plan else None
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        current=current,
        plan=plan,
        staff=True,
    )
    return _plan_form_page(
        request,
        form,
        save=lambda: actions.save_plan(
            client,
            by=request.user,
            kind=kind,
            items=form.items(),
            client_may_edit=form.cleaned_data["client_may_edit"],
        ),
        unchanged="Nothing in the plan changed, so no new version was made.",
        saved=lambda version: f"Saved as version {version.number}.",
        then=("plans-detail", client.pk, kind),
        template="plans/plan_form.html",
        context=plan_context(client, kind, plan, current, portal=False),
    )


@require_GET
@staff_required
def plan_pdf(request, pk, kind):
    kind = _kind(kind)
    client = get_client_for_user(request.user, pk, page=f"{kind} plan pdf").client
    plan = _plan(client, kind)
    return _pdf_response(
        request, client, kind, plan, _version(plan, request.GET.get("version")), portal=False
    )


@require_GET
@client_required
def portal_plan(request, kind):
    kind = _kind(kind)
    client = portal_client_for_user(request.user, page=f"{kind} plan")
    plan = _plan(client, kind)
    context = plan_context(client, kind, plan, _version(plan), portal=True)
    context["can_edit"] = bool(plan and plan.client_may_edit and context["version"])
    return TemplateResponse(request, "plans/portal_plan.html", context)


@require_http_methods(["GET", "POST"])
@client_required
def portal_plan_edit(request, kind):
    kind = _kind(kind)
    client = portal_client_for_user(request.user, page=f"{kind} plan edit")
    plan = _plan(client, kind)
    current = plan.current_version() if plan else None
    if current is None or not plan.client_may_edit:
        raise PermissionDenied(gettext("Your care team edits this plan with you."))
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        sections=plan.client_may_edit,
        current=current,
        staff=False,
    )
    return _plan_form_page(
        request,
        form,
        save=lambda: actions.save_plan(
            client, by=request.user, kind=kind, items=form.items(), by_client=True
        ),
        unchanged=gettext("Nothing changed."),
        saved=lambda version: gettext("Your plan is saved. Your care team will see it."),
        then=("portal-plans", kind),
        template="plans/portal_plan_form.html",
        context=plan_context(client, kind, plan, current, portal=True),
    )


@require_GET
@client_required
def portal_plan_pdf(request, kind):
    kind = _kind(kind)
    client = portal_client_for_user(request.user, page=f"{kind} plan pdf")
    plan = _plan(client, kind)
    return _pdf_response(request, client, kind, plan, _version(plan), portal=True)
