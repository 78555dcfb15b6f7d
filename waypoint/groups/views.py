"""Group pages: list, detail (roster and sessions), add/edit, add members, a session with
attendance and notes.

A group is reached only through `get_group_for_user`: its facilitators and the organization's
admins open it; anyone else gets 404. Facilitators run the group, so they see the whole roster
and write every member's part of the group note. Adding a chart to the roster or as a drop-in
is limited to charts the user may open (`get_client_for_user`). Every page that shows members'
charts writes a view event against each chart shown.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.accounts.decorators import staff_required
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.access import clients_visible_to, get_client_for_user
from waypoint.groups import actions
from waypoint.groups.forms import (
    STATUS_CHOICES,
    AddMemberForm,
    GroupForm,
    LeaveForm,
    SessionForm,
    SessionNoteForm,
)
from waypoint.groups.models import Attendance, GroupSession, Membership, TherapyGroup


def get_group_for_user(user, pk) -> TherapyGroup:
    """The group if `user` may open it (a facilitator, or an admin); otherwise 404."""
    try:
        return (
            TherapyGroup.objects.visible_to(user)
            .select_related("organization")
            .prefetch_related("facilitators")
            .get(pk=int(pk))
        )
    except (TherapyGroup.DoesNotExist, ValueError, TypeError):
        record(
            by=user,
            action=AuditAction.DENIED,
            object_type="groups.therapygroup",
            object_id=str(pk)[:64],
            detail={"page": "group"},
        )
        raise Http404("No such group") from None


def _audit_charts(user, clients, page: str) -> None:
    """One view event per chart shown on a group page (Part 2: every chart access audited)."""
    for client in {c.pk: c for c in clients}.values():
        record(by=user, action=AuditAction.VIEW, obj=client, client=client, detail={"page": page})


@require_GET
@staff_required
def group_list(request):
    groups = list(
        TherapyGroup.objects.visible_to(request.user)
        .annotate(
            members=Count(
                "memberships", filter=Q(memberships__left_on__isnull=True), distinct=True
            ),
            session_count=Count("sessions", distinct=True),
        )
        .prefetch_related("facilitators")
    )
    return TemplateResponse(request, "groups/group_list.html", {"groups": groups})


@require_http_methods(["GET", "POST"])
@staff_required
def group_add(request):
    organization = request.user.organization
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        organization=organization,
        initial={"facilitators": [request.user]},
    )
    return _group_form_page(
        request,
        form,
        group=None,
        save=lambda **fields: actions.create_group(organization, by=request.user, **fields),
        done="Group created. Add members from the group page.",
    )


def _group_form_page(request, form, *, group, save, done: str):
    """The add and edit pages of a group: for a valid POST, `save` (an action that returns the
    group) the name, description and facilitators (with the user, `_with_self`), say `done` and
    go to the group; a GroupError (the name is taken) shows on the name field. A POST that saved
    nothing shows the form again with status 400."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = save(
                name=data["name"],
                description=data["description"],
                facilitators=_with_self(request.user, data["facilitators"]),
            )
        except actions.GroupError as error:
            form.add_error("name", str(error))
        else:
            messages.success(request, done)
            return redirect(saved.get_absolute_url())
    return TemplateResponse(
        request,
        "groups/group_form.html",
        {"form": form, "group": group},
        status=400 if request.method == "POST" else 200,
    )


def _with_self(user, facilitators):
    """A clinician who creates a group facilitates it (so they can open it); admins need not."""
    from waypoint.accounts.roles import Permission

    chosen = list(facilitators)
    if not user.can(Permission.SEE_ALL_CHARTS) and user not in chosen:
        chosen.append(user)
    return chosen


