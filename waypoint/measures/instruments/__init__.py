"""The instrument library: one reviewed JSON data file per instrument, loaded and validated here.

Adding an instrument needs no code change: drop `<id>.json` into this directory (the format is
described in docs/measures.md). Every file is checked when it is loaded: options and their scores,
reverse-scored items, that the declared score range matches the items, that bands and norms
cover the range without gaps or overlaps, that flags and subscales name real items, and LOINC
check digits. A file that fails a check raises `InstrumentFileError` naming the file and the
problem, so a typo never reaches a clinician.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

INSTRUMENT_DIR = Path(__file__).resolve().parent
THRESHOLD_SETS = ("female", "male")
SEVERITIES = ("urgent", "warning", "info")
DIRECTIONS = ("higher_is_worse", "higher_is_better", None)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,38}$")
_LOINC = re.compile(r"^(\d{1,7})-(\d)$")
_LOINC_ANSWER = re.compile(r"^LA\d{1,6}-\d$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
ORIGINAL_LANGUAGE = "en"  # every file is written in English; translations sit beside it


class InstrumentFileError(ValueError):
    """An instrument data file that is malformed or inconsistent."""


class UnknownInstrument(LookupError):
    def __init__(self, wanted: str, known: list[str]):
        self.wanted = wanted
        self.known = known
        super().__init__(f"unknown instrument {wanted!r} (known: {', '.join(known)})")


@dataclass(frozen=True)
class Option:
    label: str
    score: int | None
    loinc: str | None = None


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    options: tuple[Option, ...]
    scored: bool = True
    required: bool = True
    reverse_scored: bool = False
    loinc: str | None = None

    @property
    def scores(self) -> tuple[int | None, ...]:
        return tuple(option.score for option in self.options)


@dataclass(frozen=True)
class Band:
    key: str
    min: int
    max: int
    label: str
    description: str = ""
    # The suggested response for this band, offered in the project's voice (AUDIT zones).
    response: str = ""

    def contains(self, value: int) -> bool:
        return self.min <= value <= self.max


@dataclass(frozen=True)
class Subscale:
    key: str
    label: str
    items: tuple[str, ...]
    range: tuple[int, int]
    norms: tuple[Band, ...] = ()

    def norm_for(self, value: int | None) -> str:
        if value is None:
            return ""
        return next((band.label for band in self.norms if band.contains(value)), "")


@dataclass(frozen=True)
class Flag:
    id: str
    label: str
    # Raised when ANY (item id, minimum score) pair holds.
    conditions: tuple[tuple[str, int], ...]
    unless_band: str = ""
    alert: dict | None = None
    crisis_lines: bool = False
    source: str = ""
    # A safety item (declared under `safety_items`): acted on as soon as its item is answered,
    # even while other items are missing.
    safety: bool = False


@dataclass(frozen=True)
class MissingRule:
    rule: str = "refuse"  # or "prorate"
    max_missing: int = 0
    note: str = ""
    source: str = ""


@dataclass(frozen=True)
class ReliableChangeParams:
    sd: float
    reliability: float
    sd_source: str
    reliability_source: str
    # The sample the SD comes from, named on the chart ("NHS Talking Therapies intake sample").
    sample: str = ""
    note: str = ""


@dataclass(frozen=True)
class WordingChange:
    item: str
    original: str
    adapted: str
    reason: str
    number: int = 0  # the item's position, 1-based


@dataclass(frozen=True)
class Adaptation:
    """Our version differs in wording from the cited original: label it and list each change."""

    label: str
    original: str
    source: str
    changes: tuple[WordingChange, ...]


@dataclass(frozen=True)
class ThresholdChange:
    name: str
    reliable_change: int
    source: str


@dataclass(frozen=True)
class Wording:
    """The words a person reads, in one language: the instructions, each item's text and its
    option labels, in the instrument's order. Scores never change with the language."""

    language: str
    instructions: str
    texts: tuple[str, ...]
    option_labels: tuple[tuple[str, ...], ...]
    source: str = ""  # the published translation, cited; empty for the original


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    name: str
    short_name: str
    citation: str
    licence: str
    items: tuple[Item, ...]
    has_total: bool
    range: tuple[int, int] | None
    missing: MissingRule
    # Keyed by thresholds ("female"/"male"), or by None when one set applies to everyone.
    bands: dict = field(default_factory=dict)
    subscales: tuple[Subscale, ...] = ()
    flags: tuple[Flag, ...] = ()
    key_items: dict = field(default_factory=dict)
    reliable_change: ReliableChangeParams | None = None
    reliable_change_unavailable: str = ""
    threshold_change: ThresholdChange | None = None
    direction: str | None = None
    target: dict | None = None
    measures: str = ""
    instructions: str = ""
    source_url: str = ""
    wording_note: str = ""
    adaptation: Adaptation | None = None
    bands_source: str = ""
    norms_source: str = ""
    loinc_panel: str | None = None
    loinc_total: str | None = None
    path: str = ""
    # Published translations by language code ("es"), each cited (docs/measures.md).
    translations: dict = field(default_factory=dict)

    def __str__(self):
        return self.short_name

    def wording(self, language: str | None = None) -> Wording:
        """The wording for `language` ("es", "es-mx"): its published translation when the file
        has one, else the original. The options keep their order, so scores are the same."""
        code = (language or "").lower().split("-")[0]
        if code in self.translations:
            return self.translations[code]
        return Wording(
            language=ORIGINAL_LANGUAGE,
            instructions=self.instructions,
            texts=tuple(item.text for item in self.items),
            option_labels=tuple(tuple(o.label for o in item.options) for item in self.items),
        )

    @property
    def sex_specific(self) -> bool:
        return None not in self.bands and bool(self.bands)

    @property
    def min_answers(self) -> int:
        """Answers may leave off trailing optional items (e.g. PHQ-9's difficulty question)."""
        count = len(self.items)
        while count and not self.items[count - 1].required:
            count -= 1
        return count

    @property
    def safety_items(self) -> tuple[Flag, ...]:
        return tuple(flag for flag in self.flags if flag.safety)

    def item_index(self, item_id: str) -> int:
        for index, item in enumerate(self.items):
            if item.id == item_id:
                return index
        raise KeyError(item_id)

    def bands_for(self, thresholds: str | None) -> tuple[Band, ...]:
        if not self.bands:
            return ()
        if None in self.bands:
            return self.bands[None]
        return self.bands.get(thresholds, ())

    def all_band_sets(self) -> dict:
        return self.bands

    def as_json(self) -> dict:
        """The public description used by `waypoint instruments show ID --json`."""
        bands = {
            (key or "all"): [
                {
                    "key": b.key,
                    "min": b.min,
                    "max": b.max,
                    "label": b.label,
                    "response": b.response or None,
                }
                for b in band_list
            ]
            for key, band_list in self.bands.items()
        }
        return {
            "id": self.id,
            "version": self.version,
            "name": self.name,
            "short_name": self.short_name,
            "instructions": self.instructions,
            "items": [
                {
                    "id": item.id,
                    "text": item.text,
                    "scored": item.scored,
                    "required": item.required,
                    "reverse_scored": item.reverse_scored,
                    "options": [{"label": o.label, "score": o.score} for o in item.options],
                }
                for item in self.items
            ],
            "total": {"range": list(self.range)} if self.has_total else None,
            "subscales": [
                {"key": s.key, "label": s.label, "items": list(s.items), "range": list(s.range)}
                for s in self.subscales
            ],
            "bands": bands or None,
            "thresholds_differ": self.sex_specific,
            "missing_items": {"rule": self.missing.rule, "max_missing": self.missing.max_missing},
            "flags": [{"id": f.id, "label": f.label} for f in self.flags],
            "safety_items": [
                {
                    "id": f.id,
                    "item": f.conditions[0][0],
                    "min_score": f.conditions[0][1],
                    "label": f.label,
                    "alert": f.alert,
                    "crisis_lines": f.crisis_lines,
                }
                for f in self.safety_items
            ],
            "loinc": {"panel": self.loinc_panel, "total": self.loinc_total},
            "citation": self.citation,
            "licence": self.licence,
            "wording_note": self.wording_note,
            "adaptation": (
                {
                    "label": self.adaptation.label,
                    "original": self.adaptation.original,
                    "source": self.adaptation.source,
                    "changes": [
                        {"item": c.item, "original": c.original, "adapted": c.adapted}
                        for c in self.adaptation.changes
                    ],
                }
                if self.adaptation
                else None
            ),
        }


