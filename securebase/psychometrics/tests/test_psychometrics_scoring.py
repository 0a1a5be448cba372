"""EAP scoring, validation, styles and norms of :func:`securebase.psychometrics.score`."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from securebase.psychometrics import STYLES, Result, item_bank, score
from securebase.psychometrics.certainty import certainty
from securebase.psychometrics.grm import category_probabilities
from securebase.psychometrics.styles import style_probabilities

#: The calibrated widening of the full form's posterior SD (anxiety, avoidance).
FULL_K = tuple(float(k) for k in certainty().inflation["full"])
answer_sets = st.dictionaries(st.integers(1, 36), st.integers(1, 5), max_size=36)


def _brute_force(answers: dict[int, int], dimension: str) -> tuple[float, float]:
    """EAP and posterior SD by adaptive quadrature of likelihood x N(0, 1) density."""
    bank = item_bank()

    def likelihood(theta: float) -> float:
        value = math.exp(-0.5 * theta**2)
        for number, answer in answers.items():
            item = bank.item(number)
            if item.dimension == dimension:
                p = category_probabilities(
                    np.array([theta]), np.array([item.a]), np.array([item.b])
                )
                value *= float(p[0, item.keyed(answer) - 1, 0])
        return value

    options = {"points": [-2.0, -1.0, 0.0, 1.0, 2.0], "limit": 200, "epsabs": 1e-13, "epsrel": 1e-9}
    mass = quad(likelihood, -8, 8, **options)[0]
    mean = quad(lambda t: t * likelihood(t), -8, 8, **options)[0] / mass
    second = quad(lambda t: t * t * likelihood(t), -8, 8, **options)[0] / mass
    return mean, math.sqrt(second - mean**2)


@settings(max_examples=15, deadline=None)
@given(answers=answer_sets)
def test_eap_matches_numerical_integration(answers: dict[int, int]) -> None:
    """EAP and posterior SD by quadrature; the SD shown is the posterior SD widened by k."""
    result = score(answers)
    for d, dimension in enumerate(("anxiety", "avoidance")):
        theta, se = _brute_force(answers, dimension)
        assert getattr(result, dimension).theta == pytest.approx(theta, abs=1e-5)
        assert getattr(result, dimension).se == pytest.approx(se * FULL_K[d], abs=1e-5)


@given(answers=answer_sets)
def test_result_is_consistent(answers: dict[int, int]) -> None:
    result = score(answers)
    assert set(result.style_probabilities) == set(STYLES)
    assert sum(result.style_probabilities.values()) == pytest.approx(1.0, abs=1e-12)
    assert all(0.0 <= p <= 1.0 for p in result.style_probabilities.values())
    assert result.style == max(
        result.style_probabilities, key=result.style_probabilities.__getitem__
    )
    for dimension in ("anxiety", "avoidance"):
        part = getattr(result, dimension)
        asked = [n for n in answers if item_bank().item(n).dimension == dimension]
        assert part.n_items == len(asked)
        assert 0.0 <= part.percentile <= 100.0
        low, high = part.percentile_interval
        assert 0.0 <= low <= part.percentile <= high <= 100.0
        assert 0.0 < part.se <= max(FULL_K)
        assert (part.mean is None) == (not asked)
    assert json.loads(json.dumps(result.to_dict())) == result.to_dict()
    assert Result.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_empty_answers_give_the_prior() -> None:
    result = score({})
    for d, part in enumerate((result.anxiety, result.avoidance)):
        assert part.theta == pytest.approx(0.0, abs=1e-9)
        assert part.se == pytest.approx(FULL_K[d], abs=1e-5)  # the N(0, 1) prior, widened
        assert part.mean is None and part.n_items == 0
    assert result.norm_group.startswith("adults 18+ (n=")
    for part in (result.anxiety, result.avoidance):
        low, high = part.percentile_interval
        assert low < 5 and high > 95  # the prior says almost nothing


def test_reverse_keying() -> None:
    """Agreeing with a reverse-keyed item means less avoidance; the classical mean flips it."""
    bank = item_bank()
    assert {item.number for item in bank.items if item.reverse} == {
        3,
        15,
        19,
        22,
        25,
        27,
        29,
        31,
        33,
        35,
    }
    comfortable = score({3: 5})  # "I am very comfortable being close to romantic partners."
    uncomfortable = score({3: 1})
    assert comfortable.avoidance.theta < 0 < uncomfortable.avoidance.theta
    assert comfortable.avoidance.mean == 1.0 and uncomfortable.avoidance.mean == 5.0
    worried = score({2: 5})  # "I worry about being abandoned." (not reversed)
    assert worried.anxiety.theta > 0 and worried.anxiety.mean == 5.0
    assert score({22: 5}).anxiety.theta < 0  # "I do not often worry about being abandoned."


def test_classical_mean_uses_keyed_answers() -> None:
    result = score({1: 4, 3: 4, 2: 2, 22: 2})
    assert result.avoidance.mean == pytest.approx((4 + 2) / 2)
    assert result.anxiety.mean == pytest.approx((2 + 4) / 2)


@pytest.mark.parametrize(
    ("answers", "fragment"),
    [
        ({0: 3}, "item 0"),
        ({37: 3}, "item 37"),
        ({"7": 3}, "item '7'"),
        ({7.0: 3}, "item 7.0"),
        ({True: 3}, "item True"),
        ({7: 0}, "item 7"),
        ({7: 6}, "item 7"),
        ({7: 3.0}, "item 7"),
        ({7: "3"}, "item 7"),
        ({7: True}, "item 7"),
        ({7: None}, "item 7"),
        ({1: 3, 12: 2.5}, "item 12"),
    ],
)
def test_invalid_answers_raise_value_error_naming_the_item(answers: dict, fragment: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=fragment):
        score(answers)


def test_numpy_integers_are_accepted() -> None:
    assert score({np.int64(2): np.int8(5)}).anxiety.n_items == 1  # type: ignore[dict-item]


def test_style_probability_product_rule() -> None:
    probabilities = style_probabilities(0.8, 0.3)
    assert probabilities["anxious"] == pytest.approx(0.8 * 0.7)
    assert probabilities["avoidant"] == pytest.approx(0.2 * 0.3)
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_extreme_patterns_give_the_expected_styles() -> None:
    def pattern(anxious: bool, avoidant: bool) -> dict[int, int]:
        answers = {}
        for item in item_bank().items:
            high = anxious if item.dimension == "anxiety" else avoidant
            keyed = 5 if high else 1
            answers[item.number] = 6 - keyed if item.reverse else keyed
        return answers

    assert score(pattern(False, False)).style == "secure"
    assert score(pattern(True, False)).style == "anxious"
    assert score(pattern(False, True)).style == "avoidant"
    assert score(pattern(True, True)).style == "disorganized"
    # The widened spread (psychometrics.certainty) leaves even the most extreme answers a
    # small chance of another quadrant for the person's true position.
    assert score(pattern(True, True)).style_probabilities["disorganized"] > 0.99


def test_percentiles_increase_with_theta() -> None:
    table = item_bank().norms.select()
    thetas = np.linspace(-4, 4, 81)
    for dimension in ("anxiety", "avoidance"):
        percentiles = [table.percentile(dimension, float(t)) for t in thetas]
        assert np.all(np.diff(percentiles) >= 0)
        assert percentiles[0] == 0.0 and percentiles[-1] == 100.0
        assert table.percentile(
            dimension, float(np.median(table.quantiles[dimension]))
        ) == pytest.approx(50, abs=1)


def test_result_type() -> None:
    assert isinstance(score({5: 2}), Result)


def _keyed_pattern(anxiety: int, avoidance: int) -> dict[int, int]:
    """Every item answered so that its keyed value is ``anxiety`` or ``avoidance`` (1..5)."""
    answers = {}
    for item in item_bank().items:
        keyed = anxiety if item.dimension == "anxiety" else avoidance
        answers[item.number] = 6 - keyed if item.reverse else keyed
    return answers


def test_percentile_interval_narrows_as_answers_are_added() -> None:
    full = _keyed_pattern(4, 2)
    order = sorted(full)  # avoidance and anxiety items alternate
    widths = []
    for count in (0, 2, 6, 12, 24, 36):
        result = score({number: full[number] for number in order[:count]})
        low, high = result.anxiety.percentile_interval
        assert low <= result.anxiety.percentile <= high
        widths.append(high - low)
    assert all(later < earlier for earlier, later in itertools.pairwise(widths))
    # All 36 answers still leave about half a theta unit of doubt about the true position
    # (docs/manual, "How sure the result is"), so the full form's range stays wide.
    assert widths[0] > 90 and widths[-1] < 60


def test_percentile_interval_is_the_central_95_percent_of_the_true_position() -> None:
    """The interval's ends are EAP -/+ 1.96 widened SD mapped through the table, the same
    distribution the style probabilities come from."""
    answers = {2: 4, 6: 5, 10: 2, 1: 2, 3: 4}
    result = score(answers)
    table = item_bank().norms.select()
    for d, dimension in enumerate(("anxiety", "avoidance")):
        part = getattr(result, dimension)
        _, posterior_sd = _brute_force(answers, dimension)
        sd = posterior_sd * FULL_K[d]
        xs, ps = table.knots[dimension]
        low_theta = float(np.interp(part.percentile_interval[0], ps, xs))
        high_theta = float(np.interp(part.percentile_interval[1], ps, xs))
        # The table ends at the norm group's lowest and highest scores: an end beyond them
        # reads as 0 or 100.
        expected_low = max(part.theta - 1.959964 * sd, float(xs[0]))
        expected_high = min(part.theta + 1.959964 * sd, float(xs[-1]))
        assert low_theta == pytest.approx(expected_low, abs=2e-3)
        assert high_theta == pytest.approx(expected_high, abs=2e-3)
        p_high = 0.5 * math.erfc(-(part.theta - item_bank().cuts[dimension]) / (sd * 2**0.5))
        shown_high = (
            result.style_probabilities["disorganized"]
            + result.style_probabilities["anxious" if dimension == "anxiety" else "avoidant"]
        )
        assert shown_high == pytest.approx(p_high, abs=1e-6)


def test_results_stored_before_the_new_fields_still_load() -> None:
    stored = score({2: 4, 1: 2}).to_dict()
    for part in ("anxiety", "avoidance"):
        del stored[part]["percentile_interval"]
    del stored["norm_sample"]
    result = Result.from_dict(stored)
    assert result.norm_sample is None
    assert result.anxiety.percentile_interval == (0.0, 100.0)  # honest: no range was kept
