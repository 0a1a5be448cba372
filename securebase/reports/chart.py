"""Geometry of the result chart: the anxiety x avoidance plane as an inline SVG.

The SVG is written by a Django template (``reports/_chart.svg``) from the numbers computed
here, with no chart library: libraries emit inline ``style`` attributes, which the strict
Content-Security-Policy blocks, and cost tens of milliseconds per render. Only SVG
presentation attributes are used, so the same markup renders in browsers and in WeasyPrint.

x is avoidance theta and y is anxiety theta (up = more anxious), both on about -3..3. The
quadrants split at the item bank's cuts, the population is a density heat map of the
calibration sample and the person is a dot with a ±1.96·SE box (a 95% interval per
dimension) around it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from securebase.psychometrics import ItemBank, Result, item_bank

THETA_MIN, THETA_MAX = -3.0, 3.0
PLOT_LEFT, PLOT_TOP, PLOT_SIZE = 40.0, 8.0, 300.0
WIDTH, HEIGHT = PLOT_LEFT + PLOT_SIZE + 8.0, PLOT_TOP + PLOT_SIZE + 44.0
SCALE = PLOT_SIZE / (THETA_MAX - THETA_MIN)
Z95 = 1.96

# Quadrant colours match the style colours of site.css; text colours are dark enough for
# 4.5:1 contrast on the pale tint behind them.
QUADRANT_COLOURS = {
    "secure": "#2f6f6a",
    "anxious": "#a3532b",
    "avoidant": "#3c5a99",
    "disorganized": "#7a4a8c",
}
QUADRANT_NAMES = {
    "secure": "Secure",
    "anxious": "Anxious",
    "avoidant": "Avoidant",
    "disorganized": "Disorganized",
}


def x_of(avoidance: float) -> float:
    """SVG x of an avoidance theta (clamped to the plotted range)."""
    theta = min(THETA_MAX, max(THETA_MIN, avoidance))
    return round(PLOT_LEFT + (theta - THETA_MIN) * SCALE, 1)


def y_of(anxiety: float) -> float:
    """SVG y of an anxiety theta: up means more anxious, so the axis is flipped."""
    theta = min(THETA_MAX, max(THETA_MIN, anxiety))
    return round(PLOT_TOP + (THETA_MAX - theta) * SCALE, 1)


@dataclass(frozen=True)
class DensityLayer:
    """All heat-map cells of one shade, drawn as a single path."""

    opacity: float
    path: str


@dataclass(frozen=True)
class Quadrant:
    style: str
    name: str
    colour: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    anchor: str
    mine: bool


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    plot_left: float
    plot_top: float
    plot_size: float
    plot_right: float
    plot_bottom: float
    cut_x: float
    cut_y: float
    quadrants: list[Quadrant]
    density: tuple[DensityLayer, ...]
    person_x: float
    person_y: float
    box_x: float
    box_y: float
    box_width: float
    box_height: float
    tick_y: float
    x_label_y: float
    y_label_x: float
    mid_x: float
    mid_y: float
    description: str
    population_size: int


DENSITY_SHADES = 10


@lru_cache(maxsize=4)
def population_density(bank: ItemBank) -> tuple[DensityLayer, ...]:
    """Heat map of the calibration sample, computed once per bank.

    Each cell's shade follows the square root of its count, so the sparse edges stay
    visible next to the crowded middle. Cells are grouped into ten shades and each shade
    is one ``<path>`` of rectangles: ten elements instead of several hundred ``<rect>``s
    keeps the page light and halves the PDF rendering time, with no visible difference.
    """
    population = bank.population
    avoidance_edges = population["avoidance_edges"]
    anxiety_edges = population["anxiety_edges"]
    counts = population["counts"]
    peak = max(max(row) for row in counts) or 1
    shades: dict[int, list[str]] = {}
    for i, row in enumerate(counts):
        for j, count in enumerate(row):
            if count <= 0:
                continue
            x0, x1 = x_of(avoidance_edges[j]), x_of(avoidance_edges[j + 1])
            y_top, y_bottom = y_of(anxiety_edges[i + 1]), y_of(anxiety_edges[i])
            if x1 <= x0 or y_bottom <= y_top:
                continue
            shade = min(DENSITY_SHADES - 1, int(math.sqrt(count / peak) * DENSITY_SHADES))
            shades.setdefault(shade, []).append(
                f"M{x0:g} {y_top:g}h{x1 - x0:.4g}v{y_bottom - y_top:.4g}h{x0 - x1:.4g}z"
            )
    return tuple(
        DensityLayer(round(0.05 + 0.5 * (shade + 0.5) / DENSITY_SHADES, 3), "".join(parts))
        for shade, parts in sorted(shades.items())
    )


def standing(percentile: float) -> str:
    """ "higher than 62% of people" / "lower than 80% of people" for chart descriptions."""
    pct = min(99, max(1, round(percentile)))
    if pct > 50:
        return f"higher than {pct}% of people"
    if pct < 50:
        return f"lower than {100 - pct}% of people"
    return "in the middle of the range"


def _quadrants(style: str, cut_x: float, cut_y: float) -> list[Quadrant]:
    left, top = PLOT_LEFT, PLOT_TOP
    right, bottom = PLOT_LEFT + PLOT_SIZE, PLOT_TOP + PLOT_SIZE
    boxes = {
        # style: (x0, y0, x1, y1, label x, label y, anchor)
        "anxious": (left, top, cut_x, cut_y, left + 8, top + 20, "start"),
        "disorganized": (cut_x, top, right, cut_y, right - 8, top + 20, "end"),
        "secure": (left, cut_y, cut_x, bottom, left + 8, bottom - 10, "start"),
        "avoidant": (cut_x, cut_y, right, bottom, right - 8, bottom - 10, "end"),
    }
    return [
        Quadrant(
            style=name,
            name=QUADRANT_NAMES[name],
            colour=QUADRANT_COLOURS[name],
            x=x0,
            y=y0,
            width=round(x1 - x0, 1),
            height=round(y1 - y0, 1),
            label_x=lx,
            label_y=ly,
            anchor=anchor,
            mine=name == style,
        )
        for name, (x0, y0, x1, y1, lx, ly, anchor) in boxes.items()
    ]


def build_chart(result: Result, style_name: str) -> Chart:
    """Chart geometry and its description in words for one result."""
    bank = item_bank()
    cuts = bank.cuts
    cut_x, cut_y = x_of(cuts["avoidance"]), y_of(cuts["anxiety"])
    avoidance, anxiety = result.avoidance, result.anxiety
    box_left = x_of(avoidance.theta - Z95 * avoidance.se)
    box_right = x_of(avoidance.theta + Z95 * avoidance.se)
    box_top = y_of(anxiety.theta + Z95 * anxiety.se)
    box_bottom = y_of(anxiety.theta - Z95 * anxiety.se)
    description = (
        f"Your answers place you in the {style_name.lower()} area of the chart. "
        f"Across, on avoidance, you are {standing(avoidance.percentile)}; "
        f"up, on anxiety, you are {standing(anxiety.percentile)}. "
        "The dashed box around your dot shows the uncertainty: your true position very "
        "likely lies inside it. The grey squares show where the "
        f"{bank.n_respondents:,} people in the research sample fall; darker means more "
        "people, and most are near the middle."
    )
    return Chart(
        width=WIDTH,
        height=HEIGHT,
        plot_left=PLOT_LEFT,
        plot_top=PLOT_TOP,
        plot_size=PLOT_SIZE,
        plot_right=PLOT_LEFT + PLOT_SIZE,
        plot_bottom=PLOT_TOP + PLOT_SIZE,
        cut_x=cut_x,
        cut_y=cut_y,
        quadrants=_quadrants(result.style, cut_x, cut_y),
        density=population_density(bank),
        person_x=x_of(avoidance.theta),
        person_y=y_of(anxiety.theta),
        box_x=box_left,
        box_y=box_top,
        box_width=round(box_right - box_left, 1),
        box_height=round(box_bottom - box_top, 1),
        tick_y=PLOT_TOP + PLOT_SIZE + 16,
        x_label_y=PLOT_TOP + PLOT_SIZE + 36,
        y_label_x=14.0,
        mid_x=PLOT_LEFT + PLOT_SIZE / 2,
        mid_y=PLOT_TOP + PLOT_SIZE / 2,
        description=description,
        population_size=bank.n_respondents,
    )