def loinc_check_digit_ok(code: str) -> bool:
    """LOINC codes end in a mod-10 check digit (the Luhn algorithm over the number part)."""
    match = _LOINC.match(code)
    if not match:
        return False
    digits = [int(d) for d in reversed(match.group(1))]
    total = 0
    for position, digit in enumerate(digits):
        if position % 2 == 0:  # 1st, 3rd, 5th... from the right are doubled
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return (10 - total % 10) % 10 == int(match.group(2))


class _Checker:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, message: str):
        raise InstrumentFileError(f"{self.path.name}: {message}")

    def require(self, data: dict, key: str, kind=str, where: str = ""):
        if not isinstance(data, dict):
            self.fail(f"{where.rstrip(': ') or 'this part'} must be a JSON object")
        if key not in data:
            self.fail(f"{where}missing {key!r}")
        value = data[key]
        if not isinstance(value, kind) or (kind is str and not value.strip()):
            self.fail(f"{where}{key!r} must be a non-empty {getattr(kind, '__name__', kind)}")
        return value

    def loinc(self, code, where: str, *, answer=False):
        if code is None:
            return None
        if answer:
            if not isinstance(code, str) or not _LOINC_ANSWER.match(code):
                self.fail(f"{where}: {code!r} is not a LOINC answer code (LA...-n)")
            return code
        if not isinstance(code, str) or not loinc_check_digit_ok(code):
            self.fail(f"{where}: {code!r} is not a LOINC code with a valid check digit")
        return code

    def bands(self, raw, low: int, high: int, where: str) -> tuple[Band, ...]:
        if not isinstance(raw, list) or not raw:
            self.fail(f"{where} must be a non-empty list")
        bands = []
        expected = low
        keys = set()
        for entry in raw:
            key = self.require(entry, "key", str, f"{where}: ")
            if key in keys:
                self.fail(f"{where}: band key {key!r} is repeated")
            keys.add(key)
            lo = self.require(entry, "min", int, f"{where} {key}: ")
            hi = self.require(entry, "max", int, f"{where} {key}: ")
            if lo != expected:
                self.fail(
                    f"{where}: band {key!r} starts at {lo}, expected {expected} (gap/overlap)"
                )
            if hi < lo:
                self.fail(f"{where}: band {key!r} ends before it starts")
            expected = hi + 1
            bands.append(
                Band(
                    key=key,
                    min=lo,
                    max=hi,
                    label=self.require(entry, "label", str, f"{where} {key}: "),
                    description=entry.get("description", ""),
                    response=entry.get("response", ""),
                )
            )
        if expected - 1 != high:
            self.fail(f"{where}: bands end at {expected - 1}, but the score range ends at {high}")
        return tuple(bands)


