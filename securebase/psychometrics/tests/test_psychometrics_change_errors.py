"""The error calibrated for change (:mod:`securebase.psychometrics.change_errors`), checked on
simulated people the factors were not fitted on."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy.stats import binomtest

from securebase.psychometrics import AdaptiveTest, Result, item_bank, reliable_change, score
from securebase.psychometrics.certainty import certainty
from securebase.psychometrics.change_errors import (
    SCHEMA,
    ChangeErrors,
    change_errors,
    change_se,
    pair_key,
)
from securebase.psychometrics.generating_model import People, generating_model
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.scoring import scorer_for

BANK = item_bank()
TARGET = 0.05


def _full(responses: np.ndarray) -> list[Result]:
    scorer, norms = scorer_for(BANK), BANK.norms.select()
    return [
        scorer.result({number: int(value) for number, value in enumerate(row, 1)}, norms)
        for row in responses
    ]


def _quick(responses: np.ndarray) -> list[Result]:
    results = []
    for row in responses:
        test = AdaptiveTest(bank=BANK)
        while (item := test.next_item()) is not None:
            test.answer(item, int(row[item - 1]))
        results.append(test.result())
    return results


def _calls(earlier: list[Result], later: list[Result]) -> dict[str, int]:
    """How many pairs the site's engine calls changed, per dimension."""
    changes = [reliable_change(a, b) for a, b in zip(earlier, later, strict=True)]
    return {
        dimension: sum(getattr(change, dimension).verdict != "within" for change in changes)
        for dimension in DIMENSIONS
    }


def _unchanged(people: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Two sittings of unchanged people, wording clusters redrawn (the pessimistic case)."""
    model, rng = generating_model(), np.random.default_rng(seed)
    drawn = model.people(people, rng)
    return model.answers(drawn, rng), model.answers(model.with_new_groups(drawn, rng), rng)


@pytest.mark.research
def test_stored_factors_keep_false_alarms_of_two_full_forms_at_most_5_percent() -> None:
    first, second = _unchanged(3000, seed=515)
    earlier, later = _full(first), _full(second)
    for calls in _calls(earlier, later).values():
        assert calls / len(earlier) <= TARGET


@pytest.mark.research
def test_stored_factors_are_not_above_5_percent_with_the_quick_test() -> None:
    """Too few quick tests to pin the rate near 4.5%, so the check is that it is not
    significantly above the target (the unwidened posterior SDs, near 30%, would fail)."""
    first, second = _unchanged(250, seed=516)
    quick_first, quick_second, full_second = _quick(first), _quick(second), _full(second)
    for later in (quick_second, full_second):
        for calls in _calls(quick_first, later).values():
            assert binomtest(calls, len(later), TARGET, alternative="greater").pvalue > 0.01


@pytest.mark.research
def test_power_for_a_one_sd_change_beats_the_widened_errors() -> None:
    """Both dimensions fall by one population SD, wording clusters kept; pooled over the two
    dimensions, the calibrated error calls the fall at least twice as often as the widened."""
    model, rng = generating_model(), np.random.default_rng(517)
    drawn = model.people(600, rng)
    moved = People(general=drawn.general - 1.0, groups=drawn.groups)
    earlier, later = _full(model.answers(drawn, rng)), _full(model.answers(moved, rng))
    widened = [replace(result, form=None) for result in later]  # unknown form: shown se
    calibrated = sum(_calls(earlier, later).values())
    assert calibrated > 2 * sum(_calls(earlier, widened).values())
    assert calibrated > 0


def test_change_se_uses_posterior_sds_times_the_pair_factor() -> None:
    inflation, factors = certainty().inflation, change_errors().factors
    for d, dimension in enumerate(DIMENSIONS):
        se = change_se((0.6, "adaptive"), (0.5, "full"), dimension)
        posterior = np.hypot(0.6 / inflation["adaptive"][d], 0.5 / inflation["full"][d])
        assert se == pytest.approx(posterior * factors["adaptive/full"][d])
        assert se == change_se((0.5, "full"), (0.6, "adaptive"), dimension)
        assert change_se((0.6, None), (0.5, "full"), dimension) == pytest.approx(np.hypot(0.6, 0.5))


def test_stored_results_without_a_form_keep_the_widened_error() -> None:
    answers = dict.fromkeys(range(1, 37), 3)
    earlier, later = score(answers), score({**answers, 1: 5, 2: 5})
    assert earlier.form == "full"
    old = reliable_change(replace(earlier, form=None), replace(later, form=None))
    assert old.anxiety.se == pytest.approx(np.hypot(earlier.anxiety.se, later.anxiety.se))
    assert reliable_change(earlier, later).anxiety.se < old.anxiety.se


def test_form_round_trips_and_old_results_read_as_unknown() -> None:
    result = score({1: 4, 2: 2})
    stored = result.to_dict()
    assert Result.from_dict(stored) == result
    del stored["form"]
    assert Result.from_dict(stored).form is None


def test_file_is_checked() -> None:
    document = {"schema": SCHEMA, "factors": {}}
    for first, second in (("full", "full"), ("adaptive", "adaptive"), ("adaptive", "full")):
        document["factors"][pair_key(first, second)] = {"anxiety": 1.5, "avoidance": 0.0}
    with pytest.raises(ValueError, match="positive"):
        ChangeErrors.from_document(document)
    with pytest.raises(ValueError, match="schema"):
        ChangeErrors.from_document({**document, "schema": "other"})
