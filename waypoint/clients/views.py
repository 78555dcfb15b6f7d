from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.accounts.decorators import permission_required, staff_required
from waypoint.accounts.roles import Permission
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction, AuditEvent
from waypoint.clients import actions
from waypoint.clients.access import clients_visible_to, clients_writable_by, get_client_for_user
from waypoint.clients.extensions import annotate_caseload, caseload_columns, chart_panels
from waypoint.clients.forms import (
    AcknowledgeAlertForm,
    AdmitForm,
    CareTeamForm,
    ClientForm,
    ContactForm,
    DischargeForm,
    NewClientForm,
    ReassignChartsForm,
)
from waypoint.clients.history import chart_changes
from waypoint.clients.models import Alert, ChartStatus
from waypoint.clients.panels import urgent_alert_forms
from waypoint.lib.dbrouter import reads_from_replica
from waypoint.lib.encryption import decrypting_once

PAGE_SIZE = 50


def _annotated(rows, user) -> list:
    """Evaluate a section's rows and let each caseload column fetch its data in bulk (a token
    repeated on many rows, such as the primary clinician's email, is decrypted once)."""
    with decrypting_once():
        rows = rows.table_rows()
    return annotate_caseload(rows, user)


@reads_from_replica
@require_GET
@staff_required
def caseload(request):
    """A clinician's home: their active clients; supervisors and admins see wider sections."""
    user = request.user
    query = request.GET.get("q", "").strip()
    sections = []
    visible = clients_visible_to(user).active().matching(query)
    if user.can(Permission.SEE_ALL_CHARTS):
        page = Paginator(visible.for_client_table(), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = page.object_list = _annotated(page.object_list, user)
        sections.append({"title": "All active clients", "rows": rows, "page": page})
    else:
        rows = _annotated(visible.on_care_team_of(user).for_client_table(), user)
        sections.append({"title": "My caseload", "rows": rows})
        if user.can(Permission.SEE_SUPERVISEE_CHARTS):
            shown = {row.pk for row in rows}  # a shared chart is listed once, where first seen
            for supervisee in user.supervisees.filter(is_active=True):
                theirs = visible.on_care_team_of(supervisee).exclude(pk__in=shown)
                rows = _annotated(theirs.for_client_table(), user)
                shown.update(row.pk for row in rows)
                sections.append({"title": f"{supervisee}'s caseload", "rows": rows})
    record(by=user, action=AuditAction.VIEW, object_type="caseload", object_label="Caseload")
    template = "clients/_caseload_sections.html" if request.htmx else "clients/caseload.html"
    return TemplateResponse(
        request,
        template,
        {
            "sections": sections,
            "columns": caseload_columns(),
            "query": query,
            "can_create": user.can(Permission.CREATE_CHART),
        },
    )


@reads_from_replica
@require_GET
@staff_required
def client_list(request):
    """Every chart the user may read, any status, searchable by name or chart number."""
    query = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    charts = clients_visible_to(request.user).matching(query)
    if status in ChartStatus.values:
        charts = charts.filter(status=status)
    page = Paginator(charts.for_client_table(), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _annotated(page.object_list, request.user)
    record(
        by=request.user, action=AuditAction.VIEW, object_type="client_list", object_label="Clients"
    )
    template = "clients/_client_table.html" if request.htmx else "clients/client_list.html"
    return TemplateResponse(
        request,
        template,
        {
            "page": page,
            "query": query,
            "status": status,
            "statuses": ChartStatus.choices,
            "columns": caseload_columns(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_STAFF)
def unassigned_charts(request):
    """Open charts whose primary clinician is missing or deactivated, to give them a new one."""
    user = request.user
    charts = (
        clients_writable_by(user)
        .without_active_primary()
        .select_related("primary_clinician")
        .annotate(open_alerts=Count("alerts", filter=Q(alerts__acknowledged_at__isnull=True)))
        .order_by("chart_number")
    )
    form = ReassignChartsForm(
        request.POST if request.method == "POST" else None,
        charts=charts,
        organization=user.organization,
    )
    if request.method == "POST" and form.is_valid():
        new_primary = form.cleaned_data["primary_clinician"]
        count = actions.hand_over_charts(
            None, to=new_primary, by=user, charts=form.cleaned_data["charts"]
        )
        messages.success(
            request, f"{new_primary} is now the primary clinician of {count} chart(s)."
        )
        return redirect("clients-unassigned")
    record(
        by=user,
        action=AuditAction.VIEW,
        object_type="client_list",
        object_label="Charts without an active primary clinician",
    )
    return TemplateResponse(
        request,
        "clients/unassigned.html",
        {"form": form, "charts": list(charts)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.CREATE_CHART)
def client_create(request):
    organization = request.user.organization
    form = NewClientForm(
        request.POST if request.method == "POST" else None, organization=organization
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k not in {"admitted_on"}}
        client = actions.create_client(
            by=request.user,
            organization=organization,
            admitted_on=form.cleaned_data.get("admitted_on"),
            care_team=[] if request.user.can(Permission.WRITE_ALL_CHARTS) else [request.user],
            **fields,
        )
        messages.success(request, f"Chart {client.chart_number} created.")
        return redirect(client)
    if request.method == "GET":
        form.initial.setdefault("primary_clinician", request.user.pk)
    return TemplateResponse(request, "clients/client_form.html", {"form": form, "creating": True})


@require_GET
@staff_required
def client_detail(request, pk):
    access = get_client_for_user(request.user, pk)
    client = access.client
    episodes = list(client.episodes.all())
    contacts = client.contacts.select_related("staff")[:10]
    return TemplateResponse(
        request,
        "clients/client_detail.html",
        {
            "client": client,
            "urgent_alerts": urgent_alert_forms(client.alerts.open().urgent()),
            "can_acknowledge": access.can_acknowledge_alerts,
            "episodes": episodes,
            "open_episode": next((e for e in episodes if e.is_open), None),
            "contacts": contacts,
            "team": client.team_members(),
            "access": access,
            "can_reassign": request.user.can(Permission.MANAGE_STAFF),
            "age": client.age_on(client.organization.today()),
            "contact_form": ContactForm(
                organization=client.organization,
                initial={"occurred_on": client.organization.today()},
            ),
            "panels": chart_panels(request, access),
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def client_edit(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="edit").client
    form = ClientForm(
        request.POST if request.method == "POST" else None,
        instance=client,
        organization=client.organization,
    )
    if request.method == "POST" and form.is_valid():
        actions.update_client(form.instance, by=request.user, changed_fields=form.changed_data)
        messages.success(request, "Chart saved.")
        return redirect(client)
    return TemplateResponse(
        request, "clients/client_form.html", {"form": form, "client": client, "creating": False}
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_CARE_TEAM)
def care_team_edit(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="care team").client
    initial = {
        "primary_clinician": client.primary_clinician_id,
        "members": list(client.care_team.values_list("pk", flat=True)),
    }
    form = CareTeamForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organization=client.organization,
    )
    if request.method == "POST" and form.is_valid():
        actions.set_care_team(
            client,
            by=request.user,
            primary_clinician=form.cleaned_data["primary_clinician"],
            members=form.cleaned_data["members"],
        )
        messages.success(request, "Care team updated.")
        return redirect(client)
    return TemplateResponse(
        request, "clients/care_team_form.html", {"form": form, "client": client}
    )


@require_http_methods(["GET", "POST"])
@staff_required
def episode_admit(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="admit").client
    form = AdmitForm(
        request.POST if request.method == "POST" else None,
        organization=client.organization,
        initial={"admitted_on": client.organization.today()},
    )
    if client.current_episode() is not None:
        messages.error(request, "This person already has an open episode of care.")
        return redirect(client)
    if request.method == "POST" and form.is_valid():
        actions.admit_client(client, by=request.user, **form.cleaned_data)
        messages.success(request, "Episode of care opened.")
        return redirect(client)
    return TemplateResponse(
        request, "clients/episode_form.html", {"form": form, "client": client, "admitting": True}
    )


@require_http_methods(["GET", "POST"])
@staff_required
def episode_discharge(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="discharge").client
    episode = client.current_episode()
    if episode is None:
        messages.error(request, "This person has no open episode of care.")
        return redirect(client)
    form = DischargeForm(
        request.POST if request.method == "POST" else None,
        episode=episode,
        initial={"discharged_on": client.organization.today()},
    )
    if request.method == "POST" and form.is_valid():
        actions.discharge_client(client, by=request.user, **form.cleaned_data)
        messages.success(request, "Discharge recorded. The chart stays open to read.")
        return redirect(client)
    return TemplateResponse(
        request,
        "clients/episode_form.html",
        {"form": form, "client": client, "episode": episode, "admitting": False},
    )


@require_http_methods(["POST"])
@staff_required
def contact_add(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="contact").client
    form = ContactForm(request.POST, organization=client.organization)
    if form.is_valid():
        actions.record_contact(client, by=request.user, **form.cleaned_data)
        messages.success(request, "Contact recorded.")
        return redirect(client)
    return TemplateResponse(
        request, "clients/contact_form.html", {"form": form, "client": client}, status=400
    )


@require_GET
@staff_required
def client_history(request, pk):
    client = get_client_for_user(request.user, pk, page="history").client
    return TemplateResponse(
        request, "clients/client_history.html", {"client": client, "changes": chart_changes(client)}
    )


@require_GET
@permission_required(Permission.VIEW_ACCESS_HISTORY)
def client_access_log(request, pk):
    client = get_client_for_user(request.user, pk, page="access history").client
    events = AuditEvent.objects.for_client(client.pk).order_by("-at", "-id")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "clients/client_access_log.html", {"client": client, "page": page}
    )


@require_GET
@staff_required
def client_print(request, pk):
    client = get_client_for_user(request.user, pk, page="print").client
    record(by=request.user, action=AuditAction.PRINT, obj=client, client=client)
    return TemplateResponse(
        request,
        "clients/client_print.html",
        {
            "client": client,
            "episodes": client.episodes.all(),
            "team": client.team_members(),
            "printed_by": request.user,
            "printed_at": timezone.now(),
        },
    )


@require_POST
@staff_required
def alert_acknowledge(request, pk, alert_pk):
    client = get_client_for_user(request.user, pk, write=True, page="alert").client
    alert = get_object_or_404(Alert, pk=alert_pk, client=client)
    form = AcknowledgeAlertForm(request.POST, prefix=f"alert{alert.pk}")
    if not alert.is_open:
        messages.info(request, "This alert was already acknowledged.")
    elif form.is_valid():
        actions.acknowledge_alert(alert, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, "Alert acknowledged.")
    else:
        messages.error(request, "Write a short note on what was done to acknowledge the alert.")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)  # e.g. the measure result page the alert was acknowledged on
    return redirect(client)
