import datetime

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from waypoint.clients.forms import DateInput
from waypoint.clients.models import DischargeReason
from waypoint.privacy import scans
from waypoint.privacy.models import (
    PUBLIC_QUESTION_DAYS_RANGE,
    Consent,
    ConsentStatus,
    DeliveryMethod,
    ExceptionKind,
    InfoKind,
    Purpose,
    RecipientKind,
    RecipientRole,
    RevocationMethod,
)

MAX_SCAN_BYTES = 5 * 1024 * 1024

# The bytes decide what a scan is (waypoint/privacy/scans.py); kept here for older imports.
sniff_scan = scans.sniff_scan


class ConsentForm(forms.ModelForm):
    info_kinds = forms.MultipleChoiceField(
        label="Information that may be shared",
        choices=InfoKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only what the recipient needs for the purpose.",
    )

    class Meta:
        model = Consent
        fields = [
            "recipient_kind",
            "recipient_name",
            "purpose",
            "purpose_detail",
            "info_kinds",
            "info_description",
            "expires_on",
            "expiry_event",
        ]
        widgets = {
            "recipient_kind": forms.RadioSelect,
            "purpose_detail": forms.Textarea(attrs={"rows": 2}),
            "info_description": forms.Textarea(attrs={"rows": 2}),
            "expires_on": DateInput(),
        }

    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if (
            data.get("recipient_kind") == RecipientKind.NAMED
            and not (data.get("recipient_name") or "").strip()
        ):
            self.add_error("recipient_name", "Name the person or organization.")
        if data.get("purpose") == Purpose.OTHER and not (data.get("purpose_detail") or "").strip():
            self.add_error("purpose_detail", "Describe the purpose.")
        expires_on = data.get("expires_on")
        if not expires_on and not (data.get("expiry_event") or "").strip():
            self.add_error("expires_on", "Give an expiry date or an expiry event (or both).")
        if expires_on and expires_on < self.organization.today():
            self.add_error("expires_on", "The expiry date cannot be in the past.")
        return data


class ClinicDayForm(forms.Form):
    """A form whose dates may not be after `today`: the organization's day, not the server's."""

    def __init__(self, *args, today: datetime.date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)


