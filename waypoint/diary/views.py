import datetime
import itertools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.accounts.decorators import client_required, permission_required, staff_required
from waypoint.accounts.roles import Permission
from waypoint.audit.actions import record
from waypoint.audit.models import AuditAction
from waypoint.clients.access import (
    clients_visible_to,
    get_client_for_user,
    portal_client_for_user,
    record_portal_view,
)
from waypoint.clinics.templatetags.dates import sentence_day
from waypoint.diary import actions, tlfb
from waypoint.diary.forms import (
    SPANS,
    AnchorEventForm,
    CheckInForm,
    DiarySettingsForm,
    EntryForm,
    NoUseForm,
    ReportFilterForm,
    TimelineFollowbackForm,
    check_day,
)
from waypoint.diary.models import (
    AnchorEvent,
    DayRollup,
    DiaryEntry,
    DiarySettings,
    EntrySource,
)
from waypoint.diary.reports import Window, window_report
from waypoint.goals.models import SaferUsePractice, Substance
from waypoint.lib.csvstream import stream_csv
from waypoint.lib.dbrouter import reads_from_replica

REPORT_WEEKS = (4, 12, 26, 52)
REPORT_PAGE = 100


def _int_param(request, name, default, allowed):
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        return default
    return value if value in allowed else default


def _day_param(value, today) -> datetime.date | None:
    try:
        return check_day(datetime.date.fromisoformat(value), today)
    except (TypeError, ValueError, ValidationError):  # bad or future dates: the caller's default
        return None


def _days_view(client, first, last, country):
    """Every day first..last, newest first, with its entries; days without entries are unknown."""
    entries: dict[datetime.date, list] = {}
    for entry in DiaryEntry.objects.filter(
        client=client, day__gte=first, day__lte=last
    ).select_related("entered_by"):
        entries.setdefault(entry.day, []).append(entry)
    rollups = {
        r.day: r for r in DayRollup.objects.filter(client=client, day__gte=first, day__lte=last)
    }
    days = []
    day = last
    while day >= first:
        days.append(
            {
                "day": day,
                "entries": [(e, e.amount_text(country)) for e in entries.get(day, [])],
                "rollup": rollups.get(day),
            }
        )
        day -= datetime.timedelta(days=1)
    return days


# Staff pages -------------------------------------------------------------------------------


