"""Forms built from an instrument's data file: one radio group per item, options in order."""

import datetime
from decimal import Decimal

from django import forms
from django.core import signing
from django.utils.translation import gettext

from waypoint.clients.forms import DateInput
from waypoint.measures import instruments
from waypoint.measures.scoring import ScoringError, safety_flags, score

SAFETY_FIELD = "safety_alerted"
_SAFETY_SALT = "waypoint.measures.safety-alerted"
_SAFETY_MAX_AGE = 24 * 60 * 60


def item_field_name(item) -> str:
    return f"item_{item.id}"


class AnswersForm(forms.Form):
    """Answers to one instrument. `cleaned_data["answers"]` holds the option indices.

    Safety items (PHQ-9 item 9) are read even when the form is refused: `safety_flags` and
    `partial_answers` say what was answered. Once the care team has been alerted, the form
    carries a signed note of which safety items were alerted (`safety_scope` ties it to one
    chart, instrument and administration), so a resubmission does not alert them twice.
    """

    def __init__(
        self,
        *args,
        instrument,
        thresholds=None,
        with_date=False,
        today: datetime.date | None = None,
        with_reason=False,
        answers=None,
        target="",
        safety_scope="",
        language=None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        # The portal passes the person's language: a published translation where the file has
        # one (instruments/*.json "translations"), else the original. Staff pages pass none.
        self.wording = instrument.wording(language)
        self.thresholds = thresholds
        self.today = today  # the clinic's day (Organization.today()), needed with with_date
        self.safety_scope = safety_scope
        self.safety_flags = ()
        self.partial_answers = [None] * len(instrument.items)
        if instrument.safety_items:
            self.fields[SAFETY_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        prorating = instrument.missing.rule == "prorate"
        if with_date:
            self.fields["administered_on"] = forms.DateField(
                label="Date completed", widget=DateInput(), initial=today
            )
        if instrument.target:
            self.fields["target"] = forms.CharField(
                label=instrument.target.get("label", "The change this is about"),
                help_text=instrument.target.get("help", ""),
                max_length=300,
                initial=target,
            )
        for number, item in enumerate(instrument.items, 1):
            label = f"{number}. {self.wording.texts[number - 1]}"
            if not item.scored:
                label += " " + gettext("(not scored)")
            option_labels = self.wording.option_labels[number - 1]
            self.fields[item_field_name(item)] = forms.TypedChoiceField(
                label=label,
                choices=[(str(index), text) for index, text in enumerate(option_labels)],
                coerce=int,
                empty_value=None,
                required=item.required and not prorating,
                widget=forms.RadioSelect,
                error_messages={"required": gettext("Choose an answer.")},
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
        if day > self.today:
            raise forms.ValidationError("The date cannot be in the future.")
        if day < datetime.date(1990, 1, 1):
            raise forms.ValidationError("Enter a date after 1990.")
        return day

    def clean(self):
        cleaned = super().clean()
        answers = [cleaned.get(item_field_name(item)) for item in self.instrument.items]
        self.partial_answers = answers
        self.safety_flags = safety_flags(self.instrument, answers)
        if self.errors:
            return cleaned
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

    @property
    def crisis_lines(self) -> bool:
        return any(flag.crisis_lines for flag in self.safety_flags)

    @property
    def safety_alerted(self) -> frozenset:
        """Safety items already alerted for this form (from its signed hidden field)."""
        raw = self.data.get(SAFETY_FIELD, "") if self.is_bound else ""
        if not raw:
            return frozenset()
        try:
            scope, ids = signing.loads(raw, salt=_SAFETY_SALT, max_age=_SAFETY_MAX_AGE)
        except (signing.BadSignature, ValueError, TypeError):
            return frozenset()
        if scope != self.safety_scope or not isinstance(ids, list):
            return frozenset()
        return frozenset(str(i) for i in ids)

    def remember_safety_alerts(self, flag_ids) -> None:
        """Carry the alerted safety items in the re-rendered form."""
        data = self.data.copy()
        data[SAFETY_FIELD] = signing.dumps([self.safety_scope, sorted(flag_ids)], salt=_SAFETY_SALT)
        self.data = data

    def item_fields(self):
        return [self[item_field_name(item)] for item in self.instrument.items]

    def other_fields(self):
        return [
            field
            for name, field in self._bound_items()
            if not name.startswith("item_") and name != SAFETY_FIELD
        ]

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
    starts_on = forms.DateField(label="First due on", widget=DateInput())
    in_portal = forms.BooleanField(
        label="Ask the client to complete it in the portal", required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = _instrument_choices()


class MeasureNormForm(forms.Form):
    sd = forms.DecimalField(
        label="Intake SD",
        min_value=Decimal("0.01"),
        max_digits=5,
        decimal_places=2,
        help_text="Standard deviation of total scores at intake in your service (e.g. 5.5).",
    )
    reliability = forms.DecimalField(
        label="Reliability (r)",
        min_value=Decimal("0.001"),
        max_value=Decimal("0.999"),
        max_digits=4,
        decimal_places=3,
        help_text="e.g. Cronbach's alpha from a comparable sample (0.89).",
    )
    source_note = forms.CharField(
        label="Source",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Where the figures come from: sample, period, report or paper.",
    )
