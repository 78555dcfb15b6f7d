from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from waypoint.assessment.models import CELLS, DecisionalBalance, DrugSetSetting, LifeArea, Stage
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
                # The grid's headings ("Good things about using"), translated for the portal.
                label=gettext(DecisionalBalance._meta.get_field(cell).verbose_name.capitalize()),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 4}),
            )

    def clean(self):
        data = super().clean()
        if not any((data.get(cell) or "").strip() for cell in CELLS):
            raise forms.ValidationError(
                gettext("Write something in at least one of the four boxes.")
            )
        return data


class PrioritiesForm(forms.Form):
    """A rank per life area (1 = most important); the ranks must be 1 to 7, each used once."""

    note = forms.CharField(
        label=_("Anything to add, in your own words (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        count = len(LifeArea.values)
        rank_fields = {}
        for code, label in LifeArea.choices:
            rank_fields[f"rank_{code}"] = forms.TypedChoiceField(
                label=gettext(label),
                choices=[("", "—")] + [(str(i), str(i)) for i in range(1, count + 1)],
                coerce=int,
            )
        self.fields = {**rank_fields, **self.fields}

    def rank_fields(self):
        return [self[f"rank_{code}"] for code in LifeArea.values]

    def clean(self):
        data = super().clean()
        ranks = {code: data.get(f"rank_{code}") for code in LifeArea.values}
        if all(rank is not None for rank in ranks.values()):
            seen = {}
            for code, rank in ranks.items():
                seen.setdefault(rank, []).append(code)
            for rank, codes in seen.items():
                if len(codes) > 1:
                    for code in codes:
                        self.add_error(
                            f"rank_{code}",
                            gettext("Rank %(rank)s is used more than once.") % {"rank": rank},
                        )
            if not self.errors:
                data["order"] = sorted(ranks, key=ranks.get)
        return data

    @staticmethod
    def initial_from(order: list[str]) -> dict:
        return {f"rank_{code}": str(i) for i, code in enumerate(order, start=1)}


class DrugSetSettingForm(forms.ModelForm):
    class Meta:
        model = DrugSetSetting
        fields = [
            "amount_and_frequency",
            "route",
            "age_first_use",
            "does_for_them",
            "costs_them",
            "continuum_client",
            "continuum_clinician",
            "set_notes",
            "setting_notes",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in (
                "amount_and_frequency",
                "does_for_them",
                "costs_them",
                "set_notes",
                "setting_notes",
            )
        }

    def clean_age_first_use(self):
        age = self.cleaned_data.get("age_first_use")
        if age is not None and not 3 <= age <= 100:
            raise forms.ValidationError("Give an age between 3 and 100, or leave it empty.")
        return age

    def clean(self):
        data = super().clean()
        if not any(data.get(name) not in (None, "") for name in self.Meta.fields):
            raise forms.ValidationError("Fill in at least one part of the assessment.")
        return data
