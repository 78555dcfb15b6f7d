"""Explicit input and output shapes: no model is exposed wholesale (docs/api.md)."""

import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import ConfigDict


class Error(Schema):
    error: str
    fields: dict[str, list[str]] = Field(default_factory=dict)


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
    administered_at: datetime.datetime | None


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
    raised_at: datetime.datetime
    acknowledged_at: datetime.datetime | None


class ConsentOut(Schema):
    id: int
    recipient_kind: str
    recipient: str
    purpose: str
    info_kinds: list[str]
    expires_on: datetime.date | None
    signed_on: datetime.date | None
    revoked_at: datetime.datetime | None
    status: str

    @staticmethod
    def resolve_recipient(obj):
        return obj.recipient_label

    @staticmethod
    def resolve_status(obj):
        return obj.status_on(obj.client.organization.today())
