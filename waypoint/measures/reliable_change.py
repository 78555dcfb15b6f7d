"""Reliable change between two scores (Jacobson & Truax 1991), plus a fixed-threshold view.

Jacobson NS, Truax P. Clinical significance: a statistical approach to defining meaningful change
in psychotherapy research. J Consult Clin Psychol 1991;59:12-19:

    SE     = SD * sqrt(1 - r)          standard error of measurement
    S_diff = sqrt(2) * SE              standard error of the difference between two scores
    RCI    = (x2 - x1) / S_diff        |RCI| > 1.96 is reliable change (p < .05, two-tailed)

SD and r (reliability) come from each instrument's data file with their norm sources (a
treatment-seeking intake sample, as Jacobson & Truax intend), or from an organization's own
entry (`measures.MeasureNorm`); `Norms` carries the pair and says which it is. Whether a
change is an improvement depends on the instrument's direction: for PHQ-9, GAD-7 and AUDIT a
higher score is worse, so a reliable decrease is a reliable improvement.

The NHS Talking Therapies view is a fixed threshold on the raw change (PHQ-9: 6 points, GAD-7:
4 points), shown beside the RCI because UK services report it.
"""

import math
from dataclasses import dataclass

CRITICAL_Z = 1.96

IMPROVEMENT = "improvement"
NO_CHANGE = "no_change"
DETERIORATION = "deterioration"
LABELS = {
    IMPROVEMENT: "Reliable improvement",
    NO_CHANGE: "No reliable change",
    DETERIORATION: "Reliable deterioration",
}


@dataclass(frozen=True)
class Norms:
    """An SD and reliability for reliable change, and a sentence naming where they come from."""

    sd: float
    reliability: float
    description: str
    source: str = ""
    note: str = ""
    organization: bool = False

    @classmethod
    def from_file(cls, instrument) -> "Norms | None":
        """The norms in an instrument's data file (`reliable_change`), if it has any."""
        params = instrument.reliable_change
        if params is None:
            return None
        return cls(
            sd=params.sd,
            reliability=params.reliability,
            description=f"{params.sample}, SD {params.sd:g}, \u03b1 {params.reliability:g}",
            source=f"SD: {params.sd_source} Reliability: {params.reliability_source}",
            note=params.note,
        )

    @property
    def s_diff(self) -> float:
        return s_diff(self.sd, self.reliability)

    @property
    def smallest_reliable_change(self) -> int:
        return smallest_reliable_change(self.sd, self.reliability)


def standard_error(sd: float, reliability: float) -> float:
    return sd * math.sqrt(1 - reliability)


def s_diff(sd: float, reliability: float) -> float:
    return math.sqrt(2) * standard_error(sd, reliability)


def rci(before: float, after: float, *, sd: float, reliability: float) -> float:
    return (after - before) / s_diff(sd, reliability)


def smallest_reliable_change(sd: float, reliability: float) -> int:
    """The smallest whole-point change whose |RCI| exceeds 1.96."""
    return math.floor(CRITICAL_Z * s_diff(sd, reliability)) + 1


def _outcome(change_up: bool, direction: str) -> str:
    worse_when_up = direction != "higher_is_better"
    return DETERIORATION if change_up == worse_when_up else IMPROVEMENT


@dataclass(frozen=True)
class Change:
    before: int
    after: int
    outcome: str
    rci: float | None = None

    @property
    def change(self) -> int:
        return self.after - self.before

    @property
    def label(self) -> str:
        return LABELS[self.outcome]

    @property
    def is_reliable(self) -> bool:
        return self.outcome != NO_CHANGE


def classify(
    before: int, after: int, *, sd: float, reliability: float, direction: str = "higher_is_worse"
) -> Change:
    """Jacobson-Truax reliable change, labelled by the instrument's direction."""
    value = rci(before, after, sd=sd, reliability=reliability)
    outcome = _outcome(value > 0, direction) if abs(value) > CRITICAL_Z else NO_CHANGE
    return Change(before=before, after=after, outcome=outcome, rci=value)


def classify_threshold(
    before: int, after: int, *, threshold: int, direction: str = "higher_is_worse"
) -> Change:
    """A fixed-threshold view (NHS Talking Therapies: PHQ-9 >= 6, GAD-7 >= 4 points)."""
    change = after - before
    outcome = _outcome(change > 0, direction) if abs(change) >= threshold else NO_CHANGE
    return Change(before=before, after=after, outcome=outcome)
