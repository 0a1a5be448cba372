"""How often the four-style verdict repeats, and how often it is right, under the fitted model.

Two figures put the style shown to a person in context:

- **consistency**: the probability that a second, independent administration of the same
  questions (a parallel form) gives the same style;
- **accuracy**: the probability that the style given equals the quadrant of the person's true
  (anxiety, avoidance).

Both are computed by plain Monte Carlo under the calibrated model: true thetas are drawn from
the model's population, N(0, 1) on each dimension independently (the calibration's latent
prior; the two ECR dimensions correlate about -.05); each simulee answers the questions twice,
independently, from the graded response model; each set of answers is scored exactly as the
site scores a person (the most probable style of the EAP posterior, :func:`score`). Everything
is seeded, so a figure is a deterministic function of the bank, the form, ``n`` and ``seed``.

The full form's figures are computed once by ``make calibrate`` and stored in the bank file
(section ``classification``), so pages read them without simulating at request time:
:func:`full_form_consistency` and :func:`full_form_accuracy`. A form is either a collection of
item numbers (a fixed short form) or a function that turns simulated answers to all 36 items
into styles (an adaptive test answering from them).
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from securebase.psychometrics.bank import ItemBank, item_bank
from securebase.psychometrics.grm import FloatArray, simulate_categories
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.scoring import scorer_for

IntArray = NDArray[np.int64]
#: A fixed set of item numbers, or answers (n, 36) as clicked -> one style per row.
Form = Collection[int] | Callable[[IntArray], Sequence[str]]

#: The published 12-item short form (ECR-S; Wei, Russell, Mallinckrodt & Vogel, 2007), the
#: fixed-length form the adaptive test is compared with.
ECR_S_ITEMS = (11, 13, 17, 27, 33, 35, 6, 16, 18, 22, 26, 32)
DEFAULT_SIMULEES = 100_000
DEFAULT_SEED = 20180301
_CHUNK = 10_000


@dataclass(frozen=True, eq=False)
class Simulation:
    """Simulees of one form: true thetas (n, 2), true quadrants, and the style of each sitting."""

    theta: FloatArray
    true_styles: tuple[str, ...]
    first: tuple[str, ...]
    second: tuple[str, ...]
    cuts: tuple[float, float]
    seed: int

    @property
    def n(self) -> int:
        """Number of simulees."""
        return len(self.true_styles)

    @property
    def consistency(self) -> float:
        """Share of simulees given the same style by both sittings."""
        return _share(self.first, self.second)

    @property
    def accuracy(self) -> float:
        """Share of first sittings whose style is the true quadrant."""
        return _share(self.first, self.true_styles)

    def standard_error(self, share: float) -> float:
        """Monte Carlo standard error of a share estimated from these simulees."""
        return float(np.sqrt(share * (1.0 - share) / self.n))

    def by_distance(self, edges: Sequence[float]) -> list[dict[str, float]]:
        """Consistency and accuracy by the true theta's distance from the nearest cut.

        ``edges`` are distance bin edges on the theta scale (e.g. 0, .25, .5, 1, inf); each
        row gives the bin, its number of simulees and both shares.
        """
        distance = np.min(np.abs(self.theta - np.asarray(self.cuts)), axis=1)
        first, second, truth = (np.asarray(x) for x in (self.first, self.second, self.true_styles))
        rows: list[dict[str, float]] = []
        for low, high in itertools.pairwise(edges):
            inside = (distance >= low) & (distance < high)
            count = int(inside.sum())
            rows.append(
                {
                    "low": float(low),
                    "high": float(high),
                    "n": count,
                    "consistency": float(np.mean(first[inside] == second[inside]))
                    if count
                    else float("nan"),
                    "accuracy": float(np.mean(first[inside] == truth[inside]))
                    if count
                    else float("nan"),
                }
            )
        return rows


def _share(a: Sequence[str], b: Sequence[str]) -> float:
    return float(np.mean(np.asarray(a) == np.asarray(b)))


def simulate_answers(theta: FloatArray, bank: ItemBank, rng: np.random.Generator) -> IntArray:
    """Answers as clicked (n, 36) of people with these true thetas (n, 2), drawn from the GRM."""
    responses = np.zeros((theta.shape[0], len(bank.items)), dtype=np.int64)
    for d, dimension in enumerate(DIMENSIONS):
        a, b = bank.parameters(dimension)
        keyed = simulate_categories(theta[:, d], a, b, rng) + 1
        for j, item in enumerate(bank.dimension_items(dimension)):
            responses[:, item.number - 1] = 6 - keyed[:, j] if item.reverse else keyed[:, j]
    return responses


def classify(form: Form | None, responses: IntArray, bank: ItemBank) -> list[str]:
    """Style of each row of answers (n, 36) under ``form`` (``None`` = all 36 items)."""
    if callable(form):
        return list(form(responses))
    scorer = scorer_for(bank)
    asked = np.ones(scorer.n_items, dtype=bool)
    if form is not None:
        asked[:] = False
        asked[[int(number) - 1 for number in form]] = True
    masked = np.where(asked[None, :], responses, 0)
    styles: list[str] = []
    for start in range(0, len(masked), _CHUNK):
        _, _, p_high = scorer.batch(masked[start : start + _CHUNK])
        styles.extend(scorer.styles(p_high))
    return styles


def simulate(
    form: Form | None = None,
    *,
    bank: ItemBank | None = None,
    n: int = DEFAULT_SIMULEES,
    seed: int = DEFAULT_SEED,
) -> Simulation:
    """Draw ``n`` simulees, let each sit ``form`` twice and record the styles (module docstring)."""
    bank = bank if bank is not None else item_bank()
    scorer = scorer_for(bank)
    rng = np.random.default_rng(seed)
    theta = rng.standard_normal((n, len(DIMENSIONS)))
    first = classify(form, simulate_answers(theta, bank, rng), bank)
    second = classify(form, simulate_answers(theta, bank, rng), bank)
    return Simulation(
        theta=theta,
        true_styles=tuple(scorer.styles_from_thetas(theta)),
        first=tuple(first),
        second=tuple(second),
        cuts=(scorer.cuts["anxiety"], scorer.cuts["avoidance"]),
        seed=seed,
    )


def consistency(
    form: Form | None = None,
    *,
    bank: ItemBank | None = None,
    n: int = DEFAULT_SIMULEES,
    seed: int = DEFAULT_SEED,
) -> float:
    """Probability that a parallel sitting of ``form`` gives the same style (simulated)."""
    return simulate(form, bank=bank, n=n, seed=seed).consistency


def accuracy(
    form: Form | None = None,
    *,
    bank: ItemBank | None = None,
    n: int = DEFAULT_SIMULEES,
    seed: int = DEFAULT_SEED,
) -> float:
    """Probability that ``form`` gives the true quadrant (simulated)."""
    return simulate(form, bank=bank, n=n, seed=seed).accuracy


def classification_section(
    bank: ItemBank, *, n: int = DEFAULT_SIMULEES, seed: int = DEFAULT_SEED
) -> dict[str, Any]:
    """The bank file's ``classification`` section (written by ``make calibrate``)."""
    simulation = simulate(None, bank=bank, n=n, seed=seed)
    return {
        "method": (
            "Monte Carlo under the fitted model: true thetas drawn from N(0, 1) on each "
            "dimension; each simulee answers all 36 items twice, independently, from the graded "
            "response model; each sitting is scored like a person (most probable style of the "
            "EAP posterior). consistency = share of simulees given the same style twice; "
            "accuracy = share whose first style is the quadrant of their true thetas"
        ),
        "n_simulees": n,
        "seed": seed,
        "full_form": {
            "consistency": round(simulation.consistency, 4),
            "accuracy": round(simulation.accuracy, 4),
        },
    }


