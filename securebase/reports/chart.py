"""Geometry of the result chart: the anxiety x avoidance plane as an inline SVG.

The SVG is written by a Django template (``reports/_chart.svg``) from the numbers computed
here, with no chart library: libraries emit inline ``style`` attributes, which the strict
Content-Security-Policy blocks, and add their own work to every render. Only SVG
presentation attributes are used, so the same markup renders in browsers and in WeasyPrint.

x is avoidance theta and y is anxiety theta (up = more anxious), both on -3.5..3.5. The quadrants
split at the item bank's cuts. Behind them, smooth contour bands show where the person's
comparison group sits (the same norm group as the percentiles, from
:mod:`securebase.reports.group_density`): the group's histogram of full-form scores is
smoothed with a Gaussian kernel and the
bands are the smallest areas holding half, 80% and 95% of the people (highest-density
regions), traced with marching squares. The person is a "you" marker inside the joint 95%
region of the psychometrics package, labelled "most likely area" (its statistical meaning is
told in the "How sure is this?" detail) (a rectangle whose joint coverage is 95%, not two 95%
intervals side by side).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from securebase.psychometrics import ItemBank, Result, item_bank
from securebase.psychometrics.regions import joint_region
from securebase.reports.group_density import group_counts

# Wide enough that answering every question at the extreme (theta about 3.3 on the full
# form) still shows the marker where it belongs instead of pinned to the edge.
THETA_MIN, THETA_MAX = -3.5, 3.5
# The quadrant names sit outside the plot (above and below it), so no marker, region or
# population band can ever cover them.
PLOT_LEFT, PLOT_TOP, PLOT_SIZE = 40.0, 22.0, 300.0
WIDTH, HEIGHT = PLOT_LEFT + PLOT_SIZE + 8.0, PLOT_TOP + PLOT_SIZE + 42.0
SCALE = PLOT_SIZE / (THETA_MAX - THETA_MIN)

# The shared style colours of site.css (--style-*); dark enough for 4.5:1 contrast as text
# on the pale tint of their own quadrant.
QUADRANT_COLOURS = {
    "secure": "#1e7a56",
    "anxious": "#b34d0b",
    "avoidant": "#2f5fa7",
    "disorganized": "#7b3f98",
}
ACCENT = "#00606f"
#: The words beside the shaded box: plain, never "95% region" (that is said in the detail).
REGION_LABEL = "Most likely area"

#: Shares of the comparison group inside each contour band, widest first.
DENSITY_LEVELS = (0.95, 0.8, 0.5)
#: Spacing of the smoothing grid and the kernel's bandwidth, in theta units. A bandwidth of
#: about one histogram bin (0.25) keeps the real shape and removes the blockiness.
GRID_STEP = 0.1
BANDWIDTH = 0.3


def x_of(avoidance: float) -> float:
    """SVG x of an avoidance theta (clamped to the plotted range)."""
    theta = min(THETA_MAX, max(THETA_MIN, avoidance))
    return round(PLOT_LEFT + (theta - THETA_MIN) * SCALE, 1)


def y_of(anxiety: float) -> float:
    """SVG y of an anxiety theta: up means more anxious, so the axis is flipped."""
    theta = min(THETA_MAX, max(THETA_MIN, anxiety))
    return round(PLOT_TOP + (THETA_MAX - theta) * SCALE, 1)


@dataclass(frozen=True)
class DensityBand:
    """One contour band as a closed SVG path.

    ``level`` is the nominal share of the smoothed density inside it (the highest-density
    region it traces); ``share`` is the share of the actual comparison group inside it,
    counted from the histogram. The chart says ``share``, the number that is true of people.
    """

    level: float
    share: float
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
    density: tuple[DensityBand, ...]
    person_x: float
    person_y: float
    person_label_x: float
    person_label_y: float
    person_label_anchor: str
    region_x: float
    region_y: float
    region_width: float
    region_height: float
    region_level: float
    region_label: str
    region_sentence: str
    region_label_x: float
    region_label_y: float
    accent: str
    x_label_y: float
    y_label_x: float
    mid_x: float
    mid_y: float
    description: str
    legend: list[str]


def smoothed_density(
    bank: ItemBank, counts: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """(avoidance grid, anxiety grid, density[anxiety, avoidance]) of one group's histogram.

    ``counts`` uses the bank's population histogram edges. Every cell's count sits at the
    cell's centre and is spread with a Gaussian kernel (separable, so two small matrix
    products). The outermost grid ring is set to zero so every contour closes inside the plot.
    The density is normalised to sum to 1.
    """
    population = bank.population
    anxiety_edges = np.asarray(population["anxiety_edges"], dtype=np.float64)
    avoidance_edges = np.asarray(population["avoidance_edges"], dtype=np.float64)
    anxiety_mid = (anxiety_edges[:-1] + anxiety_edges[1:]) / 2
    avoidance_mid = (avoidance_edges[:-1] + avoidance_edges[1:]) / 2
    grid = np.arange(THETA_MIN, THETA_MAX + GRID_STEP / 2, GRID_STEP)

    def kernel(centres: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.exp(-0.5 * ((grid[:, None] - centres[None, :]) / BANDWIDTH) ** 2)

    density = kernel(anxiety_mid) @ counts @ kernel(avoidance_mid).T
    density[[0, -1], :] = 0.0
    density[:, [0, -1]] = 0.0
    return grid, grid, density / density.sum()


def hdr_thresholds(density: NDArray[np.float64], shares: tuple[float, ...]) -> list[float]:
    """Density value above which each ``share`` of the mass lies (highest-density regions)."""
    values = np.sort(density, axis=None)[::-1]
    cumulative = np.cumsum(values)
    return [
        float(values[min(int(np.searchsorted(cumulative, share)), values.size - 1)])
        for share in shares
    ]


# Marching squares: corner bits (bottom-left 1, bottom-right 2, top-right 4, top-left 8) ->
# pairs of crossed cell edges (0 bottom, 1 right, 2 top, 3 left). The saddles (5, 10) are
# resolved by the cell's mean, see _cell_segments.
_SEGMENTS: dict[int, tuple[tuple[int, int], ...]] = {
    1: ((3, 0),),
    2: ((0, 1),),
    3: ((3, 1),),
    4: ((1, 2),),
    6: ((0, 2),),
    7: ((3, 2),),
    8: ((2, 3),),
    9: ((2, 0),),
    11: ((2, 1),),
    12: ((1, 3),),
    13: ((1, 0),),
    14: ((0, 3),),
}
EdgeKey = tuple[str, int, int]


def _edge_key(row: int, col: int, edge: int) -> EdgeKey:
    """A cell edge named so that the two cells sharing it name it the same way."""
    return {
        0: ("h", row, col),
        1: ("v", row, col + 1),
        2: ("h", row + 1, col),
        3: ("v", row, col),
    }[edge]


def _cell_segments(
    corners: tuple[float, float, float, float], case: int, level: float
) -> tuple[tuple[int, int], ...]:
    if case == 5:
        return ((3, 2), (1, 0)) if sum(corners) / 4 < level else ((3, 0), (1, 2))
    if case == 10:
        return ((0, 3), (2, 1)) if sum(corners) / 4 < level else ((0, 1), (2, 3))
    return _SEGMENTS.get(case, ())


def contour_loops(
    xs: NDArray[np.float64], ys: NDArray[np.float64], values: NDArray[np.float64], level: float
) -> list[list[tuple[float, float]]]:
    """Closed loops (in theta units) where ``values[y, x]`` crosses ``level``.

    Each crossing point lies on a cell edge shared by exactly two cells, so chaining the
    segments through their edges gives closed loops (the zero border guarantees closure).
    """
    points: dict[EdgeKey, tuple[float, float]] = {}
    links: dict[EdgeKey, list[EdgeKey]] = {}
    above = values > level

    def crossing(key: EdgeKey) -> tuple[float, float]:
        kind, row, col = key
        if kind == "h":
            v0, v1 = values[row, col], values[row, col + 1]
            t = (level - v0) / (v1 - v0)
            return (xs[col] + t * (xs[col + 1] - xs[col]), ys[row])
        v0, v1 = values[row, col], values[row + 1, col]
        t = (level - v0) / (v1 - v0)
        return (xs[col], ys[row] + t * (ys[row + 1] - ys[row]))

    for row in range(values.shape[0] - 1):
        for col in range(values.shape[1] - 1):
            case = (
                int(above[row, col])
                | int(above[row, col + 1]) << 1
                | int(above[row + 1, col + 1]) << 2
                | int(above[row + 1, col]) << 3
            )
            if case in (0, 15):
                continue
            corners = (
                values[row, col],
                values[row, col + 1],
                values[row + 1, col + 1],
                values[row + 1, col],
            )
            for edge_a, edge_b in _cell_segments(corners, case, level):
                a, b = _edge_key(row, col, edge_a), _edge_key(row, col, edge_b)
                for key in (a, b):
                    if key not in points:
                        points[key] = crossing(key)
                links.setdefault(a, []).append(b)
                links.setdefault(b, []).append(a)

    loops: list[list[tuple[float, float]]] = []
    unvisited = set(links)
    while unvisited:
        start = unvisited.pop()
        loop, previous, current = [points[start]], start, links[start][0]
        while current != start:
            unvisited.discard(current)
            loop.append(points[current])
            following = [key for key in links[current] if key != previous] or [start]
            previous, current = current, following[0]
        loops.append(loop)
    return loops


def _svg_path(loops: list[list[tuple[float, float]]]) -> str:
    parts = []
    for loop in loops:
        coords = " ".join(f"{x_of(x):g} {y_of(y):g}" for x, y in loop)
        parts.append(f"M{coords}Z")
    return "".join(parts)


@lru_cache(maxsize=32)
def population_density(bank: ItemBank, group: str | None = None) -> tuple[DensityBand, ...]:
    """Contour bands of a norm group (all adults by default), widest (95%) first.

    Computed once per bank and group. The paths are drawn with ``fill-rule="evenodd"`` and
    stack their opacities, so the middle of the crowd is darkest.
    """
    _, counts = group_counts(group)
    xs, ys, density = smoothed_density(bank, counts)
    points, weights = sample_points(bank, counts)
    bands = []
    for index, (share, level) in enumerate(
        zip(DENSITY_LEVELS, hdr_thresholds(density, DENSITY_LEVELS), strict=True)
    ):
        loops = contour_loops(xs, ys, density, level)
        inside = float(weights[inside_loops(points, loops)].sum() / weights.sum())
        bands.append(DensityBand(share, inside, round(0.1 + 0.04 * index, 2), _svg_path(loops)))
    return tuple(bands)


def sample_points(
    bank: ItemBank, counts: NDArray[np.float64], per_side: int = 3
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A group's histogram as weighted (avoidance, anxiety) points and their weights.

    Each histogram cell's count is spread evenly over a ``per_side`` x ``per_side`` lattice
    inside the cell: the histogram is all that is kept of individual people.
    """
    population = bank.population
    anxiety_edges = np.asarray(population["anxiety_edges"], dtype=np.float64)
    avoidance_edges = np.asarray(population["avoidance_edges"], dtype=np.float64)
    offsets = (np.arange(per_side) + 0.5) / per_side
    points, weights = [], []
    for row, col in zip(*np.nonzero(counts > 0), strict=True):
        a0, a1 = anxiety_edges[row], anxiety_edges[row + 1]
        v0, v1 = avoidance_edges[col], avoidance_edges[col + 1]
        anx, avo = np.meshgrid(a0 + offsets * (a1 - a0), v0 + offsets * (v1 - v0))
        points.append(np.column_stack([avo.ravel(), anx.ravel()]))
        weights.append(np.full(per_side * per_side, counts[row, col] / per_side**2))
    return np.concatenate(points), np.concatenate(weights)


