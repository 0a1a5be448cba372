"""Every figure of docs/research/method-norms-ranges-classification.md, computed, not typed.

    python -m securebase.psychometrics.report               # print every section
    python -m securebase.psychometrics.report --write-doc   # refresh the doc's generated blocks

The doc holds each section between ``<!-- begin:NAME -->`` and ``<!-- end:NAME -->``; a test
renders every section again and fails when the doc no longer says what the code computes.
Sections come from the shipped bank and seeded simulations under its model, except
``ranges-real``, which runs the quick test on real answers from the calibration file (skipped
when the file is absent). ``ranges-real`` and ``regions-quick`` run the adaptive test with its
shipped settings, so they must be regenerated whenever those change.

Real answers for ``ranges-real``: the first :data:`REAL_PATTERNS` complete response patterns of
adults in the *training* part of the fixed 80/20 split used by benchmarks/psychometrics_eval.py
(seed 20180301), so the held-out 20% stays untouched. The bank was calibrated on the whole
file, these people included; nothing in this comparison is fitted to them.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy.special import ndtri

from securebase.psychometrics.adaptive import AdaptiveTest
from securebase.psychometrics.bank import ItemBank, item_bank
from securebase.psychometrics.classification import (
    ECR_S_ITEMS,
    full_form_accuracy,
    full_form_consistency,
    simulate,
    simulate_answers,
)
from securebase.psychometrics.data import REPO_ROOT, default_data_path, load_ecr_csv
from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.norms import DIMENSIONS, NormTable
from securebase.psychometrics.regions import joint_region, side_multiplier, simulated_coverage
from securebase.psychometrics.scoring import (
    GRID,
    INTERVAL_LEVEL,
    posterior_quantiles,
    scorer_for,
)
from securebase.psychometrics.styles import STYLES

DOC_PATH = REPO_ROOT / "docs" / "research" / "method-norms-ranges-classification.md"
SPLIT_SEED = 20180301
TRAIN_SHARE = 0.8
REAL_PATTERNS = 3000
SIMULEES = 40_000
QUICK_SIMULEES = 3000
SEED = 20180301
#: Short forms the model sections compare with the full form.
SHORT_FORMS: tuple[tuple[str, tuple[int, ...] | None], ...] = (
    ("full form, 36 items", None),
    ("ECR-S, 12 items", ECR_S_ITEMS),
    ("first 8 items", (1, 2, 3, 4, 5, 6, 7, 8)),
)
#: Column names of the styles in the doc (machine value "disorganized" is shown as
#: fearful-avoidant; the site's display names live in reports.services.STYLE_NAMES).
_STYLE_COLUMNS = ("secure", "anxious", "avoidant", "fearful-avoidant")


def _pct(share: float, decimals: int = 1) -> str:
    return f"{100 * share:.{decimals}f}%"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def norms_section(bank: ItemBank | None = None) -> str:
    """The stored norm groups and the sample each one describes."""
    bank = bank if bank is not None else item_bank()
    default = bank.norms.select()
    rows = [
        [
            table.label.split(" (n=")[0],
            f"{table.n:,}",
            _pct(table.sample.share_women, 0),
            f"{table.sample.median_age:g}",
            *(_pct(table.sample.style_shares[style], 0) for style in STYLES),
        ]
        for table in bank.norms.tables.values()
    ]
    left_out = bank.n_respondents - default.n
    return (
        f"Default group: {default.label}, out of {bank.n_respondents:,} calibration "
        f"respondents; {left_out:,} were under 18 or gave no usable age and are in no norm "
        f"group. Groups need at least {bank.document['norms']['min_group_size']} people.\n\n"
        + _table(["group", "n", "women", "median age", *_STYLE_COLUMNS], rows)
    )


def _range_coverage(items: tuple[int, ...] | None, bank: ItemBank) -> tuple[float, float, float]:
    """Simulated share of true percentiles inside the 95% range, per dimension, and mean width."""
    scorer = scorer_for(bank)
    table = bank.norms.select()
    rng = np.random.default_rng(SEED)
    theta = rng.standard_normal((SIMULEES, 2))
    responses = simulate_answers(theta, bank, rng)
    if items is not None:
        asked = np.zeros(scorer.n_items, dtype=bool)
        asked[[number - 1 for number in items]] = True
        responses = np.where(asked[None, :], responses, 0)
    tail = (1 - INTERVAL_LEVEL) / 2
    ends = posterior_quantiles(scorer.batch_posteriors(responses), (tail, 1 - tail))
    inside, widths = [], []
    for d, dimension in enumerate(DIMENSIONS):
        low, high = (table.percentiles(dimension, ends[:, d, k]) for k in (0, 1))
        true = table.percentiles(dimension, theta[:, d])
        inside.append(float(np.mean((low <= true) & (true <= high))))
        widths.append(float(np.mean(high - low)))
    return inside[0], inside[1], float(np.mean(widths))


def ranges_model_section(bank: ItemBank | None = None) -> str:
    """How often the 95% percentile range holds the true percentile, under the model."""
    bank = bank if bank is not None else item_bank()
    rows = []
    for name, items in SHORT_FORMS:
        anxiety, avoidance, width = _range_coverage(items, bank)
        rows.append([name, _pct(anxiety), _pct(avoidance), f"{width:.0f} points"])
    return (
        f"{SIMULEES:,} simulees per row (true thetas from N(0, 1), answers from the model, "
        f"seed {SEED}); the true percentile is the norm-table percentile of the true theta "
        "in the default group.\n\n"
        + _table(["form", "anxiety range holds it", "avoidance range holds it", "mean width"], rows)
    )


def regions_section(bank: ItemBank | None = None) -> str:
    """Coverage of the chart's joint 95% region, and of the old two-interval box."""
    bank = bank if bank is not None else item_bank()
    old_z = float(ndtri(0.975))
    rows = [
        [
            name,
            _pct(simulated_coverage(items, bank=bank, n=SIMULEES, seed=SEED)),
            _pct(simulated_coverage(items, z=old_z, bank=bank, n=SIMULEES, seed=SEED)),
        ]
        for name, items in SHORT_FORMS
    ]
    return (
        f"Each side of the joint region is EAP +/- {side_multiplier():.3f} SE (the central "
        f"{_pct(INTERVAL_LEVEL**0.5)} of each dimension); the old box was EAP +/- "
        f"{old_z:.3f} SE on each side. {SIMULEES:,} simulees per row, seed {SEED}; Monte "
        f"Carlo SE about {_pct((0.95 * 0.05 / SIMULEES) ** 0.5, 2)}.\n\n"
        + _table(["form", "joint 95% region holds the true pair", "old box holds it"], rows)
    )


