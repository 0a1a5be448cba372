"""False alarms of "reliably changed": two sittings of simulated people who did not change.

A person who takes the quiz twice without any change in how they feel should almost never be
told that a score is reliably higher or lower (:func:`securebase.psychometrics.reliable_change`
says so when the difference exceeds its two-sided 95% critical value). This study checks that
against people whose truth is known:

- ``PEOPLE`` people are drawn from the realistic generating model
  (:mod:`securebase.psychometrics.generating_model`, which keeps the local dependence of
  similarly worded statements that the scoring model ignores), seed ``SEED``;
- each answers all 36 statements twice, independently (new answer noise, the same person);
- each sitting is scored with the shipped bank both ways the site scores: all 36 answers, and
  the quick test replayed with the person's answers (:class:`AdaptiveTest`, its rules
  unchanged), so that the widened uncertainty each form shows is the one the verdict uses;
- the pairs full/full, quick/quick and quick/full go through the site's own
  :func:`reliable_change`.

Reported per pair and dimension: the share called reliably higher and reliably lower (the
false-alarm rate is their sum; the target is at most 5%), how often the style label differs
between the sittings, how often it differs while both scores are within precision, and the mean
``style_differs_probability`` shown (the truth is "no difference"). A sensitivity check draws the
wording clusters afresh for the second sitting (treating them as passing states), which makes
sittings differ more than the scoring model expects. For the other side of the trade-off, the
same people's anxiety is lowered by ``CHANGE_SIZE`` (one standard deviation of the population)
before a second sitting of each form: how often "reliably lower" is then said is the power to see
a change of that size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from securebase.manual.bank_facts import r
from securebase.psychometrics import AdaptiveTest, Result, item_bank, reliable_change
from securebase.psychometrics.bank import ItemBank
from securebase.psychometrics.certainty import certainty
from securebase.psychometrics.change import RELIABLE_CHANGE_LEVEL, critical_value
from securebase.psychometrics.generating_model import People, generating_model
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.scoring import scorer_for

PEOPLE = 3000
SEED = 180018
#: The target false-alarm rate per dimension (two-sided 95% level).
TARGET = 0.05
#: A real change used to show the power: anxiety lowered by one population SD.
CHANGE_SIZE = 1.0
#: The forms as the certainty file names them.
FORM_KEYS = {"full": "full", "quick": "adaptive"}
#: (earlier form, later form) of each pair, as named in the manual.
PAIRS = {
    "full/full": ("full", "full"),
    "quick/quick": ("quick", "quick"),
    "quick/full": ("quick", "full"),
}


def _full(bank: ItemBank, responses: np.ndarray) -> list[Result]:
    scorer, norms = scorer_for(bank), bank.norms.select()
    return [
        scorer.result({number: int(value) for number, value in enumerate(row, 1)}, norms)
        for row in responses
    ]


def _quick(bank: ItemBank, responses: np.ndarray) -> list[Result]:
    results = []
    for row in responses:
        test = AdaptiveTest(bank=bank)
        while (item := test.next_item()) is not None:
            test.answer(item, int(row[item - 1]))
        results.append(test.result())
    return results


def _unwidened_calls(
    earlier: Sequence[Result], later: Sequence[Result], forms: tuple[str, str], d: int
) -> float:
    """Share called changed on dimension ``d`` if the model's own posterior SDs were used.

    For comparison only: the widening (chapter 14) divided back out of each sitting's SD.
    """
    dimension = DIMENSIONS[d]
    k = [float(certainty().inflation[FORM_KEYS[form]][d]) for form in forms]
    calls = 0
    for a, b in zip(earlier, later, strict=True):
        first, second = getattr(a, dimension), getattr(b, dimension)
        se = float(np.hypot(first.se / k[0], second.se / k[1]))
        calls += abs(second.theta - first.theta) / se > critical_value()
    return calls / len(earlier)


def pair_figures(
    earlier: Sequence[Result], later: Sequence[Result], forms: tuple[str, str]
) -> dict[str, Any]:
    """Shares of verdicts and label flips over pairs of sittings of the same people."""
    changes = [reliable_change(a, b) for a, b in zip(earlier, later, strict=True)]
    n = len(changes)
    row: dict[str, Any] = {}
    for d, dimension in enumerate(DIMENSIONS):
        verdicts = [getattr(change, dimension).verdict for change in changes]
        higher, lower = verdicts.count("higher") / n, verdicts.count("lower") / n
        row[dimension] = {
            "higher": r(higher, 4),
            "lower": r(lower, 4),
            "false_alarm": r(higher + lower, 4),
            "unwidened": r(_unwidened_calls(earlier, later, forms, d), 4),
        }
    within = [all(getattr(change, d).verdict == "within" for d in DIMENSIONS) for change in changes]
    flipped = [change.label_changed for change in changes]
    row["label_flips"] = r(sum(flipped) / n, 4)
    row["label_flips_within"] = r(sum(f and w for f, w in zip(flipped, within, strict=True)) / n, 4)
    row["either_dimension"] = r(1 - sum(within) / n, 4)
    row["mean_style_differs"] = r(
        float(np.mean([change.style_differs_probability for change in changes])), 4
    )
    return row


def change_study(people: int = PEOPLE, seed: int = SEED) -> dict[str, Any]:
    """The study of the module docstring: figures per pair of forms, for ``numbers.json``."""
    bank, model = item_bank(), generating_model()
    rng = np.random.default_rng(seed)
    drawn = model.people(people, rng)
    answers = [model.answers(drawn, rng) for _ in range(2)]
    scored = [{"full": _full(bank, a), "quick": _quick(bank, a)} for a in answers]
    pairs = {
        name: pair_figures(scored[0][first], scored[1][second], (first, second))
        for name, (first, second) in PAIRS.items()
    }
    passing = _full(bank, model.answers(model.with_new_groups(drawn, rng), rng))
    moved = People(general=drawn.general - np.array([CHANGE_SIZE, 0.0]), groups=drawn.groups)
    changed = model.answers(moved, rng)
    power = {
        "full/full": pair_figures(scored[0]["full"], _full(bank, changed), ("full", "full")),
        "quick/quick": pair_figures(scored[0]["quick"], _quick(bank, changed), ("quick", "quick")),
    }
    worst = max(pairs[name][d]["false_alarm"] for name in pairs for d in DIMENSIONS)
    return {
        "people": people,
        "seed": seed,
        "level": RELIABLE_CHANGE_LEVEL,
        "target": TARGET,
        "pairs": pairs,
        "worst_false_alarm": worst,
        "meets_target": worst <= TARGET,
        "new_groups_full": pair_figures(scored[0]["full"], passing, ("full", "full")),
        "change_size": CHANGE_SIZE,
        "anxiety_lowered": power,
    }
