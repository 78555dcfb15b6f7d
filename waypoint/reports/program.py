"""The program outcome report: de-identified counts per program and period, for funders and boards.

Rows are the organization's programs (`Episode.program`) and an "All programs" total; the period
is a chosen date window. Every count is of people, and every count goes through
`suppression.suppress_table` before anyone sees it (CMS cell size policy: 1 to 10 suppressed,
with complementary suppression), so the page, the PDF and the CSV show the same cells.

What is counted (docs/outcomes.md, "Program outcome report"):

- **People served**: people with an episode of care in the program open on any day of the period.
- **Retention**: of those admitted at least 90 days before the period ends (their first admission
  to the program that overlaps the period), how many were still engaged 90 days after admission
  (the episode not closed before day 90).
- **WHO drinking risk level**: of those whose diary put them above "no drinking" in their first
  four reported weeks of the period, with at least eight reported weeks, how many were at a
  lower level in their last four reported weeks (`diary.outcomes.who_level_change`;
  Witkiewitz et al. 2019, 2020; Hasin et al. 2017).
- **PHQ-9 and GAD-7**: of those with two or more completed scores in the period, how many show
  reliable improvement from the first to the last (Jacobson & Truax 1991, with the norms
  `measures.MeasureNorm.objects.norms_for` gives: the organization's own or the data file's).
- **Days within plan**: people whose diary assessed their own plan on at least one day, and the
  percentage of those days kept within it (the percentage is shown only when the count is).

The diary sums come from the week rollups (`diary.reports.sums_by_client`), Monday weeks touching
the period, so they are the numbers the chart and the staff outcome report compute.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from waypoint.clients.models import Client, Episode
from waypoint.diary.models import WeekRollup
from waypoint.diary.outcomes import OutcomeSums, WhoLevel, outcomes_from_sums, who_level_change
from waypoint.diary.reports import SUM_FIELDS, sums_by_client, sums_from_row
from waypoint.diary.rollups import week_start
from waypoint.measures import instruments
from waypoint.measures.models import Administration, MeasureNorm
from waypoint.measures.reliable_change import IMPROVEMENT, classify
from waypoint.reports.suppression import MINIMUM_CELL, Pair, suppress_table

RETENTION_DAYS = 90
ALL_PROGRAMS = "All programs"
MEASURES = (("phq9", "phq-9"), ("gad7", "gad-7"))

COLUMNS = (
    "served",
    "retention_eligible",
    "retained",
    "who_assessed",
    "who_reduced",
    "phq9_assessed",
    "phq9_improved",
    "gad7_assessed",
    "gad7_improved",
    "plan_people",
)
PAIRS = (
    Pair("retained", "retention_eligible"),
    Pair("who_reduced", "who_assessed"),
    Pair("phq9_improved", "phq9_assessed"),
    Pair("gad7_improved", "gad7_assessed"),
)
COLUMN_LABELS = {
    "served": "People served",
    "retention_eligible": "Admitted 90+ days before the end",
    "retained": "Still engaged at 90 days",
    "who_assessed": "Drinking above 'no drinking' in their first weeks",
    "who_reduced": "Moved down a WHO risk level",
    "phq9_assessed": "PHQ-9 twice or more",
    "phq9_improved": "PHQ-9 reliable improvement",
    "gad7_assessed": "GAD-7 twice or more",
    "gad7_improved": "GAD-7 reliable improvement",
    "plan_people": "People with days assessed against their plan",
    "plan_percent": "Days within plan (%)",
}


@dataclass
class ProgramRow:
    label: str
    cells: dict  # column -> int or None (suppressed)
    plan_percent: float | None = None

    def rate(self, part: str, of: str) -> float | None:
        """A percentage, only when both counts are shown."""
        a, b = self.cells.get(part), self.cells.get(of)
        if a is None or b is None or not b:
            return None
        return round(100 * a / b, 1)

    @property
    def rates(self) -> dict:
        return {pair.part: self.rate(pair.part, pair.of) for pair in PAIRS}


@dataclass
class ProgramReport:
    organization: str
    first: datetime.date
    last: datetime.date
    rows: list[ProgramRow]
    total: ProgramRow
    suppressed_cells: int
    minimum: int = MINIMUM_CELL
    columns: tuple = COLUMNS
    labels: dict = field(default_factory=lambda: dict(COLUMN_LABELS))

    @property
    def all_rows(self) -> list[ProgramRow]:
        return [*self.rows, self.total]

    @property
    def table(self) -> list[dict]:
        """Measures as rows, programs (then All programs) as columns, for the page and PDF.

        Each value is {"count": int or None (suppressed), "percent": float or None}: the
        percentage of a pair's part, of its denominator, when both are shown."""
        pair_of = {pair.part: pair.of for pair in PAIRS}
        lines = []
        for column in COLUMNS:
            values = []
            for row in self.all_rows:
                percent = row.rate(column, pair_of[column]) if column in pair_of else None
                values.append({"count": row.cells[column], "percent": percent})
            lines.append(
                {
                    "key": column,
                    "label": COLUMN_LABELS[column],
                    "part": column in pair_of,
                    "values": values,
                }
            )
        lines.append(
            {
                "key": "plan_percent",
                "label": COLUMN_LABELS["plan_percent"],
                "part": True,
                "values": [
                    {"count": None, "percent": row.plan_percent, "rate_only": True}
                    for row in self.all_rows
                ],
            }
        )
        return lines


