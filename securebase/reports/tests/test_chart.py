"""The result chart: quadrants, the population's contour bands, the joint region, the marker."""

import json
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from django.template.loader import render_to_string
from scipy.stats import norm

from securebase.psychometrics import DimensionScore, Result, item_bank
from securebase.psychometrics.data import default_data_path, load_ecr_csv
from securebase.psychometrics.styles import STYLE_NAMES
from securebase.reports import chart, group_density
from securebase.reports.plain_words import statistical_terms_in

SVG = "{http://www.w3.org/2000/svg}"


def make_result(anxiety: float, avoidance: float, style: str, se: float = 0.3) -> Result:
    probabilities = dict.fromkeys(("secure", "anxious", "avoidant", "disorganized"), 0.0)
    probabilities[style] = 1.0
    return Result(
        style=style,
        style_probabilities=probabilities,
        anxiety=DimensionScore(theta=anxiety, se=se, percentile=50.0, mean=3.0, n_items=18),
        avoidance=DimensionScore(theta=avoidance, se=se, percentile=30.0, mean=2.5, n_items=18),
        norm_group="adults 18+",
    )


def render_svg(result: Result) -> ET.Element:
    built = chart.build_chart(result, STYLE_NAMES)
    markup = render_to_string("reports/_chart.svg", {"report": {"chart": built}})
    assert not re.search(r"\sstyle=", markup), "inline style attributes are blocked by the CSP"
    return ET.fromstring(markup)  # noqa: S314 - our own template output, not untrusted input


def test_theta_maps_onto_the_plot_with_anxiety_up():
    low, high = chart.THETA_MIN, chart.THETA_MAX
    assert chart.x_of(low) == chart.PLOT_LEFT
    assert chart.x_of(high) == chart.PLOT_LEFT + chart.PLOT_SIZE
    assert chart.y_of(high) == chart.PLOT_TOP
    assert chart.y_of(low) == chart.PLOT_TOP + chart.PLOT_SIZE
    assert chart.x_of(9) == chart.x_of(high) and chart.y_of(-9) == chart.y_of(low)
    # The most extreme full-form answers (theta about 3.3) are drawn where they are.
    assert chart.x_of(3.3) < chart.PLOT_LEFT + chart.PLOT_SIZE


def test_four_quadrants_split_at_the_cuts_and_named_outside_the_plot():
    svg = render_svg(make_result(anxiety=-1.0, avoidance=-1.0, style="secure"))
    cuts = item_bank().cuts

    quadrants = svg.findall(f".//{SVG}g[@class='quadrants']/{SVG}rect")
    assert sorted(q.get("data-style") for q in quadrants) == sorted(STYLE_NAMES)
    secure = next(q for q in quadrants if q.get("data-style") == "secure")
    right_edge = float(secure.get("x")) + float(secure.get("width"))
    assert right_edge == pytest.approx(chart.x_of(cuts["avoidance"]), abs=0.11)
    assert float(secure.get("y")) == pytest.approx(chart.y_of(cuts["anxiety"]), abs=0.11)
    labels = {t.get("data-style"): t for t in svg.iter(f"{SVG}text") if t.get("data-style")}
    assert {style: t.text for style, t in labels.items()} == STYLE_NAMES
    assert labels["disorganized"].text == "Fearful-avoidant"
    # Labels sit above and below the plot, where no marker or band can cover them.
    for label in labels.values():
        y = float(label.get("y"))
        assert y < chart.PLOT_TOP or y > chart.PLOT_TOP + chart.PLOT_SIZE


