import datetime

from django import forms

from waypoint.clients.forms import DateInput

MIN_DAYS = 14  # two weeks: the WHO level compares the first and second half of the weeks
MAX_DAYS = 5 * 366


class PeriodForm(forms.Form):
    """The program report's period: first and last day, both inclusive, in the clinic's days."""

    first = forms.DateField(label="From", widget=DateInput())
    last = forms.DateField(label="To", widget=DateInput())

    def __init__(self, *args, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["first"].initial = today - datetime.timedelta(days=364)
        self.fields["last"].initial = today

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if last and last > self.today:
            self.add_error("last", "The period cannot end after today.")
        if first and last:
            days = (last - first).days + 1
            if days < 1:
                self.add_error("last", "The end date is before the start date.")
            elif days < MIN_DAYS:
                self.add_error("last", f"Choose a period of at least {MIN_DAYS} days.")
            elif days > MAX_DAYS:
                self.add_error("first", "Choose a period of at most five years.")
        return data

    def period(self) -> tuple[datetime.date, datetime.date]:
        if self.is_bound:
            return self.cleaned_data["first"], self.cleaned_data["last"]
        return self.fields["first"].initial, self.fields["last"].initial
