import datetime

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts.decorators import client_required, permission_required, staff_required
from waypoint.accounts.models import User
from waypoint.accounts.roles import STAFF_ROLES, Permission
from waypoint.appointments import actions
from waypoint.appointments.actions import AppointmentError
from waypoint.appointments.forms import (
    AppointmentForm,
    PortalReminderForm,
    ReminderForm,
    SettingsForm,
)
from waypoint.appointments.ics import build_feed
from waypoint.appointments.models import (
    Appointment,
    AppointmentSettings,
    CalendarFeed,
    ReminderPreference,
)
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.access import (
    clients_visible_to,
    get_client_for_user,
    portal_client_for_user,
)
from waypoint.lib import downloads

FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 180


def get_appointment_for_user(user, pk, *, write=False, page: str = "appointment"):
    """The appointment and its chart's `ChartAccess`, if `user` may open the chart (change it,
    with write=True), through `get_client_for_user` (which audits the access). An appointment
    on a chart they cannot open is 404, as the chart is; one they may read but not change is
    403 to a write."""
    appointment = (
        Appointment.objects.select_related("clinician")
        .filter(pk=pk, client__organization_id=user.organization_id)
        .first()
    )
    if appointment is None:
        record(
            by=user,
            action=AuditAction.DENIED,
            object_type="appointments.appointment",
            object_id=str(pk)[:64],
            detail={"page": page},
        )
        raise Http404("No such appointment")
    access = get_client_for_user(user, appointment.client_id, write=write, page=page)
    appointment.client = access.client
    return appointment, access