def _options(checker: _Checker, raw, sets: dict, where: str) -> tuple[Option, ...]:
    if isinstance(raw, str):
        if raw not in sets:
            checker.fail(f"{where}: unknown response set {raw!r}")
        raw = sets[raw]
    if not isinstance(raw, list) or len(raw) < 2:
        checker.fail(f"{where}: needs a list of at least two options")
    options = []
    labels = set()
    for entry in raw:
        label = checker.require(entry, "label", str, f"{where}: ")
        if label in labels:
            checker.fail(f"{where}: option label {label!r} is repeated")
        labels.add(label)
        if "score" not in entry:
            checker.fail(f"{where}: option {label!r} has no score (use null for unscored)")
        score = entry["score"]
        if score is not None and (not isinstance(score, int) or isinstance(score, bool)):
            checker.fail(f"{where}: option {label!r} score must be a whole number or null")
        options.append(Option(label, score, checker.loinc(entry.get("loinc"), where, answer=True)))
    return tuple(options)


def parse_instrument(data: dict, path: Path) -> Instrument:
    """Build and validate an Instrument from a decoded data file.

    Any structure of the wrong JSON type (a string where an object belongs, a list where a
    mapping belongs) is refused as an InstrumentFileError naming the file, never a crash.
    """
    try:
        return _parse_instrument(data, path)
    except InstrumentFileError:
        raise
    except (TypeError, AttributeError, KeyError, IndexError, ValueError) as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise InstrumentFileError(
            f"{path.name}: a part of the file has the wrong shape ({type(exc).__name__}: {detail})"
        ) from exc