def regions_quick_section(bank: ItemBank | None = None) -> str:
    """Coverage of the joint region after the quick test, on simulees answering from the model.

    The first two columns use the GRM's own posterior SD (a check of the multiplier under the
    model); the last is the region the site draws, whose SD is widened for local dependence
    (:mod:`securebase.psychometrics.certainty`), so under the GRM's own truth it covers more.
    """
    bank = bank if bank is not None else item_bank()
    scorer = scorer_for(bank)
    rng = np.random.default_rng(SEED)
    theta = rng.standard_normal((QUICK_SIMULEES, 2))
    responses = simulate_answers(theta, bank, rng)
    joint = old = shown = 0
    lengths = []
    z, old_z = side_multiplier(), float(ndtri(0.975))
    for truth, person in zip(theta, responses, strict=True):
        test = AdaptiveTest(bank=bank)
        while (item := test.next_item()) is not None:
            test.answer(item, int(person[item - 1]))
        eap, sd, _ = scorer.summaries(scorer.posteriors(test.answers))
        lengths.append(len(test.answers))
        joint += bool(np.all(np.abs(truth - eap) <= z * sd))
        old += bool(np.all(np.abs(truth - eap) <= old_z * sd))
        shown += joint_region(test.result()).contains(float(truth[0]), float(truth[1]))
    return (
        f"{QUICK_SIMULEES:,} simulees (seed {SEED}) took the quick test with its current "
        f"settings ({np.mean(lengths):.1f} questions on average), answering from the model; "
        f"Monte Carlo SE about {_pct((0.95 * 0.05 / QUICK_SIMULEES) ** 0.5, 1)}.\n\n"
        + _table(
            [
                "form",
                "joint 95% region holds the true pair",
                "old box holds it",
                "region as drawn (widened) holds it",
            ],
            [
                [
                    "quick test",
                    _pct(joint / QUICK_SIMULEES),
                    _pct(old / QUICK_SIMULEES),
                    _pct(shown / QUICK_SIMULEES),
                ]
            ],
        )
    )


