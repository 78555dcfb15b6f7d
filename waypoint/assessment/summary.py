"""The one-page drug, set and setting summary of a chart (issue #11).

Per substance, the *current* version of each tool — the latest drug, set and setting
assessment, stage of change and decisional balance — with its date and who recorded it, and the
person's latest priorities. Earlier versions stay in the chart; the summary is what is true "as
of" its newest entry. Four queries whatever the number of versions.
"""

import datetime
from dataclasses import dataclass, field

from waypoint.assessment.models import (
    CELLS,
    DecisionalBalance,
    DrugSetSetting,
    NeedsPriorities,
    StageOfChange,
)
from waypoint.goals.models import Substance

# One page (8 pt, two columns, Letter: the shorter of Letter and A4) holds about PAGE_CHARS
# characters; the headings, labels and dates take about PER_SUBSTANCE for each substance, and
# each substance has nine free-text entries. Measured with WeasyPrint; the test fills four
# substances to the brim and expects one page. MIN_TEXT and MAX_TEXT bound one entry.
PAGE_CHARS = 3700
PER_SUBSTANCE = 450
TEXT_ENTRIES = 9
MAX_TEXT = 400
MIN_TEXT = 30


@dataclass
class SubstanceSummary:
    substance: str
    label: str
    dss: DrugSetSetting | None = None
    stage: StageOfChange | None = None
    balance: DecisionalBalance | None = None

    @property
    def balance_cells(self) -> list[tuple[str, str]]:
        """(cell heading, text) for the four cells of the current decisional balance."""
        if self.balance is None:
            return []
        return [
            (DecisionalBalance._meta.get_field(cell).verbose_name, getattr(self.balance, cell))
            for cell in CELLS
        ]


@dataclass
class Summary:
    substances: list[SubstanceSummary] = field(default_factory=list)
    priorities: NeedsPriorities | None = None

    @property
    def rows(self) -> list:
        rows = [
            row for s in self.substances for row in (s.dss, s.stage, s.balance) if row is not None
        ]
        return rows + ([self.priorities] if self.priorities else [])

    @property
    def as_of(self) -> datetime.date | None:
        """The date of the newest entry the summary shows."""
        return max((row.noted_on for row in self.rows), default=None)

    @property
    def recorded_by(self) -> list[str]:
        """Who recorded the entries shown, each once, newest entry first."""
        names = []
        for row in sorted(self.rows, key=lambda r: (r.noted_on, r.created_at), reverse=True):
            name = row.recorded_by.display_name if row.recorded_by else "—"
            if name not in names:
                names.append(name)
        return names

    @property
    def text_limit(self) -> int:
        """How many characters of each free-text entry fit: the page is shared by every
        substance shown (nine text entries each), so the more substances, the shorter each."""
        n = max(1, len(self.substances))
        fits = (PAGE_CHARS - PER_SUBSTANCE * n) // (TEXT_ENTRIES * n)
        return max(MIN_TEXT, min(MAX_TEXT, fits))

    @property
    def substance_codes(self) -> list[str]:
        return [s.substance for s in self.substances]

    def __bool__(self) -> bool:
        return bool(self.rows)


def summary_for(client) -> Summary:
    """The current version of each assessment tool per substance, and the latest priorities."""
    latest = {
        name: model.objects.filter(client=client)
        .select_related("recorded_by")
        .latest_per_substance()
        for name, model in (
            ("dss", DrugSetSetting),
            ("stage", StageOfChange),
            ("balance", DecisionalBalance),
        )
    }
    substances = sorted({substance for rows in latest.values() for _, substance in rows})
    return Summary(
        substances=[
            SubstanceSummary(
                substance=substance,
                label=Substance(substance).label,
                **{name: rows.get((client.pk, substance)) for name, rows in latest.items()},
            )
            for substance in substances
        ],
        priorities=NeedsPriorities.objects.filter(client=client)
        .select_related("recorded_by")
        .first(),
    )
