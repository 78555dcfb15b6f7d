import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from waypoint.accounts.models import User
from waypoint.accounts.roles import STAFF_ROLES
from waypoint.appointments.models import (
    DURATION_CHOICES,
    AppointmentSettings,
    AppointmentStatus,
    ReminderPreference,
    chart_email,
)
from waypoint.clients.forms import DateInput


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or str(obj)


def staff_of(organization):
    return User.objects.filter(
        organization=organization, role__in=STAFF_ROLES, is_active=True
    ).order_by("full_name", "pk")


FIRST_YEAR, LAST_YEAR = 1900, 9998  # the years an appointment may be in


class AppointmentForm(forms.Form):
    """Date and time in the organization's zone; the action checks the rules of time."""

    clinician = StaffChoiceField(queryset=User.objects.none(), empty_label=None)
    start_date = forms.DateField(label="Date", widget=DateInput())
    start_time = forms.TimeField(label="Start time", widget=TimeInput())
    duration_minutes = forms.TypedChoiceField(
        label="Duration", choices=DURATION_CHOICES, coerce=int, initial=50
    )
    status = forms.ChoiceField(label="What happened", choices=AppointmentStatus.choices)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Encrypted; never in reminders or calendar feeds.",
    )

    def __init__(self, *args, organization, with_status=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.fields["clinician"].queryset = staff_of(organization)
        if not with_status:
            del self.fields["status"]

    def clean(self):
        data = super().clean()
        day, time = data.get("start_date"), data.get("start_time")
        if day and time:
            starts_at = datetime.datetime.combine(day, time, self.organization.zone)
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                # Before 1900 many zones kept local mean time (offsets such as -07:52:58, which
                # RFC 3339 times cannot carry); at year 9999 the moment may have no UTC date.
                self.add_error(
                    "start_date", f"Enter a date between the years {FIRST_YEAR} and {LAST_YEAR}."
                )
            else:
                data["starts_at"] = starts_at
        return data


class ReminderForm(forms.Form):
    """Opting in or out of email reminders. `fallback` is the address used when the form's own
    is left empty (`models.chart_email`): opting in needs one or the other."""

    email_reminders = forms.BooleanField(
        label="Email a reminder about 24 hours before each appointment", required=False
    )
    email = forms.EmailField(
        label="Reminder email (optional)",
        required=False,
        max_length=200,
        help_text="Leave empty to use the email on the chart or of the portal account.",
    )
    no_address = "There is no email on the chart or portal account: add one."

    def __init__(self, *args, fallback: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fallback = fallback

    def clean(self):
        data = super().clean()
        wanted = data.get("email_reminders") and "email" not in self.errors  # a bad one: said
        if wanted and not (data.get("email") or self.fallback):
            self.add_error("email", self.no_address)
        return data

    @classmethod
    def for_chart(cls, client, data=None, **kwargs):
        """The form for `client`'s chart, showing the choice saved so far."""
        preference = ReminderPreference.objects.filter(client=client).first()
        initial = {
            "email_reminders": preference.email_reminders if preference else False,
            "email": preference.email if preference else "",
        }
        return cls(data, initial=initial, fallback=chart_email(client), **kwargs)


class PortalReminderForm(ReminderForm):
    """The same choice made by the person in the portal, in their words and language."""

    email_reminders = forms.BooleanField(
        label=_("Email me a reminder about 24 hours before each appointment"), required=False
    )
    email = forms.EmailField(
        label=_("Send reminders to this email (optional)"),
        required=False,
        max_length=200,
        help_text=_(
            "Leave empty to use the email your care team has for you, or the one you sign in with."
        ),
    )
    no_address = _("Add an email address to get reminders.")


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AppointmentSettings
        fields = ["calendar_label"]
        widgets = {"calendar_label": forms.RadioSelect}
        help_texts = {
            "calendar_label": "Week calendars and the clinicians' .ics feeds never show names."
        }
