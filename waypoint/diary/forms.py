import datetime
from decimal import Decimal

from django import forms

from waypoint.clients.forms import DateInput
from waypoint.diary.models import AnchorEvent, Beverage, Route, alcohol_grams_for
from waypoint.goals.models import (
    DEFAULT_UNIT,
    SaferUsePractice,
    Substance,
    Unit,
    units_for,
)
from waypoint.lib import units

EARLIEST_DAY = datetime.date(2000, 1, 1)
MAX_GRAMS_PER_ENTRY = 1000.0  # about 71 US standard drinks: beyond anything one person drinks

SCALE = [(str(n), str(n)) for n in range(11)]


def check_day(day: datetime.date, today: datetime.date) -> datetime.date:
    if day > today:
        raise forms.ValidationError(
            "This date is in the future; a diary records days that have happened."
        )
    if day < EARLIEST_DAY:
        raise forms.ValidationError("Enter a date after 2000.")
    return day


class EntryForm(forms.Form):
    """One use of one substance on one day. Used by clinicians and, compactly, in the portal."""

    day = forms.DateField(widget=DateInput(), label="Date")
    substance = forms.ChoiceField(choices=[("", "Choose")] + Substance.choices)
    amount = forms.DecimalField(
        required=False,
        max_digits=9,
        decimal_places=3,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text="How much, in the unit below. For a beverage: how many servings.",
    )
    unit = forms.ChoiceField(choices=[("", "Usual unit")] + Unit.choices, required=False)
    beverage = forms.ChoiceField(
        choices=[("", "—")] + Beverage.choices,
        required=False,
        help_text="Presets: beer 355 ml at 5 %, wine 148 ml at 12 %, spirits 44 ml at 40 %.",
    )
    volume = forms.CharField(
        required=False,
        max_length=20,
        label="Volume of one serving",
        help_text="e.g. 355ml, 0.5l, 12oz or 1 pint",
    )
    abv = forms.DecimalField(
        required=False,
        max_digits=5,
        decimal_places=2,
        label="Strength (ABV %)",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    route = forms.ChoiceField(choices=[("", "—")] + Route.choices, required=False)
    practices = forms.MultipleChoiceField(
        choices=SaferUsePractice.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Safer-use practices followed",
    )
    mood = forms.TypedChoiceField(
        choices=SCALE, coerce=int, required=False, empty_value=None, label="Mood (0 low – 10 great)"
    )
    urge = forms.TypedChoiceField(
        choices=SCALE,
        coerce=int,
        required=False,
        empty_value=None,
        label="Urge (0 none – 10 strong)",
    )
    setting_where = forms.CharField(max_length=200, required=False, label="Where")
    setting_with_whom = forms.CharField(max_length=200, required=False, label="With whom")
    money_spent = forms.DecimalField(
        required=False,
        max_digits=9,
        decimal_places=2,
        label="Money spent (optional)",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, today: datetime.date, country: str, **kwargs):
        self.today = today
        self.country = country
        super().__init__(*args, **kwargs)
        word = (
            "UK units (10 ml of alcohol each)"
            if country == "UK"
            else (
                f"standard drinks ({units.grams_per_standard_drink(country):g} g of alcohol each, "
                f"{country})"
            )
        )
        self.fields["unit"].help_text = f"Alcohol in {word}, grams, or servings of a beverage."

    def clean_day(self):
        return check_day(self.cleaned_data["day"], self.today)

    def _not_negative(self, name, message):
        value = self.cleaned_data.get(name)
        if value is not None and value < 0:
            raise forms.ValidationError(message)
        return value

    def clean_amount(self):
        return self._not_negative("amount", "The amount cannot be negative.")

    def clean_money_spent(self):
        return self._not_negative("money_spent", "Money spent cannot be negative.")

    def clean_abv(self):
        value = self.cleaned_data.get("abv")
        if value is not None:
            try:
                units.check_abv(value)
            except units.UnitError:
                raise forms.ValidationError("ABV is a percentage between 0 and 100.") from None
        return value

    def clean_volume(self):
        text = self.cleaned_data.get("volume", "").strip()
        if not text:
            return None
        try:
            return Decimal(str(round(units.parse_volume(text), 1)))
        except units.UnitError as exc:
            raise forms.ValidationError(f"{str(exc)[:1].upper()}{str(exc)[1:]}.") from None

    def clean(self):
        data = super().clean()
        substance = data.get("substance")
        if not substance:
            return data
        unit = data.get("unit") or DEFAULT_UNIT.get(substance, Unit.TIMES)
        data["unit"] = unit
        if unit not in units_for(substance):
            self.add_error("unit", "This unit doesn't fit this substance.")
            return data
        amount = data.get("amount")
        if amount is not None and amount == 0:
            self.add_error("amount", "Enter how much was used, or record “No use today” instead.")
            return data
        if substance != Substance.ALCOHOL:
            data["volume"], data["abv"], data["beverage"] = None, None, ""
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
                self.add_error("volume", "Enter the volume of one serving, e.g. 355ml.")
            if data.get("abv") is None and "abv" not in self.errors:
                self.add_error("abv", "Enter the strength (ABV %).")
        else:
            data["volume"], data["abv"], data["beverage"] = None, None, ""
            if amount is None:
                self.add_error("amount", "Enter how much, e.g. 2 standard drinks.")
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
            self.add_error("amount", str(exc))
            return data
        if grams > MAX_GRAMS_PER_ENTRY:
            self.add_error(
                "amount", "That is more alcohol than a person can drink; check the amount."
            )
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


class CheckInForm(EntryForm):
    """The portal's one-minute check-in: big radio buttons, little typing."""

    def __init__(self, *args, substances: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["substance"] = forms.ChoiceField(
            choices=substances, widget=forms.RadioSelect, label="What did you use?"
        )
        self.fields["mood"].widget = forms.RadioSelect(choices=SCALE)
        self.fields["urge"].widget = forms.RadioSelect(choices=SCALE)
        self.fields["day"].widget = forms.HiddenInput()
        self.fields["amount"].label = "How much?"
        self.fields["amount"].help_text = ""


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
