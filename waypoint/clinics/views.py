"""The public helpline directory: who answers each line, from the one reviewed data file."""

from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from waypoint.clinics import helplines


@require_GET
def helpline_directory(request):
    """`/helplines/?country=US&need=overdose`. Filters come from allow-lists; an unknown value is
    named in a message and the filter is dropped, so the visitor always sees lines to call."""
    countries = helplines.all_countries()
    country = request.GET.get("country", "").upper()
    need = request.GET.get("need", "")
    problems = []
    if country and country not in countries:
        problems.append(
            gettext("We do not list lines for that country yet, so here is every country.")
        )
        country = ""
    if need and need not in helplines.NEEDS:
        problems.append(
            gettext("That is not one of the needs below, so here is every kind of line.")
        )
        need = ""
    if not country and "country" not in request.GET:
        user = getattr(request, "user", None)
        organization = getattr(user, "organization", None)
        if organization is not None:
            home = helplines.for_organization(organization)
            country = home.code if home else ""
    return render(
        request,
        "clinics/helplines.html",
        {
            "directory": helplines.directory(country, need),
            "countries": [(code, gettext(entry.name)) for code, entry in countries.items()],
            "needs": list(helplines.NEEDS.items()),
            "country": country,
            "need": need,
            "problems": problems,
        },
        status=200,
    )
