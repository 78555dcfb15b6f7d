"""Explicit input and output shapes: no model is exposed wholesale (docs/api.md)."""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, field_validator

from waypoint.api.params import iso_day
from waypoint.appointments.models import DURATION_CHOICES, AppointmentKind, AppointmentStatus
from waypoint.groups.models import AttendanceStatus


def _in_utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


# Every moment the API answers with, in UTC (`...Z`). Read back from the database they already
# are; a row just written still holds the clinic's local time, whose offset in some zones and
# years has seconds (Africa/Monrovia -00:44:30 until 1972) that RFC 3339 cannot carry.
Moment = Annotated[datetime.datetime, AfterValidator(_in_utc)]


class Error(Schema):
    error: str
    fields: dict[str, list[str]] = Field(default_factory=dict)


# The error answers every operation may give (each a JSON `Error`).
ERRORS = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    429: Error,
}


class NeedsConfirmation(Error):
    confirm: str


class ClientOut(Schema):
    id: int
    chart_number: str
    name: str
    status: str
    primary_clinician_id: int | None
    url: str

    @staticmethod
    def resolve_name(obj):
        return obj.display_name

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class GoalOut(Schema):
    id: int
    substance: str
    kind: str
    chosen_by_client: bool
    started_on: datetime.date
    review_on: datetime.date | None
    ended_on: datetime.date | None
    practices: list[str]
    limit_unit: str
    max_per_occasion: Decimal | None
    max_per_day: Decimal | None
    max_use_days_per_week: int | None


class DiaryEntryOut(Schema):
    id: int
    day: datetime.date
    kind: str
    substance: str
    amount: Decimal | None
    unit: str
    alcohol_grams: float
    route: str
    practices: list[str]
    mood: int | None
    urge: int | None
    money_spent: Decimal | None
    source: str


class DiaryEntryIn(Schema):
    """The same fields, rules and plausibility checks as the clinician's diary form."""

    model_config = ConfigDict(extra="forbid")

    day: datetime.date
    substance: str
    amount: Decimal | None = None
    unit: str = ""
    beverage: str = ""
    volume: str = ""
    abv: Decimal | None = None
    route: str = ""
    practices: list[str] = Field(default_factory=list)
    mood: int | None = None
    urge: int | None = None
    setting_where: str = ""
    setting_with_whom: str = ""
    money_spent: Decimal | None = None
    note: str = ""
    confirm: str = Field("", description="Echo the `confirm` value of a 409 answer to save anyway")


class AdministrationOut(Schema):
    id: int
    instrument_id: str
    status: str
    total: int | None
    band: str
    flags: list[str]
    subscales: dict[str, int | float | None]
    due_on: datetime.date | None
    administered_at: Moment | None


class ScoreIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answers: list[int | None] = Field(
        ..., description="0-based option index per item, in order; null for unanswered"
    )
    thresholds: str | None = Field(None, description="female or male, where cut-offs differ")


class ScoreOut(Schema):
    instrument: str
    total: int | None
    band: str | None
    flags: list[str]
    subscales: dict[str, int | float | None]
    thresholds: str | None = None
    thresholds_note: str | None = None


class AlertOut(Schema):
    id: int
    client_id: int
    kind: str
    severity: str
    title: str
    raised_at: Moment
    acknowledged_at: Moment | None


class ConsentOut(Schema):
    id: int
    recipient_kind: str
    recipient: str
    purpose: str
    info_kinds: list[str]
    expires_on: datetime.date | None
    signed_on: datetime.date | None
    revoked_at: Moment | None
    status: str

    @staticmethod
    def resolve_recipient(obj):
        return obj.recipient_label

    @staticmethod
    def resolve_status(obj):
        return obj.status_on(obj.client.organization.today())


# Appointments, notes, groups, medications, stages of change, safety plans (issue #14). ---------


class AppointmentOut(Schema):
    id: int
    client_id: int
    clinician_id: int
    clinician: str
    starts_at: Moment
    ends_at: Moment
    duration_minutes: int
    kind: str
    status: str

    @staticmethod
    def resolve_clinician(obj):
        return obj.clinician.full_name


