"""The result chart: quadrants, population, the person's marker at the right place."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string

from securebase.psychometrics import DimensionScore, Result, item_bank
from securebase.reports import chart
from securebase.reports.services import STYLE_NAMES

SVG = "{http://www.w3.org/2000/svg}"


def make_result(anxiety: float, avoidance: float, style: str, se: float = 0.3) -> Result:
    probabilities = dict.fromkeys(("secure", "anxious", "avoidant", "disorganized"), 0.0)
    probabilities[style] = 1.0
    return Result(
        style=style,
        style_probabilities=probabilities,
        anxiety=DimensionScore(theta=anxiety, se=se, percentile=50.0, mean=3.0, n_items=18),
        avoidance=DimensionScore(theta=avoidance, se=se, percentile=30.0, mean=2.5, n_items=18),
        norm_group="all respondents",
    )


def render_svg(result: Result) -> ET.Element:
    built = chart.build_chart(result, STYLE_NAMES[result.style])
    markup = render_to_string("reports/_chart.svg", {"report": {"chart": built}})
    assert not re.search(r"\sstyle=", markup), "inline style attributes are blocked by the CSP"
    return ET.fromstring(markup)  # noqa: S314 - our own template output, not untrusted input


def test_theta_maps_onto_the_plot_with_anxiety_up():
    assert chart.x_of(-3) == chart.PLOT_LEFT
    assert chart.x_of(3) == chart.PLOT_LEFT + chart.PLOT_SIZE
    assert chart.y_of(3) == chart.PLOT_TOP
    assert chart.y_of(-3) == chart.PLOT_TOP + chart.PLOT_SIZE
    assert chart.x_of(9) == chart.x_of(3) and chart.y_of(-9) == chart.y_of(-3)


def test_svg_has_four_labelled_quadrants_split_at_the_cuts():
    svg = render_svg(make_result(anxiety=-1.0, avoidance=-1.0, style="secure"))
    cuts = item_bank().cuts

    quadrants = svg.findall(f".//{SVG}g[@class='quadrants']/{SVG}rect")
    assert sorted(q.get("data-style") for q in quadrants) == sorted(chart.QUADRANT_NAMES)
    secure = next(q for q in quadrants if q.get("data-style") == "secure")
    right_edge = float(secure.get("x")) + float(secure.get("width"))
    assert right_edge == pytest.approx(chart.x_of(cuts["avoidance"]), abs=0.11)
    assert float(secure.get("y")) == pytest.approx(chart.y_of(cuts["anxiety"]), abs=0.11)
    labels = {t.get("data-style"): t.text for t in svg.iter(f"{SVG}text") if t.get("data-style")}
    assert labels == chart.QUADRANT_NAMES


def test_person_marker_and_uncertainty_box_sit_at_the_result():
    result = make_result(anxiety=1.0, avoidance=-2.0, style="anxious", se=0.25)
    svg = render_svg(result)

    marker = svg.find(f".//{SVG}circle[@class='you']")
    # avoidance -2 is 1 unit from the left edge, anxiety 1 is 2 units below the top edge.
    assert float(marker.get("cx")) == pytest.approx(chart.PLOT_LEFT + 1 * chart.SCALE)
    assert float(marker.get("cy")) == pytest.approx(chart.PLOT_TOP + 2 * chart.SCALE)
    box = svg.find(f".//{SVG}rect[@class='uncertainty']")
    half = 1.96 * 0.25 * chart.SCALE
    assert float(box.get("width")) == pytest.approx(2 * half, abs=0.2)
    assert float(box.get("height")) == pytest.approx(2 * half, abs=0.2)
    assert float(box.get("x")) + half == pytest.approx(float(marker.get("cx")), abs=0.2)
    # The marker lies inside the quadrant of the reported style.
    anxious = next(
        q for q in svg.findall(f".//{SVG}rect[@data-style]") if q.get("data-style") == "anxious"
    )
    x, y = float(marker.get("cx")), float(marker.get("cy"))
    assert float(anxious.get("x")) <= x <= float(anxious.get("x")) + float(anxious.get("width"))
    assert float(anxious.get("y")) <= y <= float(anxious.get("y")) + float(anxious.get("height"))


def test_svg_is_described_for_screen_readers():
    svg = render_svg(make_result(anxiety=0.5, avoidance=1.5, style="disorganized"))

    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "chart-title chart-desc"
    assert svg.find(f"{SVG}title").text
    desc = svg.find(f"{SVG}desc").text
    assert "disorganized (fearful-avoidant) area" in desc
    assert "lower than 70% of people" in desc  # avoidance percentile 30
    texts = " ".join(t.text or "" for t in svg.iter(f"{SVG}text"))
    assert "Avoidance: discomfort with closeness" in texts
    assert "Anxiety: worry about rejection" in texts


def test_population_heat_map_covers_the_sample():
    layers = chart.population_density(item_bank())
    assert 2 <= len(layers) <= chart.DENSITY_SHADES
    opacities = [layer.opacity for layer in layers]
    assert opacities == sorted(opacities) and all(0 < o <= 0.55 for o in opacities)
    counts = item_bank().population["counts"]
    filled = sum(1 for row in counts for count in row if count > 0)
    assert sum(layer.path.count("z") for layer in layers) == filled
