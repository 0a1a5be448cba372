"""Classification consistency and accuracy: simulated under the model, stored by calibrate."""

from __future__ import annotations

import numpy as np
import pytest

from securebase.psychometrics import STYLES, item_bank, score
from securebase.psychometrics.classification import (
    ECR_S_ITEMS,
    accuracy,
    classify,
    consistency,
    full_form_accuracy,
    full_form_consistency,
    simulate,
    simulate_answers,
)


@pytest.fixture(scope="module")
def full_form():  # type: ignore[no-untyped-def]
    return simulate(None, n=20_000, seed=11)  # a different seed from the stored figures


@pytest.mark.research
def test_stored_full_form_figures_agree_with_a_fresh_simulation(full_form) -> None:  # type: ignore[no-untyped-def]
    """The bank's figures are within Monte Carlo error (4 SE) of an independent recomputation."""
    stored = item_bank().document["classification"]
    assert stored["n_simulees"] >= 100_000
    for fresh, kept in (
        (full_form.consistency, full_form_consistency()),
        (full_form.accuracy, full_form_accuracy()),
    ):
        se = np.hypot(
            full_form.standard_error(fresh), np.sqrt(kept * (1 - kept) / stored["n_simulees"])
        )
        assert abs(fresh - kept) < 4 * se
    assert 0.7 < full_form_consistency() < full_form_accuracy() < 0.95


def test_simulation_is_seeded_and_scores_like_a_person() -> None:
    first = simulate(ECR_S_ITEMS, n=300, seed=5)
    again, other = simulate(ECR_S_ITEMS, n=300, seed=5), simulate(ECR_S_ITEMS, n=300, seed=6)
    assert np.array_equal(first.theta, again.theta) and first.first == again.first
    assert first.second == again.second and first.first != other.first
    assert consistency(ECR_S_ITEMS, n=300, seed=5) == first.consistency
    assert accuracy(ECR_S_ITEMS, n=300, seed=5) == first.accuracy
    rng = np.random.default_rng(1)
    responses = simulate_answers(rng.standard_normal((20, 2)), item_bank(), rng)
    assert responses.min() >= 1 and responses.max() <= 5
    styles = classify(ECR_S_ITEMS, responses, item_bank())
    for row, style in zip(responses, styles, strict=True):
        assert style == score({n: int(row[n - 1]) for n in ECR_S_ITEMS}).style


@pytest.mark.research
def test_fewer_questions_repeat_less_often(full_form) -> None:  # type: ignore[no-untyped-def]
    short = simulate(ECR_S_ITEMS, n=20_000, seed=11)
    assert short.consistency < full_form.consistency - 0.05
    assert short.accuracy < full_form.accuracy


def test_a_form_can_be_any_function_of_the_answers() -> None:
    """An adaptive test plugs in as a function; a coin flip is right about a quarter of the time."""
    rng = np.random.default_rng(2)

    def guess(responses: np.ndarray) -> list[str]:
        return list(rng.choice(np.array(STYLES), len(responses)))

    result = simulate(guess, n=8000, seed=3)
    assert result.consistency == pytest.approx(0.25, abs=0.03)
    assert result.accuracy == pytest.approx(0.25, abs=0.03)


@pytest.mark.research
def test_by_distance_from_the_cuts(full_form) -> None:  # type: ignore[no-untyped-def]
    rows = full_form.by_distance([0.0, 0.25, 0.5, 1.0, np.inf])
    assert sum(row["n"] for row in rows) == full_form.n
    accuracies = [row["accuracy"] for row in rows]
    assert accuracies == sorted(accuracies)  # further from a cut, more often right
    assert accuracies[-1] > 0.97 and accuracies[0] < 0.8
