"""The API's operations for appointments, session notes, groups, medications, stages of change
and safety plans (issue #14; docs/api.md).

Each one follows its web page's rule, through the same access function: a chart's records
through `get_client_for_user` (audited), a clinician's calendar through the week calendar's
`calendar_people`, a group through `get_group_for_user`. Where the web and the API differ, the
API is the stricter: a draft note goes only to its author, and a member's own part of a group
note only to someone who may read that member's chart.
"""

import datetime
from types import SimpleNamespace

from django.db import transaction
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from ninja import Query, Router, Status
from ninja.pagination import paginate
from pydantic import BaseModel

from waypoint.api import schemas
from waypoint.api.auth import require_write
from waypoint.api.params import DateWindow, Page, Refused, known_query
from waypoint.api.schemas import ERRORS
from waypoint.appointments import actions as appointment_actions
from waypoint.appointments.actions import AppointmentError
from waypoint.appointments.forms import AppointmentForm
from waypoint.appointments.models import Appointment, AppointmentKind, AppointmentSettings
from waypoint.appointments.views import calendar_people, get_appointment_for_user
from waypoint.assessment.models import StageOfChange
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.access import clients_visible_to, get_client_for_user
from waypoint.clients.models import Client
from waypoint.goals.models import Substance
from waypoint.groups import actions as group_actions
from waypoint.groups.actions import GroupError
from waypoint.groups.forms import AddMemberForm, LeaveForm, SessionForm, SessionNoteForm
from waypoint.groups.models import Attendance, GroupSession, Membership, TherapyGroup
from waypoint.groups.views import addable_charts, get_group_for_user
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


# Appointment writes: the web's appointment form and actions, its rule (the chart's care team).

# The form's field names as the API names them.
APPOINTMENT_FIELDS = {"clinician": "clinician_id"}


def _appointment_refused(exc: AppointmentError) -> Refused:
    if exc.field:
        return Refused.on(APPOINTMENT_FIELDS.get(exc.field, exc.field), str(exc))
    return Refused(str(exc))


def _appointment_form(organization, data: dict, *, with_status=False) -> AppointmentForm:
    form = AppointmentForm(
        {key: "" if value is None else str(value) for key, value in data.items()},
        organization=organization,
        with_status=with_status,
    )
    if not form.is_valid():
        raise Refused.by_form(form, APPOINTMENT_FIELDS)
    return form


@chart.post("/{int:client_id}/appointments", response={201: schemas.AppointmentOut, **ERRORS})
@known_query()
def add_appointment(request, client_id: int, payload: schemas.AppointmentIn):
    """Book an appointment (`kind` individual, in the future) or record a drop-in (`kind`
    drop_in, in the past; attended), as the chart's Appointments page: the chart's care team
    and admins; a chart you may only read answers 403."""
    require_write(request)
    drop_in = payload.kind == AppointmentKind.DROP_IN
    page = "api appointment drop-in" if drop_in else "api appointment add"
    client = get_client_for_user(request.user, client_id, write=True, page=page).client
    form = _appointment_form(
        client.organization,
        {
            "clinician": payload.clinician_id or client.primary_clinician_id or request.user.pk,
            "start_date": payload.start_date.isoformat(),
            "start_time": payload.start_time,
            "duration_minutes": payload.duration_minutes,
            "note": payload.note,
        },
    )
    data = form.cleaned_data
    do = appointment_actions.record_drop_in if drop_in else appointment_actions.schedule_appointment
    try:
        appointment = do(
            client,
            by=request.user,
            clinician=data["clinician"],
            starts_at=data["starts_at"],
            duration_minutes=data["duration_minutes"],
            note=data["note"],
        )
    except AppointmentError as exc:
        raise _appointment_refused(exc) from None
    return Status(201, appointment)


@appointments.get("/{int:appointment_id}", response={200: schemas.AppointmentOut, **ERRORS})
@known_query()
def get_appointment(request, appointment_id: int):
    """One appointment, if you may open its chart."""
    appointment, _ = get_appointment_for_user(request.user, appointment_id, page="api appointment")
    return appointment


