"""Computerised adaptive version of the ECR (two unidimensional GRMs, one per dimension).

What the quick test promises is "the style the full 36-item questionnaire would have given",
with scores at least as close to the full form's as the 12-item ECR-S, and never fewer than
``min_per_dimension`` (4) answers on a dimension. A session has three phases:

1. **First items** (``first_items``): a fixed start, the items whose EAP best predicts the
   full-form EAP (four per dimension), which exactly meet the per-dimension floor, so the
   test may stop after them.
   While a dimension is below the floor, only its items compete.
2. **Selection**, Bayesian and greedy. Everything is a forecast of the full-form EAP from the
   answers so far. The EAP is a martingale, so the forecast is centred on the current EAP; its
   spread is::

       spread_d^2 = Var(theta_d | answers) - E[Var(theta_d | all 36 answers) | answers]
                    + misfit_d * (share of dimension d's information still unanswered)

   (law of total variance, plus an empirical term for what the GRM misses on real answers, see
   :meth:`AdaptiveTest._spread`), and the forecast probability that dimension ``d`` ends above
   its style cut is ``p_d = Phi((EAP_d - cut_d) / spread_d)``. For every unasked item we
   compute the preposterior -- the forecast after each of its five answers, weighted by how
   likely each is now -- and pick the largest expected drop in::

       loss_d = max(spread_d^2 - se_target^2, 0) / se_target^2 + style_weight * min(p_d, 1 - p_d)

   A positive drop is multiplied by ``max(1 - local_dependence_penalty * q, 0)``, ``q`` being
   the largest positive centred residual correlation (Q3*, :attr:`ItemBank.local_dependence`)
   of the candidate with an answered item: locally dependent items tell less about the rest of
   the scale than the GRM assumes. Selection is a deterministic function of the set of answers
   (ties go to the lower item number), which makes ``undo`` and JSON round trips reproducible.
3. **Stopping**, learned (``stopping="learned"``): optimal stopping for the loss
   ``answers + lambda * [style differs from the full form] + sum_d mu_d * (EAP_d - full-form
   EAP_d)^2`` (the last term keeps the scores as close to the full form's as the ECR-S's),
   fitted by Longstaff-Schwartz
   regression on simulated sessions of training respondents; the coefficients per number of
   answers are in ``adaptive_rules.json`` (:mod:`securebase.psychometrics.adaptive_rules`).
   ``stopping="threshold"`` is the older rule (both spreads at most ``se_target`` and the
   forecast style confidence at least ``style_confidence``). Always stop at ``max_items``.

The reported result is the score of the answers given, its certainty widened for the quick test
(:mod:`securebase.psychometrics.certainty`), plus ``full_form_agreement``: the tempered forecast
that the full form gives the same style (calibrated on real full-form answers).
Every setting and fitted number comes from ``benchmarks/psychometrics_eval.py --fit`` (training
split, 5-fold cross-validation); docs/research/psychometrics.md ("The adaptive test") explains them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np
from scipy.special import ndtr

from securebase.psychometrics.adaptive_rules import (
    adaptive_rules,
    confidence_bin,
    shown_high_probability,
    stopping_features,
)
from securebase.psychometrics.bank import ItemBank, item_bank
from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.response_quality import assess
from securebase.psychometrics.scoring import GRID, Result, Scorer, scorer_for, validate_answer

STATE_VERSION = 1
#: Asked first, in this order: the items whose EAP best predicts the full-form EAP of their
#: dimension (greedy forward selection on training respondents, the first 4 per dimension; see
#: docs/research/psychometrics.md, "First questions"). They also meet the 4-per-dimension floor.
DEFAULT_FIRST_ITEMS = (8, 9, 18, 23, 26, 31, 14, 13)
#: "learned": the fitted optimal-stopping rule (:mod:`adaptive_rules`); "threshold": the older
#: rule (both spreads <= ``se_target`` and style confidence >= ``style_confidence``).
STOPPING_RULES = ("learned", "threshold")
#: Extra variance of the full-form EAP that the GRM does not predict, per dimension; estimated
#: from CAT simulations on real answers (docs/research/psychometrics.md, "Calibrating the
#: forecast").
#: These values go with the default local-dependence penalty of 1.5 (the penalised selection
#: leaves less unexplained movement than the plain rule, for which .075 / .05 was estimated).
DEFAULT_MISFIT_VARIANCE = {"anxiety": 0.03, "avoidance": 0.025}
#: Value of ``local_dependence_penalty`` for saved states that do not have the setting (they were
#: started before the penalty existed, and keep the plain selection rule they began with).
LEGACY_LOCAL_DEPENDENCE_PENALTY = 0.0


class AdaptiveTest:
    """One person's adaptive ECR session; its whole state is the ordered answers + settings.

    Settings (keyword arguments, saved with the state so a session keeps the rules it began
    with):

    - ``max_items`` / ``min_items``: hard bounds on the number of questions.
    - ``min_per_dimension``: fewest answers on each dimension before the test may stop.
    - ``first_items``: items asked first, in this order.
    - ``stopping``: "learned" (fitted optimal stopping) or "threshold" (the older rule).
    - ``se_target``: spread of the forecast full-form theta beyond which precision is still
      bought (selection; and a stopping condition of the threshold rule).
    - ``style_confidence``: the threshold rule's smallest forecast probability that the full
      questionnaire would give the same style.
    - ``style_weight``: weight of style certainty against precision when choosing items.
    - ``misfit_variance``: empirical extra forecast variance, one float or one per dimension.
    - ``local_dependence_penalty``: lambda of the local-dependence penalty in item selection
      (see the module docstring); 0 gives the plain preposterior rule.

    The defaults are the settings ``adaptive_rules.json`` was fitted for
    (docs/research/psychometrics.md, "The adaptive test"). States saved before a setting existed
    keep the rule they started with (see :meth:`from_dict`); the per-dimension floor applies to all.

    ``bank`` is for evaluation with refitted parameters only; it is not part of the saved state.
    """

    def __init__(
        self,
        *,
        max_items: int = 24,
        min_items: int = 8,
        se_target: float = 0.6,
        style_confidence: float = 0.93,
        style_weight: float = 4.0,
        misfit_variance: float | Mapping[str, float] | None = None,
        local_dependence_penalty: float = 1.5,
        min_per_dimension: int = 4,
        first_items: Sequence[int] = DEFAULT_FIRST_ITEMS,
        stopping: str = "learned",
        bank: ItemBank | None = None,
    ) -> None:
        self._bank = bank if bank is not None else item_bank()
        self._scorer: Scorer = scorer_for(self._bank)
        n_items = self._scorer.n_items
        if not 1 <= min_items <= max_items <= n_items:
            raise ValueError(f"need 1 <= min_items <= max_items <= {n_items}")
        per_dimension = n_items // len(DIMENSIONS)
        if not 0 <= min_per_dimension <= min(per_dimension, max_items // len(DIMENSIONS)):
            raise ValueError(
                f"need 0 <= min_per_dimension <= {per_dimension} and 2 * min_per_dimension "
                "<= max_items"
            )
        if misfit_variance is None:
            misfit_variance = DEFAULT_MISFIT_VARIANCE
        misfit = (
            {dimension: float(misfit_variance[dimension]) for dimension in DIMENSIONS}
            if isinstance(misfit_variance, Mapping)
            else dict.fromkeys(DIMENSIONS, float(misfit_variance))
        )
        if (
            se_target <= 0
            or not 0 < style_confidence <= 1
            or min(style_weight, local_dependence_penalty, *misfit.values()) < 0
        ):
            raise ValueError(
                "need se_target > 0, 0 < style_confidence <= 1, style_weight >= 0, "
                "misfit_variance >= 0 and local_dependence_penalty >= 0"
            )
        self.max_items = int(max_items)
        self.min_items = int(min_items)
        self.se_target = float(se_target)
        self.style_confidence = float(style_confidence)
        self.style_weight = float(style_weight)
        self.misfit_variance = misfit
        self.local_dependence_penalty = float(local_dependence_penalty)
        self.min_per_dimension = int(min_per_dimension)
        self.first_items = tuple(validate_answer(number, 1, n_items)[0] for number in first_items)
        if len(set(self.first_items)) != len(self.first_items) or len(self.first_items) > max_items:
            raise ValueError("first_items must not repeat an item or be more than max_items")
        if stopping not in STOPPING_RULES:
            raise ValueError(f"stopping must be one of {STOPPING_RULES}, got {stopping!r}")
        self.stopping = stopping
        self._rules = adaptive_rules()
        self._dependence = np.maximum(self._bank.local_dependence, 0.0)
        self._misfit_vector = np.array([misfit[dimension] for dimension in DIMENSIONS])
        self._answers: dict[int, int] = {}
        self._cut_vector = np.array([self._scorer.cuts[d] for d in DIMENSIONS])
        self._best_cache: tuple[tuple[tuple[int, int], ...], int] | None = None
        self._state_cache: (
            tuple[tuple[tuple[int, int], ...], FloatArray, FloatArray, FloatArray, FloatArray]
            | None
        ) = None

    # -- settings and state ------------------------------------------------------------------

    def get_params(self) -> dict[str, Any]:
        """Settings as keyword arguments (scikit-learn style)."""
        return {
            "max_items": self.max_items,
            "min_items": self.min_items,
            "se_target": self.se_target,
            "style_confidence": self.style_confidence,
            "style_weight": self.style_weight,
            "misfit_variance": dict(self.misfit_variance),
            "local_dependence_penalty": self.local_dependence_penalty,
            "min_per_dimension": self.min_per_dimension,
            "first_items": list(self.first_items),
            "stopping": self.stopping,
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
        """Rebuild a test saved with :meth:`to_dict`; invalid states raise ``ValueError``.

        A state saved before a setting existed gets the rule it started with, not the current
        default: no ``local_dependence_penalty`` -> :data:`LEGACY_LOCAL_DEPENDENCE_PENALTY` (0,
        the plain selection rule), no ``first_items`` -> none, no ``stopping`` -> "threshold".
        ``min_per_dimension`` is a promise to every person, so old states get the default floor.
        """
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported adaptive test state version {state.get('version')!r}")
        settings, answers = state.get("settings"), state.get("answers")
        if not isinstance(settings, Mapping) or not isinstance(answers, list):
            raise ValueError("adaptive test state needs a 'settings' mapping and an 'answers' list")
        try:
            arguments = dict(settings)
            arguments.setdefault("local_dependence_penalty", LEGACY_LOCAL_DEPENDENCE_PENALTY)
            arguments.setdefault("first_items", ())
            arguments.setdefault("stopping", "threshold")
            test = cls(**arguments, bank=bank)
        except TypeError as error:
            raise ValueError(f"invalid adaptive test settings: {error}") from error
        for pair in answers:
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise ValueError(f"answers must be [item, value] pairs, got {pair!r}")
            test.answer(pair[0], pair[1])
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

    def result(
        self, *, gender: str | None = None, age: int | None = None, age_band: str | None = None
    ) -> Result:
        """Score of the answers so far, with the quick test's calibrated certainty.

        Theta, percentiles, the style and its probabilities mean what they mean after the full
        form (the chance of each quadrant for the true position), with the widening calibrated
        for the quick test (:mod:`securebase.psychometrics.certainty`). ``full_form_agreement``
        adds how likely all 36 questions are to give the same style: per dimension, the forecast
        probability that the full form lands on the reported side of the cut, tempered with the
        temperature fitted on training respondents' real full-form answers
        (:func:`~securebase.psychometrics.adaptive_rules.shown_high_probability`), multiplied.
        ``quality`` holds the response-quality checks of the answers given.
        """
        norms = self._bank.norms.select(gender, age, age_band)
        result = self._scorer.result(dict(self._answers), norms, form="adaptive")
        _, eap, _, p_forecast = self._state()
        high = eap > self._cut_vector
        temperature = np.array([self._rules.temperature[d] for d in DIMENSIONS])
        same_side = shown_high_probability(p_forecast, high, temperature)
        agreement = float(np.prod(np.where(high, same_side, 1.0 - same_side)))
        quality = assess(self._answers, bank=self._bank)
        return replace(result, full_form_agreement=agreement, quality=quality)

    # -- selection and stopping --------------------------------------------------------------

    def _state(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Posteriors, EAPs, forecast spreads and P(full-form EAP > cut), memoised per answers."""
        key = tuple(sorted(self._answers.items()))
        if self._state_cache is None or self._state_cache[0] != key:
            post = self._scorer.posteriors(self._answers)
            eap, se, _ = self._scorer.summaries(post)
            remaining = np.einsum("dg,dg->d", post, self._remaining_information())
            total = np.einsum("dg,dg->d", post, self._scorer.total_information)
            spread = self._spread(se**2, remaining, total, self._misfit_vector)
            p_high = _p_above(eap, spread, self._cut_vector)
            self._state_cache = (key, post, eap, spread, p_high)
        return self._state_cache[1:]

    def _remaining_information(self) -> FloatArray:
        """Summed information of the unanswered items of each dimension on the grid, (2, grid)."""
        scorer = self._scorer
        unanswered = np.ones(scorer.n_items + 1, dtype=bool)
        unanswered[0] = False
        unanswered[list(self._answers)] = False
        return np.array(
            [
                scorer.information[unanswered & (scorer.dimension_index == d)].sum(axis=0)
                for d in range(len(DIMENSIONS))
            ]
        )

    def _spread(
        self, variance: FloatArray, remaining: FloatArray, total: FloatArray, misfit: FloatArray
    ) -> FloatArray:
        """Expected SD of the full-form EAP around the current one (see :func:`_remaining_sd`).

        ``misfit_variance`` adds what the model misses: on real answers the unasked items move
        the full-form EAP more than the GRM predicts (the items a CAT picks first are locally
        dependent, so they agree with each other more than with the rest). The extra variance
        (per dimension, ``misfit``) shrinks with the share of the dimension's information still
        unanswered.
        """
        model = _remaining_sd(variance, remaining)
        result: FloatArray = np.sqrt(model**2 + misfit * remaining / total)
        return result

    def _loss(self, spread: FloatArray, p_high: FloatArray) -> FloatArray:
        """Per-dimension loss whose expected drop ranks items (see the module docstring).

        Precision beyond ``se_target`` earns nothing, so once a dimension is precise enough only
        the uncertainty about its side of the cut still attracts items.
        """
        target = self.se_target**2
        precision_loss: FloatArray = np.maximum(spread**2 - target, 0.0) / target
        return precision_loss + self.style_weight * np.minimum(p_high, 1.0 - p_high)

    def _counts(self) -> FloatArray:
        """Number of answered items on each dimension, shape (2,)."""
        numbers = np.fromiter(self._answers, dtype=np.int64, count=len(self._answers))
        counts: FloatArray = np.bincount(
            self._scorer.dimension_index[numbers], minlength=len(DIMENSIONS)
        ).astype(np.float64)
        return counts

    def _targets_met(self) -> bool:
        """Both forecast spreads at most ``se_target`` and the style confident enough."""
        _, _, spread, p_high = self._state()
        confidence = float(np.prod(np.maximum(p_high, 1.0 - p_high)))
        return bool(np.all(spread <= self.se_target)) and confidence >= self.style_confidence

    @property
    def is_done(self) -> bool:
        """Whether the stopping rule is met (or every item has been answered)."""
        n = len(self._answers)
        if n >= self.max_items or n >= self._scorer.n_items:
            return True
        if (
            n < self.min_items
            or np.any(self._counts() < self.min_per_dimension)
            or not set(self.first_items) <= set(self._answers)
        ):
            return False
        if self.stopping == "threshold":
            return self._targets_met()
        coefficients = self._rules.coefficients.get(n)
        if coefficients is None:  # beyond the fitted steps (a cap above the fitted one)
            return n > max(self._rules.coefficients)
        _, _, spread, p_high = self._state()
        features = stopping_features(p_high, spread, self._counts())
        return bool(features @ coefficients <= 0.0)

    def _best(self) -> int:
        """Unanswered item with the largest penalised expected loss reduction (memoised).

        A positive expected loss reduction is multiplied by ``max(1 - lambda * q, 0)``, ``q``
        being the largest positive Q3* of the candidate with an answered item; ties go to the
        lower item number.
        """
        for number in self.first_items:
            if number not in self._answers:
                return number
        key = tuple(sorted(self._answers.items()))
        if self._best_cache is not None and self._best_cache[0] == key:
            return self._best_cache[1]
        post, _, spread, p_high = self._state()
        scorer = self._scorer
        candidates = np.array(
            [number for number in range(1, scorer.n_items + 1) if number not in self._answers]
        )
        dims = scorer.dimension_index[candidates]
        joint = scorer.category_probabilities[candidates, 1:] * post[dims][:, None, :]
        predictive = joint.sum(axis=2)
        mean = np.einsum("rkg,g->rk", joint, GRID) / predictive
        second = np.einsum("rkg,g->rk", joint, GRID**2) / predictive
        variance = np.maximum(second - mean**2, 0.0)
        others = self._remaining_information()[dims] - scorer.information[candidates]
        still_to_come = np.einsum("rkg,rg->rk", joint, others) / predictive
        total = np.einsum("rkg,rg->rk", joint, self._scorer.total_information[dims]) / predictive
        misfit = self._misfit_vector[dims][:, None]
        new_spread = self._spread(variance, still_to_come, total, misfit)
        new_p_high = _p_above(mean, new_spread, self._cut_vector[dims][:, None])
        expected_loss = np.sum(predictive * self._loss(new_spread, new_p_high), axis=1)
        gain = self._loss(spread, p_high)[dims] - expected_loss
        short = self._counts() < self.min_per_dimension
        if np.any(short):  # the per-dimension floor comes first: only short dimensions compete
            gain = np.where(short[dims], gain, -np.inf)
        if self.local_dependence_penalty > 0 and self._answers:
            asked = np.fromiter(self._answers, dtype=np.int64)
            worst = self._dependence[np.ix_(candidates, asked)].max(axis=1)
            factor = np.maximum(1.0 - self.local_dependence_penalty * worst, 0.0)
            gain = np.where(gain > 0, gain * factor, gain)
        best = int(candidates[int(np.argmax(gain))])
        self._best_cache = (key, best)
        return best

    def next_item(self) -> int | None:
        """The item to ask next, or ``None`` when the test is done."""
        if self.is_done:
            return None
        return self._best()

    def progress(self) -> float:
        """Estimated share of the test done: answered / (answered + expected remaining)."""
        if self.is_done:
            return 1.0
        n = len(self._answers)
        return n / (n + self.expected_remaining())

    def _remaining_row(self) -> tuple[float, float, float]:
        """(mean, p10, p90) of the questions still to come for sessions like this one."""
        n = len(self._answers)
        _, _, _, p_high = self._state()
        confidence = float(np.prod(np.maximum(p_high, 1.0 - p_high)))
        table = self._rules.remaining
        row = table.get(n) or table[min(table, key=lambda k: abs(k - n))]
        return row[confidence_bin(confidence)]

    def _remaining_bounds(self) -> tuple[int, int]:
        """Fewest and most questions this session can still get under its settings."""
        n = len(self._answers)
        counts = self._counts()
        floor = int(np.sum(np.maximum(self.min_per_dimension - counts, 0)))
        starter = sum(1 for number in self.first_items if number not in self._answers)
        return max(1, self.min_items - n, floor, starter), self.max_items - n

    def expected_remaining(self) -> int:
        """How many more questions this person will probably get (0 when done).

        The mean number still to come among simulated sessions (training respondents, the
        adopted rules) that had as many answers and a forecast style confidence in the same
        band, kept within what the settings allow (at least 1 until done).
        """
        if self.is_done:
            return 0
        low, high = self._remaining_bounds()
        return int(min(max(round(self._remaining_row()[0]), low), high))

    def expected_remaining_range(self) -> tuple[int, int]:
        """Likely range (10th to 90th percentile) of the questions still to come; (0, 0) if done.

        From the same simulated sessions as :meth:`expected_remaining`, which it always
        contains: "probably 3, but anywhere from 1 to 11" is the honest answer for a person
        near a style boundary.
        """
        if self.is_done:
            return 0, 0
        low, high = self._remaining_bounds()
        _, p10, p90 = self._remaining_row()
        expected = self.expected_remaining()
        lower = int(min(max(int(np.floor(p10)), low), expected))
        upper = int(max(min(int(np.ceil(p90)), high), expected))
        return lower, upper


