from django import forms

from waypoint.assessment.models import CELLS, DecisionalBalance, Stage
from waypoint.goals.models import Substance


class StageForm(forms.Form):
    substance = forms.ChoiceField(choices=[("", "Choose a substance")] + Substance.choices)
    # No stage is preselected: the clinician and the person decide it together.
    stage = forms.ChoiceField(
        choices=Stage.choices,
        widget=forms.RadioSelect,
        label="Stage of change for this substance",
    )
    noted_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label="What the person said (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_noted_on(self):
        day = self.cleaned_data["noted_on"]
        if self.today is not None and day > self.today:
            raise forms.ValidationError("The date cannot be in the future.")
        return day


class BalanceForm(forms.Form):
    """The four cells. Labels are the person's words ("good things", "not-so-good things")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for cell in CELLS:
            self.fields[cell] = forms.CharField(
                label=DecisionalBalance._meta.get_field(cell).verbose_name.capitalize(),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def clean(self):
        data = super().clean()
        if not any((data.get(cell) or "").strip() for cell in CELLS):
            raise forms.ValidationError("Write something in at least one of the four boxes.")
        return data
