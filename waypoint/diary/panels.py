"""The diary's chart panel, portal panel and caseload column (see clients/extensions.py)."""

from django.db import connection
from django.db.models import CharField, F
from django.db.models.functions import Cast
from django.utils.translation import gettext, ngettext

from waypoint.clients.cells import e
from waypoint.clients.extensions import Panel
from waypoint.diary import charts
from waypoint.diary.models import DayRollup, DiarySettings, WeekRollup
from waypoint.diary.outcomes import outcomes_from_sums, who_level_change, who_risk_level
from waypoint.diary.reports import compare_windows, week_starts, weekly_sums_for
from waypoint.goals.models import Substance
from waypoint.lib import units
from waypoint.lib.idlists import IdIn

WINDOWS = (30, 90)
SPARK_WEEKS = 12
HALF = SPARK_WEEKS // 2


def _window(request) -> int:
    try:
        days = int(request.GET.get("outcomes", 30))
    except ValueError:
        return 30
    return days if days in WINDOWS else 30


def trend_for(client, *, today, country, weeks=12):
    starts = week_starts(today, weeks)
    series = []
    for start, sums in weekly_sums_for(client, starts):
        if not sums.known_days:
            series.append((start, None, None))
            continue
        outcome = outcomes_from_sums(sums, thresholds=client.drinking_thresholds, country=country)
        series.append(
            (start, outcome.total_drinks, sums.within_plan_days if sums.plan_days else None)
        )
    return charts.weekly_trend(series, unit=units.drink_word(country))


def outcomes_panel(request, access):
    client = access.client
    settings = DiarySettings.for_organization(client.organization_id)
    today = client.organization.today()
    days = _window(request)
    comparison = compare_windows(client, days=days, today=today, country=settings.country)
    if not comparison.current.days_reported and not comparison.previous.days_reported:
        has_any = DayRollup.objects.filter(client=client).exists()
    else:
        has_any = True
    labels = dict(Substance.choices)
    substances = sorted(
        set(comparison.current.per_substance_use_days)
        | set(comparison.previous.per_substance_use_days)
    )
    return Panel(
        "diary/_panel_outcomes.html",
        {
            "comparison": comparison,
            "windows": WINDOWS,
            "days": days,
            "has_any": has_any,
            "country": settings.country,
            "drink_word": settings.drink_word(),
            "substance_rows": [
                (
                    labels.get(s, s),
                    comparison.current.per_substance_use_days.get(s, 0),
                    comparison.previous.per_substance_use_days.get(s, 0),
                )
                for s in substances
            ],
            "trend": trend_for(client, today=today, country=settings.country) if has_any else None,
            "can_write": access.can_write,
        },
    )


def progress_messages(comparison) -> list[str]:
    """Reductions worth celebrating, in plain words. Never a streak, never a reset to zero.

    Shown to the client in the portal, so in the portal's language (docs/public-site.md)."""
    now, before = comparison.current, comparison.previous
    messages = []
    more = now.days_within_plan - before.days_within_plan
    if now.plan_days and more > 0:
        messages.append(
            ngettext(
                "%(more)d more day within your plan than the %(days)d days before.",
                "%(more)d more days within your plan than the %(days)d days before.",
                more,
            )
            % {"more": more, "days": comparison.days}
        )
    change = comparison.who_change
    if change is not None and change < 0:
        levels = {
            "before": gettext(before.who_risk_level.label).lower(),
            "now": gettext(now.who_risk_level.label).lower(),
        }
        if change == -1:
            text = gettext("Your drinking moved down a WHO risk level: from %(before)s to %(now)s.")
        else:
            levels["steps"] = -change
            text = gettext(
                "Your drinking moved down %(steps)d WHO risk levels: from %(before)s to %(now)s."
            )
        messages.append(text % levels)
    if (
        now.drinks_per_week is not None
        and before.drinks_per_week is not None
        and now.drinks_per_week < before.drinks_per_week - 0.5
    ):
        fewer = before.drinks_per_week - now.drinks_per_week
        messages.append(
            gettext("About %(fewer)s fewer drinks a week than the %(days)d days before.")
            % {"fewer": f"{fewer:.0f}", "days": comparison.days}
        )
    if now.days_reported and before.days_reported and now.money_spent < before.money_spent:
        messages.append(
            gettext("You spent %(amount)s less.")
            % {"amount": f"{before.money_spent - now.money_spent:.2f}"}
        )
    if now.pda is not None and before.pda is not None and now.pda > before.pda + 0.5:
        messages.append(
            ngettext(
                "%(days)d day without use out of %(reported)d you recorded "
                "(up from %(before)d of %(before_reported)d).",
                "%(days)d days without use out of %(reported)d you recorded "
                "(up from %(before)d of %(before_reported)d).",
                now.no_use_days,
            )
            % {
                "days": now.no_use_days,
                "reported": now.days_reported,
                "before": before.no_use_days,
                "before_reported": before.days_reported,
            }
        )
    return messages


