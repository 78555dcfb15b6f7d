"""Writes of the privacy app: consents, disclosures, retention. Each one is audited.

Actions check their own rules even when a form already did, so the CLI, API or a future view
cannot skip them: a refused action raises `PrivacyRefused` with reasons and changes nothing.
"""

import base64
import datetime

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext_noop

from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients import actions as client_actions
from waypoint.clients.models import ChartStatus, Client
from waypoint.lib.encryption import normalize_for_search
from waypoint.privacy import records, scans
from waypoint.privacy.models import (
    PUBLIC_QUESTION_DAYS_RANGE,
    ChartRetention,
    Consent,
    ConsentScan,
    ConsentStatus,
    Disclosure,
    ExceptionKind,
    InfoKind,
    PrivacySettings,
    Purpose,
    RecipientKind,
    RecipientRole,
    RevocationMethod,
    SignatureAuthentication,
    SignatureMethod,
)
from waypoint.privacy.retention import (
    ANONYMIZED_NAME,
    delete_chart_history,
    retention_status,
    run_anonymizers,
)


class PrivacyRefused(ValueError):
    """An action that the rules do not allow; `reasons` says why, in plain language.

    `codes` (optional) name the rules that refused, for the audit trail: no names, no content.
    """

    def __init__(self, reasons, *, codes=()):
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        self.codes = list(codes)
        super().__init__(" ".join(self.reasons))


CONSENT_FIELDS = (
    "recipient_kind",
    "recipient_name",
    "purpose",
    "purpose_detail",
    "info_kinds",
    "info_description",
    "expires_on",
    "expiry_event",
)


def consent_problems(consent: Consent, *, today: datetime.date) -> list[str]:
    """Missing or contradictory required elements (42 CFR 2.31(a)) of a consent's content."""
    problems = []
    if consent.recipient_kind == RecipientKind.NAMED and not consent.recipient_name.strip():
        problems.append("Name the recipient (a person or an organization).")
    if consent.purpose == Purpose.OTHER and not consent.purpose_detail.strip():
        problems.append("Describe the purpose.")
    if not consent.info_kinds or any(k not in InfoKind.values for k in consent.info_kinds):
        problems.append("Choose at least one kind of information.")
    if consent.expires_on is None and not consent.expiry_event.strip():
        problems.append("Give an expiry date or an expiry event.")
    if consent.expires_on is not None and consent.expires_on < today:
        problems.append("The expiry date is in the past.")
    return problems


@transaction.atomic
def create_consent(client: Client, *, by, **fields) -> Consent:
    consent = Consent(client=client, created_by=by, **fields)
    if consent.recipient_kind != RecipientKind.NAMED:
        consent.recipient_name = ""
    problems = consent_problems(consent, today=client.organization.today())
    if problems:
        raise PrivacyRefused(problems)
    consent._history_user = by
    consent.save()
    record(by=by, action=AuditAction.CREATE, obj=consent, client=client)
    return consent


@transaction.atomic
def update_consent(consent: Consent, *, by, changed_fields: list[str]) -> Consent:
    """Save a draft changed in memory. Once sent or signed, a consent's content is fixed."""
    stored = Consent.objects.select_for_update().get(pk=consent.pk)
    if stored.sent_for_signature_at or stored.is_signed or stored.revoked_at:
        raise PrivacyRefused("Only a draft consent can be changed; write a new one instead.")
    if consent.recipient_kind != RecipientKind.NAMED:
        consent.recipient_name = ""
    problems = consent_problems(consent, today=consent.client.organization.today())
    if problems:
        raise PrivacyRefused(problems)
    if not changed_fields:
        return consent
    consent._history_user = by
    consent.save(update_fields=list(CONSENT_FIELDS))
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=consent,
        client=consent.client,
        detail={"fields": sorted(changed_fields)},
    )
    return consent


def _require_status(consent: Consent, allowed: set, message: str) -> str:
    status = consent.status_on(consent.client.organization.today())
    if status not in allowed:
        raise PrivacyRefused(f"{message} (it is {ConsentStatus(status).label.lower()}).")
    return status


