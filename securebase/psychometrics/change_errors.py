"""The error of a score calibrated for change between two sittings, not for the true position.

The widened SD a result shows (:mod:`securebase.psychometrics.certainty`) answers "where is this
person's true position?"; it covers each person's lasting standing on clusters of similarly
worded statements, which a second sitting repeats. Used for the difference between two
sittings it almost never calls a real change. The model's own posterior SD, unwidened, is too
small if those clusters are passing states that are drawn afresh between sittings: unchanged
people would then often be called changed.

The error of the difference between two sittings is ``k_change * sqrt(SD_1^2 + SD_2^2)`` with
the sittings' own posterior SDs, ``k_change`` per pair of forms (:data:`PAIRS`; the order of the
sittings does not matter) and dimension. It is fitted by
``python -m securebase.psychometrics.change_errors_study`` on simulated training people from the
generating model under the pessimistic assumption (group factors redrawn for the second
sitting, no change in the general factor), so that the two-sided 95% reliable-change test calls
about :data:`FIT_FALSE_ALARM` of them changed on each dimension. The factors and the fit's
figures are stored in ``change_errors.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from securebase.psychometrics.certainty import FORMS, certainty
from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.norms import DIMENSIONS

CHANGE_ERRORS_PATH = Path(__file__).with_name("change_errors.json")
SCHEMA = "securebase.psychometrics.change-errors/1"
#: False-alarm rate per dimension the factors are fitted to (the target is at most 5%).
FIT_FALSE_ALARM = 0.045
#: The pairs of forms (:data:`~securebase.psychometrics.certainty.FORMS`), each in sorted order.
PAIRS = (("full", "full"), ("adaptive", "adaptive"), ("adaptive", "full"))


def pair_key(first: str, second: str) -> str:
    """The name of a pair of forms in ``change_errors.json``, whatever the order of sittings."""
    return "/".join(sorted((first, second)))


@dataclass(frozen=True)
class ChangeErrors:
    """Contents of ``change_errors.json``: ``factors[pair_key]`` is ``k_change`` per dimension
    in :data:`DIMENSIONS` order (shape (2,)); ``figures`` holds the fit's figures."""

    factors: Mapping[str, FloatArray]
    figures: Mapping[str, Any]

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> ChangeErrors:
        """Build from the parsed JSON; a wrong schema or a factor not above 0 raises."""
        if document.get("schema") != SCHEMA:
            raise ValueError(f"change errors: expected schema {SCHEMA!r}")
        factors = {
            pair_key(*pair): np.array(
                [float(document["factors"][pair_key(*pair)][d]) for d in DIMENSIONS]
            )
            for pair in PAIRS
        }
        if min(float(value.min()) for value in factors.values()) <= 0.0:
            raise ValueError("change errors: factors must be positive")
        return cls(factors, dict(document.get("figures", {})))


@lru_cache(maxsize=1)
def change_errors() -> ChangeErrors:
    """The shipped factors, loaded once per process."""
    with open(CHANGE_ERRORS_PATH, encoding="utf-8") as handle:
        return ChangeErrors.from_document(json.load(handle))


def change_se(
    earlier: tuple[float, str | None], later: tuple[float, str | None], dimension: str
) -> float:
    """The standard error of the difference of two sittings' scores on ``dimension``.

    Each sitting is ``(se, form)``: the widened SD its result shows and its form. With both
    forms known it is ``k_change`` times the root sum of squares of the posterior SDs (``se``
    divided by the form's widening ``k``). If either result is of unknown form (stored before
    results named their form) it is the root sum of squares of the shown ``se``: the cautious
    choice.
    """
    (se_1, form_1), (se_2, form_2) = earlier, later
    if form_1 is None or form_2 is None or form_1 not in FORMS or form_2 not in FORMS:
        return float(np.hypot(se_1, se_2))
    d = DIMENSIONS.index(dimension)
    inflation = certainty().inflation
    posterior = np.hypot(se_1 / inflation[form_1][d], se_2 / inflation[form_2][d])
    return float(posterior * change_errors().factors[pair_key(form_1, form_2)][d])


__all__ = [
    "CHANGE_ERRORS_PATH",
    "FIT_FALSE_ALARM",
    "PAIRS",
    "ChangeErrors",
    "change_errors",
    "change_se",
    "pair_key",
]