class PaperSignatureForm(ClinicDayForm):
    signed_on = forms.DateField(label="Date the client signed", widget=DateInput())
    scan = forms.FileField(
        label="Scanned signed form",
        help_text="PDF, JPEG or PNG, up to 5 MB. It is stored encrypted.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def clean_signed_on(self):
        day = self.cleaned_data["signed_on"]
        if day > self.today:
            raise forms.ValidationError("The signature date cannot be in the future.")
        return day

    def clean_scan(self):
        upload = self.cleaned_data["scan"]
        if upload.size > MAX_SCAN_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        content = upload.read()
        try:
            content_type = scans.check_scan(content)
        except scans.ScanRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.content = content
        self.content_type = content_type
        return upload


class StaffRevokeForm(forms.Form):
    method = forms.ChoiceField(
        label="How did the client revoke it?",
        choices=[
            (RevocationMethod.TOLD_STAFF.value, RevocationMethod.TOLD_STAFF.label),
            (RevocationMethod.IN_WRITING.value, RevocationMethod.IN_WRITING.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="e.g. Said by phone on Tuesday that they no longer want us to share.",
    )


class ExpiryEventForm(ClinicDayForm):
    occurred_on = forms.DateField(label="The event happened on", widget=DateInput())

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > self.today:
            raise forms.ValidationError("The date cannot be in the future.")
        return day


class SignConsentForm(forms.Form):
    """Sign in the portal: typed name, agreement, and proof it is you (password or app code).

    The checks themselves are in `actions.esign_consent`; this form only collects the answers.
    `confirm_name` appears after a typed name that is not the chart's name was refused.
    """

    typed_name = forms.CharField(
        label=_("Type your full name to sign"), max_length=200, min_length=2, strip=True
    )
    confirm_name = forms.BooleanField(
        label=_("Yes, this is my name as I want it on this consent"), required=False
    )
    agree = forms.BooleanField(
        label=_("I have read this consent and I agree to it. Typing my name is my signature.")
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To sign, show it is you: enter the password you sign in with."),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "size": 10}
        ),
        help_text=_(
            "To sign, show it is you: enter the current 6-digit code (or a recovery code)."
        ),
    )

    def __init__(self, *args, uses_app: bool, offer_name_confirmation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["password" if uses_app else "code"]
        if not offer_name_confirmation:
            del self.fields["confirm_name"]


class PortalRevokeForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, revoke this consent"))


BASIS_CHOICES = [("consent", "The client's written consent"), ("exception", "An exception")]


class DisclosureForm(forms.Form):
    recipient_name = forms.CharField(
        label="Recipient",
        max_length=200,
        help_text="The person or organization receiving the information.",
    )
    recipient_organization = forms.CharField(
        label="Their organization or facility", max_length=200, required=False
    )
    recipient_role = forms.ChoiceField(
        label="The recipient is", choices=RecipientRole.choices, widget=forms.RadioSelect
    )
    purpose = forms.ChoiceField(choices=Purpose.choices)
    purpose_detail = forms.CharField(
        label="Purpose details", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    info_kinds = forms.MultipleChoiceField(
        label="Information to disclose",
        choices=InfoKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only what is needed for the purpose.",
    )
    method = forms.ChoiceField(label="How it is sent", choices=DeliveryMethod.choices)
    basis = forms.ChoiceField(
        label="Disclosed under", choices=BASIS_CHOICES, widget=forms.RadioSelect
    )
    consent = forms.ModelChoiceField(
        queryset=Consent.objects.none(), required=False, label="Consent"
    )
    exception_kind = forms.ChoiceField(
        label="Exception", choices=[("", "—")] + ExceptionKind.choices, required=False
    )
    exception_reason = forms.CharField(
        label="Reason (for an exception)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For a medical emergency: the nature of the emergency (42 CFR 2.51(c)).",
    )
    audit_agreement = forms.BooleanField(
        label="The auditor or evaluator agreed in writing to the 42 CFR 2.53 safeguards",
        required=False,
    )

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        today = client.organization.today()
        consents = client.consents.all()
        self.fields["consent"].queryset = consents
        self.fields["consent"].label_from_instance = lambda c: (
            f"#{c.pk} · {c.recipient_label} · {c.get_purpose_display()} · "
            f"{ConsentStatus(c.status_on(today)).label}"
        )

    def clean(self):
        data = super().clean()
        if data.get("basis") == "consent":
            if not data.get("consent"):
                self.add_error("consent", "Choose the consent this disclosure is made under.")
            data["exception_kind"] = ""
            data["exception_reason"] = ""
        elif data.get("basis") == "exception":
            data["consent"] = None
            if not data.get("exception_kind"):
                self.add_error("exception_kind", "Choose the exception.")
            if not (data.get("exception_reason") or "").strip():
                self.add_error("exception_reason", "Record the reason.")
            if data.get("exception_kind") == ExceptionKind.AUDIT and not data.get(
                "audit_agreement"
            ):
                self.add_error(
                    "audit_agreement", "An audit disclosure needs the written agreement."
                )
        return data


class RetentionSettingsForm(forms.Form):
    retention_years = forms.IntegerField(
        label="Keep closed charts for (years after the last discharge)",
        min_value=1,
        max_value=50,
        help_text=(
            "After this many years an admin may purge or anonymize a closed chart. Check your "
            "state's medical record retention law; records of minors often need longer."
        ),
    )
    public_question_days = forms.IntegerField(
        label="Keep what people send through the public site for (days)",
        min_value=PUBLIC_QUESTION_DAYS_RANGE[0],
        max_value=PUBLIC_QUESTION_DAYS_RANGE[1],
        help_text=(
            "Questions and comments from the public site: after this many days, the words a "
            "person wrote and their email address are removed, and so is an answer that was not "
            "published. A published question or comment keeps only what is on the site. An "
            "urgent question is kept until someone on the team marks it handled. Used only by "
            "the organization that runs the public site. Between 30 and 3650 days."
        ),
    )


class CloseChartForm(ClinicDayForm):
    closed_on = forms.DateField(label="Closing date", widget=DateInput())
    reason = forms.ChoiceField(
        label="Discharge reason (for the open episode)",
        choices=[("", "—")] + DischargeReason.choices,
        required=False,
    )
    note = forms.CharField(
        label="Discharge note", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, episode=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.episode = episode
        if episode is None:
            del self.fields["reason"]
            del self.fields["note"]

    def clean_closed_on(self):
        day = self.cleaned_data["closed_on"]
        if day > self.today:
            raise forms.ValidationError("The closing date cannot be in the future.")
        if self.episode and day < self.episode.admitted_on:
            raise forms.ValidationError("The closing date cannot be before the admission date.")
        return day

    def clean(self):
        data = super().clean()
        if self.episode is not None and not data.get("reason"):
            self.add_error("reason", "Give the reason for the discharge.")
        return data


class ConfirmChartNumberForm(forms.Form):
    confirm = forms.CharField(
        label="Type the chart number to confirm",
        max_length=20,
        help_text="This cannot be undone.",
    )

    def __init__(self, *args, chart_number, **kwargs):
        super().__init__(*args, **kwargs)
        self.chart_number = chart_number

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value != self.chart_number:
            raise forms.ValidationError("That is not this chart's number.")
        return value


class PeriodForm(forms.Form):
    """From/to dates for the accounting of disclosures (both optional, inclusive)."""

    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", gettext("The end date is before the start date."))
        return data

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        if not self.is_valid():
            return None, None
        return self.cleaned_data.get("start"), self.cleaned_data.get("end")