@transaction.atomic
def send_for_signature(consent: Consent, *, by) -> Consent:
    """Ask the client to sign in the portal."""
    _require_status(consent, {ConsentStatus.DRAFT}, "Only a draft can be sent for signature")
    if consent.client.portal_user_id is None:
        raise PrivacyRefused(
            "This person has no portal account: record a signed paper form instead."
        )
    consent.sent_for_signature_at = timezone.now()
    consent._history_user = by
    consent.save(update_fields=["sent_for_signature_at"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=consent,
        client=consent.client,
        detail={"sent_for_signature": True},
    )
    return consent


def typed_name_matches_chart(client: Client, typed_name: str) -> bool:
    """The typed name is the chart's legal name, preferred name, or preferred first name with
    the legal surname, ignoring case, accents and spacing."""
    typed = normalize_for_search(typed_name)
    legal = client.legal_name or ""
    preferred = client.preferred_name or ""
    surname = legal.split()[-1] if legal.split() else ""
    candidates = {legal, preferred, f"{preferred} {surname}" if preferred else ""}
    return bool(typed) and typed in {normalize_for_search(c) for c in candidates if c.strip()}


def esign_consent(
    consent: Consent,
    *,
    by,
    typed_name: str,
    ip_address: str | None,
    password: str = "",
    otp_token: str = "",
    confirm_name_mismatch: bool = False,
) -> Consent:
    """The client signs in the portal (42 CFR 2.31(a)(8)-(9)), proving again who they are.

    A person with an authenticator app enters a code from it (verified by django-otp, which
    refuses replays and throttles failures); anyone else enters their password again. The
    method is recorded on the consent. A typed name that is not the chart's name is refused
    (code `name_mismatch`) unless the client confirms it. A failed re-authentication is audited
    as DENIED; nothing is signed.
    """
    try:
        return _esign_consent(
            consent,
            by=by,
            typed_name=typed_name,
            ip_address=ip_address,
            password=password,
            otp_token=otp_token,
            confirm_name_mismatch=confirm_name_mismatch,
        )
    except PrivacyRefused as exc:
        if {"wrong_password", "wrong_code"} & set(exc.codes):
            record(
                by=by,
                action=AuditAction.DENIED,
                obj=consent,
                client=consent.client,
                detail={"sign": "reauthentication failed", "refused": exc.codes},
            )
        raise


def _authenticate_signer(user, *, password: str, otp_token: str) -> str:
    from waypoint.accounts import twofactor

    if twofactor.is_enrolled(user):
        if not otp_token.strip() or twofactor.verify(user, otp_token) is None:
            raise PrivacyRefused(
                gettext_noop(
                    "That code is not right. Enter the current code from your authenticator app."
                ),
                codes=["wrong_code"],
            )
        return SignatureAuthentication.TOTP_REAUTH
    if not password or not user.check_password(password):
        raise PrivacyRefused(gettext_noop("That is not your password."), codes=["wrong_password"])
    return SignatureAuthentication.PASSWORD_REAUTH


@transaction.atomic
def _esign_consent(
    consent: Consent,
    *,
    by,
    typed_name: str,
    ip_address: str | None,
    password: str,
    otp_token: str,
    confirm_name_mismatch: bool,
) -> Consent:
    _require_status(
        consent, {ConsentStatus.AWAITING_SIGNATURE}, "This consent cannot be signed now"
    )
    if by is None or consent.client.portal_user_id != by.pk:
        raise PrivacyRefused(gettext_noop("Only the client can sign their consent in the portal."))
    typed_name = " ".join(typed_name.split())
    if len(typed_name) < 2:
        raise PrivacyRefused(gettext_noop("Type your full name to sign."), codes=["name_missing"])
    mismatch = not typed_name_matches_chart(consent.client, typed_name)
    if mismatch and not confirm_name_mismatch:
        raise PrivacyRefused(
            gettext_noop(
                "The name you typed is not the name in your record. Check it, or tick the box to "
                "confirm that this is your name."
            ),
            codes=["name_mismatch"],
        )
    authentication = _authenticate_signer(by, password=password, otp_token=otp_token)
    now = timezone.now()
    consent.signature_method = SignatureMethod.E_SIGNATURE
    consent.signature_authentication = authentication
    consent.signed_name_mismatch_confirmed = mismatch
    consent.signed_on = consent.client.organization.today()
    consent.signed_name = typed_name
    consent.signed_ip = ip_address or ""
    consent.signature_recorded_at = now
    consent.signature_recorded_by = by
    consent._history_user = by
    consent.save(
        update_fields=[
            "signature_method",
            "signature_authentication",
            "signed_name_mismatch_confirmed",
            "signed_on",
            "signed_name",
            "signed_ip",
            "signature_recorded_at",
            "signature_recorded_by",
        ]
    )
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=consent,
        client=consent.client,
        detail={
            "signed": SignatureMethod.E_SIGNATURE,
            "authentication": authentication,
            "name_mismatch_confirmed": mismatch,
        },
    )
    return consent


