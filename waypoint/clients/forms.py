import datetime

from django import forms

from waypoint.accounts.models import User
from waypoint.accounts.roles import STAFF_ROLES
from waypoint.clients.models import Client, ContactKind, DischargeReason


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _not_in_future(day: datetime.date | None, what: str, *, today: datetime.date):
    """`today` is the organization's day (Organization.today()), never the server's."""
    if day and day > today:
        raise forms.ValidationError(f"The {what} cannot be in the future.")
    return day


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = [
            "chart_number",
            "legal_name",
            "preferred_name",
            "pronouns",
            "date_of_birth",
            "phone",
            "email",
            "address",
            "languages",
            "emergency_contact_name",
            "emergency_contact_relationship",
            "emergency_contact_phone",
            "drinking_thresholds",
        ]
        widgets = {
            "date_of_birth": DateInput(),
            "address": forms.Textarea(attrs={"rows": 2}),
            "drinking_thresholds": forms.RadioSelect,
        }

    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)
        # Status follows the episodes of care (admit, discharge), never a free edit.
        self.fields["email"] = forms.EmailField(required=False, max_length=200)

    def clean_chart_number(self):
        number = self.cleaned_data["chart_number"].strip()
        taken = Client.objects.filter(organization=self.organization, chart_number__iexact=number)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError("Another chart in this organization has this number.")
        return number

    def clean_date_of_birth(self):
        dob = _not_in_future(
            self.cleaned_data.get("date_of_birth"), "date of birth", today=self.organization.today()
        )
        if dob and dob < datetime.date(1900, 1, 1):
            raise forms.ValidationError("Enter a date of birth after 1900.")
        return dob


class NewClientForm(ClientForm):
    primary_clinician = forms.ModelChoiceField(queryset=User.objects.none())
    admitted_on = forms.DateField(
        required=False,
        widget=DateInput(),
        help_text="Leave empty to put the person on the waitlist.",
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, organization=organization, **kwargs)
        self.fields["primary_clinician"].queryset = User.objects.staff_of(organization).active()

    def clean_admitted_on(self):
        return _not_in_future(
            self.cleaned_data.get("admitted_on"), "admission date", today=self.organization.today()
        )


class CareTeamForm(forms.Form):
    primary_clinician = forms.ModelChoiceField(queryset=User.objects.none())
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        staff = User.objects.staff_of(organization).active().filter(role__in=STAFF_ROLES)
        self.fields["primary_clinician"].queryset = staff
        self.fields["members"].queryset = staff


class ReassignChartsForm(forms.Form):
    """Pick charts without an active primary clinician and the person who takes them."""

    charts = forms.ModelMultipleChoiceField(
        queryset=Client.objects.none(), widget=forms.CheckboxSelectMultiple, label="Charts"
    )
    primary_clinician = forms.ModelChoiceField(
        queryset=User.objects.none(), label="New primary clinician"
    )

    def __init__(self, *args, charts, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["charts"].queryset = charts
        self.fields["primary_clinician"].queryset = (
            User.objects.staff_of(organization).active().filter(role__in=STAFF_ROLES)
        )


class AdmitForm(forms.Form):
    admitted_on = forms.DateField(widget=DateInput())
    program = forms.CharField(max_length=100, initial="Outpatient")

    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)

    def clean_admitted_on(self):
        return _not_in_future(
            self.cleaned_data["admitted_on"], "admission date", today=self.organization.today()
        )


class DischargeForm(forms.Form):
    discharged_on = forms.DateField(widget=DateInput())
    reason = forms.ChoiceField(choices=DischargeReason.choices)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, episode, **kwargs):
        self.episode = episode
        super().__init__(*args, **kwargs)

    def clean_discharged_on(self):
        day = _not_in_future(
            self.cleaned_data["discharged_on"],
            "discharge date",
            today=self.episode.client.organization.today(),
        )
        if self.episode and day < self.episode.admitted_on:
            raise forms.ValidationError("The discharge date cannot be before the admission date.")
        return day


class ContactForm(forms.Form):
    occurred_on = forms.DateField(widget=DateInput(), label="Date")
    kind = forms.ChoiceField(choices=ContactKind.choices)
    minutes = forms.IntegerField(min_value=1, max_value=600, required=False)

    def __init__(self, *args, organization, **kwargs):
        self.organization = organization
        super().__init__(*args, **kwargs)

    def clean_occurred_on(self):
        return _not_in_future(
            self.cleaned_data["occurred_on"], "contact date", today=self.organization.today()
        )


class AcknowledgeAlertForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="What was done",
        help_text="e.g. Called the client, safety plan reviewed, no current intent.",
    )
