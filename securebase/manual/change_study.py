"""Reliable change: false alarms for people who did not change, and power for people who did.

A person who takes the quiz twice without any change in how they feel should rarely be told
that a score is reliably higher or lower (:func:`securebase.psychometrics.reliable_change` says
so when the difference exceeds its two-sided 95% critical value), and a person whose attachment
did change should often be told so. The engine's error for change
(:mod:`securebase.psychometrics.change_errors`) was fitted on other simulated people (training);
this study checks it on ``PEOPLE`` new ones (seed ``SEED``) whose truth is known:

- people are drawn from the realistic generating model
  (:mod:`securebase.psychometrics.generating_model`, which keeps the local dependence of
  similarly worded statements that the scoring model ignores);
- each answers all 36 statements twice with new answer noise, under two assumptions about the
  wording clusters (group factors): **lasting** traits (kept for the second sitting) and
  **passing** states (drawn afresh, the assumption the factors were fitted under);
- each sitting is scored with the shipped bank both ways the site scores: all 36 answers, and
  the quick test replayed with the person's answers (:class:`AdaptiveTest`, its rules
  unchanged); the pairs full/full, quick/quick and quick/full go through the site's own
  :func:`reliable_change`.

Reported per pair and dimension: the share called reliably higher and reliably lower (for
unchanged people their sum is the false-alarm rate; the target is at most 5%), and for
comparison the share that two other errors would call changed: the **widened** SDs the result
shows (the engine's error before the change calibration) and the model's own **unwidened**
posterior SDs. Also how often the style label differs between the sittings, how often it differs
while both scores are within precision, and the mean ``style_differs_probability``. For power,
the same people's general factors on both dimensions are lowered by each of ``CHANGE_SIZES``
(population SDs) before a second sitting, clusters kept (lasting, the harder case for seeing a
change): how often "reliably lower" is then said.
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
from securebase.psychometrics.change_errors import change_errors
from securebase.psychometrics.generating_model import People, generating_model
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.scoring import scorer_for

PEOPLE = 3000
SEED = 180018
#: The target false-alarm rate per dimension (two-sided 95% level).
TARGET = 0.05
#: Real changes used to show the power: both dimensions lowered by these population SDs.
CHANGE_SIZES = (0.5, 1.0)
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


def _other_calls(
    earlier: Sequence[Result], later: Sequence[Result], forms: tuple[str, str], d: int
) -> tuple[float, float]:
    """Shares called changed on dimension ``d`` with the widened and the unwidened SDs.

    For comparison only: the widened SDs are the ones each result shows (chapter 14), the
    unwidened the model's posterior SDs (the widening divided back out).
    """
    dimension = DIMENSIONS[d]
    k = [float(certainty().inflation[FORM_KEYS[form]][d]) for form in forms]
    widened = unwidened = 0
    for a, b in zip(earlier, later, strict=True):
        first, second = getattr(a, dimension), getattr(b, dimension)
        difference = abs(second.theta - first.theta)
        widened += difference / float(np.hypot(first.se, second.se)) > critical_value()
        unwidened += (
            difference / float(np.hypot(first.se / k[0], second.se / k[1])) > critical_value()
        )
    return widened / len(earlier), unwidened / len(earlier)


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
        widened, unwidened = _other_calls(earlier, later, forms, d)
        row[dimension] = {
            "higher": r(higher, 4),
            "lower": r(lower, 4),
            "changed": r(higher + lower, 4),
            "widened": r(widened, 4),
            "unwidened": r(unwidened, 4),
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


def _both_forms(bank: ItemBank, answers: np.ndarray) -> dict[str, list[Result]]:
    return {"full": _full(bank, answers), "quick": _quick(bank, answers)}


def _pairs(first: dict[str, list[Result]], second: dict[str, list[Result]]) -> dict[str, Any]:
    return {name: pair_figures(first[a], second[b], (a, b)) for name, (a, b) in PAIRS.items()}


def change_study(people: int = PEOPLE, seed: int = SEED) -> dict[str, Any]:
    """The study of the module docstring: figures per pair of forms, for ``numbers.json``."""
    bank, model = item_bank(), generating_model()
    rng = np.random.default_rng(seed)
    drawn = model.people(people, rng)
    first = _both_forms(bank, model.answers(drawn, rng))
    lasting = _pairs(first, _both_forms(bank, model.answers(drawn, rng)))
    passing = _pairs(
        first, _both_forms(bank, model.answers(model.with_new_groups(drawn, rng), rng))
    )
    power = {}
    for size in CHANGE_SIZES:
        moved = People(general=drawn.general - size, groups=drawn.groups)
        power[str(size)] = _pairs(first, _both_forms(bank, model.answers(moved, rng)))
    worst = max(
        rows[name][d]["changed"]
        for rows in (lasting, passing)
        for name in PAIRS
        for d in DIMENSIONS
    )
    factors = change_errors().factors
    return {
        "people": people,
        "seed": seed,
        "level": RELIABLE_CHANGE_LEVEL,
        "target": TARGET,
        "factors": {
            key: {d: float(v) for d, v in zip(DIMENSIONS, values, strict=True)}
            for key, values in factors.items()
        },
        "fit": dict(change_errors().figures),
        "lasting": lasting,
        "passing": passing,
        "worst_false_alarm": worst,
        "meets_target": worst <= TARGET,
        "change_sizes": list(CHANGE_SIZES),
        "power": power,
    }