def _parse_instrument(data: dict, path: Path) -> Instrument:
    """One function per section of the file; each checks its section and returns its part."""
    checker = _Checker(path)
    instrument_id = _parse_header(checker, data, path)
    items = _parse_items(checker, data)
    by_id = {item.id: item for item in items}
    has_total, total_range, missing = _parse_scoring(checker, data, items)
    subscales = _parse_subscales(checker, data, by_id)
    if not has_total and not subscales:
        checker.fail("an instrument without a total needs subscales")
    bands = _parse_bands(checker, data, has_total, total_range)
    band_keys = {b.key for band_list in bands.values() for b in band_list}
    flags = _parse_flags(checker, data, by_id, band_keys)
    safety = _parse_safety_items(checker, data, by_id, {f.id for f in flags})
    key_items = _parse_key_items(checker, data, by_id)
    reliable, unavailable = _parse_reliable_change(checker, data, has_total)
    threshold = _parse_threshold_change(checker, data)
    direction = _parse_direction(checker, data, has_reliable_change=bool(reliable or threshold))
    adaptation = _parse_adaptation(checker, data, by_id)
    translations = _parse_translations(checker, data, items)

    loinc = data.get("loinc") or {}
    return Instrument(
        id=instrument_id,
        version=str(data["version"]),
        name=data["name"],
        short_name=data["short_name"],
        citation=data["citation"],
        licence=data["licence"],
        items=items,
        has_total=has_total,
        range=total_range,
        missing=missing,
        bands=bands,
        subscales=subscales,
        flags=flags + safety,
        key_items=key_items,
        reliable_change=reliable,
        reliable_change_unavailable=unavailable,
        threshold_change=threshold,
        direction=direction,
        target=data.get("target"),
        measures=data.get("measures", ""),
        instructions=data.get("instructions", ""),
        source_url=data.get("source_url", ""),
        wording_note=data.get("wording_note", ""),
        adaptation=adaptation,
        bands_source=data.get("bands_source", ""),
        norms_source=data.get("norms_source", ""),
        loinc_panel=checker.loinc(loinc.get("panel"), "loinc.panel"),
        loinc_total=checker.loinc(loinc.get("total"), "loinc.total"),
        path=str(path),
        translations=translations,
    )


def _parse_header(checker: _Checker, data, path: Path) -> str:
    if not isinstance(data, dict):
        checker.fail("must hold one JSON object")
    instrument_id = checker.require(data, "id")
    if not _ID.match(instrument_id):
        checker.fail(f"id {instrument_id!r} must be lowercase letters, digits and hyphens")
    if path.suffix == ".json" and path.stem != instrument_id:
        checker.fail(f"file name must be {instrument_id}.json")
    for key in ("version", "name", "short_name", "citation", "licence"):
        checker.require(data, key)
    return instrument_id


