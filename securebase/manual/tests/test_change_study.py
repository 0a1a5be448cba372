"""The false-alarm study of reliable change: its counting, and a small run end to end."""

from __future__ import annotations

import pytest

from securebase.manual.change_study import TARGET, change_study, pair_figures
from securebase.psychometrics import score
from securebase.psychometrics.bank import item_bank


def answers(anxiety: int, avoidance: int) -> dict[int, int]:
    keyed = {"anxiety": anxiety, "avoidance": avoidance}
    return {
        item.number: 6 - keyed[item.dimension] if item.reverse else keyed[item.dimension]
        for item in item_bank().items
    }


def test_identical_sittings_are_never_called_changed() -> None:
    same = [score(answers(4, 2)), score(answers(2, 4))]
    row = pair_figures(same, same, ("full", "full"))
    for dimension in ("anxiety", "avoidance"):
        assert row[dimension]["changed"] == 0.0
        assert row[dimension]["widened"] == 0.0
        assert row[dimension]["unwidened"] == 0.0
    assert row["label_flips"] == 0.0 and row["either_dimension"] == 0.0


def test_opposite_sittings_are_counted_as_changed_both_ways() -> None:
    low, high = score(answers(1, 1)), score(answers(5, 5))
    row = pair_figures([low, high], [high, low], ("full", "full"))
    for dimension in ("anxiety", "avoidance"):
        assert row[dimension] == {
            "higher": 0.5,
            "lower": 0.5,
            "changed": 1.0,
            "widened": 1.0,
            "unwidened": 1.0,
        }
    assert row["label_flips"] == 1.0 and row["label_flips_within"] == 0.0


@pytest.mark.research
def test_a_small_run_has_every_figure_and_is_reproducible() -> None:
    first, again = change_study(people=40, seed=7), change_study(people=40, seed=7)
    assert first == again
    pairs = {"full/full", "quick/quick", "quick/full"}
    assert set(first["lasting"]) == set(first["passing"]) == pairs
    assert set(first["power"]) == {"0.5", "1.0"}
    assert all(set(rows) == pairs for rows in first["power"].values())
    assert first["meets_target"] == (first["worst_false_alarm"] <= TARGET)
    rows = [*first["lasting"].values(), *first["passing"].values()]
    rows += [row for power in first["power"].values() for row in power.values()]
    for row in rows:
        for dimension in ("anxiety", "avoidance"):
            for key in ("changed", "widened", "unwidened"):
                assert 0.0 <= row[dimension][key] <= 1.0
