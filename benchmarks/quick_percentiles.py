"""Quick-test percentiles against full-form percentiles, for the working tree or an older commit.

    .venv/bin/python benchmarks/quick_percentiles.py                    # the working tree
    .venv/bin/python benchmarks/quick_percentiles.py --commit 461e28b   # code as it was then

Gives the "before" figures of docs/research/method-norms-ranges-classification.md (block
``ranges-before``) for code that predates ``securebase.psychometrics.report``. With
``--commit`` the package at that commit is extracted with ``git archive`` into a temporary
directory and this script runs again on it, so it uses only the API every version has:
``AdaptiveTest``, ``Scorer.posteriors``/``batch`` and the default norm table. Same people as the
report's ``ranges-real`` block: the first 3,000 complete answer patterns of adults in the
training part of the seed-20180301 80/20 split. The output depends only on the code and the
data, so a test compares it with the doc.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.append(str(REPO))  # after PYTHONPATH, so an extracted older tree takes precedence


def measure() -> str:
    """The figures for whichever ``securebase.psychometrics`` is importable."""
    from securebase.psychometrics.adaptive import AdaptiveTest
    from securebase.psychometrics.bank import item_bank
    from securebase.psychometrics.data import default_data_path, load_ecr_csv
    from securebase.psychometrics.scoring import GRID, scorer_for

    path = default_data_path()
    if path is None:
        raise SystemExit("the ECR calibration file is not available")
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
    lines = [
        f"{len(rows):,} real answer patterns; norm group: {table.label}; quick test: "
        f"{np.mean(lengths):.2f} questions on average; percentile shown without a range"
    ]
    for d, dimension in enumerate(("anxiety", "avoidance")):
        error = np.abs(
            np.array([table.percentile(dimension, float(t)) for t in quick[:, d]])
            - np.array([table.percentile(dimension, float(t)) for t in full[:, d]])
        )
        lines.append(
            f"- {dimension}: mean error {error.mean():.1f}, 90th percentile of error "
            f"{np.percentile(error, 90):.1f}, largest {error.max():.1f} (percentile points)"
        )
    return "\n".join(lines)


def at_commit(commit: str) -> str:
    """Run :func:`measure` on the package as it was at ``commit``."""
    with tempfile.TemporaryDirectory() as tree:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", commit, "securebase/__init__.py",
             "securebase/psychometrics"],
            check=True, capture_output=True,
        ).stdout  # fmt: skip
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        # The extracted package looks for the data next to *its* repository: point it here.
        from securebase.psychometrics.data import ENV_VAR, default_data_path

        data = default_data_path()
        if data is None:
            raise SystemExit("the ECR calibration file is not available")
        environment = {**os.environ, "PYTHONPATH": tree, ENV_VAR: str(data)}
        return subprocess.run(
            [sys.executable, __file__], env=environment, check=True, capture_output=True, text=True
        ).stdout.rstrip("\n")


def main() -> int:
    """Print the figures (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--commit", help="measure the package as it was at this commit")
    args = parser.parse_args()
    print(at_commit(args.commit) if args.commit else measure())
    return 0


if __name__ == "__main__":
    sys.exit(main())
