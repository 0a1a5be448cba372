"""Geometry of the dashboard's SVG plots (the templates only draw what this computes).

Server-side SVG for the same reasons as the result chart: no JavaScript, no inline styles for
the CSP to block, and a picture that prints. Each plot is a small dataclass of shapes in a
fixed 320 x 160 viewBox, with a text summary beside it for screen readers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from securebase.studies.dashboard import Dashboard

WIDTH, HEIGHT = 320.0, 172.0
LEFT, RIGHT, TOP, BOTTOM = 40.0, 8.0, 10.0, 38.0


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    low_y: float | None = None  # interval whisker, in SVG y
    high_y: float | None = None

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Tick:
    """A label under the x axis; a long hyphenated name is set on two lines."""

    x: float
    label: str
    anchor: str = "middle"

    @property
    def lines(self) -> list[str]:
        head, dash, tail = self.label.partition("-")
        return [head + dash, tail] if dash and len(self.label) > 10 else [self.label]


@dataclass(frozen=True)
class Plot:
    title: str
    summary: str
    bars: list[Bar] = field(default_factory=list)
    line: str = ""  # polyline points
    dots: list[tuple[float, float]] = field(default_factory=list)
    guide_y: float | None = None  # a reference line (target, or the norm group's share)
    guide_label: str = ""
    axis: list[tuple[float, str]] = field(default_factory=list)  # y position, label
    ticks: list[Tick] = field(default_factory=list)


def _y(value: float, top_value: float) -> float:
    inner = HEIGHT - TOP - BOTTOM
    return TOP + inner * (1.0 - (value / top_value if top_value else 0.0))


def _bars(values: list[float], labels: list[str], top_value: float) -> list[Bar]:
    inner = WIDTH - LEFT - RIGHT
    step = inner / max(len(values), 1)
    bars = []
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        y = _y(value, top_value)
        bars.append(Bar(LEFT + index * step + 1, y, max(step - 2, 1), HEIGHT - BOTTOM - y, label))
    return bars


def _axis(top_value: float, percent: bool) -> list[tuple[float, str]]:
    marks = [0.0, top_value / 2, top_value]
    return [(_y(v, top_value), f"{v:.0%}" if percent else f"{v:g}") for v in marks]


def completions(figures: Dashboard) -> Plot:
    top = float(max(figures.target, figures.completed, 1))
    days = figures.by_day
    inner = WIDTH - LEFT - RIGHT
    dots = [
        (LEFT + inner * (index / max(len(days) - 1, 1)), _y(total, top))
        for index, (_, total) in enumerate(days)
    ]
    ticks = []
    if days:
        ticks = [
            Tick(LEFT, days[0][0].isoformat(), "start"),
            Tick(WIDTH - RIGHT, days[-1][0].isoformat(), "end"),
        ]
    return Plot(
        title="Completions over time",
        summary=(
            f"{figures.completed} of a target of {figures.target} participants have finished."
        ),
        line=" ".join(f"{x:.1f},{y:.1f}" for x, y in dots),
        dots=dots,
        guide_y=_y(figures.target, top),
        guide_label=f"target {figures.target}",
        axis=_axis(top, percent=False),
        ticks=ticks,
    )


def drop_off(figures: Dashboard) -> Plot:
    started = figures.participants
    shares = [count / started if started else 0.0 for count in figures.reached]
    labels = [f"statement {k}: {share:.0%}" for k, share in enumerate(shares, start=1)]
    last_all = max((k for k, s in enumerate(shares, start=1) if s >= 0.999), default=0)
    return Plot(
        title="Still answering, by statement",
        summary=(
            f"Of {started} who started, all answered at least {last_all} statements; "
            f"{figures.completed} finished."
        ),
        bars=_bars(shares, labels, 1.0),
        axis=_axis(1.0, percent=True),
        ticks=[Tick(LEFT, "1", "start"), Tick(WIDTH - RIGHT, "36", "end")],
    )


def styles(figures: Dashboard) -> Plot:
    shares = [share.share for share in figures.styles]
    bars = _bars(shares, [share.label for share in figures.styles], 1.0)
    with_intervals = [
        Bar(
            bar.x,
            bar.y,
            bar.width,
            bar.height,
            f"{share.label}: {share.share:.0%} (95% interval {share.interval[0]:.0%} to "
            f"{share.interval[1]:.0%})",
            _y(share.interval[0], 1.0),
            _y(share.interval[1], 1.0),
        )
        for bar, share in zip(bars, figures.styles, strict=True)
    ]
    return Plot(
        title="Styles, with 95% intervals",
        summary="; ".join(bar.label for bar in with_intervals) or "No completions yet.",
        bars=with_intervals,
        axis=_axis(1.0, percent=True),
        ticks=[
            Tick(bar.centre, share.label) for bar, share in zip(bars, figures.styles, strict=True)
        ],
    )


def percentiles(figures: Dashboard, dimension: str) -> Plot:
    counts = figures.percentiles[dimension]
    total = sum(counts)
    shares = [count / total if total else 0.0 for count in counts]
    top = math.ceil(max([*shares, 0.2]) * 10) / 10  # a round top: 20%, 30%, ...
    labels = [f"{10 * b} to {10 * b + 10}: {share:.0%}" for b, share in enumerate(shares)]
    return Plot(
        title=f"{dimension.title()} against the norm group",
        summary=(
            "Share of participants in each tenth of the norm group (a sample like the norm "
            "group would put 10% in each): " + "; ".join(labels)
        ),
        bars=_bars(shares, labels, top),
        guide_y=_y(0.1, top),
        guide_label="norm group 10%",
        axis=_axis(top, percent=True),
        ticks=[Tick(LEFT, "0", "start"), Tick(WIDTH - RIGHT, "100", "end")],
    )


def for_dashboard(figures: Dashboard) -> list[Plot]:
    return [
        completions(figures),
        drop_off(figures),
        styles(figures),
        percentiles(figures, "anxiety"),
        percentiles(figures, "avoidance"),
    ]