class CalendarAppointmentOut(Schema):
    """A clinician's calendar names each person as the organization chose for calendars (chart
    number or initials), never by name; `client_id` is null for a chart the caller cannot open,
    as the web calendar shows such rows without a link."""

    id: int
    client_id: int | None
    client_label: str
    clinician_id: int
    starts_at: Moment
    ends_at: Moment
    duration_minutes: int
    kind: str
    status: str

    @staticmethod
    def resolve_client_id(obj):
        return obj.client_id if obj.can_open else None

    @staticmethod
    def resolve_client_label(obj):
        return obj.label


class NoteSectionOut(Schema):
    key: str
    label: str
    text: str


class AddendumOut(Schema):
    id: int
    author_id: int
    author: str
    created_at: Moment
    text: str

    @staticmethod
    def resolve_author(obj):
        return obj.author_text


class NoteOut(Schema):
    id: int
    session_date: datetime.date
    template_key: str
    template_name: str
    status: str = Field(description="draft (only ever sent to its author), pending_cosign, signed")
    author_id: int
    author: str
    created_at: Moment
    signed_at: Moment | None
    signature: str | None
    late_entry: bool
    cosign_required: bool
    cosigned_at: Moment | None
    cosignature: str | None
    return_comment: str | None = Field(description="a supervisor's comment on a returned draft")
    sections: list[NoteSectionOut]
    addenda: list[AddendumOut]

    @staticmethod
    def resolve_author(obj):
        return obj.author.full_name

    @staticmethod
    def resolve_signature(obj):
        return obj.signature_text or None

    @staticmethod
    def resolve_cosignature(obj):
        return obj.cosignature_text or None

    @staticmethod
    def resolve_return_comment(obj):
        if not obj.is_draft:
            return None
        return obj.return_comment or None

    @staticmethod
    def resolve_sections(obj):
        return [
            {"key": s["key"], "label": s["label"], "text": s.get("text", "")}
            for s in obj.section_list()
        ]

    @staticmethod
    def resolve_addenda(obj):
        return list(obj.addenda.all())


class PersonOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj):
        return obj.full_name


class GroupOut(Schema):
    id: int
    name: str
    description: str
    is_active: bool
    facilitators: list[PersonOut]
    members: int = Field(description="people on the roster now")
    session_count: int

    @staticmethod
    def resolve_facilitators(obj):
        return list(obj.facilitators.all())


class RosterRowOut(Schema):
    membership_id: int
    client_id: int
    chart_number: str
    name: str
    joined_on: datetime.date
    left_on: datetime.date | None
    can_open: bool = Field(description="whether you may open this person's chart")


class SessionSummaryOut(Schema):
    id: int
    held_on: datetime.date
    topic: str
    present: int
    drop_ins: int


class GroupDetailOut(GroupOut):
    roster: list[RosterRowOut]
    sessions: list[SessionSummaryOut]


class AttendanceOut(Schema):
    client_id: int
    chart_number: str
    name: str
    status: str
    on_roster: bool
    member_note: str | None = Field(
        description="this member's own part of the group note; null unless you may read their chart"
    )


class GroupSessionOut(Schema):
    id: int
    held_on: datetime.date
    topic: str
    shared_note: str = Field(description="the shared part: about the group, filed to no chart")
    attendance: list[AttendanceOut]

    @staticmethod
    def resolve_attendance(obj):
        return obj.rows


class MedicationOut(Schema):
    id: int
    name: str
    dose: str
    prescriber: str
    started_on: datetime.date
    stopped_on: datetime.date | None
    current: bool
    for_opioid_use: bool = Field(description="a medication for opioid use disorder (MOUD)")
    for_alcohol_use: bool = Field(description="a medication for alcohol use disorder (MAUD)")

    @staticmethod
    def resolve_current(obj):
        return obj.is_current_on(obj.client.organization.today())


class DiagnosisOut(Schema):
    id: int
    description: str
    code: str
    code_title: str
    noted_on: datetime.date


class AllergyOut(Schema):
    id: int
    text: str
    noted_on: datetime.date


class StageOut(Schema):
    id: int
    substance: str
    stage: str
    noted_on: datetime.date
    note: str


class PlanSectionOut(Schema):
    key: str
    title: str
    items: list[str]


