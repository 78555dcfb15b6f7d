from django import forms

from waypoint.clients.forms import DateInput
from waypoint.goals.models import Goal, GoalKind, SaferUsePractice, Substance, Unit, units_for

KIND_FIELDS = {
    GoalKind.SAFER_USE: ("practices", "practices_other"),
    GoalKind.MODERATION: (
        "limit_unit",
        "max_per_occasion",
        "max_per_day",
        "max_use_days_per_week",
        "no_use_situations",
    ),
}


class GoalForm(forms.ModelForm):
    """Record the goal a person chose. No goal type is preselected: the person chooses."""

    class Meta:
        model = Goal
        fields = [
            "substance",
            "kind",
            "chosen_by_client",
            "in_own_words",
            "started_on",
            "review_on",
            "practices",
            "practices_other",
            "limit_unit",
            "max_per_occasion",
            "max_per_day",
            "max_use_days_per_week",
            "no_use_situations",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "started_on": DateInput(),
            "review_on": DateInput(),
            "in_own_words": forms.Textarea(attrs={"rows": 2}),
            "practices_other": forms.Textarea(attrs={"rows": 2}),
            "no_use_situations": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "kind": "Whatever the person chooses for this substance. Nothing is preselected.",
            "limit_unit": "For alcohol, standard drinks use the organization's country.",
            "no_use_situations": (
                "e.g. before driving, at work. Kept for the conversation; not counted in days "
                "within plan, because the diary does not record the situation of each use."
            ),
        }

    practices = forms.MultipleChoiceField(
        choices=SaferUsePractice.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Safer-use practices (for a safer-use goal)",
    )

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["kind"].choices = GoalKind.choices  # no blank, and no initial choice
        self.fields["kind"].initial = None
        self.fields["substance"].choices = [("", "Choose a substance")] + Substance.choices
        self.fields["limit_unit"].choices = [("", "—")] + Unit.choices
        self.fields["chosen_by_client"].required = True
        self.fields["chosen_by_client"].label = "The person chose this goal themselves"
        self.fields["max_per_occasion"].min_value = 0
        self.fields["max_use_days_per_week"].widget.attrs.update(min=0, max=7)
        if editing:
            for name in ("substance", "kind", "started_on", "chosen_by_client"):
                self.fields.pop(name)
            kind = self.instance.kind
            for group, names in KIND_FIELDS.items():
                if group != kind:
                    for name in names:
                        self.fields.pop(name, None)

    def clean_max_use_days_per_week(self):
        value = self.cleaned_data.get("max_use_days_per_week")
        if value is not None and value > 7:
            raise forms.ValidationError("A week has 7 days.")
        return value

    def _check_not_negative(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and value < 0:
            self.add_error(name, "A limit cannot be negative.")

    def clean(self):
        data = super().clean()
        kind = data.get("kind") if not self.editing else self.instance.kind
        substance = data.get("substance") if not self.editing else self.instance.substance
        started = data.get("started_on") if not self.editing else self.instance.started_on
        review = data.get("review_on")
        if started and review and review < started:
            self.add_error("review_on", "The review date cannot be before the start date.")
        for name in ("max_per_occasion", "max_per_day"):
            self._check_not_negative(name)
        per_occasion, per_day = data.get("max_per_occasion"), data.get("max_per_day")
        if per_occasion is not None and per_day is not None and per_occasion > per_day:
            # An occasion happens within a day: 10 per occasion can never be kept with 2 per day.
            self.add_error(
                "max_per_occasion",
                f"The most per occasion ({per_occasion.normalize():f}) is more than the most per "
                f"day ({per_day.normalize():f}); an occasion is part of a day. Lower one of them.",
            )
        if kind == GoalKind.SAFER_USE and not (
            data.get("practices") or data.get("practices_other")
        ):
            self.add_error("practices", "Choose at least one practice, or describe one below.")
        if kind == GoalKind.MODERATION:
            amounts = (
                data.get("max_per_occasion") is not None or data.get("max_per_day") is not None
            )
            if not amounts and data.get("max_use_days_per_week") is None:
                self.add_error(
                    "max_per_day", "Write at least one of the person's own limits for moderation."
                )
            unit = data.get("limit_unit")
            if amounts and not unit:
                self.add_error("limit_unit", "Say what the limits are counted in.")
            elif (
                amounts
                and substance
                and (unit not in units_for(substance) or unit == Unit.BEVERAGE)
            ):
                self.add_error("limit_unit", "This unit doesn't fit this substance.")
        return data
