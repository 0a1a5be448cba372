"""Reliable change between two sittings of the ECR: what moved, and what is within precision.

A questionnaire score wobbles from one sitting to the next even when nothing about the person
changed, so a different number (or a different style label near a dividing line) is not by itself
a change. Following Jacobson & Truax (1991), carried over to IRT scores, the difference between
the two sittings' thetas is judged against the standard error of that difference, built from both
sittings' own posterior spreads (the two answer sets are independent given the person)::

    z_d = (theta_later_d - theta_earlier_d) / sqrt(se_earlier_d^2 + se_later_d^2)

``|z_d|`` above the two-sided critical value of :data:`RELIABLE_CHANGE_LEVEL` (1.96 at 95%) says
"reliably higher" or "reliably lower"; anything else is "within" what the quiz can tell apart.

The spreads are calibrated for change, not the ones the result shows: :attr:`DimensionScore.se`
is widened to cover the distance to the person's true position, including their lasting
standing on clusters of similarly worded statements, which a second sitting repeats, so with it
almost no real change would be seen. The denominator is instead ``k_change`` times the root sum
of squares of the two sittings' posterior SDs, ``k_change`` fitted per pair of forms and
dimension so that unchanged simulated people are called changed about 4.5% of the time even if
those clusters are redrawn between sittings (:mod:`securebase.psychometrics.change_errors`).
Results stored before results named their form (``Result.form`` is ``None``) are judged with
the shown ``se``, which calls fewer changes.

The change in percentile is read against one norm group (the later sitting's), so that a new age
band does not pass for a change, and its range is the central interval of the percentile
difference when each theta varies over its own posterior (normal approximation, a fixed grid of
quantiles: deterministic). ``style_differs_probability`` is the chance that the two sittings'
*true* positions lie in different quadrants, from each sitting's style probabilities; it differs
from "the labels differ", which can happen with no real change at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.special import ndtri

from securebase.psychometrics.bank import ItemBank, item_bank
from securebase.psychometrics.change_errors import change_se
from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.norms import DIMENSIONS, NormTable
from securebase.psychometrics.scoring import INTERVAL_LEVEL, DimensionScore, Result
from securebase.psychometrics.styles import STYLES

#: Two-sided level at which a difference counts as reliable change.
RELIABLE_CHANGE_LEVEL = 0.95
#: Quantile nodes per sitting for the percentile-change range (201 x 201 evaluations).
_NODES = 201

Verdict = Literal["higher", "lower", "within"]
VERDICTS: tuple[Verdict, Verdict, Verdict] = ("higher", "lower", "within")


@dataclass(frozen=True)
class DimensionChange:
    """Change on one dimension between two sittings (later minus earlier).

    ``difference`` is in theta units, ``se`` the standard error of that difference calibrated
    for change (:func:`~securebase.psychometrics.change_errors.change_se`), ``statistic`` their
    ratio (the reliable-change index) and ``verdict`` one of :data:`VERDICTS`.
    ``percentile_change`` is the change in percentile against the later sitting's norm group
    and ``percentile_change_interval`` its central range at the level of the percentile ranges
    shown on a result.
    """

    earlier_theta: float
    later_theta: float
    difference: float
    se: float
    statistic: float
    verdict: Verdict
    percentile_change: float
    percentile_change_interval: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "earlier_theta": self.earlier_theta,
            "later_theta": self.later_theta,
            "difference": self.difference,
            "se": self.se,
            "statistic": self.statistic,
            "verdict": self.verdict,
            "percentile_change": self.percentile_change,
            "percentile_change_interval": list(self.percentile_change_interval),
        }


@dataclass(frozen=True)
class Change:
    """Reliable change between an earlier and a later result, per dimension and for the style."""

    anxiety: DimensionChange
    avoidance: DimensionChange
    earlier_style: str
    later_style: str
    style_differs_probability: float
    level: float = RELIABLE_CHANGE_LEVEL

    @property
    def label_changed(self) -> bool:
        """Whether the two sittings' most likely styles differ (not the same as real change)."""
        return self.earlier_style != self.later_style

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "anxiety": self.anxiety.to_dict(),
            "avoidance": self.avoidance.to_dict(),
            "earlier_style": self.earlier_style,
            "later_style": self.later_style,
            "label_changed": self.label_changed,
            "style_differs_probability": self.style_differs_probability,
            "level": self.level,
        }


