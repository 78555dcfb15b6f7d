"""Scoring an administration: pure functions over an instrument's data file, no database.

Answers are the 0-based index of the chosen option for each item, in the instrument's item order
and the official option order (None for an unanswered item). The instrument file supplies every
clinical fact (sources are cited in each file and in docs/measures.md):

- option scores, including items scored 0/2/4 (AUDIT items 9-10, WHO 2001; CUDIT-R item 8,
  Adamson et al. 2010) and reverse-scored items (DAST-10 item 3, Skinner 1982: "No" scores 1);
- the total and its severity bands, with sex-specific cut-offs chosen by the chart's
  drinking-thresholds setting (AUDIT-C: positive at >= 4 with male thresholds, >= 3 with female,
  Bradley et al. 2007);
- subscales (SOCRATES 8A Recognition / Ambivalence / Taking Steps, Miller & Tonigan 1996);
- flags, such as WHO's advice to move up one AUDIT zone when items 4-6 score 2 or more or item
  9 or 10 scores 4 (WHO AUDIT manual 2001);
- safety items, such as any PHQ-9 item 9 answer above 0 whatever the total: a flag that is also
  raised from an incomplete set of answers (`safety_flags`), so the care team hears at once;
- the missing-item rule: every required item must be answered unless the file gives a prorating
  rule from the instrument's own manual (none of the shipped instruments does).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from waypoint.measures.instruments import Band, Flag, Instrument

MISSING_MARKS = ("", "-", "NA", "na", "N/A", "n/a")


class ScoringError(ValueError):
    """Answers that cannot be scored; `item_ids` names the items at fault, if any."""

    def __init__(self, message: str, *, item_ids: Sequence[str] = ()):
        super().__init__(message)
        self.item_ids = tuple(item_ids)


class ThresholdsRequired(ScoringError):
    pass


@dataclass(frozen=True)
class Score:
    instrument: Instrument
    answers: tuple[int | None, ...]
    total: int | None
    band: Band | None
    flags: tuple[Flag, ...]
    subscales: dict[str, int] = field(default_factory=dict)
    key_items: dict[str, int | None] = field(default_factory=dict)
    prorated: bool = False
    thresholds: str | None = None
    # Sex-specific cut-offs were not chosen, but both sets give this same band (AUDIT-C).
    thresholds_agree: bool = False

    @property
    def flag_ids(self) -> list[str]:
        return [flag.id for flag in self.flags]

    @property
    def crisis_lines(self) -> bool:
        return any(flag.crisis_lines for flag in self.flags)

    @property
    def thresholds_used(self) -> str:
        """ "female", "male", "both" (the sets agree), or "" where cut-offs do not differ."""
        if self.thresholds_agree:
            return "both"
        return self.thresholds or ""

    @property
    def thresholds_note(self) -> str:
        if self.thresholds_agree:
            return "the same under female and male thresholds"
        return ""

    def as_json(self) -> dict:
        """The shape printed by `waypoint score ID ... --json`."""
        data = {
            "instrument": self.instrument.id,
            "total": self.total,
            "band": self.band.label if self.band else None,
            "flags": self.flag_ids,
            "subscales": dict(self.subscales),
        }
        if self.instrument.sex_specific:
            data["thresholds"] = self.thresholds_used
            if self.thresholds_note:
                data["thresholds_note"] = self.thresholds_note
        return data


def parse_answers(instrument: Instrument, raw: Sequence[str]) -> list[int | None]:
    """Turn typed answers ("0", "3", "-" for unanswered) into option indices, checking each."""
    answers: list[int | None] = []
    for position, text in enumerate(raw, 1):
        text = (text or "").strip()
        if text in MISSING_MARKS:
            answers.append(None)
            continue
        try:
            answers.append(int(text))
        except ValueError:
            item_id = instrument.items[position - 1].id if position <= len(instrument.items) else ""
            raise ScoringError(
                f"answer {position} is {text!r}, not an option number (0-based index)",
                item_ids=[item_id] if item_id else [],
            ) from None
    return answers


def check_answers(instrument: Instrument, answers: Sequence[int | None]) -> tuple:
    """Validate the count and each index; returns one entry per item (None = unanswered)."""
    count = len(answers)
    expected_max = len(instrument.items)
    expected_min = instrument.min_answers
    if not expected_min <= count <= expected_max:
        wanted = (
            f"{expected_max}"
            if expected_min == expected_max
            else f"{expected_min} to {expected_max}"
        )
        raise ScoringError(
            f"{instrument.short_name} expects {wanted} answers (one per item), got {count}"
        )
    normalized = list(answers) + [None] * (expected_max - count)
    for position, (item, answer) in enumerate(zip(instrument.items, normalized, strict=True), 1):
        if answer is None:
            continue
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise ScoringError(f"answer {position} must be an option number", item_ids=[item.id])
        if not 0 <= answer < len(item.options):
            raise ScoringError(
                f"answer {position} ({item.id}) is {answer}, but the options are numbered "
                f"0-{len(item.options) - 1}",
                item_ids=[item.id],
            )
    return tuple(normalized)


def band_for(bands: Sequence[Band], value: int | None) -> Band | None:
    if value is None:
        return None
    return next((band for band in bands if band.contains(value)), None)


def _round_half_up(value: float) -> int:
    return int(math.floor(value + 0.5))


def _raised(flag: Flag, item_scores: dict) -> bool:
    return any(
        item_scores.get(item_id) is not None and item_scores[item_id] >= min_score
        for item_id, min_score in flag.conditions
    )


def safety_flags(instrument: Instrument, answers: Sequence[int | None]) -> tuple[Flag, ...]:
    """The safety items raised by the answers given so far, even if others are missing.

    An answer that is not a valid option of its item is ignored here (the form reports it).
    """
    item_scores = {}
    for item, answer in zip(instrument.items, answers, strict=False):
        valid = isinstance(answer, int) and not isinstance(answer, bool)
        if valid and 0 <= answer < len(item.options):
            item_scores[item.id] = item.options[answer].score
    return tuple(flag for flag in instrument.safety_items if _raised(flag, item_scores))


def _thresholds_band(instrument: Instrument, thresholds, total) -> tuple:
    """(band, thresholds used, whether both sets agree) for sex-specific cut-offs.

    Without a chosen set, the score is still given when the female and male cut-offs put the
    total in the same band (AUDIT-C: a total of 4 is positive under both, Bradley et al. 2007);
    only a total on which they disagree needs the choice.
    """
    if thresholds in ("female", "male"):
        return band_for(instrument.bands_for(thresholds), total), thresholds, False
    by_set = {key: band_for(instrument.bands_for(key), total) for key in ("female", "male")}
    female, male = by_set["female"], by_set["male"]
    if total is not None and female is not None and male is not None and female.key == male.key:
        return female, None, True
    raise ThresholdsRequired(
        f"{instrument.short_name} cut-offs differ for female and male thresholds, and they "
        f"disagree for a total of {total} ({female.label if female else '-'} with female, "
        f"{male.label if male else '-'} with male thresholds); say which to use"
    )


def score(
    instrument: Instrument, answers: Sequence[int | None], *, thresholds: str | None = None
) -> Score:
    """Score one administration. Raises ScoringError for anything that cannot be scored."""
    normalized = check_answers(instrument, answers)
    item_scores: dict[str, int | None] = {}
    missing_required = []
    for item, answer in zip(instrument.items, normalized, strict=True):
        if answer is None:
            item_scores[item.id] = None
            if item.required:
                missing_required.append(item.id)
        else:
            item_scores[item.id] = item.options[answer].score

    prorated = False
    if missing_required:
        rule = instrument.missing
        if rule.rule != "prorate" or len(missing_required) > rule.max_missing:
            numbers = ", ".join(
                str(instrument.item_index(item_id) + 1) for item_id in missing_required
            )
            allowance = (
                f"its manual allows at most {rule.max_missing} missing"
                if rule.rule == "prorate"
                else "it has no prorating rule"
            )
            raise ScoringError(
                f"{instrument.short_name}: item(s) {numbers} not answered, and {allowance}",
                item_ids=missing_required,
            )
        prorated = True

    def summed(item_ids) -> int:
        values = [item_scores[i] for i in item_ids]
        answered = [v for v in values if v is not None]
        if len(answered) == len(values):
            return sum(answered)
        # Prorate: the mean of the answered items times the number of items, rounded half up.
        return _round_half_up(sum(answered) * len(values) / len(answered))

    total = None
    if instrument.has_total:
        total = summed([item.id for item in instrument.items if item.scored])
    subscales = {sub.key: summed(sub.items) for sub in instrument.subscales}
    agree = False
    if instrument.sex_specific:
        band, thresholds, agree = _thresholds_band(instrument, thresholds, total)
    else:
        band = band_for(instrument.bands_for(thresholds), total) if instrument.bands else None

    flags = []
    for flag in instrument.flags:
        raised = _raised(flag, item_scores)
        if raised and flag.unless_band and band is not None and band.key == flag.unless_band:
            raised = False
        if raised:
            flags.append(flag)

    return Score(
        instrument=instrument,
        answers=normalized,
        total=total,
        band=band,
        flags=tuple(flags),
        subscales=subscales,
        key_items={key: item_scores[item_id] for key, item_id in instrument.key_items.items()},
        prorated=prorated,
        thresholds=thresholds if instrument.sex_specific else None,
        thresholds_agree=agree,
    )
