"""Forms built from an instrument's data file: one radio group per item, options in order."""

import datetime

from django import forms
from django.utils import timezone

from waypoint.clients.forms import DateInput
from waypoint.measures import instruments
from waypoint.measures.scoring import ScoringError, score


def item_field_name(item) -> str:
    return f"item_{item.id}"


class AnswersForm(forms.Form):
    """Answers to one instrument. `cleaned_data["answers"]` holds the option indices."""

    def __init__(
        self,
        *args,
        instrument,
        thresholds=None,
        with_date=False,
        with_reason=False,
        answers=None,
        target="",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.thresholds = thresholds
        prorating = instrument.missing.rule == "prorate"
        if with_date:
            self.fields["administered_on"] = forms.DateField(
                label="Date completed", widget=DateInput(), initial=timezone.localdate
            )
        if instrument.target:
            self.fields["target"] = forms.CharField(
                label=instrument.target.get("label", "The change this is about"),
                help_text=instrument.target.get("help", ""),
                max_length=300,
                initial=target,
            )
        for number, item in enumerate(instrument.items, 1):
            label = f"{number}. {item.text}"
            if not item.scored:
                label += " (not scored)"
            self.fields[item_field_name(item)] = forms.TypedChoiceField(
                label=label,
                choices=[(str(index), option.label) for index, option in enumerate(item.options)],
                coerce=int,
                empty_value=None,
                required=item.required and not prorating,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an answer."},
                initial=(
                    str(answers[number - 1])
                    if answers and number - 1 < len(answers) and answers[number - 1] is not None
                    else None
                ),
            )
        if with_reason:
            self.fields["reason"] = forms.CharField(
                label="Why are these answers being corrected?",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="e.g. Entered from the paper form with item 4 misread.",
            )

    def clean_administered_on(self):
        day = self.cleaned_data["administered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future.")
        if day < datetime.date(1990, 1, 1):
            raise forms.ValidationError("Enter a date after 1990.")
        return day

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        answers = [cleaned.get(item_field_name(item)) for item in self.instrument.items]
        try:
            self.score = score(self.instrument, answers, thresholds=self.thresholds)
        except ScoringError as exc:
            if exc.item_ids:
                for item_id in exc.item_ids:
                    self.add_error(f"item_{item_id}", str(exc))
            else:
                raise forms.ValidationError(str(exc)) from None
            return cleaned
        cleaned["answers"] = answers
        return cleaned

    def item_fields(self):
        return [self[item_field_name(item)] for item in self.instrument.items]

    def other_fields(self):
        return [field for name, field in self._bound_items() if not name.startswith("item_")]

    def _bound_items(self):
        return [(name, self[name]) for name in self.fields]


def _instrument_choices():
    return [(i.id, f"{i.short_name}: {i.name}") for i in instruments.all_instruments()]


class AssignForm(forms.Form):
    instrument = forms.ChoiceField(label="Questionnaire")
    due_on = forms.DateField(
        label="Due on", widget=DateInput(), required=False, help_text="Leave empty for now."
    )
    in_portal = forms.BooleanField(
        label="Ask the client to complete it in the portal", required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = _instrument_choices()


class ScheduleForm(forms.Form):
    instrument = forms.ChoiceField(label="Questionnaire")
    every_weeks = forms.IntegerField(label="Every (weeks)", min_value=1, max_value=52, initial=4)
    starts_on = forms.DateField(
        label="First due on", widget=DateInput(), initial=timezone.localdate
    )
    in_portal = forms.BooleanField(
        label="Ask the client to complete it in the portal", required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = _instrument_choices()
