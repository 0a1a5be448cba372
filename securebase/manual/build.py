"""Build the technical manual: ``python -m securebase.manual`` (what ``make manual`` runs).

    python -m securebase.manual [--data ecr-calibration.csv] [--output docs/manual]
    python -m securebase.manual --render-only      # text, HTML and PDF from numbers.json

Steps: load the bank and the data (exit status 2 and a plain message when the data are
missing), run every analysis, write ``numbers.json``, the SVG figures, ``manual.md`` (rendered
from the numbers by :mod:`render`) and ``manual.pdf`` (WeasyPrint, from the same Markdown). The
output depends only on the inputs: analyses are seeded, numbers rounded, figures and PDF carry
no dates.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from securebase.manual.render import render
from securebase.manual.source import REPO_ROOT, DataMissing, Inputs, load_inputs
from securebase.psychometrics.bank import BANK_PATH
from securebase.psychometrics.norms import DIMENSIONS

OUTPUT = REPO_ROOT / "docs" / "manual"
NUMBERS = "numbers.json"
MARKDOWN = "manual.md"
PDF = "manual.pdf"
PRINT_CSS = Path(__file__).with_name("print.css")


def _log(message: str, start: float) -> None:
    print(f"[{time.perf_counter() - start:6.1f} s] {message}", flush=True)


def compute(inputs: Inputs, figures: Path, use_cache: bool = True) -> dict[str, Any]:
    """Run every analysis (cached by its inputs, see :mod:`cache`), draw figures, return numbers."""
    from securebase.manual import (
        adaptive_study,
        calibration_study,
        change_study,
        classify,
        crosscheck,
        descriptive,
        dif,
        fitcurves,
        person_fit,
        structure,
    )
    from securebase.manual import figures as fig
    from securebase.manual.bank_facts import bank_facts
    from securebase.manual.cache import cached, stage_key
    from securebase.psychometrics import (
        adaptive,
        adaptive_rules,
        certainty,
        change,
        change_errors,
        classification,
        generating_model,
        grm,
        response_quality,
        scoring,
        styles,
    )

    start = time.perf_counter()
    data, bank = inputs.data_path, BANK_PATH

    def stage(name: str, files: list[Path], modules: list[Any], run: Any) -> Any:
        if not use_cache:
            value = json.loads(json.dumps(run()))
        else:
            value = cached(stage_key(name, files, modules), run)
        _log(name, start)
        return value

    numbers: dict[str, Any] = {"bank_sha256": inputs.bank_sha256}
    numbers["bank"] = bank_facts(inputs.bank)
    numbers["sample"] = descriptive.sample_facts(inputs)
    numbers["items"] = descriptive.item_statistics(inputs)
    numbers["structure"] = stage(
        "dimensionality", [data], [structure, descriptive], lambda: structure.structure(inputs)
    )
    estimates = stage(
        "cross-check with mirt", [data], [crosscheck], lambda: crosscheck.mirt_estimates(inputs)
    )
    numbers["crosscheck"] = crosscheck.crosscheck(inputs.bank, estimates)
    numbers["dif"] = stage(
        "DIF", [data, bank], [dif, descriptive, scoring, grm], lambda: dif.dif(inputs)
    )
    numbers["classification"] = stage(
        "classification",
        [bank, adaptive_rules.RULES_PATH],
        [classify, classification, adaptive, adaptive_rules, scoring, grm, styles],
        lambda: classify.classification(inputs.bank),
    )
    numbers["adaptive"] = adaptive_study.adaptive_facts()
    numbers["calibration"] = calibration_study.calibration_facts()
    numbers["person_fit"] = person_fit.person_fit_facts()
    numbers["person_fit"]["lz"] = stage(
        "person fit",
        [data, bank],
        [person_fit, response_quality, grm],
        lambda: person_fit.lz_distribution(inputs),
    )
    numbers["change"] = stage(
        "change between sittings",
        [
            bank,
            adaptive_rules.RULES_PATH,
            certainty.CERTAINTY_PATH,
            change_errors.CHANGE_ERRORS_PATH,
            generating_model.MODEL_PATH,
        ],
        [
            change_study,
            change,
            change_errors,
            adaptive,
            adaptive_rules,
            certainty,
            generating_model,
            scoring,
            grm,
        ],
        change_study.change_study,
    )
    worst = {d: numbers["bank"]["dimensions"][d]["s_x2_worst_item"] for d in DIMENSIONS}
    numbers["fit_worst"] = worst
    fig.item_fit(fitcurves.worst_item_curves(inputs, worst), figures / "item_fit.svg")
    fig.information_se(inputs.bank, figures / "information_se.svg")
    fig.parallel_analysis(numbers["structure"]["scree"], figures / "parallel_analysis.svg")
    fig.q3_heatmap(inputs.bank, figures / "q3_heatmap.svg")
    thresholds = (dif.NAGELKERKE_MODERATE, dif.NAGELKERKE_LARGE)
    fig.dif_effects(numbers["dif"], thresholds, figures / "dif.svg")
    fig.norms_distribution(inputs.bank, figures / "norms.svg")
    fig.classification_by_distance(numbers["classification"], figures / "classification.svg")
    fig.calibration_diagrams(numbers["calibration"], figures / "calibration.svg")
    full_form = numbers["person_fit"]["thresholds"][-1]["person_fit"]
    fig.person_fit(numbers["person_fit"]["lz"], full_form, figures / "person_fit.svg")
    _log("figures", start)
    return numbers


def write_numbers(numbers: dict[str, Any], path: Path) -> None:
    """Sorted, indented JSON with a final newline (stable text for review and diffs)."""
    path.write_text(
        json.dumps(numbers, indent=1, sort_keys=True, ensure_ascii=False) + "\n", "utf-8"
    )


def markdown_to_html(markdown: str) -> str:
    """HTML body of the manual (CommonMark with tables), shared by the PDF and /method/."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)


def write_pdf(markdown: str, output: Path) -> None:
    """Render the manual to PDF with WeasyPrint; figures resolve relative to ``output``."""
    from weasyprint import CSS, HTML

    body = markdown_to_html(markdown)
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>securebase technical manual</title></head><body>" + body + "</body></html>"
    )
    HTML(string=page, base_url=str(output) + "/").write_pdf(
        output / PDF, stylesheets=[CSS(filename=str(PRINT_CSS))]
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=None, help="ecr-calibration.csv")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="directory to write")
    parser.add_argument("--no-cache", action="store_true", help="recompute every stage")
    parser.add_argument(
        "--render-only", action="store_true", help="re-render text and PDF from numbers.json"
    )
    args = parser.parse_args(argv)
    output: Path = args.output
    output.mkdir(parents=True, exist_ok=True)
    if args.render_only:
        numbers = json.loads((output / NUMBERS).read_text(encoding="utf-8"))
    else:
        try:
            inputs = load_inputs(args.data)
        except DataMissing as error:
            print(f"make manual: {error}", file=sys.stderr)
            return 2
        numbers = compute(inputs, output / "figures", use_cache=not args.no_cache)
        write_numbers(numbers, output / NUMBERS)
        # Render from the stored form (sorted keys), exactly as the test re-renders it.
        numbers = json.loads((output / NUMBERS).read_text(encoding="utf-8"))
    markdown = render(numbers)
    (output / MARKDOWN).write_text(markdown, encoding="utf-8")
    write_pdf(markdown, output)
    print(f"wrote {output / MARKDOWN}, {output / NUMBERS}, {output / PDF} and figures/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