def _parse_items(checker: _Checker, data: dict) -> tuple[Item, ...]:
    sets = data.get("response_sets") or {}
    raw_items = checker.require(data, "items", list)
    items = []
    seen = set()
    for number, entry in enumerate(raw_items, 1):
        where = f"item {number}"
        item_id = checker.require(entry, "id", str, f"{where}: ")
        if item_id in seen:
            checker.fail(f"item id {item_id!r} is repeated")
        seen.add(item_id)
        options = _options(checker, entry.get("options"), sets, f"{where} ({item_id})")
        scored = entry.get("scored", True)
        required = entry.get("required", True)
        reverse = entry.get("reverse_scored", False)
        if scored and any(o.score is None for o in options):
            checker.fail(f"{where} ({item_id}): a scored item needs a score on every option")
        if not scored and reverse:
            checker.fail(f"{where} ({item_id}): an unscored item cannot be reverse-scored")
        if reverse:
            # Reverse scoring mirrors each option's score within the item's own range, so
            # a response set can be shared (DAST-10 item 3: "No" scores 1, "Yes" scores 0).
            low = min(o.score for o in options)
            high = max(o.score for o in options)
            options = tuple(Option(o.label, high + low - o.score, o.loinc) for o in options)
        items.append(
            Item(
                id=item_id,
                text=checker.require(entry, "text", str, f"{where}: "),
                options=options,
                scored=bool(scored),
                required=bool(required),
                reverse_scored=bool(reverse),
                loinc=checker.loinc(entry.get("loinc"), f"{where} loinc"),
            )
        )
    return tuple(items)


def _score_range(by_id: dict, item_ids) -> tuple[int, int]:
    chosen = [by_id[i] for i in item_ids]
    return (
        sum(min(o.score for o in it.options) for it in chosen),
        sum(max(o.score for o in it.options) for it in chosen),
    )


def _parse_scoring(checker: _Checker, data: dict, items) -> tuple:
    """(has_total, total range or None, missing-item rule)."""
    by_id = {item.id: item for item in items}
    scoring = checker.require(data, "scoring", dict)
    has_total = scoring.get("total")
    if not isinstance(has_total, bool):
        checker.fail("scoring.total must be true or false")
    scored_ids = [item.id for item in items if item.scored]
    if not scored_ids:
        checker.fail("no scored items")
    total_range = None
    if has_total:
        declared = scoring.get("range")
        total_range = _score_range(by_id, scored_ids)
        if declared is None or tuple(declared) != total_range:
            checker.fail(
                f"scoring.range {declared} does not match the items' possible range "
                f"{list(total_range)}"
            )
    return has_total, total_range, _parse_missing(checker, scoring)


def _parse_missing(checker: _Checker, scoring: dict) -> MissingRule:
    raw_missing = scoring.get("missing") or {"rule": "refuse"}
    rule = raw_missing.get("rule")
    if rule not in ("refuse", "prorate"):
        checker.fail("scoring.missing.rule must be 'refuse' or 'prorate'")
    max_missing = raw_missing.get("max_missing", 0)
    if rule == "prorate":
        if not isinstance(max_missing, int) or max_missing < 1:
            checker.fail("a prorating rule needs max_missing of 1 or more")
        if not raw_missing.get("source"):
            checker.fail("a prorating rule must cite the instrument manual that gives it (source)")
    return MissingRule(
        rule=rule,
        max_missing=max_missing if rule == "prorate" else 0,
        note=raw_missing.get("note", ""),
        source=raw_missing.get("source", ""),
    )


def _parse_subscales(checker: _Checker, data: dict, by_id: dict) -> tuple[Subscale, ...]:
    subscales = []
    for entry in data.get("subscales") or []:
        key = checker.require(entry, "key", str, "subscale: ")
        sub_items = checker.require(entry, "items", list, f"subscale {key}: ")
        for item_id in sub_items:
            if item_id not in by_id or not by_id[item_id].scored:
                checker.fail(f"subscale {key}: {item_id!r} is not a scored item")
        sub_range = _score_range(by_id, sub_items)
        if tuple(entry.get("range") or ()) != sub_range:
            checker.fail(
                f"subscale {key}: range {entry.get('range')} does not match its items "
                f"{list(sub_range)}"
            )
        norms = ()
        if entry.get("norms"):
            norms = checker.bands(
                [{"key": str(i), **n} for i, n in enumerate(entry["norms"])],
                *sub_range,
                f"subscale {key} norms",
            )
        subscales.append(
            Subscale(
                key=key,
                label=checker.require(entry, "label", str, f"subscale {key}: "),
                items=tuple(sub_items),
                range=sub_range,
                norms=norms,
            )
        )
    return tuple(subscales)