def inside_loops(
    points: NDArray[np.float64], loops: list[list[tuple[float, float]]]
) -> NDArray[np.bool_]:
    """Even-odd point-in-polygon test of (x, y) ``points`` against all ``loops`` at once."""
    inside = np.zeros(len(points), dtype=bool)
    px, py = points[:, 0], points[:, 1]
    for loop in loops:
        vertices = np.asarray(loop)
        x1, y1 = vertices[:, 0], vertices[:, 1]
        x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
        for ax, ay, bx, by in zip(x1, y1, x2, y2, strict=True):
            straddles = (ay > py) != (by > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                cross_x = ax + (py - ay) * (bx - ax) / (by - ay)
            inside ^= straddles & (px < cross_x)
    return inside


def standing(percentile: float) -> str:
    """ "higher than 62% of the comparison group" / "lower than 80% of ..." for descriptions."""
    pct = min(99, max(1, round(percentile)))
    if pct > 50:
        return f"higher than {pct}% of the comparison group"
    if pct < 50:
        return f"lower than {100 - pct}% of the comparison group"
    return "in the middle of the comparison group"


def _quadrants(style: str, names: Mapping[str, str], cut_x: float, cut_y: float) -> list[Quadrant]:
    left, top = PLOT_LEFT, PLOT_TOP
    right, bottom = PLOT_LEFT + PLOT_SIZE, PLOT_TOP + PLOT_SIZE
    boxes = {
        # style: (x0, y0, x1, y1, label x, label y, anchor); labels outside the plot.
        "anxious": (left, top, cut_x, cut_y, left, top - 7, "start"),
        "disorganized": (cut_x, top, right, cut_y, right, top - 7, "end"),
        "secure": (left, cut_y, cut_x, bottom, left, bottom + 15, "start"),
        "avoidant": (cut_x, cut_y, right, bottom, right, bottom + 15, "end"),
    }
    return [
        Quadrant(
            style=name,
            name=names[name],
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


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def build_chart(result: Result, names: Mapping[str, str]) -> Chart:
    """Chart geometry and its description in words for one result.

    ``names`` maps machine style values to the names people read (the report services'
    ``STYLE_NAMES``), so the chart says "Fearful-avoidant" where the page does.
    """
    bank = item_bank()
    cuts = bank.cuts
    cut_x, cut_y = x_of(cuts["avoidance"]), y_of(cuts["anxiety"])
    avoidance, anxiety = result.avoidance, result.anxiety
    region = joint_region(result)
    left, right = x_of(region.avoidance[0]), x_of(region.avoidance[1])
    top, bottom = y_of(region.anxiety[1]), y_of(region.anxiety[0])
    level = _percent(region.level)
    person_x, person_y = x_of(avoidance.theta), y_of(anxiety.theta)
    plot_bottom = PLOT_TOP + PLOT_SIZE
    # "You" beside the dot, on the side towards the middle of the plot.
    toward_left = person_x > PLOT_LEFT + PLOT_SIZE / 2
    # The region's label under the box, or above it when the box reaches the bottom.
    if bottom + 14 <= plot_bottom - 3:
        region_label_y = bottom + 14
    elif top - 5 >= PLOT_TOP + 12:
        region_label_y = top - 5
    else:
        region_label_y = plot_bottom - 5
    group = None if result.norm_sample is None else result.norm_sample.key
    density = population_density(bank, group)
    n_group = round(float(group_counts(group)[1].sum()))
    wide, middle, narrow = (band.share for band in density)
    description = (
        f"Your answers place you in the {names[result.style].lower()} area of the chart. "
        f"Across, on avoidance, you are {standing(avoidance.percentile)}; "
        f"up, on anxiety, you are {standing(anxiety.percentile)}. "
        "The shaded box around you shows where you most likely are, given your answers. "
        f"The grey bands show where the "
        f"{n_group:,} people in your comparison group fall: the darkest holds "
        f"{_percent(narrow)} of them, the next {_percent(middle)}, the palest {_percent(wide)}."
    )
    # The statistical meaning of the box, for the "How sure is this?" detail only.
    region_sentence = (
        "The shaded box on the chart shows where you most likely are. In numbers: given your "
        f"answers, there is a {level} chance that your true place on the two scores lies "
        f"inside it, which is why it is called a {level} region."
    )
    legend = [
        "Shaded box: where you most likely are, given your answers. Grey: where the "
        f"{n_group:,} people in your comparison group fall (darkest: "
        f"{_percent(narrow)} of them, palest: {_percent(wide)}).",
    ]
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
        quadrants=_quadrants(result.style, names, cut_x, cut_y),
        density=density,
        person_x=person_x,
        person_y=person_y,
        person_label_x=round(person_x - 12 if toward_left else person_x + 12, 1),
        person_label_y=round(min(plot_bottom - 3, max(PLOT_TOP + 12, person_y + 4)), 1),
        person_label_anchor="end" if toward_left else "start",
        region_x=left,
        region_y=top,
        region_width=round(right - left, 1),
        region_height=round(bottom - top, 1),
        region_level=region.level,
        region_label=REGION_LABEL,
        region_sentence=region_sentence,
        # Half the label's width in DejaVu Sans Bold 11 (the PDF's font) is about 52 units,
        # so the label is kept this far from the plot's edges.
        region_label_x=round(
            min(PLOT_LEFT + PLOT_SIZE - 54, max(PLOT_LEFT + 54, (left + right) / 2)), 1
        ),
        region_label_y=round(region_label_y, 1),
        accent=ACCENT,
        x_label_y=PLOT_TOP + PLOT_SIZE + 35,
        y_label_x=14.0,
        mid_x=PLOT_LEFT + PLOT_SIZE / 2,
        mid_y=PLOT_TOP + PLOT_SIZE / 2,
        description=description,
        legend=legend,
    )