def _remaining_sd(variance: FloatArray, remaining_information: FloatArray) -> FloatArray:
    """SD of the full-form EAP around the current EAP (how far answering the rest may move it).

    By the law of total variance, ``Var(full EAP | answers) = Var(theta | answers) -
    E[Var(theta | all answers) | answers]``; the second term is approximated by adding the
    (posterior-averaged) information of the unanswered items to the current posterior
    precision. It is exactly 0 when nothing is left to answer.
    """
    kept = variance * remaining_information
    result: FloatArray = np.sqrt(variance * kept / (1.0 + kept))
    return result


def _p_above(mean: FloatArray, spread: FloatArray, cut: FloatArray) -> FloatArray:
    """Normal approximation of P(full-form EAP > cut); the EAP is a martingale, so centred."""
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (mean - cut) / spread
    result: FloatArray = np.where(spread > 0, ndtr(z), (mean > cut).astype(np.float64))
    return result


def _typical_length() -> tuple[int, tuple[int, int]]:
    """Mean length (rounded) and 10th-90th percentile range measured on held-out respondents."""
    length = adaptive_rules().figures["length"]
    return round(length["mean"]), (int(length["p10"]), int(length["p90"]))


#: What the site says about the quick test's length ("about 12 questions", "usually 9 to 21"):
#: measured by ``benchmarks/psychometrics_eval.py --held-out`` and read from adaptive_rules.json.
TYPICAL_LENGTH, TYPICAL_LENGTH_RANGE = _typical_length()