def _parse_bands(checker: _Checker, data: dict, has_total: bool, total_range) -> dict:
    raw_bands = data.get("bands")
    bands: dict = {}
    if raw_bands is None:
        return bands
    if not has_total:
        checker.fail("bands need a total score")
    if isinstance(raw_bands, dict):
        if set(raw_bands) != set(THRESHOLD_SETS):
            checker.fail("sex-specific bands need exactly 'female' and 'male' sets")
        for key in THRESHOLD_SETS:
            bands[key] = checker.bands(raw_bands[key], *total_range, f"bands.{key}")
    else:
        bands[None] = checker.bands(raw_bands, *total_range, "bands")
    return bands


def _conditions(checker: _Checker, when: dict, by_id: dict, flag_id: str) -> tuple:
    conditions = []
    for clause in when.get("any", [when]):
        item_id = clause.get("item")
        if item_id not in by_id:
            checker.fail(f"flag {flag_id}: unknown item {item_id!r}")
        min_score = clause.get("min_score")
        if not isinstance(min_score, int):
            checker.fail(f"flag {flag_id}: min_score must be a whole number")
        conditions.append((item_id, min_score))
    return tuple(conditions)


def _alert(checker: _Checker, alert, flag_id: str, *, required: bool = False):
    if alert is None:
        if required:
            checker.fail(f"safety item {flag_id}: needs an alert (kind, title, severity)")
        return None
    for key in ("kind", "title"):
        checker.require(alert, key, str, f"flag {flag_id} alert: ")
    if alert.get("severity", "warning") not in SEVERITIES:
        checker.fail(f"flag {flag_id}: alert severity must be one of {SEVERITIES}")
    return alert


def _parse_flags(checker: _Checker, data: dict, by_id: dict, band_keys: set) -> tuple[Flag, ...]:
    flags = []
    for entry in data.get("flags") or []:
        flag_id = checker.require(entry, "id", str, "flag: ")
        when = checker.require(entry, "when", dict, f"flag {flag_id}: ")
        unless = entry.get("unless_band", "")
        if unless and unless not in band_keys:
            checker.fail(f"flag {flag_id}: unknown band {unless!r}")
        flags.append(
            Flag(
                id=flag_id,
                label=checker.require(entry, "label", str, f"flag {flag_id}: "),
                conditions=_conditions(checker, when, by_id, flag_id),
                unless_band=unless,
                alert=_alert(checker, entry.get("alert"), flag_id),
                crisis_lines=bool(entry.get("crisis_lines", False)),
                source=entry.get("source", ""),
            )
        )
    return tuple(flags)


def _parse_safety_items(
    checker: _Checker, data: dict, by_id: dict, flag_ids: set
) -> tuple[Flag, ...]:
    """Items whose answer at or above a threshold alerts the care team at once.

    Unlike other flags, a safety item is acted on as soon as it is answered, even while other
    items are still missing (PHQ-9 item 9). Each entry names one scored item, the lowest score
    that raises it, and the alert's wording; it is stored and shown as a flag.
    """
    raw = data.get("safety_items") or []
    if not isinstance(raw, list):
        checker.fail("safety_items must be a list")
    safety = []
    seen = set(flag_ids)
    for entry in raw:
        flag_id = checker.require(entry, "id", str, "safety item: ")
        if flag_id in seen:
            checker.fail(f"safety item {flag_id}: id is already used by a flag")
        seen.add(flag_id)
        item_id = checker.require(entry, "item", str, f"safety item {flag_id}: ")
        item = by_id.get(item_id)
        if item is None or not item.scored:
            checker.fail(f"safety item {flag_id}: {item_id!r} is not a scored item")
        min_score = entry.get("min_score")
        scores = [o.score for o in item.options]
        if (
            not isinstance(min_score, int)
            or isinstance(min_score, bool)
            or not min(scores) < min_score <= max(scores)
        ):
            checker.fail(
                f"safety item {flag_id}: min_score must be a whole number above the item's "
                f"lowest score and at most its highest ({min(scores)}-{max(scores)})"
            )
        safety.append(
            Flag(
                id=flag_id,
                label=checker.require(entry, "label", str, f"safety item {flag_id}: "),
                conditions=((item_id, min_score),),
                alert=_alert(checker, entry.get("alert"), flag_id, required=True),
                crisis_lines=bool(entry.get("crisis_lines", False)),
                source=checker.require(entry, "source", str, f"safety item {flag_id}: "),
                safety=True,
            )
        )
    return tuple(safety)