@transaction.atomic
def record_paper_signature(
    consent: Consent, *, by, signed_on: datetime.date, content: bytes, content_type: str
) -> Consent:
    """Staff record that the signed paper form came back; the scan is stored encrypted."""
    _require_status(
        consent,
        {ConsentStatus.DRAFT, ConsentStatus.AWAITING_SIGNATURE},
        "This consent cannot be signed now",
    )
    today = consent.client.organization.today()
    if signed_on > today:
        raise PrivacyRefused("The signature date cannot be in the future.")
    created_on = consent.client.organization.local_date(consent.created_at)
    if signed_on < created_on - datetime.timedelta(days=365):
        raise PrivacyRefused("The signature date is more than a year before this consent.")
    if not content:
        raise PrivacyRefused("Attach the scanned signed form.")
    try:
        content_type = scans.check_scan(content)  # the bytes decide, not the caller
    except scans.ScanRefused as exc:
        raise PrivacyRefused(str(exc)) from exc
    ConsentScan.objects.create(
        consent=consent,
        content=base64.b64encode(content).decode("ascii"),
        content_type=content_type,
        size=len(content),
        uploaded_by=by,
    )
    consent.signature_method = SignatureMethod.PAPER
    consent.signature_authentication = SignatureAuthentication.STAFF_WITNESSED
    consent.signed_on = signed_on
    consent.signature_recorded_at = timezone.now()
    consent.signature_recorded_by = by
    consent._history_user = by
    consent.save(
        update_fields=[
            "signature_method",
            "signature_authentication",
            "signed_on",
            "signature_recorded_at",
            "signature_recorded_by",
        ]
    )
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=consent,
        client=consent.client,
        detail={"signed": SignatureMethod.PAPER, "scan_bytes": len(content)},
    )
    return consent


