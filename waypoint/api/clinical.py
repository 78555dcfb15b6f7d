"""The API's operations for appointments, session notes, groups, medications, stages of change
and safety plans (issue #14; docs/api.md).

Each one follows its web page's rule, through the same access function: a chart's records
through `get_client_for_user` (audited), a clinician's calendar through the week calendar's
`calendar_people`, a group through `get_group_for_user`. Where the web and the API differ, the
API is the stricter: a draft note goes only to its author, and a member's own part of a group
note only to someone who may read that member's chart.
"""

from types import SimpleNamespace

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from ninja import Query, Router
from ninja.pagination import paginate
from pydantic import BaseModel

from waypoint.api import schemas
from waypoint.api.params import DateWindow, Page, known_query
from waypoint.api.schemas import ERRORS
from waypoint.appointments.models import Appointment, AppointmentSettings
from waypoint.appointments.views import calendar_people
from waypoint.assessment.models import StageOfChange
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.access import clients_visible_to, get_client_for_user
from waypoint.goals.models import Substance
from waypoint.groups.models import Attendance, GroupSession, Membership, TherapyGroup
from waypoint.groups.views import get_group_for_user
from waypoint.notes.models import Addendum, Note, NoteStatus
from waypoint.plans.models import SafetyPlan

chart = Router(tags=["clients"])
appointments = Router(tags=["appointments"])
groups = Router(tags=["groups"])


def _audit_charts(user, clients, page: str) -> None:
    """One view event per chart a response names (Part 2: every chart access audited)."""
    for client in {c.pk: c for c in clients}.values():
        record(by=user, action=AuditAction.VIEW, obj=client, client=client, detail={"page": page})


# Appointments -------------------------------------------------------------------------------


@chart.get("/{int:client_id}/appointments", response={200: list[schemas.AppointmentOut], **ERRORS})
@paginate(Page)
@known_query("from", "to")
def list_chart_appointments(request, client_id: int, dates: Query[DateWindow]):
    """The chart's appointments and drop-ins, newest first (as its Appointments page);
    `from`/`to` are days in the clinic's time zone."""
    client = get_client_for_user(request.user, client_id, page="api appointments").client
    rows = Appointment.objects.filter(client=client).select_related("clinician")
    rows = dates.filter_moments(rows, "starts_at", client.organization.zone)
    return rows.order_by("-starts_at", "-id")


class CalendarQuery(BaseModel):
    clinician: int | None = None


def _calendar_page(request, rows) -> None:
    """The week calendar's rule for each row sent: its label, whether the chart opens, and one
    view event per chart shown."""
    user = request.user
    visible = set(
        clients_visible_to(user)
        .filter(pk__in={a.client_id for a in rows})
        .values_list("pk", flat=True)
    )
    label = AppointmentSettings.for_organization(user.organization).label_for
    for appointment in rows:
        appointment.label = label(appointment.client)
        appointment.can_open = appointment.client_id in visible
    _audit_charts(user, [a.client for a in rows], "api appointments calendar")


@appointments.get("", response={200: list[schemas.CalendarAppointmentOut], **ERRORS})
@paginate(Page, shown=_calendar_page)
@known_query("clinician", "from", "to")
def list_calendar(request, calendar: Query[CalendarQuery], dates: Query[DateWindow]):
    """A clinician's calendar, soonest first: your own, or (`clinician=ID`) one you may open on
    the web (a supervisor: their supervisees'; an admin: any staff member's). Without `from`
    or `to`, from today on."""
    user = request.user
    organization = user.organization
    person = user
    if calendar.clinician is not None:
        person = calendar_people(user).filter(pk=calendar.clinician).first()
        if person is None:
            raise Http404("No such calendar")
    if dates.start is None and dates.end is None:
        dates = DateWindow(start=organization.today())
    rows = Appointment.objects.filter(clinician=person, client__organization=organization)
    rows = dates.filter_moments(rows, "starts_at", organization.zone)
    return rows.select_related("client").order_by("starts_at", "id")


# Session notes ------------------------------------------------------------------------------


@chart.get("/{int:client_id}/notes", response={200: list[schemas.NoteOut], **ERRORS})
@paginate(Page)
@known_query("from", "to")
def list_notes(request, client_id: int, dates: Query[DateWindow]):
    """Session notes with their addenda, newest session first: signed notes and those awaiting
    a co-signature; a draft only to its author. `from`/`to` filter by session date."""
    client = get_client_for_user(request.user, client_id, page="api notes").client
    notes = Note.objects.filter(client=client).filter(
        ~Q(status=NoteStatus.DRAFT) | Q(author=request.user)
    )
    notes = dates.filter(notes, "session_date")
    return (
        notes.select_related("author")
        .prefetch_related(Prefetch("addenda", queryset=Addendum.objects.order_by("created_at")))
        .order_by("-session_date", "-id")
    )


# Groups -------------------------------------------------------------------------------------


def _with_counts(groups_qs):
    return groups_qs.annotate(
        members=Count("memberships", filter=Q(memberships__left_on__isnull=True), distinct=True),
        session_count=Count("sessions", distinct=True),
    ).prefetch_related("facilitators")


@groups.get("", response={200: list[schemas.GroupOut], **ERRORS})
@paginate(Page)
@known_query()
def list_groups(request):
    """The groups you may open: those you facilitate; an admin, every group of the clinic."""
    return _with_counts(TherapyGroup.objects.visible_to(request.user)).order_by("name", "id")


