"""A model of real answers that is truer than the scoring model: simulated people to check it.

The graded response model the site scores with treats a person's answers to one dimension as
independent given their position. Real answers are not: statements worded alike go together
beyond what the position explains (the manual's bifactor analysis). Checking the shown
certainty against simulated people drawn from the scoring model itself would therefore flatter
it. This module draws people from a model that keeps that local dependence, fitted on the
training split by ``python -m securebase.manual.generating_fit`` and stored in
``generating_model.json``:

- each person has a **general factor** per dimension and three **group factors** per
  dimension (clusters of similarly worded statements), all standard normal; within a
  dimension they are uncorrelated, between the dimensions they correlate as in the data;
- an answer is a latent response ``general_loading * G + sum of group_loading * S + noise``
  (unit variance) cut at the item's four thresholds, then reverse-keyed as clicked.

A simulated person's **true position** on a dimension is their general factor: a standard
normal variable in the population, the metric of the scoring model's N(0, 1) theta, so their
true quadrant is the general factors against the bank's cuts. A **second sitting** of the same
people keeps every factor and draws new noise: what a retest shows for people whose attachment
did not change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.norms import DIMENSIONS

MODEL_PATH = Path(__file__).with_name("generating_model.json")
SCHEMA = "securebase.psychometrics.generating-model/1"
#: The evaluation's fixed train/held-out split of the calibration file (the same seed and
#: share as ``benchmarks/psychometrics_eval.py``): fit on the first part, check on the second.
SPLIT_SEED = 20180301
TRAIN_SHARE = 0.8

IntArray = NDArray[np.int64]


def training_rows(n: int) -> tuple[IntArray, IntArray]:
    """Row indices (training, held-out) of a calibration file of ``n`` respondents."""
    order = np.random.default_rng(SPLIT_SEED).permutation(n)
    cut = round(TRAIN_SHARE * n)
    return np.sort(order[:cut]), np.sort(order[cut:])


@dataclass(frozen=True)
class People:
    """Simulated people: general factors (n, 2) in :data:`DIMENSIONS` order, group factors."""

    general: FloatArray
    groups: FloatArray

    @property
    def n(self) -> int:
        """Number of people."""
        return int(self.general.shape[0])


@dataclass(frozen=True)
class GeneratingModel:
    """Parameters of ``generating_model.json`` (see the module docstring), item order 1..36."""

    dimension: IntArray
    reverse: NDArray[np.bool_]
    general: FloatArray
    specific: FloatArray
    thresholds: FloatArray
    general_correlation: float
    factor_correlation: FloatArray
    n_groups: int
    document: dict[str, Any]

    @classmethod
    def from_document(cls, document: dict[str, Any], reverse: list[bool]) -> GeneratingModel:
        """Build from the parsed JSON and the bank's reverse keys; a wrong schema is an error."""
        if document.get("schema") != SCHEMA:
            raise ValueError(f"generating model: expected schema {SCHEMA!r}")
        items = [document["items"][str(number)] for number in range(1, len(reverse) + 1)]
        dimension = np.array([DIMENSIONS.index(item["dimension"]) for item in items])
        n_groups = len(items[0]["specific"])
        # Group loadings as one (all groups, items) matrix: each dimension has its own groups.
        specific = np.zeros((len(DIMENSIONS) * n_groups, len(items)))
        for j, item in enumerate(items):
            start = dimension[j] * n_groups
            specific[start : start + n_groups, j] = item["specific"]
        return cls(
            dimension=dimension,
            reverse=np.asarray(reverse, dtype=bool),
            general=np.array([float(item["general"]) for item in items]),
            specific=specific,
            thresholds=np.array([item["thresholds"] for item in items], dtype=np.float64),
            general_correlation=float(document["general_correlation"]),
            factor_correlation=np.array(document["factor_correlation"], dtype=np.float64),
            n_groups=n_groups,
            document=document,
        )

    def people(self, n: int, rng: np.random.Generator) -> People:
        """Draw ``n`` people from the population."""
        size = self.factor_correlation.shape[0]
        factors = rng.multivariate_normal(np.zeros(size), self.factor_correlation, size=n)
        return People(general=factors[:, :2], groups=factors[:, 2:])

    def with_new_groups(self, people: People, rng: np.random.Generator) -> People:
        """The same general factors with group factors drawn afresh: a sensitivity check in
        which the wording clusters are treated as passing states rather than lasting traits."""
        block = self.factor_correlation[2:, 2:]
        groups = rng.multivariate_normal(np.zeros(block.shape[0]), block, size=people.n)
        return People(general=people.general, groups=groups)

    def answers(self, people: People, rng: np.random.Generator) -> IntArray:
        """One sitting of all items: answers as clicked (n, items), new noise each call."""
        common = self.general**2 + np.sum(self.specific**2, axis=0)
        noise_sd = np.sqrt(np.clip(1.0 - common, 1e-6, None))
        latent = (
            people.general[:, self.dimension] * self.general
            + people.groups @ self.specific
            + rng.standard_normal((people.n, self.general.size)) * noise_sd
        )
        keyed = 1 + np.sum(latent[:, :, None] > self.thresholds[None, :, :], axis=2)
        result: IntArray = np.where(self.reverse[None, :], 6 - keyed, keyed).astype(np.int64)
        return result


@lru_cache(maxsize=1)
def generating_model() -> GeneratingModel:
    """The shipped generating model, with the shipped bank's reverse keys."""
    from securebase.psychometrics.bank import item_bank

    with open(MODEL_PATH, encoding="utf-8") as handle:
        document = json.load(handle)
    return GeneratingModel.from_document(document, [item.reverse for item in item_bank().items])
