"""Geometry for the hand-templated SVG line chart on a measure's history page.

Pure functions: the template draws what these return, so the same chart renders in web pages
and in PDFs without any JavaScript. Band boundaries are shaded behind the line.
`history_chart` turns an instrument's administrations into the series the chart draws.
"""

from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 260
LEFT = 44
RIGHT = 16
TOP = 12
BOTTOM = 36


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    bands: list = field(default_factory=list)
    y_ticks: list = field(default_factory=list)
    x_ticks: list = field(default_factory=list)
    series: list = field(default_factory=list)
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM


def _y_scale(low: float, high: float):
    span = (high - low) or 1

    def y(value: float) -> float:
        return round(HEIGHT - BOTTOM - (value - low) / span * (HEIGHT - TOP - BOTTOM), 1)

    return y


def _x_scale(days: list):
    first, last = min(days), max(days)
    span = (last - first).days or 1
    width = WIDTH - LEFT - RIGHT

    def x(day) -> float:
        if first == last:
            return LEFT + width / 2
        return round(LEFT + (day - first).days / span * width, 1)

    return x


def _ticks(low: int, high: int) -> list[int]:
    span = high - low
    step = next(s for s in (1, 2, 5, 10, 20, 50) if span / s <= 8)
    start = low - low % step + (step if low % step else 0)
    return list(range(start, high + 1, step))


def line_chart(series: list[dict], *, low: int, high: int, bands=()) -> Chart:
    """series: [{"label", "points": [(date, value, title)]}]; bands: Band objects."""
    chart = Chart()
    y = _y_scale(low, high)
    days = [day for s in series for day, _, _ in s["points"]]
    if not days:
        return chart
    x = _x_scale(days)
    for index, band in enumerate(bands):
        top = y(min(band.max + 0.5, high))
        bottom = y(max(band.min - 0.5, low))
        chart.bands.append(
            {
                "x": LEFT,
                "y": top,
                "width": WIDTH - LEFT - RIGHT,
                "height": round(bottom - top, 1),
                "label": band.label,
                "label_y": round(top + 11, 1),
                "shade": index % 5,
            }
        )
    chart.y_ticks = [{"value": v, "y": y(v)} for v in _ticks(low, high)]
    unique_days = sorted(set(days))
    keep = max(1, len(unique_days) // 6)
    chart.x_ticks = [
        {"x": x(day), "label": day.strftime("%b %-d, %Y") if i == 0 else day.strftime("%b %-d")}
        for i, day in enumerate(unique_days)
        if i % keep == 0 or day == unique_days[-1]
    ]
    for index, entry in enumerate(series):
        points = [
            {"x": x(day), "y": y(value), "title": title, "value": value}
            for day, value, title in entry["points"]
        ]
        chart.series.append(
            {
                "label": entry["label"],
                "index": index,
                "points": points,
                "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    return chart


def history_chart(instrument, administrations, *, organization, thresholds=None) -> Chart | None:
    """The chart of one instrument's administrations (oldest first): the total with its bands
    shaded, or one line per subscale when the instrument has no total."""
    if not administrations:
        return None
    local = [(organization.local_date(a.administered_at), a) for a in administrations]
    if instrument.has_total:
        series = [
            {
                "label": f"{instrument.short_name} total",
                "points": [
                    (day, a.total, f"{day:%b %-d, %Y}: {a.total}{' ' + a.band if a.band else ''}")
                    for day, a in local
                ],
            }
        ]
        low, high = instrument.range
        return line_chart(series, low=low, high=high, bands=instrument.bands_for(thresholds))
    series = [
        {
            "label": sub.label,
            "points": [
                (day, a.subscales[sub.key], f"{day:%b %-d, %Y}: {sub.label} {a.subscales[sub.key]}")
                for day, a in local
                if a.subscales.get(sub.key) is not None
            ],
        }
        for sub in instrument.subscales
    ]
    low = min(sub.range[0] for sub in instrument.subscales)
    high = max(sub.range[1] for sub in instrument.subscales)
    return line_chart(series, low=low, high=high)