@appointments.patch("/{int:appointment_id}", response={200: schemas.AppointmentOut, **ERRORS})
@known_query()
def change_appointment(request, appointment_id: int, payload: schemas.AppointmentChange):
    """Reschedule, change the clinician or the length, record what happened (`status`), or
    change the note, as the web's edit page; only the fields sent change. An appointment on a
    chart you cannot open answers 404; on one you may only read, 403."""
    require_write(request)
    appointment, access = get_appointment_for_user(
        request.user, appointment_id, write=True, page="api appointment edit"
    )
    organization = access.client.organization
    local = appointment.starts_at.astimezone(organization.zone)
    sent = payload.model_dump(exclude_unset=True, exclude_none=True)
    current = {
        "clinician_id": appointment.clinician_id,
        "start_date": local.date().isoformat(),
        "start_time": local.strftime("%H:%M"),
        "duration_minutes": appointment.duration_minutes,
        "status": appointment.status,
        "note": appointment.note,
    }
    values = {**current, **sent}
    if isinstance(values["start_date"], datetime.date):
        values["start_date"] = values["start_date"].isoformat()
    values["clinician"] = values.pop("clinician_id")
    data = _appointment_form(organization, values, with_status=True).cleaned_data
    # As on the web page, whose form has minutes: the same minute is no change of time (nor a
    # new reminder).
    same_minute = appointment.starts_at.replace(second=0, microsecond=0)
    try:
        appointment_actions.update_appointment(
            appointment,
            by=request.user,
            clinician=data["clinician"],
            starts_at=None if data["starts_at"] == same_minute else data["starts_at"],
            duration_minutes=data["duration_minutes"],
            status=data["status"],
            note=data["note"],
        )
    except AppointmentError as exc:
        raise _appointment_refused(exc) from None
    return appointment


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


# Group writes: the group pages' forms and actions, their rule (`get_group_for_user`: the
# group's facilitators and the organization's admins; anyone else 404).


def _roster_row(request, membership) -> dict:
    client = membership.client
    return {
        "membership_id": membership.pk,
        "client_id": client.pk,
        "chart_number": client.chart_number,
        "name": client.display_name,
        "joined_on": membership.joined_on,
        "left_on": membership.left_on,
        "can_open": clients_visible_to(request.user).filter(pk=client.pk).exists(),
    }


@groups.post("/{int:group_id}/members", response={201: schemas.RosterRowOut, **ERRORS})
@known_query()
def add_group_member(request, group_id: int, payload: schemas.MemberIn):
    """Put a chart on the roster, as the group's Add members page: a chart you may open, not on
    the roster now (anything else is a 400 naming `client_id`, whether or not it exists)."""
    require_write(request)
    user = request.user
    group = get_group_for_user(user, group_id)
    form = AddMemberForm(
        {"client": str(payload.client_id), "joined_on": payload.joined_on.isoformat()},
        charts=addable_charts(user, group),
    )
    if not form.is_valid():
        raise Refused.by_form(form, {"client": "client_id"})
    client = get_client_for_user(
        user, form.cleaned_data["client"].pk, page="api group add member"
    ).client
    try:
        membership = group_actions.add_member(
            group, client, by=user, joined_on=form.cleaned_data["joined_on"]
        )
    except GroupError as exc:
        raise Refused.on("joined_on", str(exc)) from None
    return Status(201, _roster_row(request, membership))


@groups.post(
    "/{int:group_id}/members/{int:membership_id}/end",
    response={200: schemas.RosterRowOut, **ERRORS},
)
@known_query()
def end_group_membership(request, group_id: int, membership_id: int, payload: schemas.MemberEndIn):
    """Record that a member left the group (once; on or after the day they joined), as the
    group page's Leave button. `membership_id` is the roster row's."""
    require_write(request)
    user = request.user
    group = get_group_for_user(user, group_id)
    membership = (
        Membership.objects.select_related("client").filter(pk=membership_id, group=group).first()
    )
    if membership is None:
        raise Http404("No such member")
    form = LeaveForm({"left_on": payload.left_on.isoformat()})
    if not form.is_valid():
        raise Refused.by_form(form)
    try:
        membership = group_actions.end_membership(
            membership, by=user, left_on=form.cleaned_data["left_on"]
        )
    except GroupError as exc:
        raise Refused.on("left_on", str(exc)) from None
    _audit_charts(user, [membership.client], "api group member end")
    return _roster_row(request, membership)


