"""How sure a result is: one meaning, checked against simulated people whose truth is known.

Every style probability, the chart's region and the percentile ranges describe one thing: where
the person's **true position** (their general factor on each dimension, see
:mod:`securebase.psychometrics.generating_model`) lies, given their answers. They all come from
one normal distribution per dimension, centred on the EAP score with standard deviation
``k * posterior SD``:

- ``P(high_d) = Phi((EAP_d - cut_d) / (k_d * SD_d))``, and the four style probabilities are
  their products (the dimensions are scored separately);
- the percentile range is the central 95% of that distribution mapped through the norm table;
- the chart's region is ``EAP +/- z * k * SD`` on both dimensions
  (:func:`securebase.psychometrics.regions.joint_region` reads the widened SD from the result).

The graded response model treats the answers as independent given the position, so its
posterior SD is too small for the position real people would be found at: locally dependent
statements repeat each other. ``k`` (per form and dimension, at least 1) is fitted by
``python -m securebase.psychometrics.certainty_study``: people simulated from the generating
model (which keeps that dependence) are scored with the shipped model, and ``k`` minimises the
log loss of ``P(high_d)`` against their true side of the cut (cross-validated). Because the
distribution is centred on the dot, a dot on a dividing line always shows that dimension at
50%, and the region crosses a line only while no style is shown above ``Phi(z)`` (98.7%).

The figures the site quotes about repeat answers (the same simulated people answering twice)
are stored in the same file, ``certainty.json``, with the calibration study's figures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import ndtr, ndtri

from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.norms import DIMENSIONS

CERTAINTY_PATH = Path(__file__).with_name("certainty.json")
SCHEMA = "securebase.psychometrics.certainty/1"
#: "full": all 36 questions (:func:`securebase.psychometrics.score`); "adaptive": the quick
#: test (:meth:`securebase.psychometrics.AdaptiveTest.result`).
FORMS = ("full", "adaptive")
#: Share of the distribution of the true position inside a percentile range.
RANGE_LEVEL = 0.95


@dataclass(frozen=True)
class Certainty:
    """Contents of ``certainty.json``.

    ``inflation[form]`` is ``k`` per dimension in :data:`DIMENSIONS` order (shape (2,)).
    ``retest_agreement[form]`` is the simulated share of people given the same style by two
    sittings of that form (people whose attachment did not change). ``figures`` holds the
    calibration study (see :mod:`securebase.psychometrics.certainty_study`).
    """

    inflation: Mapping[str, FloatArray]
    retest_agreement: Mapping[str, float]
    figures: Mapping[str, Any]

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> Certainty:
        """Build from the parsed JSON; a wrong schema raises ``ValueError``."""
        if document.get("schema") != SCHEMA:
            raise ValueError(f"certainty: expected schema {SCHEMA!r}")
        inflation = {
            form: np.array([float(document["inflation"][form][d]) for d in DIMENSIONS])
            for form in FORMS
        }
        if min(float(value.min()) for value in inflation.values()) < 1.0:
            raise ValueError("certainty: inflation factors must be at least 1")
        agreement = {form: float(document["retest_agreement"][form]) for form in FORMS}
        return cls(inflation, agreement, dict(document.get("figures", {})))


@lru_cache(maxsize=1)
def certainty() -> Certainty:
    """The shipped factors and figures, loaded once per process."""
    with open(CERTAINTY_PATH, encoding="utf-8") as handle:
        return Certainty.from_document(json.load(handle))


def _form(form: str) -> str:
    if form not in FORMS:
        raise ValueError(f"form must be one of {FORMS}, got {form!r}")
    return form


def shown_sd(posterior_sd: FloatArray, form: str) -> FloatArray:
    """The SD of the true position, per dimension (..., 2): ``k * posterior SD``."""
    result: FloatArray = np.asarray(posterior_sd) * certainty().inflation[_form(form)]
    return result


def high_probabilities(theta: FloatArray, sd: FloatArray, cuts: FloatArray) -> FloatArray:
    """``P(true position > cut)`` per dimension under ``N(theta, sd^2)`` (sd 0: the side)."""
    theta, sd, cuts = (np.asarray(x, dtype=np.float64) for x in (theta, sd, cuts))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (theta - cuts) / sd
    result: FloatArray = np.where(sd > 0, ndtr(z), (theta > cuts).astype(np.float64))
    return result


def theta_range(theta: float, sd: float, level: float = RANGE_LEVEL) -> tuple[float, float]:
    """Central ``level`` range of ``N(theta, sd^2)``: where the true position lies."""
    z = float(ndtri(0.5 + level / 2.0))
    return theta - z * sd, theta + z * sd


def retest_agreement(form: str) -> float:
    """Simulated chance that a second sitting of ``form`` gives the same style, for people
    whose attachment did not change (real retests also catch real change)."""
    return certainty().retest_agreement[_form(form)]
