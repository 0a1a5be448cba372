"""Fitted rules and measured figures of the adaptive test, read from ``adaptive_rules.json``.

The adaptive test's stopping rule, its remaining-length estimate and the temperature that
calibrates the style probabilities it shows are fitted from simulated sessions on real answers
(the training 80% of the calibration file only), and the figures the site quotes about it
(typical length, classification consistency and accuracy, calibration error) are measured by
the evaluation. Both are written by one command, so no number about the quick test is typed by
hand::

    python benchmarks/psychometrics_eval.py --fit        # training split: rules (k-fold CV)
    python benchmarks/psychometrics_eval.py --held-out   # held-out split, once: the figures

The file is small and loaded once per process (:func:`adaptive_rules`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit, logit

from securebase.psychometrics.grm import FloatArray

RULES_PATH = Path(__file__).with_name("adaptive_rules.json")
SCHEMA = "securebase.psychometrics.adaptive-rules/1"
#: Edges of the bins of the forecast style confidence used by the remaining-length table.
CONFIDENCE_EDGES = (0.0, 0.6, 0.75, 0.9, 0.97, 1.0)


def stopping_features(p_high: FloatArray, spread: FloatArray, counts: FloatArray) -> FloatArray:
    """Features of the learned stopping rule, shape (..., 21), from arrays of shape (..., 2).

    A constant; per dimension: the forecast chance ``m`` that the full form puts the person on
    the other side of the cut (``min(p, 1 - p)``), ``m^2``, ``sqrt(m)``, ``log(m + 1e-4)`` (the
    rule must tell 1% from 0.01%), the squared forecast spread, ``m`` times it, the share of the
    dimension's 18 items answered, ``m`` times that share and ``m`` times the other dimension's
    share; then ``m_anx * m_avo`` and its square root. The rule is linear in these
    (Longstaff-Schwartz regression); the last four per-dimension terms and the square root were
    chosen by cross-validation on training respondents (docs/research/psychometrics.md).
    """
    m = np.minimum(p_high, 1.0 - p_high)
    share = counts / 18.0
    columns = [np.ones(m.shape[:-1])]
    for d in range(2):
        columns += [
            m[..., d],
            m[..., d] ** 2,
            np.sqrt(m[..., d]),
            np.log(m[..., d] + 1e-4),
            spread[..., d] ** 2,
            m[..., d] * spread[..., d] ** 2,
            share[..., d],
            m[..., d] * share[..., d],
            m[..., d] * share[..., 1 - d],
        ]
    columns += [m[..., 0] * m[..., 1], np.sqrt(m[..., 0] * m[..., 1])]
    result: FloatArray = np.stack(columns, axis=-1)
    return result


def shown_high_probability(
    p_forecast: FloatArray, high: NDArray[np.bool_], temperature: FloatArray
) -> FloatArray:
    """Calibrated P(high) per dimension, as shown: about the full form, on the reported side.

    ``p_forecast`` is the forecast probability that the full form puts the person above the
    cut, ``high`` the reported side. The forecast probability of the reported side is tempered,
    ``expit(logit(q) / T)``, and kept at least 1/2 (when the forecast leans the other way, the
    two sides are as likely as each other), so the most probable style stays the reported one.
    """
    q = np.clip(np.where(high, p_forecast, 1.0 - p_forecast), 1e-12, 1.0 - 1e-12)
    shown = np.maximum(expit(logit(q) / temperature), 0.5)
    result: FloatArray = np.where(high, shown, 1.0 - shown)
    return result


def confidence_bin(confidence: float) -> int:
    """Index of the :data:`CONFIDENCE_EDGES` bin holding a forecast style confidence."""
    index = int(np.searchsorted(CONFIDENCE_EDGES, confidence, side="right")) - 1
    return min(max(index, 0), len(CONFIDENCE_EDGES) - 2)


@dataclass(frozen=True)
class AdaptiveRules:
    """Contents of ``adaptive_rules.json`` (see the module docstring).

    ``coefficients[n]`` is the stopping rule after ``n`` answers: stop when
    ``stopping_features(...) @ coefficients[n] <= 0`` (the expected loss of going on is not
    lower than that of stopping). ``remaining[n][bin]`` is (mean, p10, p90) of the questions
    still to come for sessions with ``n`` answers whose forecast style confidence falls in the
    bin. ``temperature`` per dimension divides the logit of the forecast probability of the
    reported side before it is shown (:func:`shown_high_probability`). ``figures`` holds the
    measured figures (length, consistency and accuracy, calibration error).
    """

    settings: Mapping[str, Any]
    coefficients: Mapping[int, FloatArray]
    remaining: Mapping[int, tuple[tuple[float, float, float], ...]]
    temperature: Mapping[str, float]
    figures: Mapping[str, Any]

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> AdaptiveRules:
        """Build from the parsed JSON; a wrong schema raises ``ValueError``."""
        if document.get("schema") != SCHEMA:
            raise ValueError(f"adaptive rules: expected schema {SCHEMA!r}")
        stopping = document["stopping"]
        coefficients = {
            int(n): np.array(values, dtype=np.float64)
            for n, values in stopping["coefficients"].items()
        }
        remaining = {
            int(n): tuple((float(a), float(b), float(c)) for a, b, c in rows)
            for n, rows in document["remaining"]["table"].items()
        }
        return cls(
            settings=dict(document["settings"]),
            coefficients=coefficients,
            remaining=remaining,
            temperature={k: float(v) for k, v in document["temperature"]["values"].items()},
            figures=dict(document.get("figures", {})),
        )


@lru_cache(maxsize=1)
def adaptive_rules() -> AdaptiveRules:
    """The rules shipped with the package, loaded once per process."""
    with open(RULES_PATH, encoding="utf-8") as handle:
        return AdaptiveRules.from_document(json.load(handle))


def _classification(key: str) -> float:
    return float(adaptive_rules().figures["classification"]["quick_test"][key])


def quick_test_consistency() -> float:
    """Probability that a second sitting of the quick test gives the same style (simulated
    under the fitted model by the held-out evaluation; the full form's figure is
    :func:`securebase.psychometrics.classification.full_form_consistency`)."""
    return _classification("consistency")


def quick_test_accuracy() -> float:
    """Probability that the quick test's style is the quadrant of the true thetas (simulated
    under the fitted model; see :func:`quick_test_consistency`)."""
    return _classification("accuracy")