def test_region_is_the_joint_95_percent_rectangle_around_the_marker():
    result = make_result(anxiety=1.0, avoidance=-2.0, style="anxious", se=0.25)
    svg = render_svg(result)

    marker = svg.find(f".//{SVG}circle[@class='you']")
    expected_x = chart.PLOT_LEFT + (-2.0 - chart.THETA_MIN) * chart.SCALE
    expected_y = chart.PLOT_TOP + (chart.THETA_MAX - 1.0) * chart.SCALE
    assert float(marker.get("cx")) == pytest.approx(expected_x, abs=0.06)
    assert float(marker.get("cy")) == pytest.approx(expected_y, abs=0.06)
    region = svg.find(f".//{SVG}rect[@class='region']")
    assert float(region.get("data-level")) == 0.95
    # Joint 95%: each side is a central sqrt(.95) interval (z about 2.24, not 1.96).
    z = norm.ppf(0.5 + math.sqrt(0.95) / 2)
    half = z * 0.25 * chart.SCALE
    assert float(region.get("width")) == pytest.approx(2 * half, abs=0.2)
    assert float(region.get("height")) == pytest.approx(2 * half, abs=0.2)
    assert float(region.get("x")) + half == pytest.approx(float(marker.get("cx")), abs=0.2)
    assert float(region.get("y")) + half == pytest.approx(float(marker.get("cy")), abs=0.2)
    label = svg.find(f".//{SVG}text[@class='region-label']")
    assert label.text == "Most likely area"
    you = svg.find(f".//{SVG}text[@class='you-label']")
    assert you.text == "You"


def test_marker_at_the_edge_stays_whole_and_its_label_points_inward():
    svg = render_svg(make_result(anxiety=3.6, avoidance=3.6, style="disorganized"))
    marker = svg.find(f".//{SVG}circle[@class='you']")
    assert marker.get("clip-path") is None
    you = svg.find(f".//{SVG}text[@class='you-label']")
    assert you.get("text-anchor") == "end"
    assert float(you.get("x")) < float(marker.get("cx"))


def test_svg_is_described_for_screen_readers():
    svg = render_svg(make_result(anxiety=0.5, avoidance=1.5, style="disorganized"))

    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-title chart-desc"
    assert svg.find(f"{SVG}title").text
    desc = svg.find(f"{SVG}desc").text
    assert "fearful-avoidant area" in desc
    assert "lower than 70% of the comparison group" in desc  # avoidance percentile 30
    assert "where you most likely are" in desc
    assert statistical_terms_in(desc) == []
    texts = " ".join(t.text or "" for t in svg.iter(f"{SVG}text"))
    assert "Avoidance: discomfort with closeness" in texts
    assert "Anxiety: worry about rejection" in texts


def test_population_is_three_smooth_nested_bands_whose_shares_are_counted():
    bands = chart.population_density(item_bank())
    assert [band.level for band in bands] == list(chart.DENSITY_LEVELS)
    shares = [band.share for band in bands]
    assert shares == sorted(shares, reverse=True)  # widest first, darkest drawn last
    for band in bands:
        # Counted from the histogram, within a few points of the nominal level.
        assert band.share == pytest.approx(band.level, abs=0.05)
        # Smooth outlines, not the old grid of squares: polygons of many short segments.
        assert band.path.startswith("M") and "h" not in band.path and "v" not in band.path
        assert band.path.count("Z") >= 1
    svg = render_svg(make_result(anxiety=0.0, avoidance=0.0, style="secure"))
    paths = svg.findall(f".//{SVG}g[@class='population']/{SVG}path")
    assert len(paths) == len(chart.DENSITY_LEVELS)


def test_legend_states_the_counted_shares():
    built = chart.build_chart(make_result(0.0, 0.0, "secure"), STYLE_NAMES)
    bands = chart.population_density(item_bank())
    legend = " ".join(built.legend)
    assert f"darkest: {round(bands[-1].share * 100)}% of them" in legend
    assert f"palest: {round(bands[0].share * 100)}%" in legend
    # No norm sample recorded: the bands are those of the default group, all adults 18+.
    assert f"{item_bank().norms.tables['adults'].n:,} people in your comparison group" in legend


def test_bands_show_the_same_group_as_the_percentiles():
    bank = item_bank()
    table = bank.norms.select(gender="male", age_band="55+")
    result = make_result(0.0, 0.0, "secure")
    result = Result(**{**result.__dict__, "norm_group": table.label, "norm_sample": table.sample})
    built = chart.build_chart(result, STYLE_NAMES)
    assert built.density == chart.population_density(bank, table.key)
    assert built.density != chart.population_density(bank)
    assert f"{table.n:,} people in your comparison group" in built.description
    assert str(bank.n_respondents) not in built.description.replace(",", "")