def _record_session(request, session, *, topic: str, shared_note: str, attendance) -> None:
    """`record_session` with the session page's rules, for the charts listed only.

    A chart on the roster that day or already recorded may be changed (facilitators write every
    member's attendance); any other chart comes as a drop-in only if you may open it (a 400
    naming its `client_id` otherwise, as the page offers no other). A member's own part is
    written only for a chart you may read (403 otherwise): the API never sends it to anyone
    else (docs/api.md), so it does not let them overwrite what they cannot see.
    """
    user = request.user
    form = SessionNoteForm(
        {"topic": topic, "shared_note": shared_note}, drop_in_charts=Client.objects.none()
    )
    if not form.is_valid():
        raise Refused.by_form(form)
    listed = [row.client_id for row in attendance]
    on_roster = set(
        group_actions.roster_on(session.group, session.held_on).values_list("client_id", flat=True)
    )
    existing = {a.client_id: a for a in Attendance.objects.filter(session=session)}
    visible = set(clients_visible_to(user).filter(pk__in=listed).values_list("pk", flat=True))
    rows, where = {}, {}
    for index, row in enumerate(attendance):
        at = f"attendance.{index}"
        if row.client_id in rows:
            raise Refused.on(f"{at}.client_id", "This chart is listed twice.")
        if row.client_id not in on_roster and row.client_id not in existing:
            if row.client_id not in visible:
                raise Refused.on(
                    f"{at}.client_id",
                    "Not on the roster that day: a drop-in is a chart you may open.",
                )
            get_client_for_user(user, row.client_id, page="api group drop-in")
        note = row.member_note
        if note is None:
            note = existing[row.client_id].member_note if row.client_id in existing else ""
        elif row.client_id not in visible:
            raise Refused.on(
                f"{at}.member_note",
                "You may not read this person's chart, so you cannot write their own part here: "
                "use the session page or ask their care team.",
                status=403,
            )
        rows[row.client_id] = (row.status or "", note)
        where[row.client_id] = at
    try:
        group_actions.record_session(
            session,
            by=user,
            topic=form.cleaned_data["topic"],
            shared_note=form.cleaned_data["shared_note"],
            rows=rows,
        )
    except GroupError as exc:
        if exc.client_id in where:
            raise Refused.on(f"{where[exc.client_id]}.{exc.field}", str(exc)) from None
        raise Refused.on("attendance", str(exc)) from None


def _session_answer(request, session):
    """The session as the sessions list sends it (and with its audit events)."""
    session = (
        GroupSession.objects.filter(pk=session.pk)
        .prefetch_related(
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("client").order_by(
                    "client__chart_number"
                ),
            )
        )
        .get()
    )
    _session_page(request, [session])
    return session


@groups.post("/{int:group_id}/sessions", response={201: schemas.GroupSessionOut, **ERRORS})
@known_query()
def add_group_session(request, group_id: int, payload: schemas.GroupSessionIn):
    """Add a session (one per day), as the group page; with `shared_note` or `attendance`,
    recorded at once as the session page records it. All or nothing: a refused row leaves no
    session behind."""
    require_write(request)
    user = request.user
    group = get_group_for_user(user, group_id)
    form = SessionForm({"held_on": payload.held_on.isoformat(), "topic": payload.topic})
    if not form.is_valid():
        raise Refused.by_form(form)
    with transaction.atomic():
        try:
            session = group_actions.add_session(
                group,
                by=user,
                held_on=form.cleaned_data["held_on"],
                topic=form.cleaned_data["topic"],
            )
        except GroupError as exc:
            raise Refused.on("held_on", str(exc)) from None
        if payload.shared_note or payload.attendance:
            _record_session(
                request,
                session,
                topic=session.topic,
                shared_note=payload.shared_note,
                attendance=payload.attendance,
            )
    return Status(201, _session_answer(request, session))


@groups.patch(
    "/{int:group_id}/sessions/{int:session_id}", response={200: schemas.GroupSessionOut, **ERRORS}
)
@known_query()
def record_group_session(
    request, group_id: int, session_id: int, payload: schemas.GroupSessionChange
):
    """Record a session, as its web page: topic, shared part, and attendance with each member's
    own part. Only the fields sent change, and only the charts listed; `status: null` removes a
    chart's row."""
    require_write(request)
    group = get_group_for_user(request.user, group_id)
    session = GroupSession.objects.filter(pk=session_id, group=group).first()
    if session is None:
        raise Http404("No such session")
    with transaction.atomic():
        _record_session(
            request,
            session,
            topic=session.topic if payload.topic is None else payload.topic,
            shared_note=session.shared_note if payload.shared_note is None else payload.shared_note,
            attendance=payload.attendance,
        )
    return _session_answer(request, session)


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
