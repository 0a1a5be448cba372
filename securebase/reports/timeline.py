"""Geometry of the timeline: every sitting's two scores with their ranges, in time order.

Like the result chart (:mod:`securebase.reports.chart`), the SVG is written by a template
(``reports/_timeline.svg``) from numbers computed here, with presentation attributes only, so
the strict Content-Security-Policy allows it and WeasyPrint prints it.

One panel per score, one above the other. The y axis is the share of the comparison group
scoring lower (0 to 100), the x axis the sittings in time order, evenly spaced and numbered
(two sittings on one day would otherwise sit on top of each other; the dates are in the list
beside the chart). Each sitting is a dot on its most likely value with a bar over its 95%
range; the dots are joined in time order. Every sitting is read against one comparison group,
the latest sitting's, as the change figures are, so a new age band never looks like a change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from securebase.psychometrics import Result, item_bank
from securebase.psychometrics.certainty import theta_range
from securebase.psychometrics.norms import DIMENSIONS, NormTable
from securebase.reports.chart import ACCENT

WIDTH = 320.0
PLOT_LEFT, PLOT_RIGHT = 34.0, 12.0
PANEL_TOP, PANEL_HEIGHT, PANEL_GAP = 26.0, 100.0, 62.0
AXIS_TICKS = (0, 50, 100)
#: Colours of the two scores (dark enough for 4.5:1 as text on white).
COLOURS = {"anxiety": "#b34d0b", "avoidance": "#2f5fa7"}


@dataclass(frozen=True)
class TimelinePoint:
    number: int
    x: float
    y: float
    low_y: float
    high_y: float
    percentile: float
    low: float
    high: float
    latest: bool


@dataclass(frozen=True)
class TimelinePanel:
    key: str
    title: str
    colour: str
    title_y: float
    top: float
    bottom: float
    ticks: tuple[tuple[int, float], ...]
    points: tuple[TimelinePoint, ...]
    path: str
    label_y: float


@dataclass(frozen=True)
class Timeline:
    width: float
    height: float
    plot_left: float
    plot_right: float
    panels: tuple[TimelinePanel, TimelinePanel]
    accent: str
    description: str


def _table(latest: Result) -> NormTable:
    """The latest sitting's comparison group (all adults for results stored without one)."""
    norms = item_bank().norms
    if latest.norm_sample is not None and latest.norm_sample.key in norms.tables:
        return norms.tables[latest.norm_sample.key]
    return norms.select()


def _x(index: int, count: int) -> float:
    span = WIDTH - PLOT_LEFT - PLOT_RIGHT
    if count == 1:
        return round(PLOT_LEFT + span / 2, 1)
    inset = span * 0.08
    return round(PLOT_LEFT + inset + index * (span - 2 * inset) / (count - 1), 1)


def build_timeline(results: Sequence[Result], titles: dict[str, str], description: str) -> Timeline:
    """The timeline of ``results`` (oldest first); ``titles`` names each score's panel."""
    table = _table(results[-1])
    panels = []
    for d, dimension in enumerate(DIMENSIONS):
        top = PANEL_TOP + d * (PANEL_HEIGHT + PANEL_GAP)
        bottom = top + PANEL_HEIGHT

        def y_of(percentile: float, top: float = top) -> float:
            return round(top + (100.0 - percentile) / 100.0 * PANEL_HEIGHT, 1)

        points = []
        for index, result in enumerate(results):
            score = getattr(result, dimension)
            low_theta, high_theta = theta_range(score.theta, score.se)
            percentile = table.percentile(dimension, score.theta)
            low = table.percentile(dimension, low_theta)
            high = table.percentile(dimension, high_theta)
            points.append(
                TimelinePoint(
                    number=index + 1,
                    x=_x(index, len(results)),
                    y=y_of(percentile),
                    low_y=y_of(low),
                    high_y=y_of(high),
                    percentile=percentile,
                    low=low,
                    high=high,
                    latest=index == len(results) - 1,
                )
            )
        path = " ".join(f"{'M' if i == 0 else 'L'}{p.x:g} {p.y:g}" for i, p in enumerate(points))
        panels.append(
            TimelinePanel(
                key=dimension,
                title=titles[dimension],
                colour=COLOURS[dimension],
                title_y=top - 10,
                top=top,
                bottom=bottom,
                ticks=tuple((tick, y_of(tick)) for tick in AXIS_TICKS),
                points=tuple(points),
                path=path,
                label_y=bottom + 16,
            )
        )
    height = PANEL_TOP + 2 * PANEL_HEIGHT + PANEL_GAP + 26
    return Timeline(
        width=WIDTH,
        height=height,
        plot_left=PLOT_LEFT,
        plot_right=WIDTH - PLOT_RIGHT,
        panels=(panels[0], panels[1]),
        accent=ACCENT,
        description=description,
    )