def portal_progress_panel(request, client):
    settings = DiarySettings.for_organization(client.organization_id)
    today = client.organization.today()
    comparison = compare_windows(client, days=30, today=today, country=settings.country)
    today_known = DayRollup.objects.filter(client=client, day=today).first()
    return Panel(
        "diary/_panel_portal.html",
        {
            "today": today,
            "today_known": today_known,
            "comparison": comparison,
            "messages": progress_messages(comparison),
        },
    )


_SPARK_COLUMNS = (
    "client_id",
    "week",
    "known_days",
    "no_use_days",
    "plan_days",
    "within_plan_days",
    "alcohol_grams",
)


def _week_key(connection):
    """The week's Monday as the driver returns it fastest: text on SQLite (its driver would
    parse 2,400 dates in Python that serve only as keys here), a date elsewhere (psycopg parses
    in C, and PostgreSQL's text of a date depends on its DateStyle)."""
    if connection.vendor == "sqlite":
        return Cast("week_start", CharField())
    return F("week_start")


def annotate_outcomes(clients: list, user) -> None:
    """Sparkline of days within plan per week, and the WHO level change: ONE query for all rows.

    Weeks are the clinic's calendar weeks (caseload rows are charts of the user's organization).
    WHO change compares the last 6 weeks with the 6 weeks before them (grams need no country).
    Only the five week-rollup columns used here are read, as tuples (no model or dict per row,
    no Decimal money): the WHO level of a half needs only its known days and grams.
    """
    if not clients:
        return
    starts = week_starts(user.organization.today(), SPARK_WEEKS)
    # Raw rows of Django's own compiled query (no converter call per row); a Monday is a key
    # both as a date and as text, whichever the driver returns.
    index = {key: n for n, start in enumerate(starts) for key in (start, start.isoformat())}
    sql, params = (
        WeekRollup.objects.filter(
            IdIn("client_id", [c.pk for c in clients]),
            week_start__gte=starts[0],
            week_start__lte=starts[-1],
        )
        .order_by("client_id", "week_start")
        .annotate(week=_week_key(connection))
        .values_list(*_SPARK_COLUMNS)
        .query.sql_with_params()
    )
    # One pass over the rows (oldest week first per chart, so grams add up in week order):
    # per chart, the two sparkline series and each half's known days and grams. The rows come
    # ordered by chart, so one chart's values stay in local variables until the next begins.
    found: dict[int, tuple] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    current = None
    within_plan = no_use_days = []
    plan_known, k0, g0, k1, g1 = False, 0, 0.0, 0, 0.0
    for client_id, start, known, no_use, plan, within, grams in rows:
        if client_id != current:
            if current is not None:
                found[current] = (within_plan, no_use_days, plan_known, k0, g0, k1, g1)
            current = client_id
            within_plan, no_use_days = [None] * SPARK_WEEKS, [None] * SPARK_WEEKS
            plan_known, k0, g0, k1, g1 = False, 0, 0.0, 0, 0.0
        n = index[start]
        no_use_days[n] = no_use
        if plan:
            within_plan[n] = within
            plan_known = True
        if n < HALF:
            k0 += known
            g0 += grams
        else:
            k1 += known
            g1 += grams
    if current is not None:
        found[current] = (within_plan, no_use_days, plan_known, k0, g0, k1, g1)
    for client in clients:
        mine = found.get(client.pk)
        if mine is None:
            client.diary_sparkline = None
            client.who_change = None
            client.who_change_abs = 0
            client.who_now = None
            continue
        within_plan, no_use, plan_known, known0, grams0, known1, grams1 = mine
        if plan_known:
            values, what = within_plan, "Days within plan per week"
        else:
            values, what = no_use, "Days without use per week"
        client.diary_sparkline = charts.sparkline(values, top=7, what=what)
        thresholds = client.drinking_thresholds
        halves = [
            who_risk_level(grams / known, thresholds) if known else None
            for known, grams in ((known0, grams0), (known1, grams1))
        ]
        client.who_change = who_level_change(*halves)
        client.who_change_abs = abs(client.who_change or 0)
        client.who_now = halves[1]


def outcomes_cell(client) -> str:
    """Caseload cell: the sparkline and WHO change set by `annotate_outcomes`."""
    spark = client.diary_sparkline
    if not spark:
        return '<span class="muted">no diary</span>'
    description = e(spark.description)
    line = (
        f'<polyline points="{e(spark.points)}" fill="none" stroke="#0b5c8a" stroke-width="1.5"/>'
        if spark.points
        else ""
    )
    dot = (
        f'<circle cx="{spark.last[0]}" cy="{spark.last[1]}" r="2" fill="#0b5c8a"/>'
        if spark.last
        else ""
    )
    change = client.who_change
    if change is not None and change < 0:
        badge = f' <span class="badge good">WHO level down {client.who_change_abs}</span>'
    elif change is not None and change > 0:
        badge = f' <span class="badge">WHO level up {change}</span>'
    elif change == 0:
        badge = ' <span class="muted small">WHO level same</span>'
    else:
        badge = ""
    return (
        f'<svg class="sparkline" viewBox="-2 -2 100 28" width="100" height="28" role="img" '
        f'aria-label="{description}"><title>{description}</title>{line}{dot}</svg>{badge}'
    )
