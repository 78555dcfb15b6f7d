from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm

from waypoint.accounts.models import Invitation, User
from waypoint.accounts.roles import STAFF_ROLES, Role
from waypoint.clinics.hours import WEEKDAYS


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in by email. The error never says whether the address exists."""

    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "That email and password do not match an active account.",
        "inactive": "That email and password do not match an active account.",
    }

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["full_name", "email", "role"]

    def clean_email(self):
        # No "already has an account" error: that would tell an admin whether an address has
        # an account here or at another organization. `invite_staff` tells that person instead.
        return self.cleaned_data["email"].strip().lower()


# Waypoint's own words for password fields, instead of Django's stock validator list.
CHOOSING_HELP = (
    "At least 12 characters; a passphrase of four or more words works well. Not a common "
    "password with digits added, and not close to your name or email."
)
REPEAT_HELP = "Type the new password again, to catch a typo."


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=CHOOSING_HELP,
    )
    password2 = forms.CharField(
        label="Type it again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, invitation, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords are different.")
        elif data.get("password1"):
            probe = User(email=self.invitation.email, full_name=self.invitation.full_name)
            try:
                password_validation.validate_password(data["password1"], probe)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class WaypointSetPasswordForm(SetPasswordForm):
    """Password reset (and the base of password change) with Waypoint's help texts."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = CHOOSING_HELP
        self.fields["new_password2"].help_text = REPEAT_HELP


class WaypointPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = CHOOSING_HELP
        self.fields["new_password2"].help_text = REPEAT_HELP


class StaffForm(forms.ModelForm):
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in STAFF_ROLES])

    class Meta:
        model = User
        fields = ["full_name", "credentials", "role", "supervisors", "is_active"]
        widgets = {"supervisors": forms.CheckboxSelectMultiple}
        labels = {"is_active": "Account active (untick to deactivate)"}
        help_texts = {
            "is_active": (
                "Deactivating signs them out at once and stops them signing in; their records, "
                "notes and history stay. You can turn the account back on later."
            ),
            "role": "What each role may do is listed on the Staff page.",
            "supervisors": "Supervisors read the charts of the people their supervisees work with.",
        }

    new_primary_clinician = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Who takes over their charts",
    )
    reassign_later = forms.BooleanField(
        required=False,
        label="Reassign later, from the list of charts without an active primary clinician",
    )

    def __init__(self, *args, acting_user, **kwargs):
        from waypoint.clients.models import Client

        self.acting_user = acting_user
        super().__init__(*args, **kwargs)
        organization = self.instance.organization
        self.fields["supervisors"].queryset = (
            User.objects.staff_of(organization)
            .filter(role__in=[Role.SUPERVISOR, Role.ADMIN], is_active=True)
            .exclude(pk=self.instance.pk)
        )
        self.fields["supervisors"].required = False
        self.open_chart_count = (
            Client.objects.filter(primary_clinician=self.instance).not_discharged().count()
            if self.instance.pk and self.instance.is_active
            else 0
        )
        if self.open_chart_count:
            charts = "chart" if self.open_chart_count == 1 else "charts"
            self.fields["new_primary_clinician"].queryset = (
                User.objects.staff_of(organization).active().exclude(pk=self.instance.pk)
            )
            self.fields["new_primary_clinician"].help_text = (
                f"Only when deactivating: {self.instance} is the primary clinician of "
                f"{self.open_chart_count} open {charts} (active or waitlist). They become the "
                "new person's charts; the care team stays."
            )
        else:
            del self.fields["new_primary_clinician"]
            del self.fields["reassign_later"]

    @property
    def deactivating(self) -> bool:
        return bool(self.initial.get("is_active")) and not self.cleaned_data.get("is_active")

    def clean(self):
        data = super().clean()
        if self.instance.pk == self.acting_user.pk:
            if data.get("role") != Role.ADMIN:
                self.add_error("role", "You cannot remove your own admin role.")
            if not data.get("is_active"):
                self.add_error("is_active", "You cannot deactivate your own account.")
        if self.open_chart_count and self.deactivating:
            chosen, later = data.get("new_primary_clinician"), data.get("reassign_later")
            if not chosen and not later:
                self.add_error(
                    "new_primary_clinician",
                    f"{self.instance} is the primary clinician of {self.open_chart_count} open "
                    "chart(s). Choose who takes them over, or tick “Reassign later”.",
                )
            elif chosen and later:
                self.add_error("reassign_later", "Choose a person or “Reassign later”, not both.")
        return data


class OrganizationSettingsForm(forms.Form):
    name = forms.CharField(max_length=200)
    timezone = forms.CharField(max_length=64)
    clinicians_see_all_charts = forms.BooleanField(
        required=False,
        label="Every clinician may read every chart",
        help_text="Off: clinicians see only charts where they are on the care team.",
    )
    require_staff_two_factor = forms.BooleanField(
        required=False, label="Staff must use two-factor sign-in"
    )
    public_on_call_email = forms.EmailField(
        required=False,
        label="On-call email for public questions",
        help_text=(
            "Emailed when a question asked on the public site reads like a crisis. Empty: the "
            "on-call address in the alert settings."
        ),
    )

    def clean_timezone(self):
        import zoneinfo

        name = self.cleaned_data["timezone"].strip()
        if name not in zoneinfo.available_timezones():
            raise forms.ValidationError("Enter a time zone name such as America/Chicago.")
        return name


class AlertSettingsForm(forms.Form):
    """Who hears of an urgent alert, how often again, and when the team reads alerts."""

    on_call_email = forms.EmailField(
        required=False,
        label="On-call email address",
        help_text="Emailed about every urgent alert, besides the chart's care team.",
    )
    alert_renotify_minutes = forms.IntegerField(
        min_value=5,
        max_value=7 * 24 * 60,
        label="Email again after (minutes)",
        help_text="An urgent alert nobody has acknowledged is emailed again after this long.",
    )
    alert_review_days = forms.MultipleChoiceField(
        choices=[(str(i), day) for i, day in enumerate(WEEKDAYS)],
        widget=forms.CheckboxSelectMultiple,
        label="Days the team reads alerts",
    )
    alert_review_opens = forms.TimeField(
        label="From", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    alert_review_closes = forms.TimeField(
        label="Until",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In the organization's time zone. Clients are told when their team will see it.",
    )

    def clean_alert_review_days(self):
        return "".join(sorted(self.cleaned_data["alert_review_days"]))

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("alert_review_opens"), cleaned.get("alert_review_closes")
        if opens and closes and opens >= closes:
            self.add_error("alert_review_closes", "End after the start time.")
        return cleaned