def _parse_key_items(checker: _Checker, data: dict, by_id: dict) -> dict:
    key_items = data.get("key_items") or {}
    for key, item_id in key_items.items():
        if item_id not in by_id:
            checker.fail(f"key_items.{key}: unknown item {item_id!r}")
    return dict(key_items)


def _parse_reliable_change(checker: _Checker, data: dict, has_total: bool) -> tuple:
    """(ReliableChangeParams or None, the reason none is shipped or "")."""
    raw_rc = data.get("reliable_change")
    unavailable = data.get("reliable_change_unavailable", "")
    if not isinstance(unavailable, str):
        checker.fail("reliable_change_unavailable must be a sentence saying why")
    if not raw_rc:
        return None, unavailable
    if unavailable:
        checker.fail("give reliable_change or reliable_change_unavailable, not both")
    if not has_total:
        checker.fail("reliable_change needs a total score")
    sd = raw_rc.get("sd")
    r = raw_rc.get("reliability")
    if not isinstance(sd, int | float) or isinstance(sd, bool) or sd <= 0:
        checker.fail("reliable_change.sd must be a positive number")
    if not isinstance(r, int | float) or isinstance(r, bool) or not 0 < r < 1:
        checker.fail("reliable_change.reliability must be between 0 and 1")
    params = ReliableChangeParams(
        sd=float(sd),
        reliability=float(r),
        sd_source=checker.require(raw_rc, "sd_source", str, "reliable_change: "),
        reliability_source=checker.require(raw_rc, "reliability_source", str, "reliable_change: "),
        sample=checker.require(raw_rc, "sample", str, "reliable_change: "),
        note=raw_rc.get("note", ""),
    )
    return params, ""


def _parse_threshold_change(checker: _Checker, data: dict) -> ThresholdChange | None:
    raw_tc = data.get("threshold_change")
    if not raw_tc:
        return None
    return ThresholdChange(
        name=checker.require(raw_tc, "name", str, "threshold_change: "),
        reliable_change=checker.require(raw_tc, "reliable_change", int, "threshold_change: "),
        source=checker.require(raw_tc, "source", str, "threshold_change: "),
    )


def _parse_direction(checker: _Checker, data: dict, *, has_reliable_change: bool) -> str | None:
    direction = data.get("direction")
    if direction not in DIRECTIONS:
        checker.fail(f"direction must be one of {DIRECTIONS}")
    if has_reliable_change and direction is None:
        checker.fail("reliable change needs a direction (higher_is_worse or higher_is_better)")
    return direction