def _stored(bank: ItemBank | None, key: str) -> float:
    bank = bank if bank is not None else item_bank()
    section = bank.document.get("classification")
    if section is None:
        raise LookupError("this bank has no classification section; run make calibrate")
    return float(section["full_form"][key])


def full_form_consistency(bank: ItemBank | None = None) -> float:
    """Probability that all 36 items, asked again, give the same style (stored by calibrate)."""
    return _stored(bank, "consistency")


def full_form_accuracy(bank: ItemBank | None = None) -> float:
    """Probability that all 36 items give the true quadrant (stored by calibrate)."""
    return _stored(bank, "accuracy")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m securebase.psychometrics.classification``: recompute and print the figures."""
    parser = argparse.ArgumentParser(description="Full-form classification consistency/accuracy")
    parser.add_argument("--n", type=int, default=DEFAULT_SIMULEES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    simulation = simulate(None, n=args.n, seed=args.seed)
    print(f"full form, {simulation.n:,} simulees, seed {simulation.seed}:")
    for name, share in (
        ("consistency", simulation.consistency),
        ("accuracy", simulation.accuracy),
    ):
        print(f"  {name}: {share:.4f} (Monte Carlo SE {simulation.standard_error(share):.4f})")
    print(
        f"  stored in the bank: consistency {full_form_consistency():.4f}, "
        f"accuracy {full_form_accuracy():.4f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
