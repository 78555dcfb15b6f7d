import copy
import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from waypoint.clients.forms import DateInput
from waypoint.diary import plausibility, tlfb
from waypoint.diary.models import AnchorEvent, Beverage, DiaryEntry, Route, alcohol_grams_for
from waypoint.goals.models import (
    DEFAULT_UNIT,
    SaferUsePractice,
    Substance,
    Unit,
    units_for,
)
from waypoint.lib import units

EARLIEST_DAY = datetime.date(2000, 1, 1)

SCALE = [(str(n), str(n)) for n in range(11)]
# The staff form's selects start on "not asked": a select without an empty choice shows (and
# submits) its first option, so every entry used to record mood 0 and urge 0.
SCALE_OR_BLANK = [("", _("Not asked"))] + SCALE


def check_day(day: datetime.date, today: datetime.date) -> datetime.date:
    if day > today:
        raise forms.ValidationError(
            gettext("This date is in the future; a diary records days that have happened.")
        )
    if day < EARLIEST_DAY:
        raise forms.ValidationError(gettext("Enter a date after 2000."))
    return day


class _SharedChoices:
    """A choice field whose choices list is shared by every form built, not deep-copied.

    Django deep-copies each field of a form for every instance, choices and widget choices
    included; for the diary form's eight choice fields (lazy labels each) that was most of the
    cost of building it on every check-in. These lists are built once here and never changed in
    place (a form that needs other choices assigns a new list, to the field of its own form), so
    sharing them is safe.
    """

    def __deepcopy__(self, memo):
        # Django's Field.__deepcopy__ without its copies of the choices: ChoiceWidget's own
        # __deepcopy__ assigns a copy of its choices, which normalizes the whole list again.
        result = copy.copy(self)
        memo[id(self)] = result
        widget = copy.copy(self.widget)
        widget.attrs = self.widget.attrs.copy()
        memo[id(self.widget)] = widget
        result.widget = widget
        result.error_messages = self.error_messages.copy()
        result.validators = self.validators[:]
        return result


class ChoiceField(_SharedChoices, forms.ChoiceField):
    pass


class TypedChoiceField(_SharedChoices, forms.TypedChoiceField):
    pass


class MultipleChoiceField(_SharedChoices, forms.MultipleChoiceField):
    pass