def test_every_norm_group_has_a_histogram_of_exactly_its_people():
    bank = item_bank()
    for key, table in bank.norms.tables.items():
        chosen, counts = group_density.group_counts(key)
        assert chosen == key and counts.sum() == table.n
    # The default group excludes the under-18s the bank's own histogram includes.
    everyone = np.asarray(bank.population["counts"]).sum()
    assert group_density.group_counts(None)[1].sum() == bank.norms.tables["adults"].n < everyone


@pytest.mark.research
def test_stored_histograms_are_what_the_calibration_data_gives():
    path = default_data_path()
    if path is None:
        pytest.skip("calibration data not available")
    built = group_density.build_group_histograms(load_ecr_csv(path), item_bank())
    stored = json.loads(group_density.DENSITY_PATH.read_text(encoding="utf-8"))
    assert built["groups"].keys() == stored["groups"].keys()
    for key, group in built["groups"].items():
        assert group["n"] == stored["groups"][key]["n"], key
        # A score within rounding of a bin edge may fall on either side of it with another
        # BLAS kernel, and people who gave the same answers share one score, so they move
        # together (0.24% of adults between the committed file and this machine's numpy).
        # More than half a percent moved is a real change of the scores.
        moved = np.abs(np.array(group["counts"]) - np.array(stored["groups"][key]["counts"]))
        assert moved.sum() <= max(6, group["n"] // 100), key


def gaussian_grid(step: float = 0.1):
    xs = np.arange(-3.5, 3.5 + step / 2, step)
    values = np.exp(-0.5 * (xs[None, :] ** 2 + xs[:, None] ** 2))
    return xs, values


def test_contours_of_a_round_bump_are_circles():
    xs, values = gaussian_grid()
    radius = 1.5
    loops = chart.contour_loops(xs, xs, values, math.exp(-0.5 * radius**2))
    assert len(loops) == 1
    radii = [math.hypot(x, y) for x, y in loops[0]]
    assert min(radii) == pytest.approx(radius, abs=0.02)
    assert max(radii) == pytest.approx(radius, abs=0.02)


def test_point_in_loops_follows_the_even_odd_rule():
    xs, values = gaussian_grid()
    outer = chart.contour_loops(xs, xs, values, math.exp(-0.5 * 2.0**2))
    inner = chart.contour_loops(xs, xs, values, math.exp(-0.5 * 1.0**2))
    points = np.array([[0.0, 0.0], [1.5, 0.0], [0.0, -2.5], [1.2, 1.2]])
    assert chart.inside_loops(points, outer).tolist() == [True, True, False, True]
    # A ring (outer minus inner): the middle is a hole.
    assert chart.inside_loops(points, outer + inner).tolist() == [False, True, False, True]


def test_two_bumps_give_two_loops():
    xs = np.arange(-3.0, 3.05, 0.1)
    values = np.exp(-2 * ((xs[None, :] - 1.5) ** 2 + xs[:, None] ** 2)) + np.exp(
        -2 * ((xs[None, :] + 1.5) ** 2 + xs[:, None] ** 2)
    )
    assert len(chart.contour_loops(xs, xs, values, 0.5)) == 2


def test_highest_density_thresholds_hold_their_share():
    _, _, density = chart.smoothed_density(item_bank(), group_density.group_counts(None)[1])
    for share, threshold in zip(
        chart.DENSITY_LEVELS, chart.hdr_thresholds(density, chart.DENSITY_LEVELS), strict=True
    ):
        assert density[density >= threshold].sum() == pytest.approx(share, abs=0.01)


def test_the_box_is_explained_in_plain_words_first_then_in_numbers():
    built = chart.build_chart(make_result(0.0, 0.0, "secure"), STYLE_NAMES)
    sentence = built.region_sentence
    assert sentence.index("where you most likely are") < sentence.index("95% region")
    assert "95% chance" in sentence
    assert statistical_terms_in(" ".join(built.legend)) == []
