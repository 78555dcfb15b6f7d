from django import forms

from waypoint.accounts.models import User
from waypoint.clients.forms import DateInput
from waypoint.groups.models import AttendanceStatus


class GroupForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text='A label for the group, e.g. "Tuesday evening group". Never a person\'s name.',
    )
    description = forms.CharField(
        label="Topic and description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the group is for. Open groups welcome people who use any substance, at "
        "any stage, with no abstinence requirement.",
    )
    facilitators = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Staff who run the group. They open the group and write its notes.",
    )
    is_active = forms.BooleanField(label="The group is meeting", required=False, initial=True)

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = User.objects.staff_of(organization).order_by(
            "full_name"
        )
        self.fields["facilitators"].label_from_instance = lambda u: u.full_name


class ChartChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.chart_number})"


class AddMemberForm(forms.Form):
    client = ChartChoiceField(queryset=None, label="Chart", empty_label="Choose a chart")
    joined_on = forms.DateField(label="Joins on", widget=DateInput())

    def __init__(self, *args, charts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = charts


class LeaveForm(forms.Form):
    left_on = forms.DateField(label="Left on", widget=DateInput())


class SessionForm(forms.Form):
    held_on = forms.DateField(label="Date", widget=DateInput())
    topic = forms.CharField(max_length=150, required=False)


class SessionNoteForm(forms.Form):
    """The session page: topic and shared part; per-chart rows are read by the view."""

    topic = forms.CharField(max_length=150, required=False)
    shared_note = forms.CharField(
        label="Themes and process (shared part)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="About the group as a whole. Kept with the group and never filed to any "
        "chart, so it may mention what members said.",
    )
    drop_in = ChartChoiceField(
        queryset=None, required=False, label="Add a drop-in", empty_label="No one else"
    )

    def __init__(self, *args, drop_in_charts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drop_in"].queryset = drop_in_charts


STATUS_CHOICES = [("", "Not recorded"), *AttendanceStatus.choices]