@require_GET
@staff_required
def diary_list(request, pk):
    access = get_client_for_user(request.user, pk, page="diary")
    client = access.client
    settings = DiarySettings.for_organization(client.organization_id)
    today = client.organization.today()
    span = _int_param(request, "days", 30, (7, 14, 30, 60, 90))
    first = today - datetime.timedelta(days=span - 1)
    days = _days_view(client, first, today, settings.country)
    return TemplateResponse(
        request,
        "diary/diary_list.html",
        {
            "client": client,
            "days": days,
            "span": span,
            "spans": (7, 14, 30, 60, 90),
            "unknown": sum(1 for d in days if not d["entries"]),
            "can_write": access.can_write,
            "no_use_form": NoUseForm(today=today, initial={"day": today}),
            "settings": settings,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def entry_add(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="diary add").client
    settings = DiarySettings.for_organization(client.organization_id)
    today = client.organization.today()
    day = _day_param(request.GET.get("day"), today) or today
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        today=today,
        country=settings.country,
        client=client,
        initial={"day": day},
    )
    if request.method == "POST" and form.is_valid():
        entry = actions.add_entry(
            client, by=request.user, source=EntrySource.CLINICIAN, **form.entry_fields()
        )
        messages.success(request, f"Saved: {entry.amount_text(settings.country)}.")
        if entry.safety_tips:
            messages.warning(
                request, "This entry raised a safety alert for the care team: see the chart."
            )
        return redirect(reverse("diary-list", args=[client.pk]))
    return TemplateResponse(
        request,
        "diary/entry_form.html",
        {"form": form, "client": client, "settings": settings, "editing": False},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def entry_edit(request, pk, entry_pk):
    client = get_client_for_user(request.user, pk, write=True, page="diary edit").client
    entry = get_object_or_404(DiaryEntry, pk=entry_pk, client=client, kind="use")
    settings = DiarySettings.for_organization(client.organization_id)
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        today=client.organization.today(),
        country=settings.country,
        initial=EntryForm.initial_from(entry),
    )
    if request.method == "POST" and form.is_valid():
        actions.update_entry(entry, by=request.user, **form.entry_fields())
        messages.success(request, "Entry saved. The earlier version stays in its history.")
        return redirect(reverse("diary-list", args=[client.pk]))
    return TemplateResponse(
        request,
        "diary/entry_form.html",
        {"form": form, "client": client, "settings": settings, "editing": True, "entry": entry},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def entry_delete(request, pk, entry_pk):
    """GET asks "Remove this entry?" (issue #10: a slip of the thumb must not delete); POST does."""
    client = get_client_for_user(request.user, pk, write=True, page="diary delete").client
    entry = get_object_or_404(DiaryEntry, pk=entry_pk, client=client)
    if request.method == "GET":
        return _confirm_delete(request, entry, back=reverse("diary-list", args=[client.pk]))
    actions.delete_entry(entry, by=request.user)
    messages.success(request, "Entry removed.")
    return redirect(reverse("diary-list", args=[client.pk]))


@require_POST
@staff_required
def no_use(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="diary no use").client
    form = NoUseForm(request.POST, today=client.organization.today())
    if form.is_valid():
        try:
            actions.record_no_use(
                client, by=request.user, source=EntrySource.CLINICIAN, day=form.cleaned_data["day"]
            )
        except actions.DiaryConflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Recorded: no use that day.")
    else:
        messages.error(request, " ".join(form.errors.get("day", [gettext("Choose a valid date.")])))
    return redirect(reverse("diary-list", args=[client.pk]))


@require_http_methods(["GET", "POST"])
@staff_required
def timeline_followback(request, pk):
    write = request.method == "POST"
    access = get_client_for_user(request.user, pk, write=write, page="timeline followback")
    client = access.client
    settings = DiarySettings.for_organization(client.organization_id)
    today = client.organization.today()
    data = request.POST if write else request.GET
    try:
        days = int(data.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in SPANS else 30
    first, last = tlfb.span(today, days)
    substances = tlfb.tracked_substances(client, first, last, data.get("add", ""))
    if write:
        posted = [s for s in data.getlist("substances") if s in Substance.values]
        substances = sorted(set(substances) | set(posted), key=list(Substance.values).index)
    form = TimelineFollowbackForm(
        data, first=first, last=last, substances=substances, country=settings.country
    )
    valid = form.is_valid()
    chosen_units = form.chosen_units()
    if write and valid:
        result = actions.save_timeline_followback(
            client,
            by=request.user,
            first=first,
            last=last,
            cells=form.cells(),
            units=chosen_units,
        )
        text = f"Timeline Followback saved: {result.days_written} days."
        if result.live_days_skipped:
            text += (
                f" {len(result.live_days_skipped)} days already had live diary entries and "
                "were left as they were (the live diary is the primary record)."
            )
        messages.success(request, text)
        return redirect(f"{reverse('diary-tlfb', args=[client.pk])}?days={days}")
    grid = tlfb.build_grid(
        client,
        first=first,
        last=last,
        substances=substances,
        units=chosen_units,
        country=settings.country,
        form=form if write else None,
    )
    unit_errors = form.unit_errors() if write else {}
    unit_rows = [
        (code, label, unit, form[f"unit-{code}"].field.choices, unit_errors.get(code, ""))
        for code, label, unit in grid.substances
    ]
    return TemplateResponse(
        request,
        "diary/tlfb.html",
        {
            "client": client,
            "grid": grid,
            "days": days,
            "spans": SPANS,
            "unit_rows": unit_rows,
            "unit_errors": unit_errors,
            "settings": settings,
            "can_write": access.can_write,
            "anchor_form": AnchorEventForm(),
            "anchors": list(AnchorEvent.objects.filter(client=client)),
            "other_substances": [
                (c, label) for c, label in Substance.choices if c not in substances
            ],
        },
        status=400 if write else 200,
    )


@require_POST
@staff_required
def anchor_add(request, pk):
    client = get_client_for_user(request.user, pk, write=True, page="anchor events").client
    form = AnchorEventForm(request.POST)
    days = request.POST.get("days", "30")
    if form.is_valid():
        actions.add_anchor_event(client, by=request.user, **form.cleaned_data)
        messages.success(request, "Anchor event added.")
    else:
        messages.error(request, "Add an anchor event with a date and a kind.")
    return redirect(
        f"{reverse('diary-tlfb', args=[client.pk])}?days={days if days.isdigit() else 30}"
    )


@require_POST
@staff_required
def anchor_delete(request, pk, anchor_pk):
    client = get_client_for_user(request.user, pk, write=True, page="anchor events").client
    event = get_object_or_404(AnchorEvent, pk=anchor_pk, client=client)
    actions.delete_anchor_event(event, by=request.user)
    messages.success(request, "Anchor event removed.")
    return redirect(reverse("diary-tlfb", args=[client.pk]))


@reads_from_replica
@require_GET
@staff_required
def report(request):
    """Outcomes of the charts the user may see, one row per person, read from the rollups.

    Filtered by primary clinician, program status (active only unless asked) and period;
    `?download=csv` gives every matching row as CSV.
    """
    user = request.user
    today = user.organization.today()
    form = ReportFilterForm(
        request.GET, organization=user.organization, week_choices=REPORT_WEEKS, today=today
    )
    if form.is_bound and not form.is_valid():
        return TemplateResponse(
            request, "diary/report.html", {"form": form, "rows": [], "page": None}, status=400
        )
    chosen = form.filters()
    weeks = chosen["weeks"]
    windows = form.windows()
    previous, current = windows or Window.weeks_back(today, weeks)
    settings = DiarySettings.for_organization(user.organization_id)
    charts = clients_visible_to(user).filter(status__in=chosen["status"]).order_by("chart_number")
    if chosen["clinician"] is not None:
        charts = charts.filter(primary_clinician=chosen["clinician"])
    if request.GET.get("download") == "csv":
        detail = {"format": "csv", "weeks": weeks, "charts": charts.count()}
        if windows:
            detail = {
                "format": "csv",
                "current": [current.first.isoformat(), current.last.isoformat()],
                "previous": [previous.first.isoformat(), previous.last.isoformat()],
                "charts": detail["charts"],
            }
        record(
            by=user,
            action=AuditAction.EXPORT,
            object_type="outcome_report",
            object_label="Outcome report",
            detail=detail,
        )
        if windows:
            name = f"outcomes-{current.first.isoformat()}-to-{current.last.isoformat()}.csv"
        else:
            name = f"outcomes-{weeks}-weeks-{today.isoformat()}.csv"
        return stream_csv(
            _report_csv_rows(charts, current=current, previous=previous, country=settings.country),
            name,
        )
    page = Paginator(charts, REPORT_PAGE).get_page(request.GET.get("page"))
    page_ids = [c.pk for c in page.object_list]
    names = {c.pk: c for c in page.object_list}
    rows = window_report(
        charts.filter(pk__in=page_ids),
        current=current,
        previous=previous,
        country=settings.country,
    )
    record(
        by=user,
        action=AuditAction.VIEW,
        object_type="outcome_report",
        object_label="Outcome report",
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("download", None)
    return TemplateResponse(
        request,
        "diary/report.html",
        {
            "form": form,
            "rows": [(names[r.client_id], r) for r in rows],
            "page": page,
            "weeks": weeks,
            "custom_windows": bool(windows),
            "current": current,
            "previous": previous,
            "query": query.urlencode(),
            "country": settings.country,
            "drink_word": settings.drink_word(),
            "can_manage": user.can(Permission.MANAGE_ORGANIZATION),
        },
    )


REPORT_CSV_HEADER = [
    "chart_number",
    "days_reported",
    "plan_days",
    "days_within_plan",
    "pda_percent",
    "phdd_percent",
    "drinks_per_drinking_day",
    "drinks_per_week",
    "grams_per_day",
    "who_risk_level",
    "who_level_change",
    "money_spent",
]


CSV_CHUNK = 500


def _report_csv_rows(charts, *, current, previous, country: str):
    """Chart numbers (letters, digits, hyphens) and numbers only: no names, no formulas.

    A generator: charts are read in chunks of CSV_CHUNK ids (`.iterator()`), each chunk's
    outcomes computed with the same queries, so memory does not grow with the caseload.
    """
    yield REPORT_CSV_HEADER
    ids = charts.values_list("pk", flat=True).iterator(chunk_size=CSV_CHUNK)
    while chunk := list(itertools.islice(ids, CSV_CHUNK)):
        rows = window_report(
            charts.filter(pk__in=chunk), current=current, previous=previous, country=country
        )
        for row in rows:
            now = row.current
            level = now.who_risk_level
            yield [
                row.chart_number,
                now.days_reported,
                now.plan_days,
                now.days_within_plan,
                "" if now.pda is None else f"{now.pda:.1f}",
                "" if now.phdd is None else f"{now.phdd:.1f}",
                "" if now.ddd is None else f"{now.ddd:.1f}",
                "" if now.drinks_per_week is None else f"{now.drinks_per_week:.1f}",
                "" if now.grams_per_day is None else f"{now.grams_per_day:.1f}",
                "" if level is None else level.label,
                "" if row.who_change is None else row.who_change,
                f"{now.money_spent:.2f}",
            ]


@require_http_methods(["GET", "POST"])
@permission_required(Permission.MANAGE_ORGANIZATION)
def diary_settings(request):
    organization = request.user.organization
    current = DiarySettings.for_organization(organization)
    form = DiarySettingsForm(
        request.POST if request.method == "POST" else None, initial={"country": current.country}
    )
    if request.method == "POST" and form.is_valid():
        actions.update_diary_settings(
            organization, by=request.user, country=form.cleaned_data["country"]
        )
        messages.success(request, "Diary settings saved.")
        return redirect("diary-settings")
    return TemplateResponse(request, "diary/settings.html", {"form": form, "current": current})


def _confirm_delete(request, entry, *, back):
    settings = DiarySettings.for_organization(entry.client.organization_id)
    return TemplateResponse(
        request,
        "diary/entry_confirm_delete.html",
        {"entry": entry, "amount": entry.amount_text(settings.country), "back": back},
    )


# Portal pages ------------------------------------------------------------------------------


def _portal_substances(client) -> tuple[list[tuple[str, str]], int]:
    """The person's own substances first (goals, recent use), then the rest; and how many are
    their own (the check-in shows those first and the rest behind "Another substance")."""
    labels = dict(Substance.choices)
    own = list(client.goals.current().values_list("substance", flat=True))
    for code in (
        DiaryEntry.objects.filter(client=client, kind="use")
        .order_by("-day")
        .values_list("substance", flat=True)[:30]
    ):
        if code not in own:
            own.append(code)
    rest = [c for c in Substance.values if c not in own]
    own = [c for c in own if c in labels]
    return [(c, gettext(labels[c])) for c in own + rest if c in labels], len(own)


CHECKIN_PAGE = "diary check-in"


@require_http_methods(["GET", "POST"])
@client_required
def checkin(request):
    posted = request.method == "POST"
    # A saved check-in's one audit event records the entry and this access (its detail names the
    # page); a form shown, refused or failing is recorded as a view.
    client = portal_client_for_user(request.user, page=CHECKIN_PAGE, audit=not posted)
    saved = False
    try:
        response = _checkin(request, client, posted)
        saved = isinstance(response, HttpResponseRedirect)  # the entry was written
        return response
    finally:
        if posted and not saved:
            record_portal_view(request.user, client, page=CHECKIN_PAGE)


def _checkin(request, client, posted):
    country = DiarySettings.country_for(client.organization_id)
    today = client.organization.today()
    day = _day_param(request.POST.get("day") or request.GET.get("day"), today) or today
    # Any substance is a valid answer: the person's own order (two queries) is only needed to
    # show the form, so a valid check-in goes to its redirect without it (the form's own list
    # has every substance).
    substances, own_count = (None, 0) if posted else _portal_substances(client)
    form = CheckInForm(
        request.POST if posted else None,
        today=today,
        country=country,
        client=client,
        substances=substances,
        initial={"day": day},
    )
    if posted and form.is_valid():
        entry = actions.add_entry(
            client,
            by=request.user,
            source=EntrySource.CLIENT,
            country=country,
            page=CHECKIN_PAGE,
            **form.entry_fields(),
        )
        messages.success(
            request,
            gettext("Saved for %(day)s: %(substance)s, %(amount)s.")
            % {
                "day": sentence_day(entry.day),
                "substance": gettext(entry.get_substance_display()),
                "amount": entry.amount_text(country),
            },
        )
        for tip in entry.safety_tips:  # kind and specific, at the moment of logging
            messages.warning(request, tip)
        return redirect(reverse("diary-week") + f"?start={entry.day.isoformat()}")
    if posted:
        substances, own_count = _portal_substances(client)
        form.fields["substance"].choices = substances
    safer = client.goals.current().filter(kind="safer_use").values_list("practices", flat=True)
    my_practices = {p for practices in safer for p in practices}
    return TemplateResponse(
        request,
        "diary/checkin.html",
        {
            "client": client,
            "form": form,
            "day": day,
            "today": today,
            # The page names the standard drink (all the settings hold); read once, above.
            "settings": DiarySettings(organization_id=client.organization_id, country=country),
            "own_count": own_count,
            "other_chosen": request.POST.get("substance")
            in {code for code, _ in substances[own_count:]},
            "my_practices": [
                (p, gettext(label)) for p, label in SaferUsePractice.choices if p in my_practices
            ],
        },
        status=400 if posted else 200,
    )


@require_POST
@client_required
def portal_no_use(request):
    client = portal_client_for_user(request.user, page="diary no use")
    today = client.organization.today()
    form = NoUseForm(request.POST, today=today)
    if form.is_valid():
        day = form.cleaned_data["day"]
        try:
            actions.record_no_use(client, by=request.user, source=EntrySource.CLIENT, day=day)
        except actions.DiaryConflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                gettext("Recorded: no use on %(day)s. Thank you for checking in.")
                % {"day": sentence_day(day)},
            )
        return redirect(reverse("diary-week") + f"?start={day.isoformat()}")
    messages.error(request, " ".join(form.errors.get("day", [gettext("Choose a valid date.")])))
    return redirect("diary-week")


@require_GET
@client_required
def week(request):
    client = portal_client_for_user(request.user, page="diary week")
    settings = DiarySettings.for_organization(client.organization_id)
    today = client.organization.today()
    start = _day_param(request.GET.get("start"), today) or today
    monday = start - datetime.timedelta(days=start.weekday())
    sunday = monday + datetime.timedelta(days=6)
    days = list(reversed(_days_view(client, monday, min(sunday, today), settings.country)))
    return TemplateResponse(
        request,
        "diary/week.html",
        {
            "client": client,
            "days": days,
            "monday": monday,
            "sunday": sunday,
            "today": today,
            "previous": monday - datetime.timedelta(days=7),
            "next": monday + datetime.timedelta(days=7) if sunday < today else None,
        },
    )


@require_http_methods(["GET", "POST"])
@client_required
def portal_entry_delete(request, entry_pk):
    client = portal_client_for_user(request.user, page="diary delete")
    entry = get_object_or_404(DiaryEntry, pk=entry_pk, client=client, source=EntrySource.CLIENT)
    day = entry.day
    if request.method == "GET":
        return _confirm_delete(
            request, entry, back=reverse("diary-week") + f"?start={day.isoformat()}"
        )
    actions.delete_entry(entry, by=request.user)
    messages.success(request, gettext("Entry removed."))
    return redirect(reverse("diary-week") + f"?start={day.isoformat()}")
