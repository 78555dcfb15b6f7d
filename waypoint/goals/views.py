from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts.decorators import staff_required
from waypoint.clients.access import get_client_for_user
from waypoint.goals import actions
from waypoint.goals.forms import GoalForm
from waypoint.goals.models import Goal
from waypoint.goals.timeline import goal_timelines


@require_GET
@staff_required
def goal_list(request, pk):
    access = get_client_for_user(request.user, pk, page="goals")
    client = access.client
    return TemplateResponse(
        request,
        "goals/goal_list.html",
        {
            "client": client,
            "timelines": goal_timelines(client),
            "can_write": access.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def goal_add(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="goal add").client
    initial = {"started_on": client.organization.today()}
    if request.GET.get("substance"):
        initial["substance"] = request.GET["substance"]
    form = GoalForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            actions.choose_goal(
                client,
                by=request.user,
                substance=data.pop("substance"),
                kind=data.pop("kind"),
                started_on=data.pop("started_on"),
                chosen_by_client=data.pop("chosen_by_client"),
                **data,
            )
        except ValueError as exc:
            form.add_error("started_on", str(exc))
        else:
            messages.success(request, "Goal recorded.")
            return redirect("goals-list", client.pk)
    return TemplateResponse(
        request, "goals/goal_form.html", {"form": form, "client": client, "editing": False}
    )


@require_http_methods(["GET", "POST"])
@staff_required
def goal_edit(request, pk, goal_pk):
    client = get_client_for_user(request.user, pk, write=True, page="goal edit").client
    goal = get_object_or_404(Goal, pk=goal_pk, client=client, ended_on__isnull=True)
    form = GoalForm(request.POST if request.method == "POST" else None, instance=goal, editing=True)
    if request.method == "POST" and form.is_valid():
        actions.update_goal(form.instance, by=request.user, changed_fields=form.changed_data)
        messages.success(request, "Goal updated. The earlier version stays in its history.")
        return redirect("goals-list", client.pk)
    return TemplateResponse(
        request,
        "goals/goal_form.html",
        {"form": form, "client": client, "goal": goal, "editing": True},
    )
