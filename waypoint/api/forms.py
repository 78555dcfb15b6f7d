from django import forms

from waypoint.api.actions import DEFAULT_DAYS, MAX_DAYS
from waypoint.api.models import TokenScope


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What it is for, so you can tell your tokens apart later."
    )
    scope = forms.ChoiceField(
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text="Read only is enough for reports; read and write can add diary entries.",
    )
    days = forms.IntegerField(
        min_value=1,
        max_value=MAX_DAYS,
        initial=DEFAULT_DAYS,
        label="Lasts for (days)",
        help_text=f"Between 1 and {MAX_DAYS} days. You can revoke it at any time.",
    )
