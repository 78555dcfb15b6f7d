"""Server-side SVG geometry for weekly trends and caseload sparklines (no chart JavaScript).

Templates draw the shapes from these numbers; every chart also has a text description.
"""

import datetime
import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class Trend:
    width: int
    height: int
    bars: list[Bar]
    points: str  # polyline of days within plan
    dots: list[tuple[float, float, str]]
    max_value: float
    axis_labels: list[tuple[float, str]]
    description: str


def weekly_trend(
    weeks: list[tuple[datetime.date, float | None, int | None]], *, unit: str
) -> Trend:
    """Bars of an amount per week (e.g. drinks) and a line of days within plan (0–7).

    `weeks` holds (week start, amount or None when nothing was reported, days within plan or None).
    """
    width, height, pad, base = 600, 160, 4, 140
    count = max(len(weeks), 1)
    slot = (width - 2 * pad) / count
    top = max([a for _, a, _ in weeks if a is not None] + [1.0])
    bars, dots, points = [], [], []
    for index, (start, amount, plan) in enumerate(weeks):
        x = pad + index * slot
        if amount is not None:
            h = (base - 10) * amount / top
            bars.append(
                Bar(
                    round(x + slot * 0.15, 1),
                    round(base - h, 1),
                    round(slot * 0.7, 1),
                    round(h, 1),
                    f"Week of {start:%b} {start.day}: {amount:.1f} {unit}",
                )
            )
        if plan is not None:
            cx, cy = round(x + slot / 2, 1), round(base - (base - 10) * plan / 7, 1)
            points.append(f"{cx},{cy}")
            dots.append((cx, cy, f"Week of {start:%b} {start.day}: {plan} of 7 days within plan"))
    axis = [
        (round(pad + i * slot + slot / 2, 1), f"{start:%b} {start.day}")
        for i, (start, _, _) in enumerate(weeks)
        if i % max(1, count // 6) == 0
    ]
    reported = [f"{a:.1f}" for _, a, _ in weeks if a is not None]
    description = (
        f"{unit.capitalize()} per week over {len(weeks)} weeks: "
        + (", ".join(reported) if reported else "nothing reported")
        + "."
    )
    return Trend(width, height, bars, " ".join(points), dots, top, axis, description)


@dataclass(frozen=True)
class Sparkline:
    points: str
    last: tuple[float, float] | None
    description: str


@functools.lru_cache(maxsize=4096)
def _spark_point(index: int, value: float, top: float, count: int) -> tuple[tuple, str, str]:
    """One reported week of a sparkline: its (x, y), its "x,y" text and its value's label.
    Values are a few small counts (days of a week), so the 200 sparklines of a caseload share
    their points: the arithmetic and formatting run once per distinct point."""
    width, height = 96, 24
    step = width / max(count - 1, 1)
    y = height - 2 - (height - 4) * min(value, top) / (top or 1)
    point = (round(index * step, 1), round(y, 1))
    return point, f"{point[0]},{point[1]}", f"{value:g}"


def sparkline(values: list[float | None], *, top: float, what: str) -> Sparkline:
    """A 12-point line, 96 × 24; weeks without reports are gaps (not zeros)."""
    count = len(values)
    points, labels, last = [], [], None
    for index, value in enumerate(values):
        if value is None:
            labels.append("–")
            continue
        last, text, label = _spark_point(index, value, top, count)
        points.append(text)
        labels.append(label)
    return Sparkline(
        " ".join(points),
        last,
        f"{what}, last {count} weeks: {', '.join(labels)}",
    )
