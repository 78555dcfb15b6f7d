"""The client's privacy pages in the portal: consents, who received their records, downloads.

Downloads of a person's own record are their right of access (HIPAA 45 CFR 164.524; 42 CFR
2.23 lets a program give patients their own records without consent). They are audited as
EXPORT, not as disclosures.
"""

import itertools

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.accounts import twofactor
from waypoint.accounts.decorators import client_required
from waypoint.audit import context as audit_context
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.access import portal_client_for_user
from waypoint.lib.downloads import attachment
from waypoint.privacy import actions, notice, records
from waypoint.privacy.actions import PrivacyRefused
from waypoint.privacy.forms import PeriodForm, PortalRevokeForm, SignConsentForm
from waypoint.privacy.models import (
    Consent,
    ConsentStatus,
    Disclosure,
    RevocationMethod,
)

DOWNLOAD_FORMATS = ("json", "fhir")


def _statements() -> dict:
    """The consent's statements in the client's language (the stored consent stays English)."""
    return {
        "revocation": gettext(notice.REVOCATION_STATEMENT),
        "redisclosure_risk": gettext(notice.REDISCLOSURE_RISK_STATEMENT),
        "refusal": gettext(notice.REFUSAL_STATEMENT),
    }


@require_GET
@client_required
def privacy_home(request):
    client = portal_client_for_user(request.user, page="privacy")
    today = client.organization.today()
    consents = [(c, c.status_on(today)) for c in client.consents.all()]
    return TemplateResponse(
        request,
        "privacy/portal/privacy.html",
        {"client": client, "consents": consents, "statuses": ConsentStatus},
    )


def _own_consent(request, consent_pk, page):
    client = portal_client_for_user(request.user, page=page)
    return client, get_object_or_404(Consent, pk=consent_pk, client=client)


# Where each refusal of a signature is shown on the form.
_SIGN_ERROR_FIELDS = {
    "name_missing": "typed_name",
    "name_mismatch": "confirm_name",
    "wrong_password": "password",  # nosec B105 - a form field name, not a password
    "wrong_code": "code",
}


@require_http_methods(["GET", "POST"])
@client_required
def consent_sign(request, consent_pk):
    client, consent = _own_consent(request, consent_pk, "sign consent")
    if consent.status != ConsentStatus.AWAITING_SIGNATURE:
        messages.info(request, gettext("This consent is not waiting for your signature."))
        return redirect("privacy-portal")
    uses_app = twofactor.is_enrolled(request.user)
    data = request.POST if request.method == "POST" else None
    form = SignConsentForm(
        data, uses_app=uses_app, offer_name_confirmation="confirm_name" in request.POST
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.esign_consent(
                consent,
                by=request.user,
                typed_name=form.cleaned_data["typed_name"],
                ip_address=audit_context.client_address(request),
                password=form.cleaned_data.get("password", ""),
                otp_token=form.cleaned_data.get("code", ""),
                confirm_name_mismatch=form.cleaned_data.get("confirm_name", False),
            )
        except PrivacyRefused as exc:
            if "name_mismatch" in exc.codes and "confirm_name" not in form.fields:
                # Ask for confirmation: the same answers, now with the confirmation box.
                form = SignConsentForm(data, uses_app=uses_app, offer_name_confirmation=True)
                form.is_valid()
            for reason, code in itertools.zip_longest(exc.reasons, exc.codes):
                field = _SIGN_ERROR_FIELDS.get(code)
                # The rules' reasons are plain English; shown in the client's language.
                form.add_error(field if field in form.fields else None, gettext(reason))
        else:
            messages.success(request, gettext("Thank you: you signed the consent."))
            return redirect("privacy-portal")
    return TemplateResponse(
        request,
        "privacy/portal/consent_sign.html",
        {"client": client, "consent": consent, "form": form, "statements": _statements()},
    )


@require_http_methods(["GET", "POST"])
@client_required
def consent_revoke(request, consent_pk):
    client, consent = _own_consent(request, consent_pk, "revoke consent")
    if consent.status not in (ConsentStatus.ACTIVE, ConsentStatus.AWAITING_SIGNATURE):
        messages.info(
            request, gettext("This consent is not in force, so there is nothing to revoke.")
        )
        return redirect("privacy-portal")
    form = PortalRevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.revoke_consent(consent, by=request.user, method=RevocationMethod.PORTAL)
        except PrivacyRefused as exc:
            for reason in exc.reasons:
                form.add_error(None, gettext(reason))
        else:
            messages.success(
                request, gettext("You revoked the consent. Nothing more will be shared.")
            )
            return redirect("privacy-portal")
    return TemplateResponse(
        request,
        "privacy/portal/consent_revoke.html",
        {"client": client, "consent": consent, "form": form, "statements": _statements()},
    )


@require_GET
@client_required
def accounting(request):
    """Every disclosure of the client's records, for a period they choose (42 CFR 2.25)."""
    client = portal_client_for_user(request.user, page="disclosures")
    form = PeriodForm(request.GET or None)
    rows = Disclosure.objects.filter(client=client)
    if request.GET and not form.is_valid():
        rows = rows.none()
    else:
        start, end = form.period() if request.GET else (None, None)
        rows = rows.between(start, end)
    return TemplateResponse(
        request,
        "privacy/portal/accounting.html",
        {"client": client, "form": form, "disclosures": rows.select_related("consent")[:500]},
    )


@require_GET
@client_required
def download(request, fmt):
    """The client's own record as JSON or a FHIR R4B Bundle (small: made in the request).

    The readable PDF is made only on the worker (`reports-portal-record-pdf`, a POST from the
    privacy page): an old link or bookmark to `record/pdf/` is sent to that page with a word on
    where the PDF went, and nothing is rendered or queued by the GET.
    """
    if fmt == "pdf":
        messages.info(
            request,
            gettext(
                "The readable copy (PDF) is now prepared in the background. Choose “Readable "
                "copy (PDF)” below: a page shows its progress and offers the file when it is ready."
            ),
        )
        return redirect(reverse("privacy-portal") + "#h-download")
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404("No such format")
    client = portal_client_for_user(request.user, page="download record")
    # A record is English whoever downloads it (staff read the same copy; nothing in it changes
    # with the browser's language).
    with translation.override("en"):
        parts = records.build_parts(client)
        stamp = client.organization.local_date(timezone.now()).isoformat()
        if fmt == "json":
            body = records.record_json_text(client, parts)
            content_type, filename = "application/json; charset=utf-8", f"my-record-{stamp}.json"
        else:
            body = records.record_fhir_text(client, parts)
            content_type = "application/fhir+json; charset=utf-8"
            filename = f"my-record-fhir-{stamp}.json"
    record(
        by=request.user,
        action=AuditAction.EXPORT,
        obj=client,
        client=client,
        detail={"format": fmt, "own_record": True},
    )
    response = HttpResponse(body, content_type=content_type)
    return attachment(response, filename)
