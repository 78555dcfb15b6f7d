"""`/api/v1/`: REST/JSON over the same access functions and actions as the web (docs/api.md).

Every operation gets the chart through `get_client_for_user` (which audits the access), writes
through the apps' `actions.py`, and validates input with the same forms as the web pages, so the
API can never be a side door around a rule.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from ninja import NinjaAPI, Query, Router, Status
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.pagination import paginate

from waypoint.api import clinical, schemas
from waypoint.api.auth import BearerToken, ReadOnlyToken, TokenRateThrottle, require_write
from waypoint.api.params import (
    BadParameter,
    DateRange,
    Page,
    Refused,
    UnknownParameters,
    known_query,
)
from waypoint.api.schemas import ERRORS
from waypoint.clients.access import clients_visible_to, get_client_for_user
from waypoint.clients.models import Alert
from waypoint.diary import actions as diary_actions
from waypoint.diary.forms import EntryForm
from waypoint.diary.models import DiarySettings, EntrySource
from waypoint.measures import instruments
from waypoint.measures.scoring import ScoringError, ThresholdsRequired, parse_answers, score

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Waypoint API",
    version="1",
    description=(
        "Personal access tokens (`Authorization: Bearer TOKEN`), made in your account settings or "
        "with `waypoint token create EMAIL`. The same access rules as the web: you see the charts "
        "you can open in Waypoint, and every call is audited."
    ),
    auth=BearerToken(),
    throttle=[TokenRateThrottle()],
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path")]
    return ".".join(parts) or "request"


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(error.get("msg", "invalid"))
    names = ", ".join(sorted(fields))
    return api.create_response(
        request, {"error": f"Check these fields: {names}.", "fields": fields}, status=400
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = api.create_response(
        request,
        {"error": "A valid API token is required: Authorization: Bearer TOKEN.", "fields": {}},
        status=401,
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def throttled(request, exc):
    response = api.create_response(
        request, {"error": "Too many requests: slow down and try again.", "fields": {}}, status=429
    )
    if getattr(exc, "wait", None):
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


@api.exception_handler(ReadOnlyToken)
def read_only(request, exc):
    return api.create_response(
        request, {"error": "This token is read-only.", "fields": {}}, status=403
    )


@api.exception_handler(PermissionDenied)
def forbidden(request, exc):
    message = str(exc) or "You may not do that."
    return api.create_response(request, {"error": message, "fields": {}}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"error": "Not found.", "fields": {}}, status=404)


@api.exception_handler(HttpError)
def http_error(request, exc):
    return api.create_response(request, {"error": str(exc), "fields": {}}, status=exc.status_code)


@api.exception_handler(Exception)
def server_error(request, exc):
    logger.exception("API error on %s %s", request.method, request.path)
    return api.create_response(
        request, {"error": "Something went wrong on our side.", "fields": {}}, status=500
    )


@api.exception_handler(UnknownParameters)
def unknown_parameters(request, exc):
    return api.create_response(
        request,
        {
            "error": f"Unknown parameters: {', '.join(exc.names)}.",
            "fields": {name: ["This parameter does not exist here."] for name in exc.names},
        },
        status=400,
    )


@api.exception_handler(BadParameter)
def bad_parameter(request, exc):
    return api.create_response(
        request, {"error": exc.message, "fields": {exc.name: [exc.message]}}, status=400
    )


@api.exception_handler(Refused)
def refused(request, exc):
    return api.create_response(
        request, {"error": exc.message, "fields": exc.fields}, status=exc.status
    )


clients = Router(tags=["clients"])
measures = Router(tags=["measures"])
alerts = Router(tags=["alerts"])


@clients.get("", response={200: list[schemas.ClientOut], **ERRORS})
@paginate(Page)
@known_query()
def list_clients(request):
    """The charts you can open, as on your caseload."""
    return (
        clients_visible_to(request.user)
        .select_related("organization")
        .order_by("chart_number", "pk")
    )


@clients.get("/{int:client_id}", response={200: schemas.ClientOut, **ERRORS})
@known_query()
def get_client(request, client_id: int):
    return get_client_for_user(request.user, client_id, page="api client").client


@clients.get("/{int:client_id}/goals", response={200: list[schemas.GoalOut], **ERRORS})
@paginate(Page)
@known_query()
def list_goals(request, client_id: int):
    client = get_client_for_user(request.user, client_id, page="api goals").client
    return client.goals.order_by("-started_on", "-pk")


@clients.get("/{int:client_id}/diary", response={200: list[schemas.DiaryEntryOut], **ERRORS})
@paginate(Page)
@known_query("since", "until")
def list_diary(request, client_id: int, dates: Query[DateRange]):
    client = get_client_for_user(request.user, client_id, page="api diary").client
    entries = client.diary_entries.order_by("-day", "-pk")
    if dates.since:
        entries = entries.filter(day__gte=dates.since)
    if dates.until:
        entries = entries.filter(day__lte=dates.until)
    return entries


@clients.post(
    "/{int:client_id}/diary",
    response={201: schemas.DiaryEntryOut, 409: schemas.NeedsConfirmation, **ERRORS},
)
@known_query()
def add_diary_entry(request, client_id: int, payload: schemas.DiaryEntryIn):
    """Record one use, with the clinician diary form's rules: plausibility limits refuse
    impossible amounts; unusual ones and an identical entry on the same day answer 409 with a
    `confirm` value to send back."""
    require_write(request)
    client = get_client_for_user(request.user, client_id, write=True, page="api diary add").client
    country = DiarySettings.for_organization(client.organization_id).country
    data = {
        key: ("" if value is None else value)
        for key, value in payload.model_dump().items()
        if key != "practices"
    }
    form_data = {key: str(value) for key, value in data.items()}
    query = QueryDict(mutable=True)
    query.update(form_data)
    query.setlist("practices", payload.practices)
    form = EntryForm(query, today=client.organization.today(), country=country, client=client)
    if not form.is_valid():
        fields = {name: list(errors) for name, errors in form.errors.items() if name != "__all__"}
        general = " ".join(form.errors.get("__all__", []))
        if not fields and form.data.get("confirm") and form.data["confirm"] != payload.confirm:
            return Status(409, {"error": general, "fields": {}, "confirm": form.data["confirm"]})
        message = general or f"Check these fields: {', '.join(sorted(fields))}."
        return Status(400, {"error": message, "fields": fields})
    entry = diary_actions.add_entry(
        client, by=request.user, source=EntrySource.CLINICIAN, **form.entry_fields()
    )
    return Status(201, entry)


@clients.get("/{int:client_id}/measures", response={200: list[schemas.AdministrationOut], **ERRORS})
@paginate(Page)
@known_query()
def list_administrations(request, client_id: int):
    client = get_client_for_user(request.user, client_id, page="api measures").client
    return client.administrations.order_by("-administered_at", "-pk")


@clients.get("/{int:client_id}/alerts", response={200: list[schemas.AlertOut], **ERRORS})
@paginate(Page)
@known_query()
def list_client_alerts(request, client_id: int):
    client = get_client_for_user(request.user, client_id, page="api alerts").client
    return client.alerts.order_by("-raised_at", "-pk")


@clients.get("/{int:client_id}/consents", response={200: list[schemas.ConsentOut], **ERRORS})
@paginate(Page)
@known_query()
def list_consents(request, client_id: int):
    client = get_client_for_user(request.user, client_id, page="api consents").client
    return client.consents.select_related("client__organization").order_by("-created_at", "-pk")


@alerts.get("", response={200: list[schemas.AlertOut], **ERRORS})
@paginate(Page)
@known_query()
def list_open_alerts(request):
    """Open alerts on the charts you can open, newest first."""
    return (
        Alert.objects.open()
        .filter(client__in=clients_visible_to(request.user))
        .order_by("-raised_at", "-pk")
    )


@measures.post(
    "/{instrument_id}/score",
    response={200: schemas.ScoreOut, **ERRORS},
)
@known_query()
def score_answers(request, instrument_id: str, payload: schemas.ScoreIn):
    """Score a set of answers without storing anything (as `waypoint score`)."""
    try:
        instrument = instruments.get(instrument_id)
    except instruments.UnknownInstrument:
        raise Http404 from None
    raw = ["-" if answer is None else str(answer) for answer in payload.answers]
    try:
        result = score(instrument, parse_answers(instrument, raw), thresholds=payload.thresholds)
    except ThresholdsRequired as exc:
        return Status(400, {"error": str(exc), "fields": {"thresholds": [str(exc)]}})
    except ScoringError as exc:
        return Status(400, {"error": str(exc), "fields": {"answers": [str(exc)]}})
    return Status(200, result.as_json())


api.add_router("/clients", clients)
api.add_router("/alerts", alerts)
api.add_router("/measures", measures)
# Appointments, notes, groups, medications, stages, safety plans (waypoint/api/clinical.py).
api.add_router("/clients", clinical.chart)
api.add_router("/appointments", clinical.appointments)
api.add_router("/groups", clinical.groups)
