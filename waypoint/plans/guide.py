"""The two safety plans' sections and fixed guidance, from one reviewed data file.

`data/safety_plans.json` holds, for each plan kind, its sections (what the person writes, as
short items; which are required for a complete plan) and the guidance printed with it (what to
do in an overdose, tolerance after a break), each with its source. Crisis and spotting-line
numbers come from the project's crisis-line data (`waypoint/clinics/helplines.py`), never from
here. See docs/safety-plans.md.
"""

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from waypoint.clinics import helplines

DATA_FILE = Path(__file__).resolve().parent / "data" / "safety_plans.json"
MAX_ITEMS = 12  # per section: a plan read in a crisis stays short
MAX_ITEM_LENGTH = 200


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    prompt: str
    required: bool
    source: str


@dataclass(frozen=True)
class Guidance:
    key: str
    title: str
    items: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class PlanGuide:
    kind: str
    title: str
    intro: str
    sources: tuple[str, ...]
    sections: tuple[Section, ...]
    guidance: tuple[Guidance, ...]

    @property
    def section_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)

    @property
    def required_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections if s.required)

    def line_kinds(self) -> set[str]:
        """Which kinds of line from the crisis-line data the plan prints."""
        return {"overdose", "crisis"} if self.kind == "overdose" else {"crisis"}


def _parse(data: dict) -> dict[str, PlanGuide]:
    guides = {}
    for kind, plan in data["plans"].items():
        sections = tuple(
            Section(
                key=s["key"],
                title=s["title"],
                prompt=s["prompt"],
                required=bool(s["required"]),
                source=s["source"],
            )
            for s in plan["sections"]
        )
        if len({s.key for s in sections}) != len(sections):
            raise ValueError(f"{kind}: section keys repeat")
        if any(not s.source for s in sections):
            raise ValueError(f"{kind}: every section needs a source")
        guidance = tuple(
            Guidance(key=g["key"], title=g["title"], items=tuple(g["items"]), source=g["source"])
            for g in plan["guidance"]
        )
        if any(not g.source for g in guidance):
            raise ValueError(f"{kind}: every guidance block needs a source")
        guides[kind] = PlanGuide(
            kind=kind,
            title=plan["title"],
            intro=plan["intro"],
            sources=tuple(plan["sources"]),
            sections=sections,
            guidance=guidance,
        )
    return guides


@functools.cache
def guides() -> dict[str, PlanGuide]:
    return _parse(json.loads(DATA_FILE.read_text(encoding="utf-8")))


def guide(kind: str) -> PlanGuide:
    return guides()[kind]


def lines_for(organization, kind: str):
    """(country entry or None, the verified lines this plan prints) for the organization."""
    country = helplines.for_organization(organization)
    if country is None:
        return None, []
    wanted = guide(kind).line_kinds()
    return country, [line for line in country.shown if line.kind in wanted]
