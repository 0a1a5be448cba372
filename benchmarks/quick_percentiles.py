"""Quick-test percentiles against full-form percentiles, with whichever psychometrics code is found.

    .venv/bin/python benchmarks/quick_percentiles.py                  # the working tree
    git archive <commit> securebase/__init__.py securebase/psychometrics | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old .venv/bin/python benchmarks/quick_percentiles.py   # an older commit

Gives the "before" figures of docs/method-norms-ranges-classification.md for code that predates
``securebase.psychometrics.report`` (it uses only the API every version has: ``AdaptiveTest``,
``Scorer.posteriors``/``batch`` and the default norm table). Same people as the report's
``ranges-real`` block: the first 3,000 complete answer patterns of adults in the training part
of the seed-20180301 80/20 split.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.append(str(Path(__file__).resolve().parents[1]))  # after PYTHONPATH, so it can override

from securebase.psychometrics.adaptive import AdaptiveTest
from securebase.psychometrics.bank import item_bank
from securebase.psychometrics.data import default_data_path, load_ecr_csv
from securebase.psychometrics.scoring import GRID, scorer_for


def main() -> int:
    """Print mean, 90th-percentile and largest percentile error per dimension."""
    path = default_data_path()
    if path is None:
        print("the ECR calibration file is not available", file=sys.stderr)
        return 1
    data = load_ecr_csv(path)
    order = np.random.default_rng(20180301).permutation(data.n)
    train = np.sort(order[: round(0.8 * data.n)])
    responses, age = data.responses[train], data.age[train]
    rows = responses[np.all(responses > 0, axis=1) & (age >= 18)][:3000].astype(np.int64)
    bank = item_bank()
    scorer, table = scorer_for(bank), bank.norms.select()
    quick, lengths = np.empty((len(rows), 2)), []
    for index, person in enumerate(rows):
        test = AdaptiveTest()
        while (item := test.next_item()) is not None:
            test.answer(item, int(person[item - 1]))
        quick[index] = scorer.posteriors(test.answers) @ GRID
        lengths.append(len(test.answers))
    full, _, _ = scorer.batch(rows)
    print(f"code: {Path(sys.modules['securebase'].__file__ or '').parent}")
    print(f"norm group: {table.label}; quick test: {np.mean(lengths):.2f} questions on average")
    for d, dimension in enumerate(("anxiety", "avoidance")):
        error = np.abs(
            np.array([table.percentile(dimension, float(t)) for t in quick[:, d]])
            - np.array([table.percentile(dimension, float(t)) for t in full[:, d]])
        )
        print(
            f"{dimension}: mean error {error.mean():.1f}, 90th percentile of error "
            f"{np.percentile(error, 90):.1f}, largest {error.max():.1f} (percentile points)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
