"""Computerised adaptive version of the ECR (two unidimensional GRMs, one per dimension).

Item selection is Bayesian and greedy: for every unasked item we compute the preposterior -- the
posterior after each of its five possible answers, weighted by how likely each answer is now --
and pick the item with the largest expected drop in a loss that mirrors the stopping rule::

    loss_d = max(var_d - se_target^2, 0) / se_target^2 + style_weight * min(p_d, 1 - p_d)

where ``var_d`` is the posterior variance of dimension ``d`` and ``p_d`` the posterior
probability that its theta lies above the style cut. The first term buys precision until the SE
target is met, the second buys certainty about the side of the cut (the style) for people near
it. Both dimensions compete in one objective, so the dimension whose uncertainty matters most
gets the next item. Selection is a deterministic function of the set of answers (ties go to
the lower item number), which is what makes ``undo`` and JSON round trips reproducible.

The test stops when ``max_items`` have been asked, or when at least ``min_items`` have been
asked and both SEs are at most ``se_target`` and the most probable style has probability at
least ``style_confidence``. The defaults come from the grid search in docs/psychometrics.md.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.stats import norm

from securebase.psychometrics.bank import ItemBank, item_bank
from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.scoring import GRID, Result, Scorer, scorer_for, validate_answer

STATE_VERSION = 1


class AdaptiveTest:
    """One person's adaptive ECR session; its whole state is the ordered answers + settings.

    ``bank`` is for evaluation with refitted parameters only; it is not part of the saved state.
    """

    def __init__(
        self,
        *,
        max_items: int = 16,
        min_items: int = 4,
        se_target: float = 0.4,
        style_confidence: float = 0.9,
        style_weight: float = 4.0,
        bank: ItemBank | None = None,
    ) -> None:
        self._bank = bank if bank is not None else item_bank()
        self._scorer: Scorer = scorer_for(self._bank)
        n_items = self._scorer.n_items
        if not 1 <= min_items <= max_items <= n_items:
            raise ValueError(f"need 1 <= min_items <= max_items <= {n_items}")
        if se_target <= 0 or not 0 < style_confidence <= 1 or style_weight < 0:
            raise ValueError("se_target must be > 0, style_confidence in (0, 1], style_weight >= 0")
        self.max_items = int(max_items)
        self.min_items = int(min_items)
        self.se_target = float(se_target)
        self.style_confidence = float(style_confidence)
        self.style_weight = float(style_weight)
        self._answers: dict[int, int] = {}
        self._state_cache: tuple[tuple[tuple[int, int], ...], FloatArray, FloatArray, FloatArray, FloatArray] | None = None

    # -- settings and state ------------------------------------------------------------------

    def get_params(self) -> dict[str, Any]:
        """Settings as keyword arguments (scikit-learn style)."""
        return {
            "max_items": self.max_items,
            "min_items": self.min_items,
            "se_target": self.se_target,
            "style_confidence": self.style_confidence,
            "style_weight": self.style_weight,
        }

    @property
    def answers(self) -> dict[int, int]:
        """Copy of the answers so far (item number -> clicked answer), in answer order."""
        return dict(self._answers)

    def to_dict(self) -> dict[str, Any]:
        """Small JSON-serialisable state: settings and the ordered list of answers."""
        return {
            "version": STATE_VERSION,
            "settings": self.get_params(),
            "answers": [[item, value] for item, value in self._answers.items()],
        }

    @classmethod
    def from_dict(cls, state: Mapping[str, Any], *, bank: ItemBank | None = None) -> AdaptiveTest:
        """Rebuild a test saved with :meth:`to_dict`; invalid states raise ``ValueError``."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported adaptive test state version {state.get('version')!r}")
        test = cls(**dict(state["settings"]), bank=bank)
        for pair in state["answers"]:
            item, value = pair
            test.answer(item, value)
        return test

    def to_json(self) -> str:
        """:meth:`to_dict` as compact JSON text."""
        return json.dumps(self.to_dict(), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, *, bank: ItemBank | None = None) -> AdaptiveTest:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text), bank=bank)

    # -- answering ---------------------------------------------------------------------------

    def answer(self, item: int, value: int) -> None:
        """Record a clicked answer; re-answering an item replaces it and makes it the latest."""
        number, answer = validate_answer(item, value, self._scorer.n_items)
        self._answers.pop(number, None)
        self._answers[number] = answer

    def undo(self) -> int | None:
        """Remove the most recent answer and return its item number (``None`` if none)."""
        if not self._answers:
            return None
        number = next(reversed(self._answers))
        del self._answers[number]
        return number

    def result(self, *, gender: str | None = None, age: int | None = None) -> Result:
        """Score of the answers so far (see :func:`securebase.psychometrics.score`)."""
        return self._scorer.result(dict(self._answers), self._bank.norms.select(gender, age))

    # -- selection and stopping --------------------------------------------------------------

    def _state(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Posteriors, EAPs, SEs and P(theta > cut) of the current answers (memoised)."""
        key = tuple(sorted(self._answers.items()))
        if self._state_cache is None or self._state_cache[0] != key:
            post = self._scorer.posteriors(self._answers)
            eap, se, p_high = self._scorer.summaries(post)
            self._state_cache = (key, post, eap, se, p_high)
        return self._state_cache[1:]

    @property
    def is_done(self) -> bool:
        """Whether the stopping rule is met (or every item has been answered)."""
        n = len(self._answers)
        if n >= self.max_items or n >= self._scorer.n_items:
            return True
        if n < self.min_items:
            return False
        _, _, se, p_high = self._state()
        confidence = float(np.prod(np.maximum(p_high, 1.0 - p_high)))
        return bool(np.all(se <= self.se_target)) and confidence >= self.style_confidence

    def _loss(self, variance: FloatArray, p_high: FloatArray) -> FloatArray:
        target = self.se_target**2
        precision_loss: FloatArray = np.maximum(variance - target, 0.0) / target
        return precision_loss + self.style_weight * np.minimum(p_high, 1.0 - p_high)

    def next_item(self) -> int | None:
        """The item to ask next, or ``None`` when the test is done."""
        if self.is_done:
            return None
        post, eap, se, p_high = self._state()
        scorer = self._scorer
        candidates = np.array(
            [number for number in range(1, scorer.n_items + 1) if number not in self._answers]
        )
        dims = scorer.dimension_index[candidates]
        joint = scorer.category_probabilities[candidates, 1:] * post[dims][:, None, :]
        predictive = joint.sum(axis=2)
        mean = joint @ GRID / predictive
        variance = np.maximum(joint @ GRID**2 / predictive - mean**2, 0.0)
        above = np.einsum("rkg,rg->rk", joint, scorer.above_cut[dims]) / predictive
        expected_loss = np.sum(predictive * self._loss(variance, above), axis=1)
        current_loss = self._loss(se**2, p_high)[dims]
        gain = current_loss - expected_loss
        if np.max(gain) <= 1e-12:
            # Both dimensions already satisfy the targets (only min_items keeps us going):
            # fall back to posterior-weighted information.
            gain = np.einsum("rg,rg->r", scorer.information[candidates], post[dims])
        return int(candidates[int(np.argmax(gain))])

    def progress(self) -> float:
        """Estimated share of the test done: answered / (answered + expected remaining).

        The remaining count is the number of best remaining items (by information at the EAP)
        each dimension needs to reach the SE it must have: the SE target, or less when theta is
        so close to the cut that the style needs it.
        """
        n = len(self._answers)
        if self.is_done:
            return 1.0
        _, eap, se, _ = self._state()
        scorer = self._scorer
        z = float(norm.ppf(np.sqrt(self.style_confidence))) if self.style_confidence < 1 else 3.0
        remaining = 0
        for d, dimension in enumerate(DIMENSIONS):
            distance = abs(float(eap[d]) - scorer.cuts[dimension])
            required_se = min(self.se_target, distance / z) if z > 0 else self.se_target
            needed_precision = 1.0 / max(required_se, 1e-3) ** 2 - 1.0 / float(se[d]) ** 2
            if needed_precision <= 0:
                continue
            column = int(np.argmin(np.abs(GRID - eap[d])))
            pool = [
                float(scorer.information[number, column])
                for number in range(1, scorer.n_items + 1)
                if number not in self._answers and scorer.dimension_index[number] == d
            ]
            gained = np.cumsum(sorted(pool, reverse=True))
            remaining += int(np.searchsorted(gained, needed_precision) + 1)
        remaining = min(max(remaining, self.min_items - n, 1), self.max_items - n)
        return n / (n + remaining)