def _apply_error(form, exc: AppointmentError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


@require_GET
@staff_required
def appointment_list(request, pk):
    access = get_client_for_user(request.user, pk, page="appointments")
    client = access.client
    appointments = list(
        Appointment.objects.filter(client=client)
        .select_related("clinician")
        .order_by("-starts_at", "-id")
    )
    zone = client.organization.zone
    for appointment in appointments:
        appointment.local = appointment.starts_at.astimezone(zone)
    preference = ReminderPreference.objects.filter(client=client).first()
    return TemplateResponse(
        request,
        "appointments/appointment_list.html",
        {
            "client": client,
            "appointments": appointments,
            "can_write": access.can_write,
            "preference": preference,
        },
    )


def _appointment_form_view(request, pk, *, drop_in: bool):
    page = "appointment drop-in" if drop_in else "appointment add"
    client = get_client_for_user(request.user, pk, write=True, page=page).client
    organization = client.organization
    now_local = timezone.now().astimezone(organization.zone)
    default_clinician = client.primary_clinician_id or request.user.pk
    if drop_in:
        initial = {"start_date": now_local.date(), "start_time": now_local.time().replace(minute=0)}
    else:
        initial = {"start_date": now_local.date() + datetime.timedelta(days=7)}
    initial["clinician"] = default_clinician
    form = AppointmentForm(
        request.POST if request.method == "POST" else None,
        organization=organization,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        do = actions.record_drop_in if drop_in else actions.schedule_appointment
        try:
            do(
                client,
                by=request.user,
                clinician=data["clinician"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                note=data["note"],
            )
        except AppointmentError as exc:
            _apply_error(form, exc)
        else:
            messages.success(request, "Drop-in recorded." if drop_in else "Appointment scheduled.")
            return redirect("appointments-list", client.pk)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request,
        "appointments/appointment_form.html",
        {"form": form, "client": client, "drop_in": drop_in, "editing": False},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def appointment_add(request, pk):
    return _appointment_form_view(request, pk, drop_in=False)


@require_http_methods(["GET", "POST"])
@staff_required
def appointment_drop_in(request, pk):
    return _appointment_form_view(request, pk, drop_in=True)


@require_http_methods(["GET", "POST"])
@staff_required
def appointment_edit(request, pk, appointment_pk):
    client = get_client_for_user(request.user, pk, write=True, page="appointment edit").client
    appointment = get_object_or_404(Appointment, pk=appointment_pk, client=client)
    organization = client.organization
    local = appointment.starts_at.astimezone(organization.zone)
    form = AppointmentForm(
        request.POST if request.method == "POST" else None,
        organization=organization,
        with_status=True,
        initial={
            "clinician": appointment.clinician_id,
            "start_date": local.date(),
            "start_time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": appointment.duration_minutes,
            "status": appointment.status,
            "note": appointment.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # The form has minutes: the same minute is no change of time (nor a new reminder).
        same_minute = appointment.starts_at.replace(second=0, microsecond=0)
        starts_at = None if data["starts_at"] == same_minute else data["starts_at"]
        try:
            actions.update_appointment(
                appointment,
                by=request.user,
                clinician=data["clinician"],
                starts_at=starts_at,
                duration_minutes=data["duration_minutes"],
                status=data["status"],
                note=data["note"],
            )
        except AppointmentError as exc:
            appointment.refresh_from_db()
            _apply_error(form, exc)
        else:
            messages.success(request, "Appointment saved.")
            return redirect("appointments-list", client.pk)
    return TemplateResponse(
        request,
        "appointments/appointment_form.html",
        {
            "form": form,
            "client": client,
            "appointment": appointment,
            "drop_in": appointment.kind == "drop_in",
            "editing": True,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required
def reminder_preference(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="appointment reminders").client
    form = ReminderForm.for_chart(client, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _save_reminder_choice(client, form, by=request.user)
        messages.success(request, "Reminder choice saved.")
        return redirect("appointments-list", client.pk)
    return TemplateResponse(
        request,
        "appointments/reminders.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@client_required
def portal_reminders(request):
    """The person turns their own appointment reminders on or off (42 CFR Part 2: it is their
    choice whether anything about their care reaches their inbox)."""
    client = portal_client_for_user(request.user, page="appointment reminders")
    form = PortalReminderForm.for_chart(client, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _save_reminder_choice(client, form, by=request.user)
        if form.cleaned_data["email_reminders"]:
            messages.success(request, gettext("Reminders are on."))
        else:
            messages.success(request, gettext("Reminders are off."))
        return redirect("portal-home")
    return TemplateResponse(
        request,
        "appointments/portal_reminders.html",
        {"form": form, "client": client},
        status=400 if request.method == "POST" else 200,
    )


def _save_reminder_choice(client, form, *, by) -> None:
    actions.set_reminder_preference(
        client,
        by=by,
        email_reminders=form.cleaned_data["email_reminders"],
        email=form.cleaned_data["email"],
    )


# The week calendar -------------------------------------------------------------------------


def parse_week(value: str, today: datetime.date) -> datetime.date:
    """The Monday of the week named by `YYYY-Www` (ISO week) or a `YYYY-MM-DD` date in it;
    this week when missing or unreadable."""
    value = (value or "").strip()
    day = today
    try:
        if "-W" in value:
            year, week = value.split("-W", 1)
            day = datetime.date.fromisocalendar(int(year), int(week), 1)
        elif value:
            day = datetime.date.fromisoformat(value)
    except ValueError:
        day = today
    return day - datetime.timedelta(days=day.weekday())


def iso_week(monday: datetime.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def calendar_people(user):
    """Whose week calendars `user` may open: their own; supervisees (supervisors); any staff of
    the organization (admins)."""
    staff = User.objects.filter(
        organization_id=user.organization_id, role__in=STAFF_ROLES, is_active=True
    )
    if user.can(Permission.SEE_ALL_CHARTS):
        return staff
    if user.can(Permission.SEE_SUPERVISEE_CHARTS):
        return staff.filter(pk__in=[user.pk, *user.supervisees.values_list("pk", flat=True)])
    return staff.filter(pk=user.pk)


@require_GET
@staff_required
def week(request):
    user = request.user
    organization = user.organization
    people = list(calendar_people(user).order_by("full_name", "pk"))
    person = user
    if request.GET.get("clinician"):
        try:
            wanted = int(request.GET["clinician"])
        except ValueError:
            raise Http404("No such calendar") from None
        person = next((p for p in people if p.pk == wanted), None)
        if person is None:
            raise Http404("No such calendar")
    monday = parse_week(request.GET.get("week") or request.GET.get("date"), organization.today())
    zone = organization.zone
    start = datetime.datetime.combine(monday, datetime.time(), zone)
    end = datetime.datetime.combine(monday + datetime.timedelta(days=7), datetime.time(), zone)
    appointments = list(
        Appointment.objects.filter(clinician=person, client__organization=organization)
        .between(start, end)
        .select_related("client")
        .order_by("starts_at", "id")
    )
    visible = set(
        clients_visible_to(user)
        .filter(pk__in={a.client_id for a in appointments})
        .values_list("pk", flat=True)
    )
    label = AppointmentSettings.for_organization(organization).label_for
    days = [{"date": monday + datetime.timedelta(days=i), "appointments": []} for i in range(7)]
    for appointment in appointments:
        appointment.local = appointment.starts_at.astimezone(zone)
        appointment.label = label(appointment.client)
        appointment.can_open = appointment.client_id in visible
        days[(appointment.local.date() - monday).days]["appointments"].append(appointment)
    # Each chart shown on the calendar (by number or initials) is an access to that chart.
    shown = {a.client_id: a.client for a in appointments}
    for client_id in sorted(shown):
        record(
            by=user,
            action=AuditAction.VIEW,
            obj=shown[client_id],
            client=shown[client_id],
            detail={"page": "appointments week"},
        )
    today = organization.today()
    return TemplateResponse(
        request,
        "appointments/week.html",
        {
            "person": person,
            "people": people if len(people) > 1 else [],
            "days": days,
            "today": today,
            "week": iso_week(monday),
            "previous_week": iso_week(monday - datetime.timedelta(days=7)),
            "next_week": iso_week(monday + datetime.timedelta(days=7)),
            "this_week": iso_week(parse_week("", today)),
            "monday": monday,
            "sunday": monday + datetime.timedelta(days=6),
            "count": len(appointments),
            "can_manage_settings": user.can(Permission.MANAGE_ORGANIZATION),
        },
    )


# Settings and the calendar feed ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_ORGANIZATION)
def appointment_settings(request):
    organization = request.user.organization
    current = AppointmentSettings.for_organization(organization)
    form = SettingsForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        actions.update_settings(
            organization, by=request.user, calendar_label=form.cleaned_data["calendar_label"]
        )
        messages.success(request, "Appointment settings saved.")
        return redirect("appointments-settings")
    return TemplateResponse(
        request,
        "appointments/settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required
def feed_settings(request):
    user = request.user
    new_url = None
    if request.method == "POST":
        if request.POST.get("action") == "create":
            _, secret = actions.create_feed(user, by=user)
            new_url = request.build_absolute_uri(reverse("appointments-feed", args=[secret]))
        elif request.POST.get("action") == "revoke":
            actions.revoke_feed(user, by=user)
            messages.success(request, "The feed address was revoked; it no longer works.")
            return redirect("appointments-feed-settings")
        else:
            return HttpResponse("Unknown action", status=400, content_type="text/plain")
    feed = CalendarFeed.objects.active().filter(user=user).first()
    return TemplateResponse(
        request, "appointments/feed_settings.html", {"feed": feed, "new_url": new_url}
    )


@require_GET
def feed(request, secret):
    """The .ics feed: opened by a calendar app without a session, by its secret alone."""
    found = actions.feed_for_secret(secret)
    if found is None:
        raise Http404("No such feed")
    user = found.user
    organization = user.organization
    now = timezone.now()
    appointments = list(
        Appointment.objects.filter(clinician=user, client__organization=organization)
        .between(
            now - datetime.timedelta(days=FEED_PAST_DAYS),
            now + datetime.timedelta(days=FEED_FUTURE_DAYS),
        )
        .select_related("client")
        .order_by("starts_at", "id")
    )
    # The feed leaves Waypoint (to a calendar provider): an export of each chart it labels.
    shown = {a.client_id: a.client for a in appointments}
    for client_id in sorted(shown):
        record(
            by=user,
            action=AuditAction.EXPORT,
            obj=shown[client_id],
            client=shown[client_id],
            detail={"page": "ics feed", "feed_id": found.pk},
        )
    body = build_feed(
        appointments,
        label_for=AppointmentSettings.for_organization(organization).label_for,
        calendar_name="Waypoint appointments",
        now=now,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    downloads.inline(response, "appointments.ics")
    response["X-Robots-Tag"] = "noindex"

    return response
