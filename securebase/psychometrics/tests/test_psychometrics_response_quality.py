"""Response-quality checks: each statistic on constructed cases, the shipped thresholds on
simulated careless answers, and the ``quality`` field of :class:`Result`."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from scipy.stats import chi2, norm

from securebase.psychometrics import AdaptiveTest, Result, item_bank, score
from securebase.psychometrics import response_quality as rq
from securebase.psychometrics.grm import simulate_categories
from securebase.psychometrics.norms import DIMENSIONS

REVERSE = (3, 15, 19, 22, 25, 27, 29, 31, 33, 35)


def _simulate(thetas: np.ndarray, seed: int) -> np.ndarray:
    """Clicked answers (n, 36) drawn from the GRM at (anxiety, avoidance) thetas (n, 2)."""
    bank = item_bank()
    rng = np.random.default_rng(seed)
    out = np.zeros((len(thetas), 36), dtype=np.int64)
    for d, dimension in enumerate(DIMENSIONS):
        a, b = bank.parameters(dimension)
        keyed = simulate_categories(thetas[:, d], a, b, rng) + 1
        for j, item in enumerate(bank.dimension_items(dimension)):
            out[:, item.number - 1] = 6 - keyed[:, j] if item.reverse else keyed[:, j]
    return out


def _quick(answer: object) -> dict[int, int]:
    """Answers of one quick test where ``answer(item, k)`` answers the k-th question."""
    test = AdaptiveTest()
    while (item := test.next_item()) is not None:
        test.answer(item, answer(item, len(test.answers)))  # type: ignore[operator]
    return test.answers


def test_reverse_keyed_items_are_the_ten_of_the_ecr() -> None:
    assert tuple(item.number for item in item_bank().items if item.reverse) == REVERSE


@pytest.mark.research
def test_person_fit_is_about_standard_normal_for_answers_that_follow_the_model() -> None:
    rng = np.random.default_rng(1)
    answers = _simulate(rng.normal(size=(3000, 2)), seed=2)
    lz = rq.person_fit(answers)
    # Measured: mean .17, SD .96 (the prior makes it slightly conservative).
    assert abs(float(np.mean(lz))) < 0.25
    assert 0.85 < float(np.std(lz)) < 1.15
    # The correction for the estimated theta keeps it near N(0, 1) on short tests too.
    short = np.where(np.isin(np.arange(1, 37), (8, 9, 18, 23, 26, 31, 14, 13)), answers, 0)
    lz_short = rq.person_fit(short)
    assert abs(float(np.mean(lz_short))) < 0.35
    assert 0.75 < float(np.std(lz_short)) < 1.2


def test_person_fit_is_low_for_answers_against_the_model() -> None:
    rng = np.random.default_rng(3)
    consistent = _simulate(np.full((200, 2), 1.5), seed=4)
    # The same people, but half the statements of each dimension answered the opposite way.
    flipped = consistent.copy()
    half = [number - 1 for number in range(1, 37) if (number - 1) // 2 % 2 == 0]
    flipped[:, half] = 6 - flipped[:, half]
    assert np.median(rq.person_fit(flipped)) < np.median(rq.person_fit(consistent)) - 4
    random = rng.integers(1, 6, (200, 36))
    assert np.median(rq.person_fit(random)) < -3


def test_person_fit_of_one_person_matches_the_batch() -> None:
    answers = {1: 5, 2: 1, 3: 5, 4: 2, 22: 4}
    row = np.zeros((1, 36), dtype=np.int64)
    for item, value in answers.items():
        row[0, item - 1] = value
    assert rq.person_fit(answers)[0] == pytest.approx(rq.person_fit(row)[0])
    assert np.isnan(rq.person_fit({5: 3})[0])


def test_same_answer_and_midpoint_shares() -> None:
    # 4 on two of three statements worded one way and on the one worded the other way.
    assert rq.same_answer_share({1: 4, 2: 4, 3: 4, 4: 2})[0] == pytest.approx(2 / 3)
    consistent = {item.number: 5 if item.reverse else 1 for item in item_bank().items}
    assert rq.same_answer_share(consistent)[0] == 0.0
    assert rq.midpoint_share({1: 3, 2: 3, 3: 1, 4: 5})[0] == pytest.approx(0.5)
    assert rq.same_answer_share(np.array([[3] * 36]))[0] == 1.0
    assert rq.midpoint_share(np.array([[3] * 36]))[0] == 1.0


def test_contradiction_separates_agreeing_with_opposites_from_consistent_answers() -> None:
    bank = item_bank()
    # Consistent: keyed 4 everywhere (reverse-worded statements disagreed with, clicked 2).
    consistent = {item.number: (2 if item.reverse else 4) for item in bank.items}
    # Agreeing with everything: clicked 4 whatever the wording.
    acquiescent = dict.fromkeys(range(1, 37), 4)
    assert rq.contradiction(consistent)[0] < 1.0
    assert rq.contradiction(acquiescent)[0] > 3.0
    # No dimension with both wordings answered: nothing to compare.
    assert np.isnan(rq.contradiction({1: 4, 2: 4})[0])


def test_distance_is_high_for_random_answers_and_reads_the_same_on_short_forms() -> None:
    rng = np.random.default_rng(10)
    model = _simulate(rng.normal(size=(2000, 2)), seed=11)
    reference = rq.Population.fit(model[:1000])
    typical = rq.distance(model[1000:], reference)
    random = rq.distance(rng.integers(1, 6, (1000, 36)), reference)
    assert np.median(random) > np.percentile(typical, 95)
    # Standardized by the number of answers: about the same spread after 8 and after 36.
    short = np.where(np.isin(np.arange(1, 37), (8, 9, 18, 23, 26, 31, 14, 13)), model, 0)
    assert abs(np.median(rq.distance(short[1000:], reference)) - np.median(typical)) < 0.5
    # By hand for one person and two statements.
    mean, cov = reference.mean[:2], reference.covariance[:2, :2]
    x = np.array([5.0, 1.0])
    d2 = (x - mean) @ np.linalg.inv(cov) @ (x - mean)
    expected = norm.isf(chi2.sf(d2, 2))
    assert rq.distance({1: 5, 2: 1}, reference)[0] == pytest.approx(expected)


def test_reading_time_is_words_over_a_very_fast_reading_rate() -> None:
    bank = item_bank()
    words = len(bank.item(1).text.split())
    assert rq.reading_seconds([1]) == pytest.approx(words / rq.FAST_READING_WORDS_PER_SECOND)
    needed = rq.reading_seconds(range(1, 37))
    assert rq.too_fast(needed * 0.9, range(1, 37))
    assert not rq.too_fast(needed * 1.1, range(1, 37))


def test_timing_adds_the_too_fast_flag_and_keeps_the_others() -> None:
    quality = rq.assess(dict.fromkeys(range(1, 37), 3))
    assert quality.flags[0] == "midpoint"
    fast = rq.with_timing(quality, 0.2, list(range(1, 37)))
    slow = rq.with_timing(quality, 9.0, list(range(1, 37)))
    assert "too_fast" in fast.flags and "too_fast" not in slow.flags
    assert set(quality.flags) <= set(fast.flags)
    assert fast.seconds_per_answer == 0.2 and fast.reading_seconds is not None


def test_quality_round_trips_and_old_results_read_without_it() -> None:
    result = score(dict.fromkeys(range(1, 37), 3))
    assert result.quality is not None and result.quality.is_flagged
    data = json.loads(json.dumps(result.to_dict()))
    assert Result.from_dict(data) == result
    del data["quality"]
    assert Result.from_dict(data).quality is None
    with pytest.raises(ValueError):
        rq.ResponseQuality(
            flags=("nonsense",),
            n_answers=1,
            person_fit=None,
            same_answer_share=1.0,
            midpoint_share=0.0,
            contradiction=None,
        )


def test_score_and_quick_test_fill_quality() -> None:
    rng = np.random.default_rng(5)
    person = _simulate(np.array([[0.3, -0.4]]), seed=6)[0]
    full = score({number: int(person[number - 1]) for number in range(1, 37)})
    assert full.quality is not None and full.quality.n_answers == 36
    answers = _quick(lambda item, k: int(person[item - 1]))
    test = AdaptiveTest()
    for item, value in answers.items():
        test.answer(item, value)
    quick = test.result()
    assert quick.quality is not None and quick.quality.n_answers == len(answers)
    assert quick.quality == rq.assess(answers)
    del rng


# -- the shipped thresholds ------------------------------------------------------------------


def test_thresholds_cover_every_number_of_answers() -> None:
    table = rq.thresholds()
    assert table[0].min_answers <= 1 and table[-1].max_answers >= 36
    for before, after in itertools.pairwise(table):
        assert after.min_answers == before.max_answers + 1
    for row in table:
        # The same answer to every statement is always flagged.
        assert row.same_answer <= 1.0 and row.midpoint <= 1.0


@pytest.mark.parametrize("value", [1, 2, 3, 4, 5])
def test_straight_lines_are_flagged_on_both_forms(value: int) -> None:
    assert score(dict.fromkeys(range(1, 37), value)).quality.is_flagged  # type: ignore[union-attr]
    assert rq.assess(_quick(lambda item, k: value)).is_flagged


def test_all_neutral_is_flagged_as_midpoint_on_both_forms() -> None:
    assert score(dict.fromkeys(range(1, 37), 3)).quality.flags[0] == "midpoint"  # type: ignore[union-attr]
    assert rq.assess(_quick(lambda item, k: 3)).flags[0] == "midpoint"


@pytest.mark.parametrize("start", [1, 5])
def test_alternating_one_five_is_flagged_on_both_forms(start: int) -> None:
    other = 6 - start
    full = {number: start if number % 2 else other for number in range(1, 37)}
    assert rq.assess(full).is_flagged
    assert rq.assess(_quick(lambda item, k: start if k % 2 == 0 else other)).is_flagged


@pytest.mark.research
def test_most_random_responders_are_flagged_on_the_full_form() -> None:
    random = np.random.default_rng(7).integers(1, 6, (1000, 36))
    stats = rq.statistics(random)
    flags = rq.flag_matrix(stats, stats["n_answers"])
    assert np.mean(np.any(np.stack(list(flags.values())), axis=0)) >= 0.9


@pytest.mark.research
def test_answers_that_follow_the_model_are_rarely_flagged() -> None:
    rng = np.random.default_rng(8)
    answers = _simulate(rng.normal(size=(2000, 2)), seed=9)
    stats = rq.statistics(answers)
    flags = rq.flag_matrix(stats, stats["n_answers"])
    assert np.mean(np.any(np.stack(list(flags.values())), axis=0)) <= 0.05
