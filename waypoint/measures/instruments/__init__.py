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
    note: str = ""


@dataclass(frozen=True)
class ThresholdChange:
    name: str
    reliable_change: int
    source: str


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
    threshold_change: ThresholdChange | None = None
    direction: str | None = None
    target: dict | None = None
    measures: str = ""
    instructions: str = ""
    source_url: str = ""
    wording_note: str = ""
    bands_source: str = ""
    norms_source: str = ""
    loinc_panel: str | None = None
    loinc_total: str | None = None
    path: str = ""

    def __str__(self):
        return self.short_name

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
                {"key": b.key, "min": b.min, "max": b.max, "label": b.label} for b in band_list
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
            "loinc": {"panel": self.loinc_panel, "total": self.loinc_total},
            "citation": self.citation,
            "licence": self.licence,
            "wording_note": self.wording_note,
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
    checker = _Checker(path)
    if not isinstance(data, dict):
        checker.fail("must hold one JSON object")
    instrument_id = checker.require(data, "id")
    if not _ID.match(instrument_id):
        checker.fail(f"id {instrument_id!r} must be lowercase letters, digits and hyphens")
    if path.suffix == ".json" and path.stem != instrument_id:
        checker.fail(f"file name must be {instrument_id}.json")
    for key in ("version", "name", "short_name", "citation", "licence"):
        checker.require(data, key)

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
    by_id = {item.id: item for item in items}

    def score_range(item_ids) -> tuple[int, int]:
        chosen = [by_id[i] for i in item_ids]
        return (
            sum(min(o.score for o in it.options) for it in chosen),
            sum(max(o.score for o in it.options) for it in chosen),
        )

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
        total_range = score_range(scored_ids)
        if declared is None or tuple(declared) != total_range:
            checker.fail(
                f"scoring.range {declared} does not match the items' possible range "
                f"{list(total_range)}"
            )

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
    missing = MissingRule(
        rule=rule,
        max_missing=max_missing if rule == "prorate" else 0,
        note=raw_missing.get("note", ""),
        source=raw_missing.get("source", ""),
    )

    subscales = []
    for entry in data.get("subscales") or []:
        key = checker.require(entry, "key", str, "subscale: ")
        sub_items = checker.require(entry, "items", list, f"subscale {key}: ")
        for item_id in sub_items:
            if item_id not in by_id or not by_id[item_id].scored:
                checker.fail(f"subscale {key}: {item_id!r} is not a scored item")
        sub_range = score_range(sub_items)
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
    if not has_total and not subscales:
        checker.fail("an instrument without a total needs subscales")

    raw_bands = data.get("bands")
    bands: dict = {}
    if raw_bands is not None:
        if not has_total:
            checker.fail("bands need a total score")
        if isinstance(raw_bands, dict):
            if set(raw_bands) != set(THRESHOLD_SETS):
                checker.fail("sex-specific bands need exactly 'female' and 'male' sets")
            for key in THRESHOLD_SETS:
                bands[key] = checker.bands(raw_bands[key], *total_range, f"bands.{key}")
        else:
            bands[None] = checker.bands(raw_bands, *total_range, "bands")
    band_keys = {b.key for band_list in bands.values() for b in band_list}

    flags = []
    for entry in data.get("flags") or []:
        flag_id = checker.require(entry, "id", str, "flag: ")
        when = checker.require(entry, "when", dict, f"flag {flag_id}: ")
        clauses = when.get("any", [when])
        conditions = []
        for clause in clauses:
            item_id = clause.get("item")
            if item_id not in by_id:
                checker.fail(f"flag {flag_id}: unknown item {item_id!r}")
            min_score = clause.get("min_score")
            if not isinstance(min_score, int):
                checker.fail(f"flag {flag_id}: min_score must be a whole number")
            conditions.append((item_id, min_score))
        unless = entry.get("unless_band", "")
        if unless and unless not in band_keys:
            checker.fail(f"flag {flag_id}: unknown band {unless!r}")
        alert = entry.get("alert")
        if alert is not None:
            for key in ("kind", "title"):
                checker.require(alert, key, str, f"flag {flag_id} alert: ")
            if alert.get("severity", "warning") not in SEVERITIES:
                checker.fail(f"flag {flag_id}: alert severity must be one of {SEVERITIES}")
        flags.append(
            Flag(
                id=flag_id,
                label=checker.require(entry, "label", str, f"flag {flag_id}: "),
                conditions=tuple(conditions),
                unless_band=unless,
                alert=alert,
                crisis_lines=bool(entry.get("crisis_lines", False)),
                source=entry.get("source", ""),
            )
        )

    key_items = data.get("key_items") or {}
    for key, item_id in key_items.items():
        if item_id not in by_id:
            checker.fail(f"key_items.{key}: unknown item {item_id!r}")

    reliable = None
    raw_rc = data.get("reliable_change")
    if raw_rc:
        if not has_total:
            checker.fail("reliable_change needs a total score")
        sd = raw_rc.get("sd")
        r = raw_rc.get("reliability")
        if not isinstance(sd, int | float) or sd <= 0:
            checker.fail("reliable_change.sd must be a positive number")
        if not isinstance(r, int | float) or not 0 < r < 1:
            checker.fail("reliable_change.reliability must be between 0 and 1")
        reliable = ReliableChangeParams(
            sd=float(sd),
            reliability=float(r),
            sd_source=checker.require(raw_rc, "sd_source", str, "reliable_change: "),
            reliability_source=checker.require(
                raw_rc, "reliability_source", str, "reliable_change: "
            ),
            note=raw_rc.get("note", ""),
        )
    threshold = None
    raw_tc = data.get("threshold_change")
    if raw_tc:
        threshold = ThresholdChange(
            name=checker.require(raw_tc, "name", str, "threshold_change: "),
            reliable_change=checker.require(raw_tc, "reliable_change", int, "threshold_change: "),
            source=checker.require(raw_tc, "source", str, "threshold_change: "),
        )
    direction = data.get("direction")
    if direction not in DIRECTIONS:
        checker.fail(f"direction must be one of {DIRECTIONS}")
    if (reliable or threshold) and direction is None:
        checker.fail("reliable change needs a direction (higher_is_worse or higher_is_better)")

    loinc = data.get("loinc") or {}
    return Instrument(
        id=instrument_id,
        version=str(data["version"]),
        name=data["name"],
        short_name=data["short_name"],
        citation=data["citation"],
        licence=data["licence"],
        items=tuple(items),
        has_total=has_total,
        range=total_range,
        missing=missing,
        bands=bands,
        subscales=tuple(subscales),
        flags=tuple(flags),
        key_items=dict(key_items),
        reliable_change=reliable,
        threshold_change=threshold,
        direction=direction,
        target=data.get("target"),
        measures=data.get("measures", ""),
        instructions=data.get("instructions", ""),
        source_url=data.get("source_url", ""),
        wording_note=data.get("wording_note", ""),
        bands_source=data.get("bands_source", ""),
        norms_source=data.get("norms_source", ""),
        loinc_panel=checker.loinc(loinc.get("panel"), "loinc.panel"),
        loinc_total=checker.loinc(loinc.get("total"), "loinc.total"),
        path=str(path),
    )


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