@require_GET
@staff_required
def group_detail(request, therapygroup_pk):
    group = get_group_for_user(request.user, therapygroup_pk)
    memberships = list(
        Membership.objects.filter(group=group)
        .select_related("client")
        .order_by("-left_on", "joined_on")
    )
    sessions = list(
        GroupSession.objects.filter(group=group).annotate(
            present=Count("attendance", filter=Q(attendance__status="present")),
            drop_ins=Count("attendance", filter=Q(attendance__status="drop_in")),
        )
    )
    _audit_charts(request.user, [m.client for m in memberships], "group roster")
    visible = set(
        clients_visible_to(request.user)
        .filter(pk__in=[m.client_id for m in memberships])
        .values_list("pk", flat=True)
    )
    return TemplateResponse(
        request,
        "groups/group_detail.html",
        {
            "group": group,
            "current": [m for m in memberships if m.left_on is None],
            "former": [m for m in memberships if m.left_on is not None],
            "visible": visible,
            "sessions": sessions,
            "session_form": SessionForm(initial={"held_on": group.organization.today()}),
            "leave_form": LeaveForm(initial={"left_on": group.organization.today()}),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def group_edit(request, therapygroup_pk):
    group = get_group_for_user(request.user, therapygroup_pk)
    form = GroupForm(
        request.POST if request.method == "POST" else None,
        organization=group.organization,
        initial={
            "name": group.name,
            "description": group.description,
            "facilitators": list(group.facilitators.all()),
            "is_active": group.is_active,
        },
    )
    return _group_form_page(
        request,
        form,
        group=group,
        save=lambda **fields: actions.edit_group(
            group, by=request.user, is_active=form.cleaned_data["is_active"], **fields
        ),
        done="Group saved.",
    )


def addable_charts(user, group):
    """Charts `user` may add to the roster (the web page's and the API's choice): those they
    may open, not on it now."""
    current = Membership.objects.filter(group=group).current().values("client_id")
    return clients_visible_to(user).exclude(pk__in=current).order_by("chart_number")


@require_http_methods(["GET", "POST"])
@staff_required
def group_members(request, therapygroup_pk):
    group = get_group_for_user(request.user, therapygroup_pk)
    form = AddMemberForm(
        request.POST if request.method == "POST" else None,
        charts=addable_charts(request.user, group),
        initial={"joined_on": group.organization.today()},
    )
    if request.method == "POST" and form.is_valid():
        client = get_client_for_user(
            request.user, form.cleaned_data["client"].pk, page="group add member"
        ).client
        try:
            actions.add_member(
                group, client, by=request.user, joined_on=form.cleaned_data["joined_on"]
            )
        except actions.GroupError as error:
            form.add_error("joined_on", str(error))
        else:
            messages.success(request, f"{client.display_name} joined {group.name}.")
            return redirect(group.get_absolute_url())
    return TemplateResponse(
        request,
        "groups/members.html",
        {"group": group, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required
def member_leave(request, therapygroup_pk, membership_pk):
    group = get_group_for_user(request.user, therapygroup_pk)
    membership = get_object_or_404(
        Membership.objects.select_related("client"), pk=membership_pk, group=group
    )
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            actions.end_membership(
                membership, by=request.user, left_on=form.cleaned_data["left_on"]
            )
        except actions.GroupError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Leave date saved.")
    else:
        messages.error(request, "Enter the date the person left the group.")
    return redirect(group.get_absolute_url())


@require_POST
@staff_required
def session_add(request, therapygroup_pk):
    group = get_group_for_user(request.user, therapygroup_pk)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            session = actions.add_session(
                group,
                by=request.user,
                held_on=form.cleaned_data["held_on"],
                topic=form.cleaned_data["topic"],
            )
        except actions.GroupError as error:
            messages.error(request, str(error))
        else:
            return redirect(session.get_absolute_url())
    else:
        messages.error(request, "Enter the session's date.")
    return redirect(group.get_absolute_url())


def _session_rows(group, session):
    """(client, attendance row or None, on roster?) for the roster that day and drop-ins."""
    attendance = {
        a.client_id: a for a in Attendance.objects.filter(session=session).select_related("client")
    }
    roster = [m.client for m in actions.roster_on(group, session.held_on).select_related("client")]
    rows = [(c, attendance.get(c.pk), True) for c in roster]
    on_roster = {c.pk for c in roster}
    rows += [(a.client, a, False) for cid, a in attendance.items() if cid not in on_roster]
    return rows


@require_http_methods(["GET", "POST"])
@staff_required
def session_detail(request, therapygroup_pk, groupsession_pk):
    group = get_group_for_user(request.user, therapygroup_pk)
    session = get_object_or_404(GroupSession, pk=groupsession_pk, group=group)
    rows = _session_rows(group, session)
    shown = {c.pk for c, _, _ in rows}
    drop_in_charts = clients_visible_to(request.user).exclude(pk__in=shown).order_by("chart_number")
    form = SessionNoteForm(
        request.POST if request.method == "POST" else None,
        drop_in_charts=drop_in_charts,
        initial={"topic": session.topic, "shared_note": session.shared_note},
    )
    error = None
    if request.method == "POST" and form.is_valid():
        values = {
            c.pk: (request.POST.get(f"status-{c.pk}", ""), request.POST.get(f"note-{c.pk}", ""))
            for c, _, _ in rows
        }
        new = form.cleaned_data["drop_in"]
        if new is not None:
            new = get_client_for_user(request.user, new.pk, page="group drop-in").client
            values[new.pk] = ("drop_in", request.POST.get("drop_in_note", ""))
        try:
            actions.record_session(
                session,
                by=request.user,
                topic=form.cleaned_data["topic"],
                shared_note=form.cleaned_data["shared_note"],
                rows=values,
            )
        except actions.GroupError as exc:
            error = str(exc)
        else:
            messages.success(request, "Session saved. Each member's own part is in their chart.")
            return redirect(session.get_absolute_url())
    _audit_charts(request.user, [c for c, _, _ in rows], "group session")
    posted = request.method == "POST"
    table = [
        {
            "client": c,
            "on_roster": on_roster,
            "status": request.POST.get(f"status-{c.pk}", "") if posted else (a.status if a else ""),
            "note": request.POST.get(f"note-{c.pk}", "")
            if posted
            else (a.member_note if a else ""),
        }
        for c, a, on_roster in rows
    ]
    return TemplateResponse(
        request,
        "groups/session.html",
        {
            "group": group,
            "session": session,
            "form": form,
            "table": table,
            "status_choices": STATUS_CHOICES,
            "error": error,
        },
        status=400 if posted else 200,
    )
