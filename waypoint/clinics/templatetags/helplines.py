"""`{% crisis_lines %}`: the organization's crisis lines and emergency number, from one file.

Every template that shows a crisis number uses this tag (waypoint/clinics/helplines.py has the
data and its rules). `compact=True` gives one sentence (crisis lines and emergency only) for the
foot of a form; the default is the full list with who answers each line.
"""

from django import template
from django.utils.translation import gettext

from waypoint.clinics import helplines

register = template.Library()


@register.inclusion_tag("components/_crisis_lines.html", takes_context=True)
def crisis_lines(context, compact=False, kinds="crisis,overdose,drug_info"):
    request = context.get("request")
    user = getattr(request, "user", None)
    organization = getattr(user, "organization", None) if user is not None else None
    country = helplines.for_organization(organization)
    wanted = {kind.strip() for kind in kinds.split(",")}
    if compact:
        wanted = {"crisis"}
    lines = [line for line in country.shown if line.kind in wanted] if country else []
    return {"country": country, "lines": lines, "compact": compact}


@register.simple_tag
def emergency_numbers():
    """'United States 911, Canada 911, …' for the page footer, from the same data file."""
    return ", ".join(
        f"{gettext(country.name)} {country.emergency.number}"
        for country in helplines.all_countries().values()
    )