def _mondays(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    start, end = week_start(first), week_start(last)
    weeks = []
    while start <= end:
        weeks.append(start)
        start += datetime.timedelta(weeks=1)
    return weeks


def _episodes(organization, first, last):
    return (
        Episode.objects.filter(client__organization=organization, admitted_on__lte=last)
        .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gte=first))
        .order_by("admitted_on", "id")
        .values_list("client_id", "program", "admitted_on", "discharged_on")
    )


def _people_counts(admissions: dict, ids: set, facts: dict, last) -> dict:
    """The counts of one row from per-person facts (`admissions`: person -> first episode)."""
    counts = dict.fromkeys(COLUMNS, 0)
    counts["served"] = len(ids)
    for pk in ids:
        admitted, discharged = admissions[pk]
        day_90 = admitted + datetime.timedelta(days=RETENTION_DAYS)
        if day_90 <= last:
            counts["retention_eligible"] += 1
            if discharged is None or discharged >= day_90:
                counts["retained"] += 1
        who = facts["who"].get(pk)
        if who is not None:
            counts["who_assessed"] += 1
            counts["who_reduced"] += who
        for key, _ in MEASURES:
            improved = facts[key].get(pk)
            if improved is not None:
                counts[f"{key}_assessed"] += 1
                counts[f"{key}_improved"] += improved
        if facts["plan"].get(pk, (0, 0))[0]:
            counts["plan_people"] += 1
    return counts


def _plan_percent(ids, facts) -> float | None:
    plan_days = sum(facts["plan"].get(pk, (0, 0))[0] for pk in ids)
    within = sum(facts["plan"].get(pk, (0, 0))[1] for pk in ids)
    return round(100 * within / plan_days, 1) if plan_days else None


BASELINE_WEEKS = 4


def _who_facts(ids, thresholds, weeks) -> dict:
    """person -> 1 if they moved down a WHO level, 0 if not; only people above no drinking.

    Each person's own first BASELINE_WEEKS reported weeks in the period against their last
    BASELINE_WEEKS (so at least twice that many reported weeks): people start at different
    times, and a period's first half may hold nothing for someone admitted in its second.
    """
    if not ids or not weeks:
        return {}
    reported = defaultdict(list)
    for row in (
        WeekRollup.objects.filter(
            client_id__in=ids, week_start__gte=weeks[0], week_start__lte=weeks[-1], known_days__gt=0
        )
        .order_by("client_id", "week_start")
        .values("client_id", "week_start", *SUM_FIELDS)
        .iterator(chunk_size=2000)
    ):
        reported[row["client_id"]].append(sums_from_row(row))
    facts = {}
    for pk, sums in reported.items():
        if len(sums) < 2 * BASELINE_WEEKS:
            continue
        before = sum(sums[:BASELINE_WEEKS], OutcomeSums())
        after = sum(sums[-BASELINE_WEEKS:], OutcomeSums())
        level_b = outcomes_from_sums(before, thresholds=thresholds[pk]).who_risk_level
        level_a = outcomes_from_sums(after, thresholds=thresholds[pk]).who_risk_level
        if level_b is None or level_a is None or level_b == WhoLevel.ABSTINENT:
            continue
        facts[pk] = 1 if (who_level_change(level_b, level_a) or 0) < 0 else 0
    return facts


