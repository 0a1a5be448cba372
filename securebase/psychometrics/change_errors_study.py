"""The fit behind ``change_errors.json``: the error for change, per form and dimension.

    python -m securebase.psychometrics.change_errors_study

``FIT_PEOPLE`` training people (seed ``FIT_SEED``) are drawn from the generating model
(:mod:`securebase.psychometrics.generating_model`) and sit the quiz twice without any change in
their general factors, under the pessimistic assumption that the wording clusters are passing
states: their group factors are drawn afresh for the second sitting. Each sitting is scored with
the shipped bank both ways the site scores (all 36 answers; the quick test replayed with the
person's answers, :class:`~securebase.psychometrics.AdaptiveTest`, its rules unchanged).

Per pair of forms (all questions twice, the quick test twice, the quick test then all questions)
and dimension, ``k_change`` is the factor that makes the two-sided reliable-change test with the
error ``k_change * sqrt(SD_1^2 + SD_2^2)`` (posterior SDs) call :data:`FIT_FALSE_ALARM` of these
unchanged people changed: the ``1 - FIT_FALSE_ALARM`` quantile of
``|difference| / sqrt(SD_1^2 + SD_2^2)`` divided by the critical value. ``FOLDS``-fold
cross-validation reports the out-of-fold false-alarm rate; the stored factors use all training
people. The check on separate simulated people is the manual's chapter on change
(``securebase.manual.change_study``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from securebase.psychometrics.adaptive import AdaptiveTest
from securebase.psychometrics.bank import ItemBank, item_bank
from securebase.psychometrics.certainty import FORMS, certainty
from securebase.psychometrics.change import RELIABLE_CHANGE_LEVEL, critical_value
from securebase.psychometrics.change_errors import (
    CHANGE_ERRORS_PATH,
    FIT_FALSE_ALARM,
    PAIRS,
    SCHEMA,
    pair_key,
)
from securebase.psychometrics.generating_model import GeneratingModel, generating_model
from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.norms import DIMENSIONS
from securebase.psychometrics.scoring import scorer_for

COMMAND = "python -m securebase.psychometrics.change_errors_study"
FIT_PEOPLE = 4000
FIT_SEED = 20181616
FOLDS = 5


def scores(bank: ItemBank, responses: np.ndarray, form: str) -> tuple[FloatArray, FloatArray]:
    """EAP and posterior SD (each (n, 2)) of every row of clicked answers, scored as ``form``."""
    if form == "full":
        eap, sd, _ = scorer_for(bank).batch(responses)
        return eap, sd
    thetas, sds = [], []
    inflation = certainty().inflation["adaptive"]
    for row in responses:
        test = AdaptiveTest(bank=bank)
        while (item := test.next_item()) is not None:
            test.answer(item, int(row[item - 1]))
        result = test.result()
        thetas.append([getattr(result, d).theta for d in DIMENSIONS])
        sds.append([getattr(result, d).se for d in DIMENSIONS])
    return np.array(thetas), np.array(sds) / inflation


def unchanged_sittings(
    model: GeneratingModel, bank: ItemBank, people: int, rng: np.random.Generator
) -> list[dict[str, tuple[FloatArray, FloatArray]]]:
    """Two sittings of unchanged people, group factors redrawn for the second, both forms."""
    drawn = model.people(people, rng)
    answers = [model.answers(drawn, rng), model.answers(model.with_new_groups(drawn, rng), rng)]
    return [{form: scores(bank, a, form) for form in FORMS} for a in answers]


def statistics(
    first: tuple[FloatArray, FloatArray], second: tuple[FloatArray, FloatArray]
) -> FloatArray:
    """``|difference| / sqrt(SD_1^2 + SD_2^2)`` per person and dimension, posterior SDs."""
    result: FloatArray = np.abs(second[0] - first[0]) / np.hypot(first[1], second[1])
    return result


def fit(z: FloatArray) -> FloatArray:
    """Per dimension, the factor that calls :data:`FIT_FALSE_ALARM` of ``z`` changed."""
    result: FloatArray = np.quantile(z, 1.0 - FIT_FALSE_ALARM, axis=0) / critical_value()
    return result


def run(people: int = FIT_PEOPLE, seed: int = FIT_SEED) -> dict[str, Any]:
    """The fit of the module docstring, as the ``change_errors.json`` document."""
    rng = np.random.default_rng(seed)
    first, second = unchanged_sittings(generating_model(), item_bank(), people, rng)
    z = {pair_key(a, b): statistics(first[a], second[b]) for a, b in PAIRS}
    folds = np.random.default_rng(seed + 1).permutation(people) % FOLDS
    out_of_fold = {}
    for key, values in z.items():
        calls = np.zeros(len(DIMENSIONS))
        for fold in range(FOLDS):
            k = fit(values[folds != fold])
            calls += np.sum(values[folds == fold] > k * critical_value(), axis=0)
        out_of_fold[key] = calls / people

    def per_dimension(values: FloatArray, digits: int = 4) -> dict[str, float]:
        return {d: round(float(v), digits) for d, v in zip(DIMENSIONS, values, strict=True)}

    return {
        "schema": SCHEMA,
        "command": COMMAND,
        "factors": {key: per_dimension(fit(values), 3) for key, values in z.items()},
        "figures": {
            "people": people,
            "seed": seed,
            "folds": FOLDS,
            "level": RELIABLE_CHANGE_LEVEL,
            "fit_false_alarm": FIT_FALSE_ALARM,
            "assumption": "group factors redrawn for the second sitting",
            "cross_validated_false_alarm": {
                key: per_dimension(values) for key, values in out_of_fold.items()
            },
        },
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=FIT_PEOPLE)
    args = parser.parse_args(argv)
    document = run(people=args.people)
    CHANGE_ERRORS_PATH.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(document["factors"]), json.dumps(document["figures"]))
    print(f"wrote {CHANGE_ERRORS_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
