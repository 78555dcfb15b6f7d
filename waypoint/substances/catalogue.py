"""The substance catalogue and the pairwise combination-risk table (issue #11).

Both are reviewed data files in `data/` written by the project from primary sources (FDA labels
and drug safety communications, peer-reviewed papers; domain.md §5). TripSit's chart has no
redistribution licence and is not used. Lookups never guess: a name that is not an alias of
exactly one entry is unknown, and a pair that is not in the table has no data, which the
callers must say is not the same as safe.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext_noop

DATA = Path(__file__).resolve().parent / "data"
LEVELS = (
    "dangerous",
    "unsafe",
    "caution",
    "low-risk-synergy",
    "low-risk-no-synergy",
    "low-risk-decrease",
)
# Levels that raise a care-team alert when a diary day shows the pair.
ALERT_LEVELS = ("dangerous", "unsafe")
LEVEL_LABELS = {
    "dangerous": gettext_noop("Dangerous"),
    "unsafe": gettext_noop("Unsafe"),
    "caution": gettext_noop("Caution"),
    "low-risk-synergy": gettext_noop("Low risk, effects add up"),
    "low-risk-no-synergy": gettext_noop("Low risk, no known added effect"),
    "low-risk-decrease": gettext_noop("Low risk, one weakens the other"),
}
# Marked for translation but kept in English here: alert titles and the CLI store or print them;
# the public page translates them as it renders (substances/views.py).
NO_DATA = gettext_noop("No data for this combination. That is not the same as safe.")


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Substance:
    id: str
    name: str
    drug_class: str
    aliases: tuple[str, ...]
    diary_substance: str
    medication: bool
    summary: str
    overdose_signs: str
    safer_use: tuple[str, ...]
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Combination:
    a: Substance
    b: Substance
    risk: str
    reason: str
    sources: tuple[Source, ...]

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.risk]

    @property
    def raises_alert(self) -> bool:
        return self.risk in ALERT_LEVELS

    def as_json(self, a_name: str | None = None, b_name: str | None = None) -> dict:
        """The CLI's and the page's shape: {"a", "b", "risk", "reason", "sources": [...]}."""
        return {
            "a": self.a.name,
            "b": self.b.name,
            "risk": self.risk,
            "reason": self.reason,
            "sources": [{"title": s.title, "url": s.url} for s in self.sources],
        }


class UnknownSubstance(LookupError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(f"{name!r} is not a substance Waypoint knows.")


def _sources(raw) -> tuple[Source, ...]:
    return tuple(Source(s["title"], s["url"]) for s in raw)


@functools.cache
def substances() -> dict[str, Substance]:
    raw = json.loads((DATA / "substances.json").read_text())
    return {
        entry["id"]: Substance(
            id=entry["id"],
            name=entry["name"],
            drug_class=entry["class"],
            aliases=tuple(entry["aliases"]),
            diary_substance=entry["diary_substance"],
            medication=entry["medication"],
            summary=entry["summary"],
            overdose_signs=entry["overdose_signs"],
            safer_use=tuple(entry["safer_use"]),
            sources=_sources(entry["sources"]),
        )
        for entry in raw["substances"]
    }


@functools.cache
def _aliases() -> dict[str, str]:
    table = {}
    for substance in substances().values():
        for alias in (substance.id, substance.name.lower(), *substance.aliases):
            table.setdefault(_normal(alias), set()).add(substance.id)
    return {alias: ids.pop() for alias, ids in table.items() if len(ids) == 1}


@functools.cache
def _pairs() -> dict[frozenset, Combination]:
    raw = json.loads((DATA / "combinations.json").read_text())
    known = substances()
    table = {}
    for pair in raw["pairs"]:
        a, b = known[pair["a"]], known[pair["b"]]
        table[frozenset((a.id, b.id))] = Combination(
            a=a, b=b, risk=pair["risk"], reason=pair["reason"], sources=_sources(pair["sources"])
        )
    return table


def _normal(name: str) -> str:
    return " ".join(name.lower().replace("-", " ").replace("_", " ").split())


def resolve(name: str) -> Substance:
    """The one entry a name, alias or street name stands for ("xanax" -> benzodiazepines)."""
    found = _aliases().get(_normal(name or ""))
    if found is None:
        raise UnknownSubstance(name)
    return substances()[found]


def combination(a: str | Substance, b: str | Substance) -> Combination | None:
    """The table's entry for a pair, in either order; None when there is no data."""
    first = a if isinstance(a, Substance) else resolve(a)
    second = b if isinstance(b, Substance) else resolve(b)
    found = _pairs().get(frozenset((first.id, second.id)))
    if found is None:
        return None
    if found.a.id != first.id:  # as asked, so "b, a" reads back as asked
        return Combination(first, second, found.risk, found.reason, found.sources)
    return found


def all_pairs() -> list[Combination]:
    return list(_pairs().values())


def for_diary_substance(code: str) -> list[Substance]:
    """Catalogue entries a diary substance code stands for (the class entry, not medications)."""
    return [s for s in substances().values() if s.diary_substance == code and not s.medication]
