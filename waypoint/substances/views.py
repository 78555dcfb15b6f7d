"""The public "Check a combination" page (no sign-in), from the same table as `waypoint combo`."""

from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from waypoint.substances import catalogue


@require_GET
def check_combination(request):
    """`/combinations/?a=xanax&b=oxy`. An unknown name or a pair without data says so plainly:
    no data is not the same as safe. Nothing is stored and nothing identifies the visitor."""
    a, b = request.GET.get("a", "").strip()[:80], request.GET.get("b", "").strip()[:80]
    context = {"a": a, "b": b, "names": _names(), "levels": catalogue.LEVEL_LABELS}
    status = 200
    if a or b:
        unknown = []
        found = {}
        for key, name in (("a", a), ("b", b)):
            if not name:
                unknown.append((key, gettext("Type a substance or medication here.")))
                continue
            try:
                found[key] = catalogue.resolve(name)
            except catalogue.UnknownSubstance:
                unknown.append((key, gettext("We have no entry for “%(name)s”.") % {"name": name}))
        context["errors"] = dict(unknown)
        if unknown:
            status = 400
        else:
            context["first"], context["second"] = found["a"], found["b"]
            # Catalogue names that are also the diary's substance labels have a translation.
            context["first_name"], context["second_name"] = (
                gettext(found["a"].name),
                gettext(found["b"].name),
            )
            context["result"] = result = catalogue.combination(found["a"], found["b"])
            context["risk_label"] = gettext(result.label) if result else ""
            context["asked"] = True
    context["no_data"] = gettext(catalogue.NO_DATA)
    return render(request, "substances/check.html", context, status=status)


def _names() -> list[str]:
    names = set()
    for substance in catalogue.substances().values():
        names.add(substance.name)
        names.update(alias for alias in substance.aliases if len(alias) > 2)
    return sorted(names, key=str.lower)
