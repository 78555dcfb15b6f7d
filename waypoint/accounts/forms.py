from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from waypoint.accounts.models import Invitation, User
from waypoint.accounts.roles import STAFF_ROLES, Role


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
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("An account with this email already exists.")
        return email


class AcceptInvitationForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; a passphrase of four or more words works well.",
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


class StaffForm(forms.ModelForm):
    role = forms.ChoiceField(choices=[(r.value, r.label) for r in STAFF_ROLES])

    class Meta:
        model = User
        fields = ["full_name", "credentials", "role", "supervisors", "is_active"]
        widgets = {"supervisors": forms.CheckboxSelectMultiple}
        labels = {"is_active": "Account active (untick to deactivate)"}

    def __init__(self, *args, acting_user, **kwargs):
        self.acting_user = acting_user
        super().__init__(*args, **kwargs)
        self.fields["supervisors"].queryset = (
            User.objects.staff_of(self.instance.organization)
            .filter(role__in=[Role.SUPERVISOR, Role.ADMIN], is_active=True)
            .exclude(pk=self.instance.pk)
        )
        self.fields["supervisors"].required = False

    def clean(self):
        data = super().clean()
        if self.instance.pk == self.acting_user.pk:
            if data.get("role") != Role.ADMIN:
                self.add_error("role", "You cannot remove your own admin role.")
            if not data.get("is_active"):
                self.add_error("is_active", "You cannot deactivate your own account.")
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

    def clean_timezone(self):
        import zoneinfo

        name = self.cleaned_data["timezone"].strip()
        if name not in zoneinfo.available_timezones():
            raise forms.ValidationError("Enter a time zone name such as America/Chicago.")
        return name