class EntryForm(forms.Form):
    """One use of one substance on one day. Used by clinicians and, compactly, in the portal."""

    day = forms.DateField(widget=DateInput(), label=_("Date"))
    substance = ChoiceField(label=_("Substance"), choices=[("", _("Choose"))] + Substance.choices)
    amount = forms.DecimalField(
        required=False,
        max_digits=9,
        decimal_places=3,
        label=_("Amount"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("How much, in the unit below. For a beverage: how many servings."),
    )
    unit = ChoiceField(
        label=_("Unit"), choices=[("", _("Usual unit"))] + Unit.choices, required=False
    )
    beverage = ChoiceField(
        label=_("Beverage"),
        choices=[("", "—")] + Beverage.choices,
        required=False,
        help_text=_("Presets: beer 355 ml at 5 %, wine 148 ml at 12 %, spirits 44 ml at 40 %."),
    )
    volume = forms.CharField(
        required=False,
        max_length=20,
        label=_("Volume of one serving"),
        help_text=_("e.g. 355ml, 0.5l, 12oz or 1 pint"),
    )
    abv = forms.DecimalField(
        required=False,
        max_digits=5,
        decimal_places=2,
        label=_("Strength (ABV %)"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    route = ChoiceField(label=_("Route"), choices=[("", "—")] + Route.choices, required=False)
    practices = MultipleChoiceField(
        choices=SaferUsePractice.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Safer-use practices followed"),
    )
    mood = TypedChoiceField(
        choices=SCALE_OR_BLANK,
        coerce=int,
        required=False,
        empty_value=None,
        label=_("Mood (0 low – 10 great)"),
    )
    urge = TypedChoiceField(
        choices=SCALE_OR_BLANK,
        coerce=int,
        required=False,
        empty_value=None,
        label=_("Urge (0 none – 10 strong)"),
    )
    setting_where = forms.CharField(max_length=200, required=False, label=_("Where"))
    setting_with_whom = forms.CharField(max_length=200, required=False, label=_("With whom"))
    money_spent = forms.DecimalField(
        required=False,
        max_digits=9,
        decimal_places=2,
        label=_("Money spent (optional)"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    # Set by the form itself when it asked "is this right?" about exactly these values.
    confirm = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, today: datetime.date, country: str, client=None, **kwargs):
        """`client`: when adding (not editing), an identical entry of that day asks first."""
        self.today = today
        self.country = country
        self.client = client
        super().__init__(*args, **kwargs)
        size = (
            gettext("10 ml of alcohol each")
            if country == "UK"
            else gettext("%(grams)s g of alcohol each")
            % {"grams": f"{units.grams_per_standard_drink(country):g}"}
        )
        word = f"{units.drink_word(country)} ({size})"
        self.fields["unit"].help_text = gettext(
            "Alcohol in %(word)s, grams, or servings of a beverage."
        ) % {"word": word}

    def clean_day(self):
        return check_day(self.cleaned_data["day"], self.today)

    def _not_negative(self, name, message):
        value = self.cleaned_data.get(name)
        if value is not None and value < 0:
            raise forms.ValidationError(message)
        return value

    def clean_amount(self):
        return self._not_negative("amount", gettext("The amount cannot be negative."))

    def clean_money_spent(self):
        value = self._not_negative("money_spent", gettext("Money spent cannot be negative."))
        problem = plausibility.money_problem(value)
        if problem:
            raise forms.ValidationError(gettext(problem))
        return value

    def clean_abv(self):
        value = self.cleaned_data.get("abv")
        if value is not None:
            try:
                units.check_abv(value)
            except units.UnitError:
                raise forms.ValidationError(
                    gettext("ABV is a percentage between 0 and 100.")
                ) from None
        return value

    def clean_volume(self):
        text = self.cleaned_data.get("volume", "").strip()
        if not text:
            return None
        try:
            return Decimal(str(round(units.parse_volume(text), 1)))
        except units.UnitError as exc:
            text = exc.localized()
            raise forms.ValidationError(f"{text[:1].upper()}{text[1:]}.") from None

    def clean(self):
        data = self._clean_entry()
        if self.errors:
            return data
        # The rules' reasons are plain English; translated here, where they are shown.
        reasons = [
            gettext(reason)
            for reason in plausibility.unusual(
                data["unit"],
                data.get("amount"),
                alcohol_grams=data.get("alcohol_grams"),
                money=data.get("money_spent"),
            )
        ]
        if self.client is not None and DiaryEntry.objects.has_same_use(
            self.client.pk,
            day=data["day"],
            substance=data["substance"],
            unit=data["unit"],
            amount=data.get("amount"),
        ):
            reasons.append(gettext("The same entry is already recorded for this day."))
        if reasons:
            token = self._confirm_token(data)
            if data.get("confirm") != token:
                self.data = self.data.copy()
                self.data[self.add_prefix("confirm")] = token
                self.add_error(
                    None,
                    " ".join(
                        [*reasons, gettext("Check it, then save again to record it as it is.")]
                    ),
                )
        return data

    @staticmethod
    def _confirm_token(data) -> str:
        values = "|".join(
            str(data.get(name))
            for name in ("day", "substance", "amount", "unit", "volume", "abv", "money_spent")
        )
        return hashlib.sha256(values.encode()).hexdigest()[:16]

    def _clean_entry(self):
        data = super().clean()
        substance = data.get("substance")
        if not substance:
            return data
        unit = data.get("unit") or DEFAULT_UNIT.get(substance, Unit.TIMES)
        data["unit"] = unit
        if unit not in units_for(substance):
            self.add_error("unit", gettext("This unit doesn't fit this substance."))
            return data
        amount = data.get("amount")
        if amount is not None and amount == 0:
            self.add_error(
                "amount", gettext("Enter how much was used, or record “No use today” instead.")
            )
            return data
        if substance != Substance.ALCOHOL:
            data["volume"], data["abv"], data["beverage"] = None, None, ""
            problem = plausibility.amount_problem(unit, amount)
            if problem:
                self.add_error("amount", gettext(problem))
            return data
        if unit == Unit.BEVERAGE:
            beverage = data.get("beverage") or Beverage.CUSTOM
            preset = units.BEVERAGE_PRESETS.get(beverage)
            if data.get("volume") is None and preset and "volume" not in self.errors:
                data["volume"] = Decimal(str(preset[0]))
            if data.get("abv") is None and preset and "abv" not in self.errors:
                data["abv"] = Decimal(str(preset[1]))
            data["beverage"] = beverage
            if amount is None:
                data["amount"] = amount = Decimal(1)
            if data.get("volume") is None and "volume" not in self.errors:
                self.add_error("volume", gettext("Enter the volume of one serving, e.g. 355ml."))
            if data.get("abv") is None and "abv" not in self.errors:
                self.add_error("abv", gettext("Enter the strength (ABV %)."))
        else:
            data["volume"], data["abv"], data["beverage"] = None, None, ""
            if amount is None:
                self.add_error("amount", gettext("Enter how much, e.g. 2 standard drinks."))
        if self.errors:
            return data
        try:
            grams = alcohol_grams_for(
                unit=unit,
                amount=amount,
                volume_ml=data.get("volume"),
                abv=data.get("abv"),
                country=self.country,
            )
        except units.UnitError as exc:
            self.add_error("amount", exc.localized())
            return data
        problem = plausibility.amount_problem(unit, amount, alcohol_grams=grams)
        if problem:
            self.add_error("amount", gettext(problem))
        data["alcohol_grams"] = grams
        return data

    def entry_fields(self) -> dict:
        """Keyword arguments for diary actions."""
        d = self.cleaned_data
        return {
            "day": d["day"],
            "substance": d["substance"],
            "amount": d.get("amount"),
            "unit": d["unit"],
            "beverage": d.get("beverage") or "",
            "volume_ml": d.get("volume"),
            "abv": d.get("abv"),
            "route": d.get("route") or "",
            "practices": list(d.get("practices") or []),
            "mood": d.get("mood"),
            "urge": d.get("urge"),
            "setting_where": d.get("setting_where", ""),
            "setting_with_whom": d.get("setting_with_whom", ""),
            "money_spent": d.get("money_spent"),
            "note": d.get("note", ""),
        }

    @classmethod
    def initial_from(cls, entry) -> dict:
        return {
            "day": entry.day,
            "substance": entry.substance,
            "amount": entry.amount.normalize() if entry.amount is not None else None,
            "unit": entry.unit,
            "beverage": entry.beverage,
            "volume": f"{entry.volume_ml.normalize():f}ml" if entry.volume_ml is not None else "",
            "abv": entry.abv,
            "route": entry.route,
            "practices": entry.practices,
            "mood": entry.mood,
            "urge": entry.urge,
            "setting_where": entry.setting_where,
            "setting_with_whom": entry.setting_with_whom,
            "money_spent": entry.money_spent,
            "note": entry.note,
        }


# The check-in's fields, built once per language from EntryForm's: its choices translated (the
# lists are shared by every form, never changed in place), its own widgets and labels.
_PORTAL_FIELDS: dict[str | None, dict] = {}


def _portal_fields(language: str | None) -> dict:
    fields = _PORTAL_FIELDS.get(language)
    if fields is not None:
        return fields
    fields = copy.deepcopy(EntryForm.base_fields)
    fields["substance"] = ChoiceField(
        choices=[(code, gettext(label)) for code, label in Substance.choices],
        widget=forms.RadioSelect,
        label=_("What did you use?"),
    )
    for name in ("unit", "beverage", "route", "practices"):
        fields[name].choices = [(value, gettext(label)) for value, label in fields[name].choices]
    fields["mood"].widget = forms.RadioSelect(choices=SCALE)
    fields["urge"].widget = forms.RadioSelect(choices=SCALE)
    fields["day"].widget = forms.HiddenInput()
    fields["amount"].label = _("How much?")
    fields["amount"].help_text = ""
    _PORTAL_FIELDS[language] = fields
    return fields


class CheckInForm(EntryForm):
    """The portal's one-minute check-in: big radio buttons, little typing.

    `substances`: the choices in the order to show them (the person's own first); None for every
    substance in the usual order, which is all a posted check-in needs to be validated.
    """

    def __init__(self, *args, substances: list[tuple[str, str]] | None = None, **kwargs):
        # The portal speaks the person's language: its fields are those of the active language.
        self.base_fields = _portal_fields(get_language())
        super().__init__(*args, **kwargs)
        if substances is not None:
            self.fields["substance"].choices = substances


class NoUseForm(forms.Form):
    day = forms.DateField(widget=DateInput(), label="Date")

    def __init__(self, *args, today: datetime.date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_day(self):
        return check_day(self.cleaned_data["day"], self.today)


class AnchorEventForm(forms.ModelForm):
    class Meta:
        model = AnchorEvent
        fields = ["day", "kind", "label", "repeats"]
        widgets = {"day": DateInput()}
        labels = {"day": "Date", "label": "What (optional, e.g. “sister's birthday”)"}


class DiarySettingsForm(forms.Form):
    country = forms.ChoiceField(
        choices=list(units.COUNTRIES.items()),
        label="Standard drink",
        help_text="Used to enter and show alcohol. Changing it recomputes plan days.",
    )


SPANS = (30, 60, 90)


class TlfbAmountField(forms.Field):
    """One Timeline Followback box: empty = not recalled, 0 = none that day, else an amount."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        raw = str(value or "").strip()
        if not raw:
            return None
        try:
            amount = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            raise forms.ValidationError("Type a number, e.g. 2 or 0.") from None
        if not amount.is_finite():
            raise forms.ValidationError("Type a number, e.g. 2 or 0.")
        if amount < 0:
            raise forms.ValidationError("The amount cannot be negative.")
        if amount.as_tuple().exponent < -2:
            raise forms.ValidationError("Use at most two decimals.")
        return abs(amount)  # "-0" is 0


class TimelineFollowbackForm(forms.Form):
    """The Timeline Followback grid: one box per tracked substance and day (`c-<code>-<date>`)
    and the unit each substance is counted in (`unit-<code>`). Bad boxes are field errors."""

    def __init__(self, *args, first, last, substances, country: str = "US", **kwargs):
        super().__init__(*args, **kwargs)
        self.first, self.last, self.substances = first, last, list(substances)
        self.country = country
        labels = dict(Substance.choices)
        for code in self.substances:
            self.fields[f"unit-{code}"] = forms.ChoiceField(
                choices=[(u.value, u.label) for u in units_for(code) if u != Unit.BEVERAGE],
                required=False,
                label=f"{labels.get(code, code)} counted in",
            )
            for day in tlfb.days_between(first, last):
                self.fields[tlfb.cell_name(code, day)] = TlfbAmountField(
                    label=f"{labels.get(code, code)} on {day:%b} {day.day}"
                )

    def clean(self):
        """Each box against the plausibility rules of its substance's unit (alcohol in grams)."""
        data = super().clean()
        chosen = self.chosen_units()
        for code in self.substances:
            unit = chosen[code]
            for day in tlfb.days_between(self.first, self.last):
                name = tlfb.cell_name(code, day)
                amount = data.get(name)
                if not amount:
                    continue
                grams = None
                if code == Substance.ALCOHOL:
                    try:
                        grams = alcohol_grams_for(unit=unit, amount=amount, country=self.country)
                    except units.UnitError:  # too large even to convert (1E310)
                        grams = float("inf")
                problem = plausibility.amount_problem(unit, amount, alcohol_grams=grams)
                if problem:
                    self.add_error(name, gettext(problem))
        return data

    def chosen_units(self) -> dict[str, str]:
        """The unit of each substance: the one chosen, else its usual unit."""
        chosen = tlfb.default_units(self.substances)
        cleaned = getattr(self, "cleaned_data", {})
        for code in self.substances:
            if cleaned.get(f"unit-{code}"):
                chosen[code] = cleaned[f"unit-{code}"]
        return chosen

    def unit_errors(self) -> dict[str, str]:
        return {
            code: " ".join(self.errors[f"unit-{code}"])
            for code in self.substances
            if f"unit-{code}" in self.errors
        }

    def cells(self) -> dict[datetime.date, dict[str, Decimal]]:
        """Amounts typed per day and substance (valid forms only); empty boxes are left out."""
        cells: dict[datetime.date, dict[str, Decimal]] = {}
        for code in self.substances:
            for day in tlfb.days_between(self.first, self.last):
                amount = self.cleaned_data.get(tlfb.cell_name(code, day))
                if amount is not None:
                    cells.setdefault(day, {})[code] = amount
        return cells


class ReportFilterForm(forms.Form):
    """Who the outcome report covers. Waitlist and discharged charts only when asked for.

    The period is either the last N weeks, or two windows of any dates ("From"/"To" of the
    recent period and of the period it is compared with); the windows win when given.
    """

    WINDOW_FIELDS = ("current_from", "current_to", "previous_from", "previous_to")
    MAX_WINDOW_DAYS = 3660  # ten years: longer than any diary, short enough to catch a typo

    weeks = forms.TypedChoiceField(
        coerce=int, initial=12, required=False, empty_value=12, label="Period"
    )
    current_from = forms.DateField(
        required=False, label="Recent period from", widget=forms.DateInput(attrs={"type": "date"})
    )
    current_to = forms.DateField(
        required=False, label="Recent period to", widget=forms.DateInput(attrs={"type": "date"})
    )
    previous_from = forms.DateField(
        required=False, label="Compared with from", widget=forms.DateInput(attrs={"type": "date"})
    )
    previous_to = forms.DateField(
        required=False, label="Compared with to", widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.MultipleChoiceField(
        choices=(),
        initial=["active"],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: active charts.",
        label="Program status",
    )
    clinician = forms.ModelChoiceField(
        queryset=None, required=False, label="Primary clinician", empty_label="Anyone"
    )

    def __init__(self, data, *, organization, week_choices, today=None):
        from waypoint.accounts.models import User
        from waypoint.clients.models import ChartStatus

        keys = ("weeks", "status", "clinician", *self.WINDOW_FIELDS)
        asked = data and any(key in data for key in keys)
        data = data if asked else None
        super().__init__(data)
        self.today = today
        self.fields["weeks"].choices = [(w, f"Last {w} weeks") for w in week_choices]
        self.fields["status"].choices = ChartStatus.choices
        self.fields["clinician"].queryset = User.objects.staff_of(organization)

    def clean(self):
        cleaned = super().clean()
        given = [name for name in self.WINDOW_FIELDS if cleaned.get(name)]
        if not given or any(name in self.errors for name in self.WINDOW_FIELDS):
            return cleaned
        for name in self.WINDOW_FIELDS:
            if name not in given:
                self.add_error(name, "Give all four dates to compare two periods of your own.")
        if len(given) < len(self.WINDOW_FIELDS):
            return cleaned
        for period in ("current", "previous"):
            first, last = cleaned[f"{period}_from"], cleaned[f"{period}_to"]
            if last < first:
                self.add_error(f"{period}_to", "The end date is before the start date.")
            elif (last - first).days + 1 > self.MAX_WINDOW_DAYS:
                self.add_error(f"{period}_to", "A period can be at most ten years long.")
            if self.today is not None and last > self.today:
                self.add_error(f"{period}_to", "The end date is in the future.")
        return cleaned

    def windows(self):
        """(previous, current) `Window`s when all four dates were given and valid, else None."""
        from waypoint.diary.reports import Window

        if not self.is_bound or not all(self.cleaned_data.get(n) for n in self.WINDOW_FIELDS):
            return None
        data = self.cleaned_data
        return (
            Window(data["previous_from"], data["previous_to"]),
            Window(data["current_from"], data["current_to"]),
        )

    def filters(self) -> dict:
        """The cleaned choices, or the defaults when nothing was asked for."""
        if not self.is_bound:
            return {"weeks": 12, "status": ["active"], "clinician": None}
        return {**self.cleaned_data, "status": self.cleaned_data["status"] or ["active"]}