def classification_report(bank: ItemBank | None = None) -> str:
    """Full-form consistency and accuracy as stored by calibrate, and a check with another seed.

    The breakdown by distance from the cut and the ECR-S and quick-test figures are the
    technical manual's (chapter 10), generated by ``make manual``; stating them here as well
    would give two figures for one quantity.
    """
    bank = bank if bank is not None else item_bank()
    stored = bank.document["classification"]
    full = simulate(None, bank=bank, n=SIMULEES, seed=SEED + 1)
    consistency, accuracy = full_form_consistency(bank), full_form_accuracy(bank)

    def gap(fresh: float, kept: float) -> str:
        """The difference in standard errors of a difference of two independent estimates."""
        kept_se = (kept * (1.0 - kept) / stored["n_simulees"]) ** 0.5
        return f"{abs(fresh - kept) / float(np.hypot(full.standard_error(fresh), kept_se)):.1f}"

    return (
        f"Stored in the bank by `make calibrate` ({stored['n_simulees']:,} simulees, seed "
        f"{stored['seed']}): full-form consistency {_pct(consistency, 1)}, accuracy "
        f"{_pct(accuracy, 1)}, what `full_form_consistency()` and `full_form_accuracy()` return. "
        f"As a check, a fresh "
        f"simulation of {full.n:,} simulees with another seed ({full.seed}) differs from them "
        f"by {gap(full.consistency, consistency)} and {gap(full.accuracy, accuracy)} Monte Carlo "
        "standard errors of the difference. The same figures for the 12-item ECR-S and the quick "
        "test, and all of them by the distance of the true theta from the nearest cut, are in "
        "the technical manual (`docs/manual/manual.md`, chapter 10)."
    )


def real_patterns(limit: int = REAL_PATTERNS) -> np.ndarray | None:
    """Complete answer patterns of adults from the training part of the split, or ``None``."""
    path = default_data_path()
    if path is None:
        return None
    data = load_ecr_csv(path)
    order = np.random.default_rng(SPLIT_SEED).permutation(data.n)
    train = np.sort(order[: round(TRAIN_SHARE * data.n)])
    responses, age = data.responses[train], data.age[train]
    keep = np.all(responses > 0, axis=1) & (age >= 18)
    result: np.ndarray = responses[keep][:limit].astype(np.int64)
    return result


def _quick_tests(patterns: np.ndarray, bank: ItemBank) -> tuple[FloatArray, FloatArray]:
    """Each quick test's shown figures and grid posteriors, answering from ``patterns``.

    Returns (n, 2, 4): percentile, range low, range high and number of answers per dimension,
    as the result shows them; and the grid posteriors (n, 2, grid) for the alternative rules.
    """
    scorer = scorer_for(bank)
    shown = np.empty((len(patterns), len(DIMENSIONS), 4))
    posts = np.empty((len(patterns), len(DIMENSIONS), GRID.size))
    for row, person in enumerate(patterns):
        test = AdaptiveTest(bank=bank)
        while (item := test.next_item()) is not None:
            test.answer(item, int(person[item - 1]))
        result = test.result()
        for d, part in enumerate((result.anxiety, result.avoidance)):
            shown[row, d] = (part.percentile, *part.percentile_interval, part.n_items)
        posts[row] = scorer.posteriors(test.answers)
    return shown, posts


def _point_rules(post: FloatArray, table: NormTable, dimension: str) -> dict[str, FloatArray]:
    """Candidate single percentiles from posteriors (n, grid)."""
    return {
        "percentile of the EAP (shipped)": table.percentiles(dimension, post @ GRID),
        "posterior median percentile": table.percentiles(
            dimension, posterior_quantiles(post, (0.5,))[:, 0]
        ),
        "posterior mean percentile": post @ table.percentiles(dimension, GRID),
    }


