"""Checks that say when a pattern of answers cannot be scored well.

A score is only as good as the answers behind it. Five checks look at the pattern rather than
at the level of the answers; each has a machine code that :class:`ResponseQuality` carries in
``flags`` (the result page words them for people):

``misfit``
    The answers are unlikely under the graded response model whatever the person's position
    (the standardized log-likelihood person-fit statistic ``lz*``, :func:`person_fit`, is below
    its threshold), or unlike the answers of the people the questionnaire was calibrated on
    (their Mahalanobis distance, :func:`distance`, is above its threshold).
``straight_line``
    The same answer to (nearly) every statement, although some are worded the other way round:
    the share of one answer among the statements worded each way (:func:`same_answer_share`).
``midpoint``
    "Neither agree nor disagree" to most statements: the share of 3s
    (:func:`midpoint_share`). Such answers put a person on the dividing lines, where no style
    describes them.
``contradictory``
    Statements worded in opposite directions (the reverse-keyed items) give a different
    position from the others on the same dimension (:func:`contradiction`), e.g. agreeing with
    "I prefer not to show a partner how I feel deep down" and with "I feel comfortable sharing
    my private thoughts and feelings with my partner".
``too_fast``
    The median time per answer is below the time a fast reader needs to read the statements
    (:func:`too_fast`); the site measures the time, so this check only runs when it is given.

The thresholds of the first four depend on how many statements were answered (the quick test
asks 8 to 24) and were chosen on the training 80% of the calibration sample so that few real
respondents are flagged (``response_quality.json``, written by
``benchmarks/response_quality_eval.py --fit``; the manual's person-fit chapter reports the
false-alarm rates on held-out respondents and the hit rates on simulated careless answers).

Every statistic has a vectorised form over an (n, 36) array of clicked answers with 0 for "not
asked" (the calibration and evaluation run on tens of thousands of people) and is also
available for one person's answers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit
from scipy.stats import chi2, norm

from securebase.psychometrics.bank import ItemBank, item_bank
from securebase.psychometrics.grm import FloatArray, log_category_probabilities
from securebase.psychometrics.norms import DIMENSIONS

#: Grid of the half-scale posteriors of :func:`contradiction` (as in scoring, which imports this
#: module and so cannot be imported here).
_GRID = np.linspace(-6.0, 6.0, 121)
THRESHOLDS_PATH = Path(__file__).with_name("response_quality.json")
SCHEMA = "securebase.psychometrics.response-quality/1"
#: Machine codes of the checks, in the order the result page mentions them.
FLAGS = ("midpoint", "straight_line", "contradictory", "misfit", "too_fast")
#: Neutral answer ("neither agree nor disagree").
MIDPOINT = 3
#: Reading-rate ceiling for ``too_fast``, in words per second: 600 words a minute, twice the top
#: of the usual range of adult silent reading (175 to 300 words a minute for non-fiction,
#: average 238; Brysbaert 2019, J. Mem. Lang. 109, 104047), so only answering far faster than
#: reading is flagged.
FAST_READING_WORDS_PER_SECOND = 10.0

IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class ResponseQuality:
    """How well the answers can be scored: the flags raised and the statistics behind them.

    ``flags`` holds the codes of :data:`FLAGS` whose checks failed (empty: nothing found).
    ``person_fit`` is ``lz*`` (about N(0, 1) for answers that follow the model; low means
    misfit), ``same_answer_share`` the share of one answer on statements worded both ways,
    ``midpoint_share`` the share of 3s, ``contradiction`` the largest standardized gap between
    the statements worded one way and those worded the other way on a dimension (``None`` when
    no dimension had both), ``distance`` the Mahalanobis distance from the calibration
    sample's answers as a normal deviate (high means unusual), ``seconds_per_answer`` the
    median time per answer and ``reading_seconds`` the time a very fast reader needs for the
    median statement (both ``None`` when the time was not measured), ``thresholds`` the limits
    the answers were checked against.
    """

    flags: tuple[str, ...]
    n_answers: int
    person_fit: float | None
    same_answer_share: float
    midpoint_share: float
    contradiction: float | None
    distance: float | None = None
    seconds_per_answer: float | None = None
    reading_seconds: float | None = None
    thresholds: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.flags) - set(FLAGS)
        if unknown:
            raise ValueError(f"unknown response-quality flags {sorted(unknown)}")
        ordered = tuple(flag for flag in FLAGS if flag in self.flags)
        object.__setattr__(self, "flags", ordered)
        object.__setattr__(self, "thresholds", {k: float(v) for k, v in self.thresholds.items()})

    @property
    def is_flagged(self) -> bool:
        """Whether any check failed (the answers cannot be scored well)."""
        return bool(self.flags)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (stored with the result)."""
        return {
            "flags": list(self.flags),
            "n_answers": self.n_answers,
            "person_fit": self.person_fit,
            "same_answer_share": self.same_answer_share,
            "midpoint_share": self.midpoint_share,
            "contradiction": self.contradiction,
            "distance": self.distance,
            "seconds_per_answer": self.seconds_per_answer,
            "reading_seconds": self.reading_seconds,
            "thresholds": dict(self.thresholds),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResponseQuality:
        """Inverse of :meth:`to_dict`."""

        def optional(key: str) -> float | None:
            value = data.get(key)
            return None if value is None else float(value)

        return cls(
            flags=tuple(str(flag) for flag in data["flags"]),
            n_answers=int(data["n_answers"]),
            person_fit=optional("person_fit"),
            same_answer_share=float(data["same_answer_share"]),
            midpoint_share=float(data["midpoint_share"]),
            contradiction=optional("contradiction"),
            distance=optional("distance"),
            seconds_per_answer=optional("seconds_per_answer"),
            reading_seconds=optional("reading_seconds"),
            thresholds=dict(data.get("thresholds", {})),
        )


# -- the statistics, vectorised over people ----------------------------------------------------


def _as_matrix(responses: NDArray[np.integer] | Mapping[int, int], n_items: int) -> IntArray:
    """(n, items) clicked answers with 0 = not asked, from an array or one person's mapping."""
    if isinstance(responses, Mapping):
        row = np.zeros((1, n_items), dtype=np.int64)
        for item, value in responses.items():
            row[0, int(item) - 1] = int(value)
        return row
    matrix = np.atleast_2d(np.asarray(responses, dtype=np.int64))
    if matrix.shape[1] != n_items or matrix.min(initial=0) < 0 or matrix.max(initial=0) > 5:
        raise ValueError(f"responses must be (n, {n_items}) answers 0..5 (0 = not asked)")
    return matrix


def _keyed_categories(bank: ItemBank, responses: IntArray) -> IntArray:
    """Keyed categories 0..4 (-1 = not asked)."""
    reverse = np.array([item.reverse for item in bank.items])[None, :]
    keyed = np.where(reverse, 6 - responses, responses) - 1
    result: IntArray = np.where(responses == 0, -1, keyed)
    return result


def _category_terms(
    theta: FloatArray, a: FloatArray, b: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """log P, P and dP/dtheta of every category at each person's theta, shape (n, items, 5)."""
    x = a[None, :, None] * (theta[:, None, None] - b[None, :, :])
    star = expit(x)
    edge = np.zeros((theta.shape[0], a.shape[0], 1))
    w = np.concatenate([edge, star * (1.0 - star), edge], axis=2)
    derivative = a[None, :, None] * (w[:, :, :-1] - w[:, :, 1:])
    log_p = np.transpose(log_category_probabilities(theta, a, b), (2, 0, 1))
    return log_p, np.exp(log_p), derivative


def _map_theta(keyed: IntArray, a: FloatArray, b: FloatArray) -> FloatArray:
    """Posterior mode of theta under the N(0, 1) prior for each row of keyed categories.

    The GRM log-likelihood is concave in theta and the prior keeps the mode finite even for
    all-extreme answers, so Fisher scoring from 0 with steps capped at one unit converges.
    """
    answered = keyed >= 0
    theta = np.zeros(keyed.shape[0])
    for _ in range(100):
        _, p, dp = _category_terms(theta, a, b)
        r = dp / p
        chosen = np.take_along_axis(r, np.maximum(keyed, 0)[:, :, None], axis=2)[..., 0]
        score = np.where(answered, chosen, 0.0).sum(axis=1) - theta
        information = np.where(answered, (dp * r).sum(axis=2), 0.0).sum(axis=1) + 1.0
        step = np.clip(score / information, -1.0, 1.0)
        theta = theta + step
        if np.max(np.abs(step)) < 1e-8:
            break
    return theta


def _fit_terms(keyed: IntArray, a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Numerator and variance of ``lz*`` for one dimension's items (see :func:`person_fit`)."""
    answered = keyed >= 0
    theta = _map_theta(keyed, a, b)
    log_p, p, dp = _category_terms(theta, a, b)
    r = dp / p
    mask = answered[:, :, None]
    information = np.where(mask, dp * r, 0.0).sum(axis=(1, 2))
    slope = np.where(mask, dp * log_p, 0.0).sum(axis=(1, 2))
    c = np.divide(slope, information, out=np.zeros_like(slope), where=information > 0)
    chosen = np.take_along_axis(log_p, np.maximum(keyed, 0)[:, :, None], axis=2)[..., 0]
    expected = (p * log_p).sum(axis=2)
    w_centred = np.where(answered, chosen - expected, 0.0).sum(axis=1)
    numerator = w_centred + c * (-theta)  # r0(theta) = -theta for the N(0, 1) prior
    tilde = log_p - c[:, None, None] * r
    mean_tilde = (p * tilde).sum(axis=2)
    variance = np.where(answered, (p * tilde**2).sum(axis=2) - mean_tilde**2, 0.0).sum(axis=1)
    return numerator, variance


def person_fit(
    responses: NDArray[np.integer] | Mapping[int, int], bank: ItemBank | None = None
) -> FloatArray:
    """``lz*``, the standardized log-likelihood person-fit statistic, one per person.

    ``lz`` (Drasgow, Levine & Williams 1985, polytomous form ``lz_p``) standardizes the
    log-likelihood of the answers at the person's estimated theta by its mean and variance
    under the model; with theta estimated from the same answers it is not N(0, 1), and it is
    far from it on short tests. ``lz*`` (Snijders 2001; for polytomous items Sinharay 2016,
    "Asymptotically correct standardization of person-fit statistics beyond dichotomous
    items", Psychometrika 81, 992-1013) corrects the weights and the variance for the
    estimation: with ``w_jk = log P_jk``, ``r_jk = P'_jk / P_jk``,
    ``c = sum P'_jk w_jk / sum P'_jk r_jk`` and ``w~_jk = w_jk - c r_jk``::

        lz* = [sum_j (w_j,x_j - sum_k P_jk w_jk) + c r0(theta)] / sqrt(sum_j Var_j(w~))

    at the posterior mode theta under the N(0, 1) prior (``r0(theta) = -theta``). The two
    dimensions are separate GRMs, so their numerators and variances are added into one
    statistic. Low values mean misfit. ``NaN`` when fewer than two answers were given.
    The maintained implementations of these statistics are in R (PerFit's ``lzpoly``, PP's
    ``Pfit``); none in Python covers the polytomous corrected form, hence this one.
    """
    bank = bank if bank is not None else item_bank()
    matrix = _as_matrix(responses, len(bank.items))
    keyed = _keyed_categories(bank, matrix)
    numerator = np.zeros(matrix.shape[0])
    variance = np.zeros(matrix.shape[0])
    for dimension in DIMENSIONS:
        columns = [item.number - 1 for item in bank.dimension_items(dimension)]
        a, b = bank.parameters(dimension)
        part, var = _fit_terms(keyed[:, columns], a, b)
        numerator += part
        variance += var
    enough = (matrix > 0).sum(axis=1) >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = np.where(
            enough & (variance > 0), numerator / np.sqrt(variance), np.nan
        )
    return result


def same_answer_share(
    responses: NDArray[np.integer] | Mapping[int, int], bank: ItemBank | None = None
) -> FloatArray:
    """Share of the same answer (as clicked) on statements worded both ways, per person.

    For each answer ``m``: its share among the statements worded one way and its share among
    those worded the other way round; the statistic is the largest over ``m`` of the smaller
    of the two. Clicking 1 everywhere gives 1; a consistent person who disagrees with every
    anxious statement and agrees with every secure one clicks two different answers and gets
    0. Without answers to both wordings it is the plain share of the most common answer.
    """
    bank = bank if bank is not None else item_bank()
    matrix = _as_matrix(responses, len(bank.items))
    reverse = np.array([item.reverse for item in bank.items])

    def shares(part: IntArray) -> tuple[FloatArray, NDArray[np.int64]]:
        counts = np.stack([(part == value).sum(axis=1) for value in range(1, 6)], axis=1)
        n = (part > 0).sum(axis=1)
        return counts / np.maximum(n, 1)[:, None], n

    forward, n_forward = shares(matrix[:, ~reverse])
    backward, n_backward = shares(matrix[:, reverse])
    overall, _ = shares(matrix)
    both = (n_forward > 0) & (n_backward > 0)
    result: FloatArray = np.where(
        both, np.minimum(forward, backward).max(axis=1), overall.max(axis=1)
    )
    return result


def midpoint_share(responses: NDArray[np.integer] | Mapping[int, int]) -> FloatArray:
    """Share of the given answers that are 3, "neither agree nor disagree"."""
    matrix = _as_matrix(responses, _width(responses))
    n = np.maximum((matrix > 0).sum(axis=1), 1)
    result: FloatArray = (matrix == MIDPOINT).sum(axis=1) / n
    return result


def _width(responses: NDArray[np.integer] | Mapping[int, int]) -> int:
    if isinstance(responses, Mapping):
        return len(item_bank().items)
    return int(np.atleast_2d(np.asarray(responses)).shape[1])


def contradiction(
    responses: NDArray[np.integer] | Mapping[int, int], bank: ItemBank | None = None
) -> FloatArray:
    """Largest standardized gap between statements worded in opposite directions, per person.

    On each dimension the person is scored twice, from the statements worded one way and from
    those worded the other way round (the 10 reverse-keyed items); ``z_d = (EAP_forward -
    EAP_reverse) / sqrt(SD_forward^2 + SD_reverse^2)`` with the posterior SDs. Consistent
    answers give both halves the same position; agreeing (or disagreeing) with a statement
    and with its opposite pulls them apart. The statistic is the largest ``|z_d|`` over the
    dimensions where both halves were answered (``NaN`` when neither was).
    """
    bank = bank if bank is not None else item_bank()
    matrix = _as_matrix(responses, len(bank.items))
    keyed = _keyed_categories(bank, matrix)
    reverse = np.array([item.reverse for item in bank.items])
    dims = np.array([DIMENSIONS.index(item.dimension) for item in bank.items])
    z = np.zeros((matrix.shape[0], len(DIMENSIONS)))
    for d, dimension in enumerate(DIMENSIONS):
        a, b = bank.parameters(dimension)
        log_like = log_category_probabilities(_GRID, a, b)  # (items, 5, grid)
        columns = np.flatnonzero(dims == d)
        halves = []
        for keep in (~reverse[columns], reverse[columns]):
            log_post = np.tile(-0.5 * _GRID**2, (matrix.shape[0], 1))
            for j in np.flatnonzero(keep):
                answer = keyed[:, columns[j]]
                rows = log_like[j][np.maximum(answer, 0)]
                log_post += np.where((answer >= 0)[:, None], rows, 0.0)
            post = np.exp(log_post - log_post.max(axis=1, keepdims=True))
            post /= post.sum(axis=1, keepdims=True)
            mean = post @ _GRID
            halves.append((mean, np.sqrt(np.maximum(post @ _GRID**2 - mean**2, 0.0))))
        (mean_f, sd_f), (mean_r, sd_r) = halves
        z[:, d] = np.abs(mean_f - mean_r) / np.sqrt(sd_f**2 + sd_r**2)
    both = np.stack(
        [
            ((matrix[:, (dims == d) & ~reverse] > 0).any(axis=1))
            & ((matrix[:, (dims == d) & reverse] > 0).any(axis=1))
            for d in range(len(DIMENSIONS))
        ],
        axis=1,
    )
    z = np.where(both, z, -np.inf)
    best = z.max(axis=1)
    result: FloatArray = np.where(np.isfinite(best), best, np.nan)
    return result


@dataclass(frozen=True)
class Population:
    """Mean and covariance of the answers (as clicked) of the calibration sample's training
    respondents with complete answers: the reference of :func:`distance`."""

    mean: FloatArray
    covariance: FloatArray

    @classmethod
    def fit(cls, responses: NDArray[np.integer]) -> Population:
        """From complete answer patterns (n, items), 1..5."""
        matrix = np.asarray(responses, dtype=np.float64)
        return cls(matrix.mean(axis=0), np.cov(matrix, rowvar=False))

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean": [round(float(v), 5) for v in self.mean],
            "covariance": [[round(float(v), 5) for v in row] for row in self.covariance],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Population:
        return cls(np.asarray(data["mean"], dtype=np.float64), np.asarray(data["covariance"]))


@lru_cache(maxsize=1)
def population() -> Population:
    """The shipped reference of :func:`distance` (``response_quality.json``)."""
    return Population.from_dict(_document()["population"])


def distance(
    responses: NDArray[np.integer] | Mapping[int, int], reference: Population | None = None
) -> FloatArray:
    """Mahalanobis distance of each person's answers from the calibration sample's, as a z.

    ``D^2 = (x_S - m_S)' C_SS^-1 (x_S - m_S)`` over the answered statements ``S`` with the
    reference mean ``m`` and covariance ``C``; it is turned into a normal deviate through the
    chi-square distribution with ``|S|`` degrees of freedom so that it reads the same after 8
    answers and after 36 (high means unusual). Unlike ``lz*`` it uses how the statements go
    together in real answers, local dependence included, which makes it the stronger
    detector of random answering (Meade & Craig 2012, "Identifying careless responses in
    survey data", Psychological Methods 17, 437-455). ``NaN`` without answers.
    """
    reference = reference if reference is not None else population()
    matrix = _as_matrix(responses, reference.mean.size)
    answered = matrix > 0
    d2 = np.full(matrix.shape[0], np.nan)
    patterns, inverse = np.unique(answered, axis=0, return_inverse=True)
    for index, mask in enumerate(patterns):
        if not mask.any():
            continue
        rows = np.flatnonzero(inverse.ravel() == index)
        centred = matrix[np.ix_(rows, np.flatnonzero(mask))] - reference.mean[mask]
        precision = np.linalg.inv(reference.covariance[np.ix_(mask, mask)])
        d2[rows] = np.einsum("ij,jk,ik->i", centred, precision, centred)
    k = answered.sum(axis=1)
    with np.errstate(invalid="ignore"):
        tail = chi2.sf(d2, np.maximum(k, 1))
    result: FloatArray = np.where(k > 0, norm.isf(np.clip(tail, 1e-300, 1 - 1e-12)), np.nan)
    return result


def reading_seconds(items: Sequence[int], bank: ItemBank | None = None) -> float:
    """Seconds a very fast reader needs for the median statement among ``items``."""
    bank = bank if bank is not None else item_bank()
    words = [len(bank.item(number).text.split()) for number in items]
    return float(np.median(words)) / FAST_READING_WORDS_PER_SECOND if words else 0.0


def too_fast(seconds_per_answer: float, items: Sequence[int], bank: ItemBank | None = None) -> bool:
    """Whether the median time per answer is below what a very fast reader needs."""
    return seconds_per_answer < reading_seconds(items, bank)


# -- thresholds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    """Flagging thresholds for one range of answer counts (``min_answers..max_answers``).

    A person is flagged ``misfit`` when ``lz* < person_fit`` or ``distance >= distance``,
    ``straight_line`` when
    ``same_answer_share >= same_answer``, ``midpoint`` when ``midpoint_share >= midpoint`` and
    ``contradictory`` when ``contradiction >= contradiction``.
    """

    min_answers: int
    max_answers: int
    person_fit: float
    same_answer: float
    midpoint: float
    contradiction: float
    distance: float

    def to_dict(self) -> dict[str, float]:
        return {
            "min_answers": self.min_answers,
            "max_answers": self.max_answers,
            "person_fit": self.person_fit,
            "same_answer": self.same_answer,
            "midpoint": self.midpoint,
            "contradiction": self.contradiction,
            "distance": self.distance,
        }


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(THRESHOLDS_PATH.read_text(encoding="utf-8"))
    if document.get("schema") != SCHEMA:
        raise ValueError(f"{THRESHOLDS_PATH.name}: expected schema {SCHEMA}")
    return document


@lru_cache(maxsize=1)
def thresholds() -> tuple[Thresholds, ...]:
    """The shipped thresholds, one set per range of answer counts (``response_quality.json``)."""
    document = _document()
    return tuple(
        Thresholds(
            min_answers=int(entry["min_answers"]),
            max_answers=int(entry["max_answers"]),
            person_fit=float(entry["person_fit"]),
            same_answer=float(entry["same_answer"]),
            midpoint=float(entry["midpoint"]),
            contradiction=float(entry["contradiction"]),
            distance=float(entry["distance"]),
        )
        for entry in document["thresholds"]
    )


def thresholds_for(n_answers: int, table: Sequence[Thresholds] | None = None) -> Thresholds:
    """The thresholds for a person who answered ``n_answers`` statements."""
    table = tuple(table) if table is not None else thresholds()
    for entry in table:
        if entry.min_answers <= n_answers <= entry.max_answers:
            return entry
    return table[0] if n_answers < table[0].min_answers else table[-1]


def flag_matrix(
    statistics: Mapping[str, FloatArray],
    n_answers: NDArray[np.integer],
    table: Sequence[Thresholds] | None = None,
) -> dict[str, NDArray[np.bool_]]:
    """Which people each check flags, from the statistics of :func:`statistics`."""
    table = tuple(table) if table is not None else thresholds()
    upper = np.array([entry.max_answers for entry in table])
    index = np.minimum(np.searchsorted(upper, np.asarray(n_answers)), len(table) - 1)
    fit_cut = np.array([entry.person_fit for entry in table])[index]
    same_cut = np.array([entry.same_answer for entry in table])[index]
    mid_cut = np.array([entry.midpoint for entry in table])[index]
    contra_cut = np.array([entry.contradiction for entry in table])[index]
    distance_cut = np.array([entry.distance for entry in table])[index]
    fit, contra = statistics["person_fit"], statistics["contradiction"]
    return {
        "midpoint": statistics["midpoint_share"] >= mid_cut,
        "straight_line": statistics["same_answer_share"] >= same_cut,
        "contradictory": np.nan_to_num(contra, nan=-np.inf) >= contra_cut,
        "misfit": (np.nan_to_num(fit, nan=np.inf) < fit_cut)
        | (np.nan_to_num(statistics["distance"], nan=-np.inf) >= distance_cut),
    }


def statistics(
    responses: NDArray[np.integer],
    bank: ItemBank | None = None,
    reference: Population | None = None,
) -> dict[str, Any]:
    """Every pattern statistic for many people: clicked answers (n, items), 0 = not asked."""
    bank = bank if bank is not None else item_bank()
    matrix = _as_matrix(responses, len(bank.items))
    return {
        "distance": distance(matrix, reference),
        "n_answers": (matrix > 0).sum(axis=1),
        "person_fit": person_fit(matrix, bank),
        "same_answer_share": same_answer_share(matrix, bank),
        "midpoint_share": midpoint_share(matrix),
        "contradiction": contradiction(matrix, bank),
    }


def _optional(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), 4)


def assess(
    answers: Mapping[int, int],
    *,
    seconds_per_answer: float | None = None,
    bank: ItemBank | None = None,
) -> ResponseQuality:
    """Run every check on one person's answers (item number -> clicked answer).

    ``seconds_per_answer`` is the median time per answer measured by the site; without it the
    ``too_fast`` check is not run.
    """
    bank = bank if bank is not None else item_bank()
    stats = statistics(_as_matrix(answers, len(bank.items)), bank)
    n = int(stats["n_answers"][0])
    limits = thresholds_for(n)
    flags = [name for name, flagged in flag_matrix(stats, stats["n_answers"]).items() if flagged[0]]
    quality = ResponseQuality(
        flags=tuple(flags),
        n_answers=n,
        person_fit=_optional(stats["person_fit"][0]),
        same_answer_share=round(float(stats["same_answer_share"][0]), 4),
        midpoint_share=round(float(stats["midpoint_share"][0]), 4),
        contradiction=_optional(stats["contradiction"][0]),
        distance=_optional(stats["distance"][0]),
        thresholds={
            k: v for k, v in limits.to_dict().items() if k not in ("min_answers", "max_answers")
        },
    )
    if seconds_per_answer is not None:
        quality = with_timing(quality, seconds_per_answer, list(answers), bank)
    return quality


def with_timing(
    quality: ResponseQuality,
    seconds_per_answer: float,
    items: Sequence[int],
    bank: ItemBank | None = None,
) -> ResponseQuality:
    """``quality`` with the median time per answer recorded and ``too_fast`` checked."""
    needed = reading_seconds(items, bank)
    flags = [flag for flag in quality.flags if flag != "too_fast"]
    if seconds_per_answer < needed:
        flags.append("too_fast")
    return replace(
        quality,
        flags=tuple(flags),
        seconds_per_answer=round(float(seconds_per_answer), 3),
        reading_seconds=round(needed, 3),
        thresholds={**quality.thresholds, "reading_seconds": round(needed, 3)},
    )


__all__ = [
    "FLAGS",
    "Population",
    "ResponseQuality",
    "Thresholds",
    "assess",
    "contradiction",
    "distance",
    "flag_matrix",
    "midpoint_share",
    "person_fit",
    "population",
    "reading_seconds",
    "same_answer_share",
    "statistics",
    "thresholds",
    "thresholds_for",
    "too_fast",
    "with_timing",
]
