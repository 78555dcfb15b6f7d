"""The two safety plans' sections and fixed guidance, from one reviewed data file.

`data/safety_plans.json` holds, for each plan kind, its sections (what the person writes, as
short items; which are required for a complete plan) and the guidance printed with it (what to
do in an overdose, tolerance after a break), each with its source. Crisis and spotting-line
numbers come from the project's crisis-line data (`waypoint/clinics/helplines.py`), never from
here. See docs/safety-plans.md.

`translations.<language>` in the same file gives the words a person reads (titles, intro,
section titles and prompts, guidance) in another language, by plan and key; keys, which
sections are required and the sources stay the file's own. `guide(kind)` answers in the active
language (a Spanish-speaking client's portal page and PDF); staff pages are always English
(`StaffInEnglishMiddleware`), and record exports ask for English (`language="en"`).
"""

import dataclasses
import functools
import json
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation

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


def _translated(plan: PlanGuide, words: dict) -> PlanGuide:
    """The plan with its reader's words replaced by `words` (one plan of one translation)."""
    sections, guidance = words.get("sections", {}), words.get("guidance", {})
    if set(sections) != set(plan.section_keys):
        raise ValueError(f"{plan.kind}: a translation must give every section, and only those")
    if set(guidance) != {g.key for g in plan.guidance}:
        raise ValueError(f"{plan.kind}: a translation must give every guidance block")
    for block in plan.guidance:
        if len(guidance[block.key]["items"]) != len(block.items):
            raise ValueError(f"{plan.kind}/{block.key}: a translation must keep every item")
    return dataclasses.replace(
        plan,
        title=words["title"],
        intro=words["intro"],
        sections=tuple(
            dataclasses.replace(s, title=sections[s.key]["title"], prompt=sections[s.key]["prompt"])
            for s in plan.sections
        ),
        guidance=tuple(
            dataclasses.replace(
                g, title=guidance[g.key]["title"], items=tuple(guidance[g.key]["items"])
            )
            for g in plan.guidance
        ),
    )


def parse_translations(data: dict, originals: dict[str, PlanGuide]) -> dict:
    """{language: {kind: PlanGuide}} from the file's `translations` (every plan in each)."""
    languages = {}
    for language, plans in data.get("translations", {}).items():
        if set(plans) != set(originals):
            raise ValueError(f"translation {language!r}: give every plan, and only those")
        languages[language] = {
            kind: _translated(originals[kind], plans[kind]) for kind in originals
        }
    return languages


@functools.cache
def _load() -> tuple[dict[str, PlanGuide], dict]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    originals = _parse(data)
    return originals, parse_translations(data, originals)


def guides(language: str | None = None) -> dict[str, PlanGuide]:
    """Every plan's guide in `language` (default: the active one), else in English."""
    originals, translated = _load()
    code = (language or translation.get_language() or "en").split("-")[0]
    return translated.get(code, originals)


def guide(kind: str, language: str | None = None) -> PlanGuide:
    return guides(language)[kind]


def languages() -> tuple[str, ...]:
    """The languages the data file is written in: English and its translations."""
    return ("en", *_load()[1])


def lines_for(organization, kind: str):
    """(country entry or None, the verified lines this plan prints) for the organization."""
    country = helplines.for_organization(organization)
    if country is None:
        return None, []
    wanted = guide(kind).line_kinds()
    return country, [line for line in country.shown if line.kind in wanted]