@transaction.atomic
def revoke_consent(consent: Consent, *, by, method: str, note: str = "") -> Consent:
    """Revoke at any time (42 CFR 2.31(a)(6)); disclosures already made stay in the ledger."""
    _require_status(
        consent,
        {ConsentStatus.ACTIVE, ConsentStatus.AWAITING_SIGNATURE, ConsentStatus.DRAFT},
        "This consent cannot be revoked",
    )
    if method not in RevocationMethod.values:
        raise PrivacyRefused("Say how the client revoked the consent.")
    consent.revoked_at = timezone.now()
    consent.revoked_by = by
    consent.revocation_method = method
    consent.revocation_note = note.strip()
    consent._history_user = by
    consent.save(update_fields=["revoked_at", "revoked_by", "revocation_method", "revocation_note"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=consent,
        client=consent.client,
        detail={"revoked": method},
    )
    return consent


@transaction.atomic
def mark_expiry_event(consent: Consent, *, by, occurred_on: datetime.date) -> Consent:
    """The consent's expiry event happened (e.g. treatment ended): it expires from that day."""
    if not consent.expiry_event:
        raise PrivacyRefused("This consent has no expiry event.")
    _require_status(
        consent,
        {ConsentStatus.ACTIVE, ConsentStatus.AWAITING_SIGNATURE, ConsentStatus.DRAFT},
        "This consent has already ended",
    )
    if occurred_on > consent.client.organization.today():
        raise PrivacyRefused("The event date cannot be in the future.")
    consent.expiry_event_occurred_on = occurred_on
    consent._history_user = by
    consent.save(update_fields=["expiry_event_occurred_on"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=consent,
        client=consent.client,
        detail={"expiry_event_occurred": occurred_on.isoformat()},
    )
    return consent


def disclosure_refusals(client, **request) -> list[str]:
    """Every reason the requested disclosure may not go ahead; empty when it may."""
    return [text for _code, text in disclosure_problems(client, **request)]


def disclosure_problems(
    client,
    *,
    recipient_name: str,
    recipient_organization: str,
    recipient_role: str,
    purpose: str,
    purpose_detail: str,
    kinds,
    consent: Consent | None,
    exception_kind: str,
    exception_reason: str,
    day: datetime.date,
) -> list[tuple[str, str]]:
    """(code, reason) for every rule the requested disclosure breaks; empty when it may go."""
    problems = []
    if not recipient_name.strip():
        problems.append(("recipient_missing", "Name the recipient."))
    if recipient_role not in RecipientRole.values:
        problems.append(("recipient_role_invalid", "Say what kind of recipient this is."))
    if purpose not in Purpose.values:
        problems.append(("purpose_invalid", "Choose the purpose of the disclosure."))
    elif purpose == Purpose.OTHER and not purpose_detail.strip():
        problems.append(("purpose_detail_missing", "Describe the purpose."))
    kinds = list(kinds)
    if not kinds or any(k not in InfoKind.values for k in kinds):
        problems.append(("kinds_invalid", "Choose the kinds of information to disclose."))
    if consent is not None and exception_kind:
        problems.append(("both_bases", "Choose either a consent or an exception, not both."))
    elif consent is None and not exception_kind:
        problems.append(
            (
                "no_basis",
                "A disclosure needs the client's valid written consent or a permitted exception.",
            )
        )
    elif consent is not None:
        if problems:
            return problems
        problems.extend(
            consent.refusal_problems(
                client=client,
                recipient_name=recipient_name,
                recipient_organization=recipient_organization,
                recipient_role=recipient_role,
                purpose=purpose,
                kinds=kinds,
                day=day,
            )
        )
    else:
        if exception_kind not in ExceptionKind.values:
            problems.append(("exception_invalid", "Choose a permitted exception."))
        if not exception_reason.strip():
            problems.append(
                ("exception_reason_missing", "Record the reason for disclosing without consent.")
            )
        if exception_kind == ExceptionKind.MEDICAL_EMERGENCY:
            # 42 CFR 2.51(a): only to medical personnel; (c) document their affiliation.
            if recipient_role != RecipientRole.TREATING_PROVIDER:
                problems.append(
                    (
                        "emergency_not_medical",
                        "A medical emergency disclosure may go only to medical personnel.",
                    )
                )
            if not recipient_organization.strip():
                problems.append(
                    (
                        "emergency_facility_missing",
                        "Record the health care facility the medical personnel work for "
                        "(42 CFR 2.51(c)).",
                    )
                )
    return problems


def disclose(client: Client, *, by, **request) -> Disclosure:
    """Release chart information outside the care team: ledger row, snapshot and audit event.

    Refused (PrivacyRefused, nothing written) without a consent that is active on `day` and
    covers this recipient, purpose and every requested kind, or a permitted exception with
    its reason (42 CFR 2.31, 2.33, 2.51, 2.53). A refusal is itself audited, as DENIED with the
    codes of the rules that refused (no names, no clinical content), after the refused
    transaction has rolled back.
    """
    try:
        return _disclose(client, by=by, **request)
    except PrivacyRefused as exc:
        consent = request.get("consent")
        record(
            by=by,
            action=AuditAction.DENIED,
            object_type="privacy.disclosure",
            object_label="Disclosure refused",
            client=client,
            detail={
                "refused": exc.codes,
                "consent": consent.pk if consent is not None else None,
                "exception": request.get("exception_kind") or None,
                "purpose": request.get("purpose"),
                "recipient_role": request.get("recipient_role"),
                "kinds": sorted(set(request.get("kinds") or ())),
            },
        )
        raise


@transaction.atomic
def _disclose(
    client: Client,
    *,
    by,
    recipient_name: str,
    recipient_role: str,
    purpose: str,
    kinds,
    method: str,
    recipient_organization: str = "",
    purpose_detail: str = "",
    consent: Consent | None = None,
    exception_kind: str = "",
    exception_reason: str = "",
    day: datetime.date | None = None,
) -> Disclosure:
    day = day or client.organization.today()
    if consent is not None:
        # Lock the consent so a revocation cannot slip in between the check and the release.
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
    kinds = [k for k in InfoKind.values if k in set(kinds)]
    problems = disclosure_problems(
        client,
        recipient_name=recipient_name,
        recipient_organization=recipient_organization,
        recipient_role=recipient_role,
        purpose=purpose,
        purpose_detail=purpose_detail,
        kinds=kinds,
        consent=consent,
        exception_kind=exception_kind,
        exception_reason=exception_reason,
        day=day,
    )
    if problems:
        raise PrivacyRefused(
            [text for _code, text in problems], codes=[code for code, _text in problems]
        )
    parts = records.build_parts(client, kinds=set(kinds))
    disclosure = Disclosure.objects.create(
        client=client,
        disclosed_by=by,
        disclosed_by_label=by.display_name if by is not None else "system",
        recipient_name=recipient_name.strip(),
        recipient_organization=recipient_organization.strip(),
        recipient_role=recipient_role,
        purpose=purpose,
        purpose_detail=purpose_detail.strip(),
        info_kinds=kinds,
        method=method,
        consent=consent,
        exception_kind=exception_kind if consent is None else "",
        exception_reason=exception_reason.strip() if consent is None else "",
        snapshot=records.snapshot(client, parts, kinds),
    )
    record(
        by=by,
        action=AuditAction.DISCLOSE,
        obj=disclosure,
        client=client,
        detail={
            "consent": consent.pk if consent else None,
            "exception": disclosure.exception_kind or None,
            "kinds": kinds,
            "purpose": purpose,
            "recipient_role": recipient_role,
            "method": method,
        },
    )
    return disclosure


@transaction.atomic
def update_privacy_settings(
    organization, *, by, retention_years: int, public_question_days: int | None = None
) -> PrivacySettings:
    """Save the retention periods; audited with each changed value before and after.
    `public_question_days` None leaves it as it is."""
    if not 1 <= retention_years <= 50:
        raise PrivacyRefused("Choose a retention period between 1 and 50 years.")
    low, high = PUBLIC_QUESTION_DAYS_RANGE
    if public_question_days is not None and not low <= public_question_days <= high:
        raise PrivacyRefused(f"Choose between {low} and {high} days for the public site.")
    row = PrivacySettings.for_organization(organization)
    after = {"retention_years": retention_years}
    if public_question_days is not None:
        after["public_question_days"] = public_question_days
    changes = {
        field: {"before": getattr(row, field), "after": value}
        for field, value in after.items()
        if getattr(row, field) != value
    }
    if not changes:
        return row
    for field, value in after.items():
        setattr(row, field, value)
    row.updated_at = timezone.now()
    row._history_user = by
    row.save(update_fields=[*after, "updated_at"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=row,
        organization_id=organization.pk,
        detail=changes,
    )
    return row


@transaction.atomic
def close_chart(
    client: Client, *, by, closed_on: datetime.date, reason: str = "", note: str = ""
) -> ChartRetention:
    """Close a chart: discharge any open episode, set the status to discharged, note the date."""
    if closed_on > client.organization.today():
        raise PrivacyRefused("The closing date cannot be in the future.")
    episode = client.current_episode()
    if episode is not None:
        if not reason:
            raise PrivacyRefused("Give the discharge reason for the open episode of care.")
        if closed_on < episode.admitted_on:
            raise PrivacyRefused("The closing date cannot be before the admission date.")
        client_actions.discharge_client(
            client, by=by, discharged_on=closed_on, reason=reason, note=note
        )
    elif client.status != ChartStatus.DISCHARGED:
        client.status = ChartStatus.DISCHARGED
        client_actions.update_client(client, by=by, changed_fields=["status"])
    else:
        raise PrivacyRefused("This chart is already closed.")
    retention, _ = ChartRetention.objects.get_or_create(client=client)
    retention.closed_on = closed_on
    retention.closed_by = by
    retention.save(update_fields=["closed_on", "closed_by"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        obj=client,
        client=client,
        detail={"closed_on": closed_on.isoformat()},
    )
    return retention


def _check_disposal(client: Client, *, confirm: str, today) -> None:
    if confirm.strip() != client.chart_number:
        raise PrivacyRefused("Type the chart number exactly to confirm.")
    status = retention_status(client, today=today)
    if not status.eligible:
        raise PrivacyRefused(status.reasons)


def _scrub_portal_user(client: Client) -> None:
    """Deactivate the client's sign-in and remove its name and email address."""
    user = client.portal_user
    if user is None:
        return
    client.portal_user = None
    client.save(update_fields=["portal_user"])
    user.is_active = False
    user.full_name = ""
    user.email = f"removed-{user.pk}@invalid.invalid"
    user.set_unusable_password()
    user.save(update_fields=["is_active", "full_name", "email", "email_digest", "password"])


@transaction.atomic
def purge_chart(client: Client, *, by, confirm: str, today=None) -> int:
    """Delete a chart past its retention period with all its clinical records and history.

    The audit trail keeps the fact (ids only); it is never deleted.
    """
    _check_disposal(client, confirm=confirm, today=today)
    pk = client.pk
    record(
        by=by,
        action=AuditAction.DELETE,
        object_type="clients.client",
        object_id=str(pk),
        object_label=f"Chart #{pk}",
        client=client,
        detail={"retention": "purge"},
    )
    _scrub_portal_user(client)
    # Disclosures first: they RESTRICT deletion of the consents they were made under.
    Disclosure.objects.filter(client=client).delete()
    try:
        client.delete()
    except (ProtectedError, RestrictedError) as exc:
        objects = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
        blocking = sorted({str(obj._meta.verbose_name) for obj in objects})
        raise PrivacyRefused(
            "Other records still point to this chart and block its deletion: " + ", ".join(blocking)
        ) from exc
    delete_chart_history(pk)
    return pk


@transaction.atomic
def anonymize_chart(client: Client, *, by, confirm: str, today=None) -> Client:
    """Replace identifying fields with placeholders, keep de-identified clinical rows.

    Removes: names, pronouns, date of birth, contact details, emergency contact, languages,
    the name search index, free-text notes (discharge notes, alert details), consents and
    disclosures (recipients, signatures, scans), the portal sign-in's name and email, and the
    change history holding earlier values. Keeps: episode and contact dates and kinds, alert
    kinds, the chart's organization and care team. The chart number becomes ANON-<id>.
    """
    _check_disposal(client, confirm=confirm, today=today)
    if retention_status(client, today=today).anonymized:
        raise PrivacyRefused("This chart is already anonymized.")
    _scrub_portal_user(client)
    number = f"ANON-{client.pk}"
    while Client.objects.filter(organization=client.organization, chart_number=number).exists():
        number += "X"
    client.chart_number = number
    client.legal_name = ANONYMIZED_NAME
    for name in (
        "preferred_name",
        "pronouns",
        "phone",
        "email",
        "address",
        "emergency_contact_name",
        "emergency_contact_phone",
        "emergency_contact_relationship",
        "languages",
    ):
        setattr(client, name, "")
    client.date_of_birth = None
    client.save()
    client.name_index.all().delete()
    for episode in client.episodes.all():
        if episode.discharge_note:
            episode.discharge_note = ""
            episode.save(update_fields=["discharge_note"])
    for alert in client.alerts.all():
        alert.detail = ""
        alert.acknowledgement_note = ""
        alert.save(update_fields=["detail", "acknowledgement_note"])
    Disclosure.objects.filter(client=client).delete()
    client.consents.all().delete()
    run_anonymizers(client)
    delete_chart_history(client.pk)
    retention, _ = ChartRetention.objects.get_or_create(client=client)
    retention.anonymized_at = timezone.now()
    retention.save(update_fields=["anonymized_at"])
    record(
        by=by,
        action=AuditAction.CHANGE,
        object_type="clients.client",
        object_id=str(client.pk),
        object_label=f"Chart #{client.pk}",
        client=client,
        detail={"retention": "anonymize"},
    )
    return client