def critical_value(level: float = RELIABLE_CHANGE_LEVEL) -> float:
    """Two-sided standard-normal critical value of ``level`` (1.96 at .95)."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    return float(ndtri(0.5 + level / 2.0))


def verdict(statistic: float, level: float = RELIABLE_CHANGE_LEVEL) -> Verdict:
    """ "higher", "lower" or "within" for a reliable-change index at ``level``."""
    critical = critical_value(level)
    if statistic > critical:
        return "higher"
    if statistic < -critical:
        return "lower"
    return "within"


def _percentile_change_interval(
    earlier: DimensionScore, later: DimensionScore, table: NormTable, dimension: str
) -> tuple[float, float]:
    """Central :data:`INTERVAL_LEVEL` range of the percentile difference over both posteriors."""
    nodes: FloatArray = ndtri((np.arange(_NODES) + 0.5) / _NODES)
    before = table.percentiles(dimension, earlier.theta + earlier.se * nodes)
    after = table.percentiles(dimension, later.theta + later.se * nodes)
    differences = (after[:, None] - before[None, :]).ravel()
    tail = (1.0 - INTERVAL_LEVEL) / 2.0
    low, high = np.quantile(differences, [tail, 1.0 - tail])
    return float(low), float(high)


def _dimension_change(
    earlier: Result, later: Result, table: NormTable, dimension: str, level: float
) -> DimensionChange:
    first: DimensionScore = getattr(earlier, dimension)
    second: DimensionScore = getattr(later, dimension)
    difference = second.theta - first.theta
    se = change_se((first.se, earlier.form), (second.se, later.form), dimension)
    statistic = difference / se if se > 0.0 else 0.0
    change = table.percentile(dimension, second.theta) - table.percentile(dimension, first.theta)
    return DimensionChange(
        earlier_theta=first.theta,
        later_theta=second.theta,
        difference=difference,
        se=se,
        statistic=statistic,
        verdict=verdict(statistic, level),
        percentile_change=change,
        percentile_change_interval=_percentile_change_interval(first, second, table, dimension),
    )


def _norm_table(result: Result, bank: ItemBank) -> NormTable:
    """The norm table a result was scored against (all adults for results stored without one)."""
    if result.norm_sample is not None and result.norm_sample.key in bank.norms.tables:
        return bank.norms.tables[result.norm_sample.key]
    return bank.norms.select()


def style_differs_probability(earlier: Result, later: Result) -> float:
    """Chance that the two sittings' true positions lie in different quadrants.

    The sittings' answers are independent given the person, so the chance both true positions
    share a quadrant is the sum over styles of the product of the two style probabilities.
    """
    same = sum(
        earlier.style_probabilities[style] * later.style_probabilities[style] for style in STYLES
    )
    return float(min(max(1.0 - same, 0.0), 1.0))


def reliable_change(
    earlier: Result,
    later: Result,
    *,
    level: float = RELIABLE_CHANGE_LEVEL,
    bank: ItemBank | None = None,
) -> Change:
    """Reliable change from ``earlier`` to ``later`` (two results of the same person).

    Either form may produce either result; the error of the difference is calibrated for the
    pair of forms (``Result.form``), so a quick test compared with a full form is judged against
    the quick test's wider spread. ``bank``
    is for evaluation with refitted parameters only.
    """
    bank = bank if bank is not None else item_bank()
    table = _norm_table(later, bank)
    dimensions = {
        dimension: _dimension_change(earlier, later, table, dimension, level)
        for dimension in DIMENSIONS
    }
    return Change(
        anxiety=dimensions["anxiety"],
        avoidance=dimensions["avoidance"],
        earlier_style=earlier.style,
        later_style=later.style,
        style_differs_probability=style_differs_probability(earlier, later),
        level=level,
    )


__all__ = [
    "RELIABLE_CHANGE_LEVEL",
    "VERDICTS",
    "Change",
    "DimensionChange",
    "critical_value",
    "reliable_change",
    "style_differs_probability",
    "verdict",
]