def _measure_facts(organization, ids, instrument_id, first, last) -> dict:
    """person -> 1 for reliable improvement first to last score in the period, else 0."""
    instrument = instruments.get(instrument_id)
    norms = MeasureNorm.objects.norms_for(organization, instrument)
    if norms is None:
        return {}
    start, end = _moments(organization, first, last)
    scores = defaultdict(list)
    for client_id, total in (
        Administration.objects.current()
        .filter(
            client_id__in=ids,
            instrument_id=instrument_id,
            administered_at__gte=start,
            administered_at__lt=end,
            total__isnull=False,
        )
        .order_by("administered_at", "id")
        .values_list("client_id", "total")
    ):
        scores[client_id].append(total)
    facts = {}
    for pk, totals in scores.items():
        if len(totals) < 2:
            continue
        change = classify(
            totals[0],
            totals[-1],
            sd=norms.sd,
            reliability=norms.reliability,
            direction=instrument.direction,
        )
        facts[pk] = 1 if change.outcome == IMPROVEMENT else 0
    return facts


def _moments(organization, first, last):
    """The period's first and day-after-last midnights in the clinic's time zone."""
    zone = organization.zone
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), tzinfo=zone)
    return start, end


def program_report(organization, *, first: datetime.date, last: datetime.date, progress=None):
    """The suppressed report for one organization and period.

    `progress(done, of)` is called as the steps finish (the worker's progress bar).
    """
    step = progress or (lambda done, of: None)
    steps = 6
    programs: dict[str, dict] = defaultdict(dict)  # program -> person -> (admitted, discharged)
    overall: dict[int, tuple] = {}
    for client_id, program, admitted, discharged in _episodes(organization, first, last).iterator():
        label = program.strip() or "Unnamed program"
        programs[label].setdefault(client_id, (admitted, discharged))
        overall.setdefault(client_id, (admitted, discharged))
    step(1, steps)
    ids = set(overall)
    thresholds = dict(
        Client.objects.filter(pk__in=ids).values_list("pk", "drinking_thresholds").iterator()
    )
    weeks = _mondays(first, last)
    facts = {"who": _who_facts(ids, thresholds, weeks)}
    step(2, steps)
    for key, instrument_id in MEASURES:
        facts[key] = _measure_facts(organization, ids, instrument_id, first, last)
    step(4, steps)
    plan = sums_by_client(ids, weeks[0], weeks[-1], with_substances=False) if ids else {}
    facts["plan"] = {pk: (s.plan_days, s.within_plan_days) for pk, s in plan.items()}
    step(5, steps)
    counts = {
        label: _people_counts(people, set(people), facts, last)
        for label, people in sorted(programs.items())
    }
    total_counts = _people_counts(overall, ids, facts, last)
    shown_rows, shown_total = suppress_table(counts, total_counts, columns=COLUMNS, pairs=PAIRS)
    suppressed = sum(
        1 for row in [*shown_rows.values(), shown_total] for value in row.values() if value is None
    )

    def row(label, cells, people):
        percent = _plan_percent(people, facts) if cells["plan_people"] else None
        return ProgramRow(label=label, cells=cells, plan_percent=percent)

    report = ProgramReport(
        organization=organization.name,
        first=first,
        last=last,
        rows=[row(label, shown_rows[label], set(programs[label])) for label in counts],
        total=row(ALL_PROGRAMS, shown_total, ids),
        suppressed_cells=suppressed,
    )
    step(6, steps)
    return report


CSV_HEADER = ["program", *COLUMNS, "plan_percent"]


def csv_rows(report: ProgramReport):
    """The report as CSV rows (a generator): suppressed cells are the text "suppressed"."""
    yield CSV_HEADER
    for row in report.all_rows:
        yield [
            row.label,
            *("suppressed" if row.cells[c] is None else row.cells[c] for c in COLUMNS),
            "" if row.plan_percent is None else f"{row.plan_percent:.1f}",
        ]
