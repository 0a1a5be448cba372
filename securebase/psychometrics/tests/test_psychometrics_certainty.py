"""One meaning of "how sure": style probabilities, ranges and region about the true position."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from securebase.psychometrics import STYLES, AdaptiveTest, Result, item_bank, score
from securebase.psychometrics.certainty import (
    CERTAINTY_PATH,
    FORMS,
    Certainty,
    certainty,
    retest_agreement,
)
from securebase.psychometrics.certainty_study import reliability
from securebase.psychometrics.generating_model import MODEL_PATH, generating_model
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.regions import joint_region
from securebase.psychometrics.scoring import scorer_for

CUTS = np.array([item_bank().cuts[d] for d in DIMENSIONS])


def _quick_test(answers: np.ndarray) -> Result:
    """Replay the quick test, answering each question from a full pattern (1..36)."""
    test = AdaptiveTest()
    while (item := test.next_item()) is not None:
        test.answer(item, int(answers[item - 1]))
    return test.result()


def _simulated(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """True general factors (n, 2) and one sitting of answers (n, 36) of simulated people."""
    model = generating_model()
    rng = np.random.default_rng(seed)
    people = model.people(n, rng)
    return people.general, model.answers(people, rng)


def _top(result: Result) -> float:
    return max(result.style_probabilities.values())


@pytest.mark.research
def test_the_quick_test_is_on_average_not_surer_than_the_full_form() -> None:
    """Same simulated people, both forms: the shorter test never sounds surer on average."""
    _, answers = _simulated(400, seed=7)
    full = [_top(score(dict(enumerate(row.tolist(), start=1)))) for row in answers]
    quick = [_top(_quick_test(row)) for row in answers]
    assert np.mean(quick) <= np.mean(full)
    # The second figure is about the full form, so it is higher than the quick test's own
    # certainty about the true position (the full form's answers repeat the quick test's).
    agreement = [_quick_test(row).full_form_agreement for row in answers[:50]]
    assert all(a is not None and 0.0 < a <= 1.0 for a in agreement)


def _random_patterns(rng: np.random.Generator, n: int) -> list[dict[int, int]]:
    """Random answers: uniform, mid-scale-heavy and straight-line, to random item subsets."""
    patterns: list[dict[int, int]] = []
    for _ in range(n):
        kind = rng.integers(3)
        if kind == 0:
            values = rng.integers(1, 6, size=36)
        elif kind == 1:
            values = np.clip(np.round(rng.normal(3.0, 0.8, size=36)), 1, 5).astype(int)
        else:
            values = np.full(36, rng.integers(1, 6))
        asked = rng.permutation(36)[: rng.integers(8, 37)] + 1
        patterns.append({int(number): int(values[number - 1]) for number in asked})
    return patterns


@pytest.mark.research
def test_a_dot_on_a_dividing_line_never_comes_with_a_confident_style() -> None:
    """Within a tenth of a standard error of a line, no style is shown above 60%; and a region
    crossing a line never comes with a style above 99%."""
    rng = np.random.default_rng(20180301)
    results = [score(pattern) for pattern in _random_patterns(rng, 1500)]
    results += [_quick_test(rng.integers(1, 6, size=36)) for _ in range(60)]
    results.append(score(dict.fromkeys(range(1, 37), 3)))
    near = 0
    for result in results:
        parts = (result.anxiety, result.avoidance)
        region = joint_region(result)
        if any(abs(p.theta - c) < 0.1 * p.se for p, c in zip(parts, CUTS, strict=True)):
            near += 1
            assert _top(result) <= 0.6, result
        sides = (region.anxiety, region.avoidance)
        if any(low < cut < high for (low, high), cut in zip(sides, CUTS, strict=True)):
            assert _top(result) < 0.99, result
    assert near >= 20  # the check above really ran on people on a line


@pytest.mark.research
def test_shown_probabilities_are_calibrated_against_simulated_truth() -> None:
    """Expected calibration error of the top style on simulated people (full form).

    The bound: what the shipped study measured on 6,000 people, plus three times the
    Monte Carlo standard deviation of the ECE of a perfectly calibrated forecast with this
    many people in these bins (sum over bins of n_b/n * sqrt(p_b (1 - p_b) / n_b)). Unwidened
    posteriors give about .15 here and fail.
    """
    truth, answers = _simulated(1500, seed=11)
    scorer = scorer_for(item_bank())
    norms = item_bank().norms.select(None, None, None)
    shown = np.array(
        [
            [r.style_probabilities[s] for s in STYLES]
            for r in (scorer.result(dict(enumerate(row.tolist(), 1)), norms) for row in answers)
        ]
    )
    high = truth > CUTS
    quadrant = high[:, 0].astype(int) + 2 * high[:, 1].astype(int)
    measured = reliability(shown, quadrant)
    noise = sum(
        row["n"] / len(truth) * np.sqrt(row["shown"] * (1 - row["shown"]) / row["n"])
        for row in measured["bins"]
    )
    stored = certainty().figures["forms"]["full"]["after"]["ece"]
    assert measured["ece"] <= stored + 3 * noise
    _, _, p_high = scorer.batch(answers)
    unwidened = np.stack(
        [
            (1 - p_high[:, 0]) * (1 - p_high[:, 1]),
            p_high[:, 0] * (1 - p_high[:, 1]),
            (1 - p_high[:, 0]) * p_high[:, 1],
            p_high[:, 0] * p_high[:, 1],
        ],
        axis=1,
    )
    assert reliability(unwidened, quadrant)["ece"] > stored + 3 * noise


@pytest.mark.parametrize("agreement", [None, 0.87])
def test_result_round_trip_with_and_without_the_quick_test_figure(
    agreement: float | None,
) -> None:
    answers = {number: 1 + number % 5 for number in range(1, 37)}
    result = score(answers)
    if agreement is not None:
        result = replace(result, full_form_agreement=agreement)
    stored = json.loads(json.dumps(result.to_dict()))
    assert stored["full_form_agreement"] == agreement
    assert Result.from_dict(stored) == result
    del stored["full_form_agreement"]  # stored before the field existed
    assert Result.from_dict(stored).full_form_agreement is None


def test_quick_test_sets_its_second_figure_and_the_full_form_does_not() -> None:
    row = np.array([4, 2] * 18)
    assert score(dict(enumerate(row.tolist(), 1))).full_form_agreement is None
    quick = _quick_test(row)
    assert quick.full_form_agreement is not None
    assert quick.style == max(quick.style_probabilities, key=quick.style_probabilities.__getitem__)


def test_widening_factors_and_figures_are_consistent() -> None:
    shipped = certainty()
    for form in FORMS:
        assert shipped.inflation[form].shape == (2,)
        assert np.all(shipped.inflation[form] >= 1.0)
        assert 0.5 < retest_agreement(form) < 1.0
    document = json.loads(CERTAINTY_PATH.read_text(encoding="utf-8"))
    document["inflation"]["full"]["anxiety"] = 0.5
    with pytest.raises(ValueError, match="at least 1"):
        Certainty.from_document(document)
    with pytest.raises(ValueError, match="schema"):
        Certainty.from_document({**document, "schema": "other"})


def test_generating_model_file_matches_its_fit_figures_and_margins() -> None:
    """The stored loadings give the stored omega-hierarchical and ECV, and simulated answers
    reproduce each item's category shares implied by its thresholds."""
    from scipy.stats import norm

    document = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    bank = item_bank()
    for dimension in DIMENSIONS:
        items = [document["items"][str(i.number)] for i in bank.dimension_items(dimension)]
        general = np.array([item["general"] for item in items])
        specific = np.array([item["specific"] for item in items])
        unique = 1 - general**2 - (specific**2).sum(axis=1)
        total = general.sum() ** 2 + (specific.sum(axis=0) ** 2).sum() + unique.sum()
        stored = document["fit"][document["solution"]][dimension]
        assert general.sum() ** 2 / total == pytest.approx(stored["omega_hierarchical"], abs=1e-3)
        ecv = (general**2).sum() / ((general**2).sum() + (specific**2).sum())
        assert ecv == pytest.approx(stored["ecv"], abs=1e-3)
    _, answers = _simulated(4000, seed=3)
    keyed = np.where([item.reverse for item in bank.items], 6 - answers, answers)
    for number in (1, 2, 17, 36):
        thresholds = document["items"][str(number)]["thresholds"]
        expected = np.diff(np.concatenate([[0.0], norm.cdf(thresholds), [1.0]]))
        shares = np.bincount(keyed[:, number - 1] - 1, minlength=5) / len(keyed)
        assert np.abs(shares - expected).max() < 4 * np.sqrt(0.25 / len(keyed))
