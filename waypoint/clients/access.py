"""The one way to reach a client chart. Every view, export, API call and job goes through here.

Rules (docs/security.md, "Who sees which chart"):
- a client sees only their own chart, and only through the portal;
- an org admin sees and writes every chart of their organization;
- a clinician sees and writes charts where they are on the care team; the organization may let
  every clinician read (not write) every chart;
- a supervisor additionally reads the charts of their supervisees' clients;
- nobody ever sees another organization's charts: those answer 404, as if they did not exist.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from waypoint.accounts.models import User
from waypoint.accounts.roles import Permission
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.models import Client
from waypoint.lib import plainrows


@dataclass(frozen=True)
class ChartAccess:
    """One chart and what the user who opened it may do with it, decided once per request.

    Views pass it to templates and chart panels; nothing further down asks again. Templates get
    these booleans, never role names.
    """

    client: Client
    can_write: bool
    can_manage_care_team: bool
    can_see_access_history: bool

    @property
    def can_acknowledge_alerts(self) -> bool:
        # Acknowledging an alert is a change to the chart: its care team (and admins) do it.
        return self.can_write


def clients_visible_to(user):
    """Charts a staff member may read (the portal uses `portal_client_for_user`)."""
    if not user.is_authenticated or not user.is_active or not user.is_clinic_staff:
        return Client.objects.none()
    charts = Client.objects.in_organization(user.organization_id)
    if user.can(Permission.SEE_ALL_CHARTS) or user.organization.clinicians_see_all_charts:
        return charts
    visible = Q(primary_clinician=user) | Q(care_team=user)
    if user.can(Permission.SEE_SUPERVISEE_CHARTS):
        supervisee_ids = user.supervisees.values("pk")
        visible |= Q(primary_clinician__in=supervisee_ids) | Q(care_team__in=supervisee_ids)
    return charts.filter(pk__in=Client.objects.filter(visible).values("pk"))


def clients_writable_by(user):
    if not user.is_authenticated or not user.is_active or not user.is_clinic_staff:
        return Client.objects.none()
    charts = Client.objects.in_organization(user.organization_id)
    if user.can(Permission.WRITE_ALL_CHARTS):
        return charts
    return charts.filter(
        pk__in=Client.objects.filter(Q(primary_clinician=user) | Q(care_team=user)).values("pk")
    )


def get_client_for_user(user, pk, *, write=False, page: str = "chart") -> ChartAccess:
    """The chart and what `user` may do with it, if they may read it (or write it, with
    write=True), auditing the access.

    Charts the user may not know exist raise Http404; charts they may read but not change raise
    PermissionDenied when write=True. Both outcomes are recorded as denied access. One query
    answers both "may read" and "may write".
    """
    writable = clients_writable_by(user).filter(pk=OuterRef("pk"))
    try:
        client = (
            clients_visible_to(user)
            .select_related("organization")
            .annotate(writable_by_user=Exists(writable))
            .get(pk=int(pk))
        )
    except (Client.DoesNotExist, ValueError, TypeError):
        record(
            by=user,
            action=AuditAction.DENIED,
            object_type="clients.client",
            object_id=str(pk)[:64],
            detail={"page": page},
        )
        raise Http404("No such chart") from None
    can_write = client.writable_by_user
    if write and not can_write:
        record(by=user, action=AuditAction.DENIED, obj=client, client=client, detail={"page": page})
        raise PermissionDenied("You can read this chart but only its care team can change it.")
    record(by=user, action=AuditAction.VIEW, obj=client, client=client, detail={"page": page})
    return ChartAccess(
        client=client,
        can_write=can_write,
        can_manage_care_team=can_write and user.can(Permission.MANAGE_CARE_TEAM),
        can_see_access_history=user.can(Permission.VIEW_ACCESS_HISTORY),
    )


# Every column of a chart, as `Client.objects.get()` reads them.
_CHART_FIELDS = tuple(f.name for f in Client._meta.concrete_fields)


def portal_client_for_user(user, *, page: str = "portal", audit: bool = True) -> Client:
    """The signed-in client's own chart; anyone else gets 404.

    `audit=False` is for a write whose own audit event records this access as well (its detail
    names the page: the diary check-in's "create"); the caller then writes that event or, when
    nothing is written, the view (`record_portal_view`), so every access is still recorded once.
    """
    if not user.is_authenticated or not user.can(Permission.USE_PORTAL):
        raise Http404("No portal for this account")
    # The organization too: every chart query names its organization (sharding, see
    # tests/integration/test_org_filtering.py). It is the account's own, which the request has
    # usually loaded already (the clinic's time zone, ClinicTimeZoneMiddleware): then it is not
    # joined and read a second time.
    organization_link = User._meta.get_field("organization")
    if organization_link.is_cached(user):
        # One plain query (every portal page runs it): compiling the ORM's get() cost more
        # than running it. The same columns, converters and decryption as the queryset's.
        found = plainrows.select(
            Client,
            _CHART_FIELDS,
            "portal_user_id = %s AND organization_id = %s",
            [user.pk, user.organization_id],
        )
        client = found[0] if found else None
        if client is not None:
            Client._meta.get_field("organization").set_cached_value(client, user.organization)
    else:
        charts = Client.objects.select_related("organization")
        try:
            client = charts.get(portal_user=user, organization_id=user.organization_id)
        except Client.DoesNotExist:
            client = None
    if client is None:
        raise Http404("No chart is linked to this account")
    # Both ends of the one-to-one are now known: `user.chart_or_none()` (the audit label of
    # every event this request writes) and `client.portal_user` need no further query.
    link = Client._meta.get_field("portal_user")
    link.set_cached_value(client, user)
    link.remote_field.set_cached_value(user, client)
    if audit:
        record_portal_view(user, client, page=page)
    return client


def record_portal_view(user, client: Client, *, page: str) -> None:
    """The audit event of a person opening a page of their own chart in the portal."""
    record(by=user, action=AuditAction.VIEW, obj=client, client=client, detail={"page": page})
