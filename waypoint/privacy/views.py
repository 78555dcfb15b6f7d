"""Staff pages: consents on a chart, disclosures, accounting, retention settings and disposal."""

import base64

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.accounts.decorators import permission_required, staff_required
from waypoint.accounts.roles import Permission
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.access import clients_visible_to, get_client_for_user
from waypoint.clients.models import ChartStatus
from waypoint.lib.csvstream import csv_cell, stream_csv
from waypoint.lib.downloads import attachment
from waypoint.library.permissions import public_site_organization
from waypoint.privacy import actions
from waypoint.privacy.actions import PrivacyRefused
from waypoint.privacy.documents import (
    DOCUMENT_TEMPLATE,
    disclosure_context,
    render_document_pdf,
)
from waypoint.privacy.forms import (
    CloseChartForm,
    ConfirmChartNumberForm,
    ConsentForm,
    DisclosureForm,
    ExpiryEventForm,
    PaperSignatureForm,
    PeriodForm,
    RetentionSettingsForm,
    StaffRevokeForm,
)
from waypoint.privacy.models import (
    Consent,
    ConsentScan,
    ConsentStatus,
    Disclosure,
    PrivacySettings,
)
from waypoint.privacy.retention import retention_status

PAGE_SIZE = 100


def _consent_for(client, consent_pk) -> Consent:
    return get_object_or_404(Consent, pk=consent_pk, client=client)


def _refused(form, exc: PrivacyRefused):
    for reason in exc.reasons:
        form.add_error(None, reason)


