"""The chart's joint region holds the true scores as often as it says (checked by simulation)."""

from __future__ import annotations

import math

import pytest
from scipy.special import ndtri

from securebase.psychometrics import score
from securebase.psychometrics.classification import ECR_S_ITEMS
from securebase.psychometrics.regions import (
    JointRegion,
    joint_region,
    side_multiplier,
    simulated_coverage,
)

SIMULEES = 40_000  # Monte Carlo SE of a 95% share: about 0.0011


def test_region_of_a_result() -> None:
    result = score({2: 5, 4: 4, 1: 1, 3: 5, 5: 2})
    region = joint_region(result)
    assert region == joint_region(result.anxiety, result.avoidance)
    assert region.level == 0.95
    z = side_multiplier(0.95)
    assert z == pytest.approx(float(ndtri(0.5 + math.sqrt(0.95) / 2)))
    assert 2.2 < z < 2.25  # wider than the 1.96 of one 95% interval
    sides = ((result.anxiety, region.anxiety), (result.avoidance, region.avoidance))
    for part, (low, high) in sides:
        assert low == pytest.approx(part.theta - z * part.se)
        assert high == pytest.approx(part.theta + z * part.se)
    assert region.contains(result.anxiety.theta, result.avoidance.theta)
    assert not region.contains(region.anxiety[1] + 0.01, result.avoidance.theta)
    assert region.to_dict() == {
        "anxiety": list(region.anxiety),
        "avoidance": list(region.avoidance),
        "level": 0.95,
    }
    assert joint_region(result, level=0.5).anxiety[1] < region.anxiety[1]
    with pytest.raises(TypeError):
        joint_region(result.anxiety)
    with pytest.raises(ValueError, match="level"):
        side_multiplier(1.0)


@pytest.mark.research
@pytest.mark.parametrize(
    ("name", "items"),
    [("full form", None), ("ECR-S", ECR_S_ITEMS), ("eight items", (2, 4, 6, 8, 1, 3, 5, 7))],
)
def test_joint_region_covers_95_percent(name: str, items: tuple[int, ...] | None) -> None:
    coverage = simulated_coverage(items, n=SIMULEES, seed=7)
    assert coverage == pytest.approx(0.95, abs=0.01), name


@pytest.mark.research
def test_two_95_percent_intervals_side_by_side_cover_only_about_90_percent() -> None:
    """What the old chart drew: the product of two independent 95% intervals."""
    old = simulated_coverage(None, z=float(ndtri(0.975)), n=SIMULEES, seed=8)
    assert old == pytest.approx(0.95**2, abs=0.01)
    assert old < 0.93


def test_region_type_is_frozen() -> None:
    region = JointRegion(anxiety=(0.0, 1.0), avoidance=(0.0, 1.0))
    with pytest.raises(AttributeError):
        region.level = 0.5  # type: ignore[misc]
