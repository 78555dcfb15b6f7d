"""The progress report for one person: goals, outcomes, measure trends, plans, stages.

Two versions from one builder:

- **client** (portal download): plain, warm language about the person's own progress. Every
  reduction in harm is named (days within their plan, a lower WHO drinking level, fewer drinks,
  less money spent, days without use, a reliable improvement on a questionnaire), never a streak
  that resets and never a judgement. It leaves out what is for the care team: reliable-change
  statistics, deteriorations, score bands, stage-of-change labels and who recorded what.
- **clinician** (from the chart): the same facts with the numbers the care team reasons with:
  the outcomes table of the last 90 days against the 90 before, reliable change (Jacobson &
  Truax 1991) and the NHS Talking Therapies threshold view per instrument, stages of change.

Everything is read through the functions the pages use (`diary.reports.compare_windows`,
`diary.panels.trend_for` / `progress_messages`, `measures.charts.history_chart`,
`measures.reliable_change`), so the report says what the chart says. Charts are the pages' own
SVG, which WeasyPrint draws in the PDF.
"""

from collections import defaultdict

from django.utils.translation import gettext, gettext_noop

from waypoint.assessment.models import StageOfChange
from waypoint.diary.models import DayRollup, DiarySettings
from waypoint.diary.panels import progress_messages, trend_for
from waypoint.diary.reports import compare_windows
from waypoint.goals.models import Goal, Substance
from waypoint.measures import reliable_change
from waypoint.measures.charts import history_chart
from waypoint.measures.models import Administration, MeasureNorm
from waypoint.plans.models import SafetyPlan

CLIENT, CLINICIAN = "client", "clinician"
AUDIENCES = (CLIENT, CLINICIAN)
WINDOW_DAYS = 90

# Plain names for the questionnaires a person may see named in their own report.
# Plain English here; translated when the report is made (`_measures`, `_measure_messages`),
# so a Spanish-speaking client's report is in Spanish and the clinician's stays English.
PLAIN_NAMES = {
    "phq-9": gettext_noop("mood (PHQ-9)"),
    "gad-7": gettext_noop("worry and anxiety (GAD-7)"),
    "audit": gettext_noop("drinking (AUDIT)"),
    "audit-c": gettext_noop("drinking (AUDIT-C)"),
    "dast-10": gettext_noop("drug use (DAST-10)"),
    "cudit-r": gettext_noop("cannabis use (CUDIT-R)"),
}


def _goals(client) -> list[dict]:
    by_substance = defaultdict(list)
    for goal in Goal.objects.filter(client=client).order_by("substance", "started_on", "id"):
        by_substance[goal.substance].append(goal)
    rows = []
    labels = dict(Substance.choices)
    for substance, goals in sorted(by_substance.items()):
        current = next((g for g in reversed(goals) if g.is_current), None)
        rows.append(
            {
                "substance": labels.get(substance, substance),
                "current": current,
                "history": [g for g in goals if g is not current],
            }
        )
    return rows


def _measure_changes(instrument, points, norms) -> dict | None:
    """First to latest score: reliable change and the fixed-threshold view."""
    if not instrument.has_total or len(points) < 2:
        return None
    first, last = points[0], points[-1]
    change = {"first": first, "last": last, "difference": last.total - first.total}
    if norms:
        change["rci"] = reliable_change.classify(
            first.total,
            last.total,
            sd=norms.sd,
            reliability=norms.reliability,
            direction=instrument.direction or "higher_is_worse",
        )
    if instrument.threshold_change:
        change["threshold"] = reliable_change.classify_threshold(
            first.total,
            last.total,
            threshold=instrument.threshold_change.reliable_change,
            direction=instrument.direction or "higher_is_worse",
        )
    return change


def _measures(client) -> list[dict]:
    by_instrument = defaultdict(list)
    for adm in (
        Administration.objects.current().filter(client=client).order_by("administered_at", "id")
    ):
        if adm.instrument is not None:
            by_instrument[adm.instrument_id].append(adm)
    rows = []
    organization = client.organization
    for instrument_id, points in sorted(by_instrument.items()):
        instrument = points[0].instrument
        norms = (
            MeasureNorm.objects.norms_for(organization, instrument)
            if instrument.has_total and instrument.direction
            else None
        )
        change = _measure_changes(instrument, points, norms)
        improved = bool(change and change.get("rci") and change["rci"].outcome == "improvement")
        rows.append(
            {
                "instrument": instrument,
                "plain_name": (
                    gettext(PLAIN_NAMES[instrument_id])
                    if instrument_id in PLAIN_NAMES
                    else instrument.short_name
                ),
                "points": [
                    {
                        "day": organization.local_date(p.administered_at),
                        "total": p.total,
                        "band": p.band,
                    }
                    for p in points
                ],
                "chart": history_chart(
                    instrument,
                    points,
                    organization=organization,
                    thresholds=client.drinking_thresholds,
                ),
                "change": change,
                "norms": norms,
                "improved": improved,
            }
        )
    return rows


def _plans(client) -> list[dict]:
    plans = []
    for plan in SafetyPlan.objects.filter(client=client).prefetch_related("versions"):
        version = plan.current_version()
        if version is None:
            continue
        plans.append(
            {
                "kind_label": plan.get_kind_display(),
                "version": version,
                "sections": [(s, items) for s, items in version.filled_sections() if items],
            }
        )
    return plans


def _measure_messages(measures) -> list[str]:
    """Reliable improvements, in the person's words: "Your mood (PHQ-9) score went from …"."""
    messages = []
    for row in measures:
        if not row["improved"]:
            continue
        change = row["change"]
        messages.append(
            gettext(
                "Your %(name)s score went from %(first)s to %(last)s: a change big enough to be "
                "more than the usual ups and downs."
            )
            % {
                "name": row["plain_name"],
                "first": change["first"].total,
                "last": change["last"].total,
            }
        )
    return messages


def progress_report(client, *, audience: str) -> dict:
    """The template context of the progress report for `audience` ("client" or "clinician")."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    organization = client.organization
    today = organization.today()
    country = DiarySettings.country_for(organization)
    comparison = compare_windows(client, days=WINDOW_DAYS, today=today, country=country)
    has_diary = DayRollup.objects.filter(client=client).exists()
    measures = _measures(client)
    labels = dict(Substance.choices)
    substances = sorted(
        set(comparison.current.per_substance_use_days)
        | set(comparison.previous.per_substance_use_days)
    )
    context = {
        "audience": audience,
        "for_client": audience == CLIENT,
        "client": client,
        "organization": organization,
        "today": today,
        "goals": _goals(client),
        "has_diary": has_diary,
        "comparison": comparison,
        "drink_word": DiarySettings.for_organization(organization).drink_word(),
        "substance_rows": [
            (
                labels.get(s, s),
                comparison.current.per_substance_use_days.get(s, 0),
                comparison.previous.per_substance_use_days.get(s, 0),
            )
            for s in substances
        ],
        "trend": trend_for(client, today=today, country=country) if has_diary else None,
        "progress_messages": progress_messages(comparison) + _measure_messages(measures),
        "measures": measures,
        "plans": _plans(client),
    }
    if audience == CLINICIAN:
        context["stages"] = sorted(
            StageOfChange.objects.filter(client=client).latest_per_substance().values(),
            key=lambda s: s.substance,
        )
    return context
