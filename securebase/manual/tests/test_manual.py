"""The committed manual agrees with the bank and with its own numbers (issue #10).

- the bank fingerprint in ``numbers.json`` is the committed bank's: a bank rebuilt without
  ``make manual`` fails here;
- every bank-only number, the adaptive test's figures (from ``adaptive_rules.json``) and the
  calibration study's (from ``certainty.json`` and ``generating_model.json``) are recomputed
  and compared with ``numbers.json``;
- ``manual.md`` is re-rendered from ``numbers.json``: a number edited by hand in the text fails;
- with the raw data present, the sample and classical item statistics are recomputed too.

The heavy analyses (CFA, DIF, the mirt refit, simulations) are not rerun here; they are covered
by the rendering check (text = f(numbers)) and by ``make manual`` being deterministic.
"""

from __future__ import annotations

import json

import pytest

from securebase.manual import build, fmt
from securebase.manual.bank_facts import bank_facts
from securebase.manual.render import render
from securebase.manual.source import bank_fingerprint
from securebase.psychometrics.bank import BANK_PATH, load_bank
from securebase.psychometrics.data import default_data_path

MANUAL = build.OUTPUT
REBUILD = "the committed manual is out of date: run `make manual` and commit docs/manual/"


@pytest.fixture(scope="module")
def numbers() -> dict:
    return json.loads((MANUAL / build.NUMBERS).read_text(encoding="utf-8"))


def _as_json(value: object) -> object:
    return json.loads(json.dumps(value))


def test_manual_describes_the_committed_bank(numbers):
    assert numbers["bank_sha256"] == bank_fingerprint(BANK_PATH), REBUILD


def test_bank_numbers_are_recomputed_from_the_bank(numbers):
    assert _as_json(bank_facts(load_bank(BANK_PATH))) == numbers["bank"], REBUILD


def test_adaptive_test_figures_are_the_generated_ones(numbers):
    from securebase.manual.adaptive_study import adaptive_facts

    assert _as_json(adaptive_facts()) == numbers["adaptive"], REBUILD


def test_calibration_study_figures_are_the_generated_ones(numbers):
    from securebase.manual.calibration_study import calibration_facts

    assert _as_json(calibration_facts()) == numbers["calibration"], REBUILD


def test_text_is_rendered_from_the_numbers(numbers):
    committed = (MANUAL / build.MARKDOWN).read_text(encoding="utf-8")
    assert render(numbers) == committed, (
        "docs/manual/manual.md differs from the text rendered from numbers.json: "
        "edit securebase/manual/templates/ (not the Markdown) and run `make manual`"
    )


def test_a_hand_edited_number_is_caught(numbers):
    """The check above can fail: change one stated reliability and the texts differ."""
    alpha = numbers["items"]["alpha"]["anxiety"]
    edited = json.loads(json.dumps(numbers))
    edited["items"]["alpha"]["anxiety"] = round(alpha + 0.01, 3)
    assert fmt.dec(alpha) in render(numbers)
    assert render(edited) != render(numbers)


def test_all_fifteen_chapters_and_figures_are_present(numbers):
    text = render(numbers)
    for chapter in range(1, 17):
        assert f"\n## {chapter}. " in text
    for name in (
        "information_se",
        "q3_heatmap",
        "dif",
        "norms",
        "classification",
        "parallel_analysis",
        "item_fit",
        "calibration",
    ):
        assert f"(figures/{name}.svg)" in text
        assert (MANUAL / "figures" / f"{name}.svg").is_file()
    assert (MANUAL / build.PDF).is_file()
    assert "Independent cross-check of the calibration" in text


@pytest.mark.research
@pytest.mark.skipif(default_data_path() is None, reason="calibration data not present")
def test_sample_and_item_statistics_are_recomputed_from_the_data(numbers):
    from securebase.manual.descriptive import item_statistics, sample_facts
    from securebase.manual.source import load_inputs

    inputs = load_inputs()
    assert _as_json(sample_facts(inputs)) == numbers["sample"], REBUILD
    assert _as_json(item_statistics(inputs)) == numbers["items"], REBUILD


def test_missing_data_stops_with_a_clear_message(tmp_path, capsys):
    status = build.main(["--data", str(tmp_path / "absent.csv"), "--output", str(tmp_path)])
    assert status == 2
    assert "needs the calibration data" in capsys.readouterr().err
    assert not (tmp_path / build.NUMBERS).exists()


@pytest.mark.research
def test_figures_are_byte_identical_when_redrawn(tmp_path):
    pytest.importorskip("matplotlib")
    from securebase.manual import figures

    bank = load_bank(BANK_PATH)
    figures.information_se(bank, tmp_path / "a.svg")
    figures.information_se(bank, tmp_path / "b.svg")
    first = (tmp_path / "a.svg").read_bytes()
    assert first == (tmp_path / "b.svg").read_bytes()
    assert first == (MANUAL / "figures" / "information_se.svg").read_bytes(), REBUILD


def test_number_formats():
    assert fmt.dec(0.9384) == ".938"
    assert fmt.dec(-0.004) == "-.004"
    assert fmt.dec(1.0) == "1.000"
    assert fmt.pct(0.9477) == "94.8%"
    assert fmt.count(41491) == "41,491"
    assert fmt.items([12, 16, 26]) == "12, 16 and 26"


def test_readme_quotes_the_generated_figures(numbers):
    """README's "What we measured" and "Data" figures are the ones the manual generates.

    They are typed in README (a Markdown page cannot include generated text), so this test is
    what keeps them one figure per quantity: a rerun of the held-out study or a new bank that
    changes a figure fails here until README says the same.
    """
    from securebase.psychometrics.adaptive_rules import adaptive_rules

    readme = " ".join((build.REPO_ROOT / "README.md").read_text(encoding="utf-8").split())
    adaptive = numbers["adaptive"]
    rows = {row["form"]: row for row in adaptive["rows"]}
    quick, short = rows["adaptive"], rows["ecr_s"]
    expected = [
        f"{fmt.count(adaptive['n_held_out'])} respondents the calibration never saw",
        f"{quick['mean_items']:.2f} items on average (median {adaptive['length']['median']})",
        f"style agreement {fmt.pct(quick['agreement'])}, theta r = {fmt.dec(quick['r_anxiety'])} "
        f"anxiety / {fmt.dec(quick['r_avoidance'])} avoidance",
        f"style agreement {fmt.pct(short['agreement'])}, r = {fmt.dec(short['r_anxiety'])} / "
        f"{fmt.dec(short['r_avoidance'])}",
        f"length ({quick['mean_items']:.2f})",
        f"{fmt.count(numbers['bank']['n_respondents'])} respondents used for calibration",
    ]
    table = {row["form"].split(" ")[0]: row for row in adaptive_rules().figures["table"]}
    quick_r, short_r = (f"{table[form]['r_anxiety']:.4f}"[1:] for form in ("quick", "ECR-S"))
    expected.append(f"({quick_r} against {short_r})")
    missing = [phrase for phrase in expected if phrase not in readme]
    assert not missing, f"README.md no longer quotes the generated figures: {missing}"


def test_person_fit_chapter_quotes_the_generated_thresholds_and_rates(numbers):
    from securebase.manual.person_fit import person_fit_facts

    stored = {key: value for key, value in numbers["person_fit"].items() if key != "lz"}
    assert _as_json(person_fit_facts()) == stored, REBUILD
    text = render(numbers)
    assert "\n## 15. Person fit and response quality" in text
    assert "(figures/person_fit.svg)" in text
    assert (MANUAL / "figures" / "person_fit.svg").is_file()
