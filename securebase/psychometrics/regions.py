"""The joint uncertainty region of a result on the anxiety x avoidance chart.

Two 95% intervals drawn side by side make a rectangle that holds the person's true pair of
scores only about 0.95 x 0.95 = 90% of the time, since the two dimensions are scored
independently. For a rectangle that really holds it with probability ``level``, each side is
the central ``sqrt(level)`` interval of its dimension (97.5% per side for a 95% region): the
posteriors are independent, so the joint coverage is the product of the two.

Each side is ``theta +/- z * se`` (``z`` the standard normal quantile for the per-side level),
from the result's ``se``: the posterior SD widened by the calibrated factor of the form
(:mod:`securebase.psychometrics.certainty`), the same normal distribution the style
probabilities and percentile ranges come from, so the region and the percentages cannot
disagree. Its coverage of the true position of people simulated with local dependence is in
the technical manual (chapter 14). :func:`simulated_coverage` checks the multiplier itself
under the GRM with its own posterior SD (model truth, no widening); the tests run it and
``python -m securebase.psychometrics.regions`` prints it.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.special import ndtri

from securebase.psychometrics.bank import ItemBank, item_bank
from securebase.psychometrics.classification import ECR_S_ITEMS, simulate_answers
from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.scoring import DimensionScore, Result, scorer_for

DEFAULT_LEVEL = 0.95


@dataclass(frozen=True)
class JointRegion:
    """Rectangle on the theta scale holding the true (anxiety, avoidance) with prob. ``level``."""

    anxiety: tuple[float, float]
    avoidance: tuple[float, float]
    level: float = DEFAULT_LEVEL

    def contains(self, anxiety: float, avoidance: float) -> bool:
        """Whether the point (anxiety, avoidance) lies inside the rectangle."""
        return (
            self.anxiety[0] <= anxiety <= self.anxiety[1]
            and self.avoidance[0] <= avoidance <= self.avoidance[1]
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "anxiety": list(self.anxiety),
            "avoidance": list(self.avoidance),
            "level": self.level,
        }


def side_multiplier(level: float = DEFAULT_LEVEL, dimensions: int = 2) -> float:
    """``z`` such that ``theta +/- z * se`` on every side gives joint coverage ``level``."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1, got {level!r}")
    per_side = level ** (1.0 / dimensions)
    return float(ndtri(0.5 + per_side / 2.0))


def joint_region(
    result_or_anxiety: Result | DimensionScore,
    avoidance: DimensionScore | None = None,
    level: float = DEFAULT_LEVEL,
) -> JointRegion:
    """Joint ``level`` region of a :class:`Result` (or of its two :class:`DimensionScore`)."""
    if isinstance(result_or_anxiety, Result):
        anxiety, avoidance = result_or_anxiety.anxiety, result_or_anxiety.avoidance
    elif avoidance is None:
        raise TypeError("pass a Result, or the anxiety and avoidance DimensionScores")
    else:
        anxiety = result_or_anxiety
    z = side_multiplier(level)
    return JointRegion(
        anxiety=(anxiety.theta - z * anxiety.se, anxiety.theta + z * anxiety.se),
        avoidance=(avoidance.theta - z * avoidance.se, avoidance.theta + z * avoidance.se),
        level=level,
    )


def simulated_coverage(
    items: Collection[int] | None = None,
    *,
    z: float | None = None,
    bank: ItemBank | None = None,
    n: int = 20_000,
    seed: int = 20180301,
) -> float:
    """Share of simulees whose true (anxiety, avoidance) lies in the rectangle ``eap +/- z se``.

    True thetas come from the model's N(0, 1) population, answers to ``items`` (default: all
    36) from the graded response model. ``z`` defaults to the joint 95% region's
    :func:`side_multiplier`; with 1.96 it measures the old display (two 95% intervals).
    """
    bank = bank if bank is not None else item_bank()
    scorer = scorer_for(bank)
    z = side_multiplier() if z is None else z
    rng = np.random.default_rng(seed)
    theta: FloatArray = rng.standard_normal((n, 2))
    responses = simulate_answers(theta, bank, rng)
    if items is not None:
        asked = np.zeros(scorer.n_items, dtype=bool)
        asked[[int(number) - 1 for number in items]] = True
        responses = np.where(asked[None, :], responses, 0)
    eap, se, _ = scorer.batch(responses)
    inside = np.all(np.abs(theta - eap) <= z * se, axis=1)
    return float(np.mean(inside))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m securebase.psychometrics.regions``: print simulated coverages."""
    parser = argparse.ArgumentParser(description="Coverage of the chart's uncertainty region")
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args(argv)
    standard_error = math.sqrt(0.95 * 0.05 / args.n)
    print(f"{args.n:,} simulees per row (Monte Carlo SE about {standard_error:.4f})")
    for name, items in (("full form (36 items)", None), ("ECR-S (12 items)", ECR_S_ITEMS)):
        joint = simulated_coverage(items, n=args.n)
        old = simulated_coverage(items, z=float(ndtri(0.975)), n=args.n)
        print(f"  {name}: joint 95% region {joint:.4f}; two 95% intervals side by side {old:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
