"""EAP scoring of any subset of ECR items, the four-style verdict and percentile norms.

Each dimension gets its own N(0, 1) prior and its own posterior (the two ECR dimensions are
nearly uncorrelated, r about -.05, so scoring them independently loses nothing noticeable and
keeps the style probabilities a simple product). Posteriors are evaluated on a fixed grid of
121 points on [-6, 6]: the integrands are smooth, so the grid sums are accurate to about 1e-6
against adaptive quadrature, and a person is scored with a handful of vectorised additions of
precomputed log-likelihood rows. The rows are built once per bank (:func:`scorer_for`).

What a result says about how sure it is (the style probabilities, the percentile ranges and,
through the SD, the chart's region) is about where the person's true position lies, from one
normal distribution per dimension centred on the EAP with the posterior SD widened by the
factor calibrated for the form (:mod:`securebase.psychometrics.certainty`). A percentile range
is the central 95% of that distribution mapped through the norm table: the table is monotone,
so this is the central 95% range of the percentile itself, and it always contains the point
value. :func:`percentile_intervals` gives the model's own (unwidened) grid-posterior range.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from securebase.psychometrics.bank import Item, ItemBank, item_bank
from securebase.psychometrics.certainty import high_probabilities, shown_sd, theta_range
from securebase.psychometrics.grm import FloatArray, item_information, log_category_probabilities
from securebase.psychometrics.norms import DIMENSIONS, NormSample, NormTable
from securebase.psychometrics.response_quality import ResponseQuality, assess
from securebase.psychometrics.styles import STYLES, most_likely_style, style_of, style_probabilities

GRID = np.linspace(-6.0, 6.0, 121)
GRID_STEP = float(GRID[1] - GRID[0])
ANSWERS = range(1, 6)
#: Posterior probability inside a reported percentile range.
INTERVAL_LEVEL = 0.95
#: Edges of the grid cells (each grid point stands for a cell of width GRID_STEP).
_CELL_EDGES = np.concatenate([GRID - GRID_STEP / 2, [GRID[-1] + GRID_STEP / 2]])


def _is_integer(value: object) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def validate_answer(item: object, value: object, n_items: int = 36) -> tuple[int, int]:
    """Check one (item number, clicked answer) pair; ``ValueError`` naming the item otherwise."""
    if not _is_integer(item) or not 1 <= int(item) <= n_items:  # type: ignore[call-overload]
        raise ValueError(f"item {item!r}: item numbers must be integers 1..{n_items}")
    if not _is_integer(value) or not 1 <= int(value) <= 5:  # type: ignore[call-overload]
        raise ValueError(f"item {item!r}: answer must be an integer 1..5, got {value!r}")
    return int(item), int(value)  # type: ignore[call-overload]


def validate_answers(answers: Mapping[Any, Any], n_items: int = 36) -> dict[int, int]:
    """Validate a mapping of item number -> clicked answer (see :func:`validate_answer`)."""
    if not isinstance(answers, Mapping):
        raise TypeError(
            f"answers must be a mapping of item number to answer, got {type(answers).__name__}"
        )
    return dict(validate_answer(item, value, n_items) for item, value in answers.items())


@dataclass(frozen=True)
class DimensionScore:
    """Score on one dimension.

    ``theta`` is the EAP estimate, ``se`` the standard deviation of the person's true position
    around it (the posterior SD widened by the calibrated factor of the form, see
    :mod:`securebase.psychometrics.certainty`; results stored before that hold the plain
    posterior SD), ``percentile`` the share (0..100) of the norm group scoring lower, ``mean``
    the classical mean (1..5) of the keyed answered items (``None`` when none was answered) and
    ``n_items`` how many items of this dimension were answered. ``percentile_interval`` is the
    central 95% range of the percentile of the true position (``lo <= percentile <= hi``); it
    narrows as answers are added. Built by hand without it (older stored results), it is the
    honest "anywhere from 0 to 100".
    """

    theta: float
    se: float
    percentile: float
    mean: float | None
    n_items: int
    percentile_interval: tuple[float, float] = field(default=(0.0, 100.0))

    def __post_init__(self) -> None:
        # Stored results come back from JSON with a 2-list; keep the field a float tuple.
        low, high = self.percentile_interval
        object.__setattr__(self, "percentile_interval", (float(low), float(high)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return {
            "theta": self.theta,
            "se": self.se,
            "percentile": self.percentile,
            "mean": self.mean,
            "n_items": self.n_items,
            "percentile_interval": list(self.percentile_interval),
        }


@dataclass(frozen=True)
class Result:
    """Outcome of scoring: the most probable style, its probabilities and both dimensions.

    ``style_probabilities`` are, after both the full form and the quick test, the chance that
    the person's true position lies in each quadrant given their answers, calibrated against
    simulated people (:mod:`securebase.psychometrics.certainty`). (Quick-test results stored
    before this held the chance that the full questionnaire would give each style.) ``style``
    is the most probable one, the quadrant of the EAP scores.

    ``full_form_agreement`` is set by the quick test only: the calibrated chance that all 36
    questions would give the same style (``None`` after the full form and in results stored
    before it existed).

    ``norm_group`` names the group the percentiles compare with and ``norm_sample`` describes
    it (:class:`~securebase.psychometrics.norms.NormSample`); :func:`score` always sets it,
    only results stored before it existed lack it.

    ``quality`` says whether the answers can be scored well
    (:class:`~securebase.psychometrics.response_quality.ResponseQuality`: flags and the
    statistics behind them); :func:`score` and ``AdaptiveTest.result()`` set it, results stored
    before it existed lack it (``None``: not checked).

    ``form`` names how the answers were scored: ``"full"`` (:func:`score`, any subset of the 36
    statements, the full form's certainty) or ``"adaptive"`` (``AdaptiveTest.result()``). The
    change engine reads it to take the model's own posterior SD back out of ``se`` and apply
    the error calibrated for change (:mod:`securebase.psychometrics.change_errors`); results
    stored before it existed lack it (``None``) and are judged with ``se`` as shown.
    """

    style: str
    style_probabilities: dict[str, float]
    anxiety: DimensionScore
    avoidance: DimensionScore
    norm_group: str
    norm_sample: NormSample | None = None
    full_form_agreement: float | None = None
    quality: ResponseQuality | None = None
    form: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (the shape the website stores and renders)."""
        return {
            "style": self.style,
            "style_probabilities": dict(self.style_probabilities),
            "anxiety": self.anxiety.to_dict(),
            "avoidance": self.avoidance.to_dict(),
            "norm_group": self.norm_group,
            "norm_sample": None if self.norm_sample is None else self.norm_sample.to_dict(),
            "full_form_agreement": self.full_form_agreement,
            "quality": None if self.quality is None else self.quality.to_dict(),
            "form": self.form,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """Rebuild a stored :meth:`to_dict`; also reads results stored before the newer fields."""
        sample = data.get("norm_sample")
        agreement = data.get("full_form_agreement")
        quality = data.get("quality")
        form = data.get("form")
        return cls(
            style=str(data["style"]),
            style_probabilities={k: float(v) for k, v in data["style_probabilities"].items()},
            anxiety=DimensionScore(**data["anxiety"]),
            avoidance=DimensionScore(**data["avoidance"]),
            norm_group=str(data["norm_group"]),
            norm_sample=None if sample is None else NormSample.from_dict(sample),
            full_form_agreement=None if agreement is None else float(agreement),
            quality=None if quality is None else ResponseQuality.from_dict(quality),
            form=None if form is None else str(form),
        )


def posterior_quantiles(post: FloatArray, probabilities: Sequence[float]) -> FloatArray:
    """Theta quantiles of grid posteriors (..., grid) -> (..., len(probabilities)).

    Each grid point stands for a cell of width GRID_STEP holding its posterior mass, spread
    evenly, so the CDF is linear within a cell and a quantile is found exactly: the first cell
    whose upper CDF reaches ``p``, entered in proportion to the mass still needed.
    """
    post = np.asarray(post, dtype=np.float64)
    post = post / post.sum(axis=-1, keepdims=True)
    cdf = np.cumsum(post, axis=-1)
    p = np.asarray(probabilities, dtype=np.float64)
    cell = np.minimum(np.sum(cdf[..., None, :] < p[:, None], axis=-1), GRID.size - 1)
    mass = np.take_along_axis(post, cell, axis=-1)
    below = np.take_along_axis(cdf, cell, axis=-1) - mass
    share = np.clip((p - below) / np.where(mass > 0, mass, 1.0), 0.0, 1.0)
    result: FloatArray = _CELL_EDGES[cell] + share * GRID_STEP
    return result


def percentile_intervals(
    post: FloatArray, norms: NormTable, level: float = INTERVAL_LEVEL
) -> list[tuple[float, float]]:
    """Central ``level`` posterior interval of the percentile for each dimension's posterior.

    ``post`` has shape (2, grid) in :data:`DIMENSIONS` order.
    """
    tail = (1.0 - level) / 2.0
    ends = posterior_quantiles(post, (tail, 1.0 - tail))
    result = []
    for d, dimension in enumerate(DIMENSIONS):
        low, high = norms.percentiles(dimension, ends[d])
        result.append((float(low), float(high)))
    return result


class Scorer:
    """Precomputed log-likelihood rows of every (item, clicked answer) on :data:`GRID`.

    Row ``[item, 0]`` is all zeros so that "not answered" (0 in the raw data) can be added like
    any answer in batch scoring.
    """

    def __init__(self, items: Sequence[Item], cuts: Mapping[str, float]) -> None:
        self.items = tuple(items)
        self.n_items = len(self.items)
        self.cuts = {dimension: float(cuts[dimension]) for dimension in DIMENSIONS}
        self.log_prior = -0.5 * GRID**2
        self.log_like = np.zeros((self.n_items + 1, 6, GRID.size))
        self.information = np.zeros((self.n_items + 1, GRID.size))
        self.category_probabilities = np.zeros((self.n_items + 1, 6, GRID.size))
        self.dimension_index = np.full(self.n_items + 1, -1, dtype=np.int64)
        for item in self.items:
            a, b = np.array([item.a]), np.array([item.b])
            keyed_log_p = log_category_probabilities(GRID, a, b)[0]
            for answer in ANSWERS:
                self.log_like[item.number, answer] = keyed_log_p[item.keyed(answer) - 1]
            self.category_probabilities[item.number, 1:] = np.exp(self.log_like[item.number, 1:])
            self.information[item.number] = item_information(GRID, a, b)[0]
            self.dimension_index[item.number] = DIMENSIONS.index(item.dimension)
        #: Information of all items of each dimension on the grid, shape (2, grid).
        self.total_information = np.array(
            [
                self.information[self.dimension_index == d].sum(axis=0)
                for d in range(len(DIMENSIONS))
            ]
        )
        #: ``posterior @ above_cut[d]`` is P(theta > cut): each grid point stands for a cell of
        #: width GRID_STEP and the cell containing the cut is split proportionally.
        self.above_cut = np.array(
            [
                np.clip((GRID + GRID_STEP / 2 - self.cuts[d]) / GRID_STEP, 0.0, 1.0)
                for d in DIMENSIONS
            ]
        )

    def posteriors(self, answers: Mapping[int, int]) -> FloatArray:
        """Normalised posteriors on :data:`GRID`, shape (2, grid) in :data:`DIMENSIONS` order."""
        log_post = np.tile(self.log_prior, (len(DIMENSIONS), 1))
        if answers:
            numbers = np.fromiter(answers.keys(), dtype=np.int64, count=len(answers))
            values = np.fromiter(answers.values(), dtype=np.int64, count=len(answers))
            rows = self.log_like[numbers, values]
            dims = self.dimension_index[numbers]
            for d in range(len(DIMENSIONS)):
                log_post[d] += rows[dims == d].sum(axis=0)
        log_post -= log_post.max(axis=1, keepdims=True)
        post = np.exp(log_post)
        result: FloatArray = post / post.sum(axis=1, keepdims=True)
        return result

    def summaries(self, post: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """EAP, posterior SD and P(theta > cut) per dimension from posteriors (..., 2, grid)."""
        eap = post @ GRID
        var = post @ GRID**2 - eap**2
        p_high = np.einsum("...dg,dg->...d", post, self.above_cut)
        return eap, np.sqrt(np.maximum(var, 0.0)), p_high

    def result(self, answers: Mapping[int, int], norms: NormTable, form: str = "full") -> Result:
        """Score validated answers against one norm table.

        ``form`` ("full" or "adaptive") picks the calibrated widening of the posterior SD
        (:mod:`securebase.psychometrics.certainty`); probabilities, ranges and ``se`` all use it.
        """
        post = self.posteriors(answers)
        eap, posterior_sd, _ = self.summaries(post)
        se = shown_sd(posterior_sd, form)
        cuts = np.array([self.cuts[d] for d in DIMENSIONS])
        p_high = high_probabilities(eap, se, cuts)
        probabilities = style_probabilities(float(p_high[0]), float(p_high[1]))
        scores: dict[str, DimensionScore] = {}
        for d, dimension in enumerate(DIMENSIONS):
            keyed = [
                self.items[number - 1].keyed(value)
                for number, value in answers.items()
                if self.dimension_index[number] == d
            ]
            theta = float(eap[d])
            low, high = norms.percentiles(dimension, np.array(theta_range(theta, float(se[d]))))
            scores[dimension] = DimensionScore(
                theta=theta,
                se=float(se[d]),
                percentile=norms.percentile(dimension, theta),
                mean=float(np.mean(keyed)) if keyed else None,
                n_items=len(keyed),
                percentile_interval=(float(low), float(high)),
            )
        return Result(
            style=most_likely_style(probabilities),
            style_probabilities=probabilities,
            anxiety=scores["anxiety"],
            avoidance=scores["avoidance"],
            norm_group=norms.label,
            norm_sample=norms.sample,
            form=form,
        )

    def batch(self, responses: NDArray[np.integer]) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Score many people at once: clicked answers (n, items), 0 = not answered.

        Returns EAP, posterior SD and P(theta > cut), each of shape (n, 2).
        """
        return self.summaries(self.batch_posteriors(responses))

    def batch_posteriors(self, responses: NDArray[np.integer]) -> FloatArray:
        """Normalised grid posteriors (n, 2, grid) of many people (answers as in :meth:`batch`)."""
        responses = np.asarray(responses, dtype=np.int64)
        n = responses.shape[0]
        log_post = np.tile(self.log_prior, (n, len(DIMENSIONS), 1))
        for item in self.items:
            d = self.dimension_index[item.number]
            log_post[:, d, :] += self.log_like[item.number][responses[:, item.number - 1]]
        log_post -= log_post.max(axis=2, keepdims=True)
        post: FloatArray = np.exp(log_post)
        post /= post.sum(axis=2, keepdims=True)
        return post

    def styles(self, p_high: FloatArray) -> list[str]:
        """Most probable style for each row of P(theta > cut) (n, 2)."""
        return [
            most_likely_style(style_probabilities(float(anx), float(avo))) for anx, avo in p_high
        ]

    def styles_from_thetas(self, thetas: FloatArray) -> list[str]:
        """Quadrant of each row of (anxiety, avoidance) thetas against the cuts."""
        anx_cut, avo_cut = (self.cuts[d] for d in DIMENSIONS)
        return [style_of(bool(anx > anx_cut), bool(avo > avo_cut)) for anx, avo in thetas]


@lru_cache(maxsize=8)
def scorer_for(bank: ItemBank) -> Scorer:
    """Scorer of a bank, built once per bank object (banks hash by identity)."""
    return Scorer(bank.items, bank.cuts)


def score(
    answers: Mapping[int, int],
    *,
    gender: str | None = None,
    age: int | None = None,
    age_band: str | None = None,
    bank: ItemBank | None = None,
) -> Result:
    """Score the answers (item number 1..36 -> answer 1..5 as clicked; any subset).

    ``gender`` ("female", "male", "other"; ``None`` for no answer) and ``age_band`` (one of
    :data:`~securebase.psychometrics.norms.ADULT_AGE_BANDS`) or ``age`` select the norm group
    used for the percentiles; the default is all adults (18+) of the calibration sample.
    The result's ``quality`` holds the response-quality checks of the answers.
    ``bank`` defaults to the shipped bank and is only overridden for evaluation with refitted
    parameters. The certainty (style probabilities, ``se``, percentile ranges) is widened with
    the full form's calibrated factors, whatever subset was answered; the quick test uses its
    own (:meth:`AdaptiveTest.result`).
    """
    bank = bank if bank is not None else item_bank()
    scorer = scorer_for(bank)
    norms = bank.norms.select(gender, age, age_band)
    valid = validate_answers(answers, scorer.n_items)
    return replace(scorer.result(valid, norms), quality=assess(valid, bank=bank))


__all__ = [
    "STYLES",
    "DimensionScore",
    "Result",
    "Scorer",
    "percentile_intervals",
    "posterior_quantiles",
    "score",
    "scorer_for",
    "validate_answers",
]