@groups.get("/{int:group_id}", response={200: schemas.GroupDetailOut, **ERRORS})
@known_query()
def get_group(request, group_id: int):
    """One group: its facilitators, its roster (now and former) and its sessions."""
    user = request.user
    group = get_group_for_user(user, group_id)
    group = _with_counts(TherapyGroup.objects.filter(pk=group.pk)).get()
    memberships = list(
        Membership.objects.filter(group=group)
        .select_related("client")
        .order_by(F("left_on").asc(nulls_first=True), "joined_on", "id")
    )
    _audit_charts(user, [m.client for m in memberships], "api group roster")
    visible = set(
        clients_visible_to(user)
        .filter(pk__in=[m.client_id for m in memberships])
        .values_list("pk", flat=True)
    )
    roster = [
        {
            "membership_id": m.pk,
            "client_id": m.client_id,
            "chart_number": m.client.chart_number,
            "name": m.client.display_name,
            "joined_on": m.joined_on,
            "left_on": m.left_on,
            "can_open": m.client_id in visible,
        }
        for m in memberships
    ]
    sessions = (
        GroupSession.objects.filter(group=group)
        .annotate(
            present=Count("attendance", filter=Q(attendance__status="present")),
            drop_ins=Count("attendance", filter=Q(attendance__status="drop_in")),
        )
        .order_by("-held_on", "-id")
    )
    fields = {name: getattr(group, name) for name in schemas.GroupOut.model_fields}
    return SimpleNamespace(**fields, roster=roster, sessions=list(sessions))


def _session_page(request, sessions) -> None:
    """Each session's attendance as recorded; a member's own part only where the caller may
    read that member's chart; one view event per chart shown."""
    user = request.user
    attendance = [a for s in sessions for a in s.attendance.all()]
    visible = set(
        clients_visible_to(user)
        .filter(pk__in={a.client_id for a in attendance})
        .values_list("pk", flat=True)
    )
    memberships = list(Membership.objects.filter(group_id__in={s.group_id for s in sessions}))
    for session in sessions:
        on_roster = {
            m.client_id
            for m in memberships
            if m.joined_on <= session.held_on
            and (m.left_on is None or m.left_on >= session.held_on)
        }
        session.rows = [
            {
                "client_id": a.client_id,
                "chart_number": a.client.chart_number,
                "name": a.client.display_name,
                "status": a.status,
                "on_roster": a.client_id in on_roster,
                "member_note": a.member_note if a.client_id in visible else None,
            }
            for a in session.attendance.all()
        ]
    _audit_charts(user, [a.client for a in attendance], "api group session")


@groups.get("/{int:group_id}/sessions", response={200: list[schemas.GroupSessionOut], **ERRORS})
@paginate(Page, shown=_session_page)
@known_query("from", "to")
def list_group_sessions(request, group_id: int, dates: Query[DateWindow]):
    """A group's sessions, newest first, with the shared part of the group note and the
    attendance. `from`/`to` filter by session date."""
    group = get_group_for_user(request.user, group_id)
    sessions = dates.filter(GroupSession.objects.filter(group=group), "held_on")
    return sessions.prefetch_related(
        Prefetch(
            "attendance",
            queryset=Attendance.objects.select_related("client").order_by("client__chart_number"),
        )
    ).order_by("-held_on", "-id")


# Medications, diagnoses, allergies ----------------------------------------------------------


class MedicationQuery(BaseModel):
    current: bool | None = None


@chart.get("/{int:client_id}/medications", response={200: list[schemas.MedicationOut], **ERRORS})
@paginate(Page)
@known_query("current")
def list_medications(request, client_id: int, which: Query[MedicationQuery]):
    """Medications, newest start first, with the MOUD/MAUD flags; `current=true` for those taken
    today (in the clinic's time zone), `current=false` for past ones."""
    client = get_client_for_user(request.user, client_id, page="api medications").client
    rows = client.medications.all()
    if which.current is not None:
        now = client.medications.current_on(client.organization.today())
        rows = rows.filter(pk__in=now) if which.current else rows.exclude(pk__in=now)
    return rows.order_by("-started_on", "-id")


@chart.get("/{int:client_id}/diagnoses", response={200: list[schemas.DiagnosisOut], **ERRORS})
@paginate(Page)
@known_query()
def list_diagnoses(request, client_id: int):
    client = get_client_for_user(request.user, client_id, page="api diagnoses").client
    return client.diagnoses.order_by("-noted_on", "-id")


@chart.get("/{int:client_id}/allergies", response={200: list[schemas.AllergyOut], **ERRORS})
@paginate(Page)
@known_query()
def list_allergies(request, client_id: int):
    client = get_client_for_user(request.user, client_id, page="api allergies").client
    return client.allergies.order_by("-noted_on", "-id")


# Stages of change, safety plans -------------------------------------------------------------


class StageQuery(BaseModel):
    substance: Substance | None = None


@chart.get("/{int:client_id}/stages", response={200: list[schemas.StageOut], **ERRORS})
@paginate(Page)
@known_query("substance", "from", "to")
def list_stages(request, client_id: int, which: Query[StageQuery], dates: Query[DateWindow]):
    """The stage-of-change history, newest first, per substance (`substance=`); `from`/`to`
    filter by the date noted."""
    client = get_client_for_user(request.user, client_id, page="api stages of change").client
    rows = StageOfChange.objects.filter(client=client)
    if which.substance:
        rows = rows.filter(substance=which.substance)
    return dates.filter(rows, "noted_on").order_by("-noted_on", "-id")


@chart.get("/{int:client_id}/safety-plans", response={200: list[schemas.SafetyPlanOut], **ERRORS})
@paginate(Page)
@known_query()
def list_safety_plans(request, client_id: int):
    """The overdose prevention and crisis plans, each with its current version (read only)."""
    client = get_client_for_user(request.user, client_id, page="api safety plans").client
    return (
        SafetyPlan.objects.filter(client=client)
        .annotate(version_count=Count("versions"))
        .order_by("kind", "id")
    )
