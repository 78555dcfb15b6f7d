"""Notes on a chart, the co-sign and supervision queue, supervision notes, note formats.

Chart pages reach the chart only through `get_client_for_user`. Editing a signed note answers
409 with a message (the action raises `NoteLocked`); a request that does not fit the person
(someone else's draft, a co-signature by someone who does not supervise the author) answers 403.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.accounts.decorators import permission_required, staff_required
from waypoint.accounts.models import User
from waypoint.accounts.roles import Permission
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.access import clients_visible_to, get_client_for_user
from waypoint.clients.models import Alert, Client
from waypoint.notes import actions
from waypoint.notes.forms import (
    AddendumForm,
    NoteForm,
    NoteSettingsForm,
    NoteTemplateForm,
    ReturnForm,
    SignForm,
    SupervisionNoteForm,
)
from waypoint.notes.models import (
    NOT_SEEN_DAYS,
    UNSIGNED_AFTER_HOURS,
    Note,
    NoteSettings,
    NoteStatus,
    NoteTemplate,
    SupervisionNote,
    builtin_templates,
    template_for,
    templates_for,
)
from waypoint.notes.since import since_last_note


def _note(client, note_pk) -> Note:
    return get_object_or_404(
        Note.objects.select_related("author").prefetch_related("addenda"),
        pk=note_pk,
        client=client,
    )


def _locked(request, client, note, message):
    return TemplateResponse(
        request,
        "notes/locked.html",
        {"client": client, "note": note, "message": message},
        status=409,
    )


@require_GET
@staff_required
def note_list(request, pk):
    access = get_client_for_user(request.user, pk, page="notes")
    client = access.client
    notes = list(
        Note.objects.filter(client=client).select_related("author").order_by("-session_date", "-id")
    )
    return TemplateResponse(
        request,
        "notes/note_list.html",
        {"client": client, "notes": notes, "can_write": access.can_write},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def note_add(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="note add").client
    organization = client.organization
    template = template_for(
        organization, request.POST.get("template") or request.GET.get("template", "")
    )
    if template is None:
        return TemplateResponse(
            request,
            "notes/choose_template.html",
            {"client": client, "templates": templates_for(organization)},
        )
    form = NoteForm(
        request.POST if request.method == "POST" else None,
        sections=template["sections"],
        today=organization.today(),
        initial={"session_date": organization.today()},
    )
    if request.method == "POST" and form.is_valid():
        note = actions.start_note(
            client,
            by=request.user,
            template_key=template["key"],
            session_date=form.cleaned_data["session_date"],
            texts=form.texts(),
        )
        messages.success(request, "Draft saved. Sign it when it is complete.")
        return redirect(note.get_absolute_url())
    return TemplateResponse(
        request,
        "notes/note_form.html",
        {
            "client": client,
            "form": form,
            "template": template,
            "since": since_last_note(client),
            "editing": False,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@staff_required
def note_detail(request, pk, note_pk):
    access = get_client_for_user(request.user, pk, page="note")
    client = access.client
    note = _note(client, note_pk)
    user = request.user
    is_author = note.author_id == user.pk
    can_cosign = (
        note.status == NoteStatus.PENDING_COSIGN
        and note.author.supervisors.filter(pk=user.pk).exists()
    )
    return TemplateResponse(
        request,
        "notes/note_detail.html",
        {
            "client": client,
            "note": note,
            "sections": note.section_list(),
            "addenda": list(note.addenda.all()),
            "can_edit": access.can_write and is_author and note.is_draft,
            "can_add_addendum": access.can_write and note.is_locked,
            "can_cosign": can_cosign,
            "sign_form": SignForm(),
            "ask_credentials": not user.credentials,
            "addendum_form": AddendumForm(),
            "return_form": ReturnForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def note_edit(request, pk, note_pk):
    client = get_client_for_user(request.user, pk, write=True, page="note edit").client
    note = _note(client, note_pk)
    if note.is_locked:
        return _locked(request, client, note, "This note is signed: add an addendum instead.")
    if note.author_id != request.user.pk:
        raise PermissionDenied("Only the note's author can edit a draft.")
    form = NoteForm(
        request.POST if request.method == "POST" else None,
        sections=note.section_list(),
        today=client.organization.today(),
        initial={"session_date": note.session_date},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_note(
                note,
                by=request.user,
                session_date=form.cleaned_data["session_date"],
                texts=form.texts(),
            )
        except actions.NoteLocked as exc:
            return _locked(request, client, note, str(exc))
        messages.success(request, "Draft saved.")
        return redirect(note.get_absolute_url())
    return TemplateResponse(
        request,
        "notes/note_form.html",
        {
            "client": client,
            "form": form,
            "note": note,
            "template": {"name": note.template_name},
            "since": since_last_note(client, exclude=note),
            "editing": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@staff_required
def note_sign(request, pk, note_pk):
    client = get_client_for_user(request.user, pk, write=True, page="note sign").client
    note = _note(client, note_pk)
    form = SignForm(request.POST)
    form.is_valid()
    try:
        note = actions.sign_note(
            note, by=request.user, credentials=form.cleaned_data.get("credentials", "")
        )
    except actions.NoteLocked as exc:
        return _locked(request, client, note, str(exc))
    except actions.NoteError as exc:
        if note.author_id != request.user.pk:
            raise PermissionDenied(str(exc)) from None
        messages.error(request, str(exc))
        return redirect(note.get_absolute_url())
    if note.status == NoteStatus.PENDING_COSIGN:
        messages.success(request, "Signed. The note now waits for your supervisor's co-signature.")
    else:
        messages.success(request, "Signed. Further changes are addenda.")
    return redirect(note.get_absolute_url())


@require_POST
@staff_required
def note_addendum(request, pk, note_pk):
    client = get_client_for_user(request.user, pk, write=True, page="note addendum").client
    note = _note(client, note_pk)
    form = AddendumForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write the addendum.")
        return redirect(note.get_absolute_url())
    try:
        actions.add_addendum(note, by=request.user, text=form.cleaned_data["text"])
    except actions.NoteError as exc:
        return _locked(request, client, note, str(exc))
    messages.success(request, "Addendum added.")
    return redirect(note.get_absolute_url())


@require_POST
@staff_required
def note_delete(request, pk, note_pk):
    client = get_client_for_user(request.user, pk, write=True, page="note delete").client
    note = _note(client, note_pk)
    try:
        actions.delete_draft(note, by=request.user)
    except actions.NoteLocked as exc:
        return _locked(request, client, note, str(exc))
    except actions.NoteError as exc:
        raise PermissionDenied(str(exc)) from None
    messages.success(request, "Draft deleted.")
    return redirect("notes-list", client.pk)


@require_POST
@staff_required
def note_cosign(request, pk, note_pk):
    client = get_client_for_user(request.user, pk, page="note co-sign").client
    note = _note(client, note_pk)
    form = SignForm(request.POST)
    form.is_valid()
    try:
        actions.cosign_note(
            note, by=request.user, credentials=form.cleaned_data.get("credentials", "")
        )
    except actions.NoteError as exc:
        raise PermissionDenied(str(exc)) from None
    messages.success(request, "Co-signed.")
    return redirect("notes-supervision")


@require_POST
@staff_required
def note_return(request, pk, note_pk):
    client = get_client_for_user(request.user, pk, page="note return").client
    note = _note(client, note_pk)
    if not note.author.supervisors.filter(pk=request.user.pk).exists():
        raise PermissionDenied("Only a supervisor of the note's author can return it.")
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what to change: the comment goes to the author.")
        return redirect(note.get_absolute_url())
    try:
        actions.return_note(note, by=request.user, comment=form.cleaned_data["comment"])
    except actions.NoteError as exc:
        return _locked(request, client, note, str(exc))
    messages.success(request, "Returned to the author with your comment.")
    return redirect("notes-supervision")


# Supervision -----------------------------------------------------------------------------------


@require_GET
@permission_required(Permission.SEE_SUPERVISEE_CHARTS)
def supervision_queue(request):
    user = request.user
    now = timezone.now()
    supervisees = list(user.supervisees.filter(is_active=True).order_by("full_name", "id"))
    ids = [s.pk for s in supervisees]
    visible = clients_visible_to(user)
    pending = list(
        Note.objects.awaiting_cosign_by(user)
        .filter(client__in=visible)
        .select_related("author", "client")
        .order_by("signed_at")
    )
    unsigned = list(
        Note.objects.unsigned_since(now - datetime.timedelta(hours=UNSIGNED_AFTER_HOURS))
        .filter(author__in=ids, client__in=visible)
        .select_related("author", "client")
        .order_by("created_at")
    )
    supervisee_charts = visible.filter(
        Q(primary_clinician__in=ids) | Q(care_team__in=ids)
    ).distinct()
    alerts = list(
        Alert.objects.open()
        .filter(client__in=supervisee_charts)
        .select_related("client")
        .order_by("-raised_at")[:100]
    )
    cutoff = user.organization.today() - datetime.timedelta(days=NOT_SEEN_DAYS)
    not_seen = list(
        Client.objects.filter(pk__in=supervisee_charts.values("pk"))
        .active()
        .select_related("primary_clinician")
        .annotate(last_contact_on=Max("contacts__occurred_on"))
        .filter(Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True))
        .order_by("chart_number")[:100]
    )
    record(
        by=user,
        action=AuditAction.VIEW,
        object_type="notes.supervision",
        object_label="Supervision queue",
    )
    return TemplateResponse(
        request,
        "notes/supervision.html",
        {
            "supervisees": supervisees,
            "pending": pending,
            "unsigned": unsigned,
            "alerts": alerts,
            "not_seen": not_seen,
            "unsigned_hours": UNSIGNED_AFTER_HOURS,
            "not_seen_days": NOT_SEEN_DAYS,
            "return_form": ReturnForm(),
        },
    )


def _supervisee(user, supervisee_pk) -> User:
    try:
        return user.supervisees.get(pk=int(supervisee_pk), organization_id=user.organization_id)
    except (User.DoesNotExist, ValueError):
        raise Http404("Not one of your supervisees") from None


@require_http_methods(["GET", "POST"])
@permission_required(Permission.SEE_SUPERVISEE_CHARTS)
def supervision_notes(request, supervisee_pk):
    supervisee = _supervisee(request.user, supervisee_pk)
    today = request.user.organization.today()
    form = SupervisionNoteForm(
        request.POST if request.method == "POST" else None, today=today, initial={"met_on": today}
    )
    if request.method == "POST" and form.is_valid():
        actions.write_supervision_note(
            by=request.user,
            supervisee=supervisee,
            met_on=form.cleaned_data["met_on"],
            text=form.cleaned_data["text"],
        )
        messages.success(request, "Supervision note saved.")
        return redirect("notes-supervision-notes", supervisee.pk)
    notes = list(
        SupervisionNote.objects.filter(supervisor=request.user, supervisee=supervisee).order_by(
            "-met_on", "-id"
        )
    )
    record(
        by=request.user,
        action=AuditAction.VIEW,
        object_type="notes.supervisionnote",
        object_label=f"Supervision notes about user #{supervisee.pk}",
    )
    return TemplateResponse(
        request,
        "notes/supervision_notes.html",
        {"supervisee": supervisee, "notes": notes, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# Organization: note formats and rules ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_ORGANIZATION)
def note_settings(request):
    organization = request.user.organization
    settings = NoteSettings.for_organization(organization)
    form = NoteSettingsForm(
        request.POST if request.method == "POST" else None,
        organization=organization,
        initial={
            "late_entry_hours": settings.late_entry_hours,
            "trainees": list(settings.trainees.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        actions.update_note_settings(
            organization,
            by=request.user,
            late_entry_hours=form.cleaned_data["late_entry_hours"],
            trainees=list(form.cleaned_data["trainees"]),
        )
        messages.success(request, "Note settings saved.")
        return redirect("notes-settings")
    return TemplateResponse(
        request,
        "notes/settings.html",
        {
            "form": form,
            "builtin": list(builtin_templates().values()),
            "own": list(NoteTemplate.objects.filter(organization=organization)),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_ORGANIZATION)
def template_add(request):
    organization = request.user.organization
    form = NoteTemplateForm(
        request.POST if request.method == "POST" else None, organization=organization
    )
    if request.method == "POST" and form.is_valid():
        actions.add_template(
            organization,
            by=request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            sections=form.cleaned_data["sections"],
        )
        messages.success(request, "Note format added.")
        return redirect("notes-settings")
    return TemplateResponse(
        request,
        "notes/template_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@permission_required(Permission.MANAGE_ORGANIZATION)
def template_toggle(request, notetemplate_pk):
    template = get_object_or_404(
        NoteTemplate, pk=notetemplate_pk, organization=request.user.organization
    )
    actions.set_template_active(template, by=request.user, active=not template.is_active)
    messages.success(request, "Note format updated.")
    return redirect("notes-settings")