def ranges_real_section(bank: ItemBank | None = None) -> str:
    """Quick-test percentiles against full-form percentiles on real answers."""
    bank = bank if bank is not None else item_bank()
    patterns = real_patterns()
    if patterns is None:
        raise FileNotFoundError("the ECR calibration file is not available")
    scorer = scorer_for(bank)
    table = bank.norms.select()
    shown, quick = _quick_tests(patterns, bank)
    counts = shown[:, :, 3]
    full = scorer.batch_posteriors(patterns)
    tail = (1 - INTERVAL_LEVEL) / 2
    full_ends = posterior_quantiles(full, (tail, 1 - tail))
    rows, rules, best = [], [], []
    for d, dimension in enumerate(DIMENSIONS):
        target = table.percentiles(dimension, full[:, d] @ GRID)
        point, low, high = shown[:, d, 0], shown[:, d, 1], shown[:, d, 2]
        error = np.abs(point - target)
        full_width = np.mean(
            table.percentiles(dimension, full_ends[:, d, 1])
            - table.percentiles(dimension, full_ends[:, d, 0])
        )
        rows.append(
            [
                dimension,
                f"{np.mean(counts[:, d]):.1f} ({int(np.min(counts[:, d]))} to "
                f"{int(np.max(counts[:, d]))})",
                f"{np.mean(error):.1f}",
                f"{np.percentile(error, 90):.1f}",
                f"{np.max(error):.1f}",
                _pct(float(np.mean((low <= target) & (target <= high)))),
                f"{np.mean(high - low):.0f} ({full_width:.0f})",
            ]
        )
        mean_errors = {}
        for name, values in _point_rules(quick[:, d], table, dimension).items():
            rule_error = np.abs(values - target)
            mean_errors[name] = float(np.mean(rule_error))
            rules.append(
                [
                    dimension,
                    name,
                    f"{np.mean(rule_error):.2f}",
                    f"{np.percentile(rule_error, 90):.1f}",
                    f"{np.max(rule_error):.1f}",
                ]
            )
        best.append(f"{dimension}: {min(mean_errors, key=mean_errors.__getitem__)}")
    return (
        f"{len(patterns):,} real complete answer patterns of adults (training part of the "
        f"split), the quick test answered from each person's recorded answers with its "
        f"current settings ({np.mean(counts.sum(axis=1)):.2f} questions on average); "
        "percentiles in the default group; error = |quick-test percentile - full-form "
        "percentile| in percentile points.\n\n"
        + _table(
            [
                "dimension",
                "questions (min to max)",
                "mean error",
                "90th percentile of error",
                "largest error",
                "95% range holds the full-form percentile",
                "mean range width (full form)",
            ],
            rows,
        )
        + "\n\nThe single value shown, by rule:\n\n"
        + _table(["dimension", "rule", "mean error", "90th percentile", "largest"], rules)
        + "\n\nSmallest mean error: "
        + "; ".join(best)
        + "."
    )


SECTIONS: dict[str, Callable[[], str]] = {
    "norms": norms_section,
    "ranges-model": ranges_model_section,
    "ranges-real": ranges_real_section,
    "regions": regions_section,
    "regions-quick": regions_quick_section,
    "classification": classification_report,
}


def _block(name: str) -> re.Pattern[str]:
    begin, end = re.escape(f"<!-- begin:{name} -->"), re.escape(f"<!-- end:{name} -->")
    return re.compile(rf"({begin}\n)(.*?)(\n{end})", re.S)


def doc_block(name: str, text: str) -> str | None:
    """The text of one generated block of a doc, or ``None`` if it has no such block."""
    match = _block(name).search(text)
    return None if match is None else match.group(2)


def write_doc(path: Path, sections: dict[str, str]) -> None:
    """Replace each named block of ``path`` with freshly computed text."""
    text = path.read_text(encoding="utf-8")
    for name, body in sections.items():
        match = _block(name).search(text)
        if match is None:
            raise KeyError(f"{path} has no block {name!r}")
        text = text[: match.start(2)] + body + text[match.end(2) :]
    path.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m securebase.psychometrics.report``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--write-doc", action="store_true", help=f"update {DOC_PATH.name}")
    parser.add_argument(
        "sections", nargs="*", metavar="SECTION", help=f"any of {', '.join(SECTIONS)}; default all"
    )
    args = parser.parse_args(argv)
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    names = args.sections or list(SECTIONS)
    if "ranges-real" in names and default_data_path() is None:
        print("ranges-real: skipped, the ECR calibration file is not available", file=sys.stderr)
        names.remove("ranges-real")
    sections = {name: SECTIONS[name]() for name in names}
    for name, body in sections.items():
        print(f"<!-- begin:{name} -->\n{body}\n<!-- end:{name} -->\n")
    if args.write_doc:
        write_doc(DOC_PATH, sections)
    return 0


if __name__ == "__main__":
    sys.exit(main())