def _parse_adaptation(checker: _Checker, data: dict, by_id: dict) -> Adaptation | None:
    """Where our wording differs from the cited original: what changed, why, and the source."""
    raw = data.get("adaptation")
    if raw is None:
        return None
    where = "adaptation: "
    changes = []
    for entry in checker.require(raw, "changes", list, where):
        item_id = checker.require(entry, "item", str, where)
        if item_id not in by_id:
            checker.fail(f"adaptation: unknown item {item_id!r}")
        adapted = checker.require(entry, "adapted", str, f"adaptation {item_id}: ")
        if adapted != by_id[item_id].text:
            checker.fail(f"adaptation {item_id}: 'adapted' must be the item's text as shipped")
        original = checker.require(entry, "original", str, f"adaptation {item_id}: ")
        if original == adapted:
            checker.fail(f"adaptation {item_id}: the original and adapted wording are the same")
        changes.append(
            WordingChange(
                item=item_id,
                original=original,
                adapted=adapted,
                reason=checker.require(entry, "reason", str, f"adaptation {item_id}: "),
                number=list(by_id).index(item_id) + 1,
            )
        )
    if not changes:
        checker.fail("adaptation: list at least one change")
    return Adaptation(
        label=checker.require(raw, "label", str, where),
        original=checker.require(raw, "original", str, where),
        source=checker.require(raw, "source", str, where),
        changes=tuple(changes),
    )


def _parse_translations(checker: _Checker, data: dict, items) -> dict[str, Wording]:
    """`translations`: {"es": {"source", "instructions", "items": {id: text},
    "response_sets": {name: [label, ...]}, "item_options": {id: [label, ...]}}}. Every item
    needs its text, and every option a label, in the same order as the original."""
    raw = data.get("translations")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        checker.fail("translations must map a language code to its wording")
    raw_items = {entry["id"]: entry for entry in data["items"]}
    result = {}
    for language, entry in raw.items():
        where = f"translations {language}: "
        if not isinstance(language, str) or not _LANGUAGE.match(language):
            checker.fail(f"{where}the language must be a two-letter code such as 'es'")
        if language == ORIGINAL_LANGUAGE:
            checker.fail(f"{where}the file itself is the {ORIGINAL_LANGUAGE} wording")
        if not isinstance(entry, dict):
            checker.fail(f"{where}must be an object")
        source = checker.require(entry, "source", str, where)
        texts = checker.require(entry, "items", dict, where)
        sets = entry.get("response_sets") or {}
        own = entry.get("item_options") or {}
        unknown = set(texts) - set(raw_items)
        if unknown:
            checker.fail(f"{where}unknown items {sorted(unknown)}")
        item_texts, labels = [], []
        for item in items:
            text = texts.get(item.id)
            if not isinstance(text, str) or not text.strip():
                checker.fail(f"{where}item {item.id!r} needs its translated text")
            options = raw_items[item.id].get("options")
            translated = sets.get(options) if isinstance(options, str) else own.get(item.id)
            if (
                not isinstance(translated, list)
                or len(translated) != len(item.options)
                or not all(isinstance(label, str) and label.strip() for label in translated)
            ):
                checker.fail(
                    f"{where}item {item.id!r} needs {len(item.options)} translated option labels"
                )
            item_texts.append(text)
            labels.append(tuple(translated))
        result[language] = Wording(
            language=language,
            instructions=entry.get("instructions", ""),
            texts=tuple(item_texts),
            option_labels=tuple(labels),
            source=source,
        )
    return result


def load_file(path: Path | str) -> Instrument:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InstrumentFileError(f"{path.name}: cannot be read: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise InstrumentFileError(f"{path.name}: not valid JSON: {exc}") from exc
    return parse_instrument(data, path)


def load_directory(directory: Path | str) -> dict[str, Instrument]:
    instruments = {}
    for path in sorted(Path(directory).glob("*.json")):
        instrument = load_file(path)
        instruments[instrument.id] = instrument
    return instruments


@cache
def registry() -> dict[str, Instrument]:
    return load_directory(INSTRUMENT_DIR)


def all_instruments() -> list[Instrument]:
    return sorted(registry().values(), key=lambda i: i.short_name.lower())


def _squash(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def get(instrument_id: str) -> Instrument:
    """Find an instrument by id, forgiving case and punctuation ("PHQ9" finds phq-9)."""
    instruments = registry()
    wanted = (instrument_id or "").strip().lower()
    if wanted in instruments:
        return instruments[wanted]
    for instrument in instruments.values():
        if _squash(instrument.id) == _squash(wanted) and _squash(wanted):
            return instrument
    raise UnknownInstrument(instrument_id, sorted(instruments))
