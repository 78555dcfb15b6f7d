"""Server-side SVG geometry for weekly trends and caseload sparklines (no chart JavaScript).

Templates draw the shapes from these numbers; every chart also has a text description.
"""

import datetime
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


def sparkline(values: list[float | None], *, top: float, what: str) -> Sparkline:
    """A 12-point line, 96 × 24; weeks without reports are gaps (not zeros)."""
    width, height = 96, 24
    step = width / max(len(values) - 1, 1)
    coords = []
    for index, value in enumerate(values):
        if value is None:
            continue
        y = height - 2 - (height - 4) * min(value, top) / (top or 1)
        coords.append((round(index * step, 1), round(y, 1)))
    text = ", ".join("–" if v is None else f"{v:g}" for v in values)
    return Sparkline(
        " ".join(f"{x},{y}" for x, y in coords),
        coords[-1] if coords else None,
        f"{what}, last {len(values)} weeks: {text}",
    )