class PlanVersionOut(Schema):
    number: int
    saved_at: Moment
    saved_by: str
    by_client: bool
    complete: bool
    sections: list[PlanSectionOut]

    @staticmethod
    def resolve_saved_by(obj):
        return obj.saved_by_label()

    @staticmethod
    def resolve_complete(obj):
        return obj.is_complete

    @staticmethod
    def resolve_sections(obj):
        return [
            {"key": section.key, "title": section.title, "items": items}
            for section, items in obj.filled_sections()
        ]


class SafetyPlanOut(Schema):
    id: int
    kind: str
    title: str
    client_may_edit: list[str] = Field(description="sections the person may edit in the portal")
    version_count: int
    current: PlanVersionOut | None

    @staticmethod
    def resolve_title(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_current(obj):
        return obj.current_version()


# Writes for appointments and groups: the web forms' fields, validated by those forms. -------

HH_MM = r"^\d{2}:\d{2}$"
# A row id in a body: the databases' ids are 64-bit, and a larger number must be a 400, not a
# failed query.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
DURATIONS = ", ".join(str(minutes) for minutes, _ in DURATION_CHOICES)


class AppointmentIn(Schema):
    """Book an appointment, or record a drop-in after it happened, with the web form's rules:
    a booked appointment starts in the future, a drop-in started in the past (and was attended).
    The date and time are the clinic's, in its time zone."""

    model_config = ConfigDict(extra="forbid")

    kind: AppointmentKind = Field(AppointmentKind.INDIVIDUAL, description="individual or drop_in")
    clinician_id: Id | None = Field(
        None,
        description="active staff of the clinic; default: the chart's primary clinician, or you",
    )
    start_date: datetime.date = Field(description="YYYY-MM-DD, in the clinic's time zone")
    start_time: str = Field(pattern=HH_MM, description="HH:MM, in the clinic's time zone")
    duration_minutes: int = Field(50, description=f"one of {DURATIONS}")
    note: str = Field("", description="encrypted; never sent back, in reminders or in feeds")

    _iso = field_validator("start_date", mode="before")(iso_day)


class AppointmentChange(Schema):
    """Change an appointment as its web edit page does: only the fields sent change. `status`
    records what happened (attended and did not attend once the start time has passed)."""

    model_config = ConfigDict(extra="forbid")

    clinician_id: Id | None = None
    start_date: datetime.date | None = Field(None, description="YYYY-MM-DD, clinic's time zone")
    start_time: str | None = Field(None, pattern=HH_MM, description="HH:MM, clinic's time zone")
    duration_minutes: int | None = Field(None, description=f"one of {DURATIONS}")
    status: AppointmentStatus | None = None
    note: str | None = Field(None, description="encrypted; never sent back")

    _iso = field_validator("start_date", mode="before")(iso_day)


class MemberIn(Schema):
    model_config = ConfigDict(extra="forbid")

    client_id: Id = Field(description="a chart you may open, not on the roster now")
    joined_on: datetime.date

    _iso = field_validator("joined_on", mode="before")(iso_day)


class MemberEndIn(Schema):
    model_config = ConfigDict(extra="forbid")

    left_on: datetime.date = Field(description="on or after the day they joined")

    _iso = field_validator("left_on", mode="before")(iso_day)


class AttendanceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    client_id: Id = Field(
        description="a chart on the roster that day, one already recorded, or (as a drop-in) "
        "a chart you may open"
    )
    status: AttendanceStatus | None = Field(
        description="present or absent for the roster; drop_in for anyone else; null removes "
        "the row (a drop-in who did not come after all)"
    )
    member_note: str | None = Field(
        None,
        description="this member's own part of the group note, filed to their chart; left out "
        "or null keeps it as it is. Only for a chart you may read.",
    )


class GroupSessionIn(Schema):
    """A new session; with `shared_note` or `attendance`, recorded at once (all or nothing)."""

    model_config = ConfigDict(extra="forbid")

    held_on: datetime.date = Field(description="one session per group per day")
    topic: str = ""
    shared_note: str = Field("", description="about the group as a whole; filed to no chart")
    attendance: list[AttendanceIn] = Field(default_factory=list)

    _iso = field_validator("held_on", mode="before")(iso_day)


class GroupSessionChange(Schema):
    """Record a session, as its web page: only the fields sent change, and only the charts
    listed in `attendance`."""

    model_config = ConfigDict(extra="forbid")

    topic: str | None = None
    shared_note: str | None = Field(None, description="about the group as a whole")
    attendance: list[AttendanceIn] = Field(default_factory=list)