def _run_action(request, form, save, *, done: str, then=None):
    """The write step of this app's form pages. For a valid POST, run `save` (an action) on the
    cleaned data: if it refuses (PrivacyRefused, nothing written) its reasons go on the form;
    otherwise say `done` and redirect to `then`, or to the object the action returned.

    None when nothing was saved (a GET, an invalid form or a refusal), so a view ends
    `return response or TemplateResponse(...)`: its page again, with the form's errors.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except PrivacyRefused as exc:
        _refused(form, exc)
        return None
    messages.success(request, done)
    return redirect(then or saved)


@require_GET
@staff_required
def consent_list(request, pk):
    access = get_client_for_user(request.user, pk, page="consents")
    client = access.client
    today = client.organization.today()
    consents = [(c, c.status_on(today)) for c in client.consents.select_related("revoked_by")]
    return TemplateResponse(
        request,
        "privacy/consent_list.html",
        {
            "client": client,
            "consents": consents,
            "can_write": access.can_write,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def consent_create(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="new consent").client
    form = ConsentForm(
        request.POST if request.method == "POST" else None, organization=client.organization
    )
    response = _run_action(
        request,
        form,
        lambda data: actions.create_consent(
            client, by=request.user, **{name: data[name] for name in actions.CONSENT_FIELDS}
        ),
        done="Consent saved as a draft. Next: get it signed.",
    )
    return response or TemplateResponse(
        request, "privacy/consent_form.html", {"client": client, "form": form, "consent": None}
    )


@require_http_methods(["GET", "POST"])
@staff_required
def consent_edit(request, pk, consent_pk):
    client = get_client_for_user(request.user, pk, write=True, page="edit consent").client
    consent = _consent_for(client, consent_pk)
    if consent.status != ConsentStatus.DRAFT:
        messages.error(request, "Only a draft consent can be changed; write a new one instead.")
        return redirect(consent)
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        instance=consent,
        organization=client.organization,
    )
    response = _run_action(
        request,
        form,
        lambda data: actions.update_consent(
            form.instance, by=request.user, changed_fields=form.changed_data
        ),
        done="Consent saved.",
        then=consent,
    )
    return response or TemplateResponse(
        request, "privacy/consent_form.html", {"client": client, "form": form, "consent": consent}
    )


@require_GET
@staff_required
def consent_detail(request, pk, consent_pk):
    access = get_client_for_user(request.user, pk, page="consent")
    client = access.client
    consent = _consent_for(client, consent_pk)
    status = consent.status
    has_scan = ConsentScan.objects.filter(consent=consent).exists()
    return TemplateResponse(
        request,
        "privacy/consent_detail.html",
        {
            "client": client,
            "consent": consent,
            "status": status,
            "status_label": ConsentStatus(status).label,
            "has_scan": has_scan,
            "can_write": access.can_write,
            "revoke_form": StaffRevokeForm(),
            "expiry_form": ExpiryEventForm(
                today=client.organization.today(),
                initial={"occurred_on": client.organization.today()},
            ),
            "disclosures": consent.disclosures.all()[:20],
            "statuses": ConsentStatus,
        },
    )


@require_POST
@staff_required
def consent_send(request, pk, consent_pk):
    client = get_client_for_user(request.user, pk, write=True, page="send consent").client
    consent = _consent_for(client, consent_pk)
    try:
        actions.send_for_signature(consent, by=request.user)
    except PrivacyRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Sent: the client can sign it on their page in the portal.")
    return redirect(consent)


@require_http_methods(["GET", "POST"])
@staff_required
def consent_paper(request, pk, consent_pk):
    client = get_client_for_user(request.user, pk, write=True, page="paper consent").client
    consent = _consent_for(client, consent_pk)
    if consent.status not in (ConsentStatus.DRAFT, ConsentStatus.AWAITING_SIGNATURE):
        messages.error(request, "This consent cannot be signed now.")
        return redirect(consent)
    form = PaperSignatureForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        today=client.organization.today(),
    )
    response = _run_action(
        request,
        form,
        lambda data: actions.record_paper_signature(
            consent,
            by=request.user,
            signed_on=data["signed_on"],
            content=form.content,
            content_type=form.content_type,
        ),
        done="Signed form recorded. The consent is active.",
        then=consent,
    )
    return response or TemplateResponse(
        request, "privacy/consent_paper.html", {"client": client, "consent": consent, "form": form}
    )


@require_GET
@staff_required
def consent_scan(request, pk, consent_pk):
    client = get_client_for_user(request.user, pk, page="consent form scan").client
    consent = _consent_for(client, consent_pk)
    scan = get_object_or_404(ConsentScan, consent=consent)
    record(by=request.user, action=AuditAction.VIEW, obj=scan, client=client)
    response = HttpResponse(base64.b64decode(scan.content), content_type=scan.content_type)
    return attachment(response, f"consent-{consent.pk}-signed.{scan.extension}")


@require_http_methods(["GET", "POST"])
@staff_required
def consent_revoke(request, pk, consent_pk):
    client = get_client_for_user(request.user, pk, write=True, page="revoke consent").client
    consent = _consent_for(client, consent_pk)
    form = StaffRevokeForm(request.POST if request.method == "POST" else None)
    response = _run_action(
        request,
        form,
        lambda data: actions.revoke_consent(
            consent, by=request.user, method=data["method"], note=data["note"]
        ),
        done="Consent revoked. Nothing more will be shared under it.",
        then=consent,
    )
    return response or TemplateResponse(
        request,
        "privacy/consent_revoke.html",
        {"client": client, "consent": consent, "form": form},
    )


@require_POST
@staff_required
def consent_expiry_event(request, pk, consent_pk):
    client = get_client_for_user(request.user, pk, write=True, page="consent expiry").client
    consent = _consent_for(client, consent_pk)
    form = ExpiryEventForm(request.POST, today=client.organization.today())
    if form.is_valid():
        try:
            actions.mark_expiry_event(
                consent, by=request.user, occurred_on=form.cleaned_data["occurred_on"]
            )
        except PrivacyRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Recorded: the consent has expired.")
    else:
        messages.error(request, "Enter the date the event happened (not in the future).")
    return redirect(consent)


@require_http_methods(["GET", "POST"])
@staff_required
def disclose(request, pk):
    """Release chart information outside the care team, under a consent or an exception."""
    client = get_client_for_user(request.user, pk, write=True, page="disclose").client
    initial = {"basis": "consent"}
    if "consent" in request.GET:
        initial["consent"] = request.GET["consent"]
    form = DisclosureForm(
        request.POST if request.method == "POST" else None, client=client, initial=initial
    )
    response = _run_action(
        request,
        form,
        lambda data: actions.disclose(
            client,
            by=request.user,
            recipient_name=data["recipient_name"],
            recipient_organization=data["recipient_organization"],
            recipient_role=data["recipient_role"],
            purpose=data["purpose"],
            purpose_detail=data["purpose_detail"],
            kinds=data["info_kinds"],
            method=data["method"],
            consent=data["consent"],
            exception_kind=data["exception_kind"],
            exception_reason=data["exception_reason"],
        ),
        done="Disclosure recorded. Send this document with its notice; download the PDF below.",
    )
    today = client.organization.today()
    return response or TemplateResponse(
        request,
        "privacy/disclose.html",
        {
            "client": client,
            "form": form,
            "consents": [(c, c.status_on(today)) for c in client.consents.all()],
            "statuses": ConsentStatus,
        },
    )


def _disclosure_for(request, pk, disclosure_pk, page):
    client = get_client_for_user(request.user, pk, page=page).client
    disclosure = get_object_or_404(
        Disclosure.objects.select_related("consent"), pk=disclosure_pk, client=client
    )
    return client, disclosure


@require_GET
@staff_required
def disclosure_document(request, pk, disclosure_pk):
    client, disclosure = _disclosure_for(request, pk, disclosure_pk, "disclosure document")
    record(by=request.user, action=AuditAction.VIEW, obj=disclosure, client=client)
    context = disclosure_context(disclosure)
    context["pdf_url"] = reverse("privacy-disclosure-pdf", args=[client.pk, disclosure.pk])
    context["back_url"] = client.get_absolute_url()
    return TemplateResponse(request, DOCUMENT_TEMPLATE, context)


@require_GET
@staff_required
def disclosure_pdf(request, pk, disclosure_pk):
    client, disclosure = _disclosure_for(request, pk, disclosure_pk, "disclosure PDF")
    record(
        by=request.user,
        action=AuditAction.PRINT,
        obj=disclosure,
        client=client,
        detail={"format": "pdf"},
    )
    response = HttpResponse(
        render_document_pdf(disclosure_context(disclosure)), content_type="application/pdf"
    )
    return attachment(response, f"disclosure-{disclosure.pk}.pdf")


# Accounting of disclosures (42 CFR 2.25).

CSV_HEADER = [
    "disclosed_at",
    "chart_number",
    "recipient",
    "recipient_organization",
    "recipient_role",
    "purpose",
    "basis",
    "exception_reason",
    "information",
    "method",
    "disclosed_by",
]


def _accounting_rows(rows):
    """Header, then one row per disclosure, read with .iterator(): streamed, never all in memory."""
    yield CSV_HEADER
    for d in rows.iterator(chunk_size=500):
        yield [
            csv_cell(x)
            for x in (
                timezone.localtime(d.disclosed_at).isoformat(timespec="minutes"),
                d.client.chart_number,
                d.recipient_name,
                d.recipient_organization,
                d.get_recipient_role_display(),
                d.purpose_label,
                d.basis_label,
                d.exception_reason,
                "; ".join(d.info_labels),
                d.get_method_display(),
                d.disclosed_by_label,
            )
        ]


def _accounting(request, rows, *, client, csv_name: str, csv_url: str):
    form = PeriodForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    start, end = form.period() if request.GET else (None, None)
    rows = rows.between(start, end).select_related("client", "consent") if valid else rows.none()
    period = {
        "start": start.isoformat() if start else None,
        "end": end.isoformat() if end else None,
    }
    if request.GET.get("format") == "csv" and valid:
        record(
            by=request.user,
            action=AuditAction.EXPORT,
            object_type="privacy.disclosure",
            object_label="Accounting of disclosures",
            client=client,
            detail={"format": "csv", "rows": rows.count(), **period},
        )
        return stream_csv(_accounting_rows(rows), csv_name)
    record(
        by=request.user,
        action=AuditAction.VIEW,
        object_type="privacy.disclosure",
        object_label="Accounting of disclosures",
        client=client,
        detail=period,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    page_query = query.urlencode()
    query["format"] = "csv"
    return TemplateResponse(
        request,
        "privacy/accounting.html",
        {
            "client": client,
            "form": form,
            "page": page,
            "csv_url": f"{csv_url}?{query.urlencode()}",
            "page_query": page_query,
        },
    )


@require_GET
@permission_required(Permission.VIEW_ACCESS_HISTORY)
def chart_accounting(request, pk):
    client = get_client_for_user(request.user, pk, page="accounting of disclosures").client
    return _accounting(
        request,
        Disclosure.objects.filter(client=client),
        client=client,
        csv_name=f"disclosures-{client.chart_number}.csv",
        csv_url=reverse("privacy-chart-accounting", args=[client.pk]),
    )


@require_GET
@permission_required(Permission.VIEW_ORGANIZATION_AUDIT)
def organization_accounting(request):
    return _accounting(
        request,
        Disclosure.objects.in_organization(request.user.organization_id),
        client=None,
        csv_name="disclosures.csv",
        csv_url=reverse("privacy-accounting"),
    )


# Retention: settings, closing charts, purge and anonymize.


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_ORGANIZATION)
def privacy_settings(request):
    organization = request.user.organization
    current = PrivacySettings.for_organization(organization)
    form = RetentionSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "retention_years": current.retention_years,
            "public_question_days": current.public_question_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        actions.update_privacy_settings(organization, by=request.user, **form.cleaned_data)
        messages.success(request, "Retention periods saved.")
        return redirect("privacy-settings")
    publisher = public_site_organization()
    return TemplateResponse(
        request,
        "privacy/settings.html",
        {
            "form": form,
            "settings_row": current,
            "runs_public_site": publisher is not None and publisher.pk == organization.pk,
        },
    )


@require_GET
@permission_required(Permission.MANAGE_ORGANIZATION)
def retention_list(request):
    """Closed charts and when each may be disposed of."""
    today = request.user.organization.today()
    charts = (
        clients_visible_to(request.user)
        .filter(status=ChartStatus.DISCHARGED)
        .select_related("organization")
        .annotate(last_discharge=Max("episodes__discharged_on"))
        .order_by("chart_number")
    )
    page = Paginator(charts, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(chart, retention_status(chart, today=today)) for chart in page.object_list]
    record(
        by=request.user,
        action=AuditAction.VIEW,
        object_type="privacy.retention",
        object_label="Retention",
    )
    return TemplateResponse(
        request,
        "privacy/retention_list.html",
        {
            "page": page,
            "rows": rows,
            "retention_years": PrivacySettings.for_organization(
                request.user.organization
            ).retention_years,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_ORGANIZATION)
def chart_close(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="close chart").client
    episode = client.current_episode()
    already_closed = episode is None and client.status == ChartStatus.DISCHARGED
    form = CloseChartForm(
        request.POST if request.method == "POST" else None,
        episode=episode,
        today=client.organization.today(),
        initial={"closed_on": client.organization.today()},
    )
    response = None
    if not already_closed:
        response = _run_action(
            request,
            form,
            lambda data: actions.close_chart(
                client,
                by=request.user,
                closed_on=data["closed_on"],
                reason=data.get("reason", ""),
                note=data.get("note", ""),
            ),
            done=f"Chart {client.chart_number} closed.",
            then=reverse("privacy-chart-retention", args=[client.pk]),
        )
    return response or TemplateResponse(
        request,
        "privacy/chart_close.html",
        {
            "client": client,
            "form": form,
            "episode": episode,
            "already_closed": already_closed,
        },
    )


def _retention_page(request, client, *, purge_form=None, anonymize_form=None, status=200):
    return TemplateResponse(
        request,
        "privacy/chart_retention.html",
        {
            "client": client,
            "retention": retention_status(client),
            "purge_form": purge_form or ConfirmChartNumberForm(chart_number=client.chart_number),
            "anonymize_form": anonymize_form
            or ConfirmChartNumberForm(chart_number=client.chart_number, prefix="anon"),
        },
        status=status,
    )


@require_GET
@permission_required(Permission.MANAGE_ORGANIZATION)
def chart_retention(request, pk):
    client = get_client_for_user(request.user, pk, page="retention").client
    return _retention_page(request, client)


@require_POST
@permission_required(Permission.MANAGE_ORGANIZATION)
def chart_purge(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="purge").client
    form = ConfirmChartNumberForm(request.POST, chart_number=client.chart_number)
    response = _run_action(
        request,
        form,
        lambda data: actions.purge_chart(client, by=request.user, confirm=data["confirm"]),
        done=f"Chart {client.chart_number} and its records were deleted.",
        then=reverse("privacy-retention"),
    )
    return response or _retention_page(request, client, purge_form=form)


@require_POST
@permission_required(Permission.MANAGE_ORGANIZATION)
def chart_anonymize(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="anonymize").client
    form = ConfirmChartNumberForm(request.POST, chart_number=client.chart_number, prefix="anon")
    # Not through _run_action: the message names the new chart number, known only afterwards.
    if form.is_valid():
        number = client.chart_number
        try:
            actions.anonymize_chart(client, by=request.user, confirm=form.cleaned_data["confirm"])
        except PrivacyRefused as exc:
            _refused(form, exc)
        else:
            messages.success(
                request, f"Chart {number} was anonymized; it is now {client.chart_number}."
            )
            return redirect("privacy-retention")
    return _retention_page(request, client, anonymize_form=form)
