"""The manual's templates type no figures, and a template cannot print less than its numbers.

Every figure in the manual must come from ``numbers.json`` (or from a constant of the method)
through the formats of :mod:`securebase.manual.fmt`; ``test_manual`` checks that the committed
text is what the numbers render to, and this module checks that the templates themselves hold
no figure a writer typed by hand.

What counts as typed: any digit in a template's running text, or in a quoted string inside a
``{{ ... }}`` expression (table headers, figure captions). Digits inside the Jinja tags'
code (format arguments such as ``dec(x, 4)``, list indices, the cut-points of a sentence choice)
are logic, not text. Allowed, by rule:

- the chapter number of a heading ("## 5.") and cross-references ("chapter 5", "chapters 2 and 12");
- years of citations ("Brennan et al., 1998", "Horn, 1965;", "Jacobson and Truax (1991)") and
  whole entries of a reference list (a line starting ``- `` whose text has "(YEAR).");
- names with a digit glued to a letter (Q3, S-X2, b1, M3, SD1, lz* is digit-free);
- inline code and formulas between backticks (commands, file names, ``1 / sqrt(1 + I(theta))``).

Everything else must be one of the :data:`ALLOWED` phrases below, each with the reason it is not
a measured figure: the design of the questionnaire (36 statements, 5 points), group definitions
fixed in code (age bands), conventions named by the literature, and figures quoted from cited
studies. The list is exact phrases, not numbers, so "36 statements" does not let "36%" through,
and a phrase that no template uses any more fails too, so the list cannot grow stale.
"""

from __future__ import annotations

import copy
import json
import re

import jinja2
import pytest

from securebase.manual import build, chapters
from securebase.manual.render import TEMPLATES, environment, render

#: Phrases with digits that are not measured figures, and why.
ALLOWED = {
    # The questionnaire's design (Brennan et al., 1998) and the 5-point version the site asks.
    "36 statements": "the ECR's length",
    "all 36 statements": "the ECR's length",
    "36 items": "the ECR's length",
    "36 x 36": "the ECR's length",
    "all 36 answers": "the ECR's length",
    "the 36 answers": "the ECR's length",
    "the 18 odd-numbered": "the ECR's keying of items to dimensions",
    "the 18 even-numbered": "the ECR's keying of items to dimensions",
    "18 items": "items per dimension",
    "18 answers per": "items per dimension",
    "(18 items, 18-90)": "items per dimension and the raw score's range (18 x 1 to 18 x 5)",
    "the dimension's 18 items": "items per dimension",
    "12-item ECR-S": "the published short form's length (Wei et al., 2007)",
    "scored 6 minus": "reverse keying on a 5-point scale",
    "5 points, not 7": "the response format",
    "**5 points**": "the response format",
    "5-point": "the response format",
    "7-point": "the published response format",
    "midpoint of 4": "the published 7-point scale's midpoint",
    "equals 3, the scale midpoint": "the 5-point scale's midpoint, the cut rule's definition",
    "at least 3,": "the 5-point scale's midpoint, the cut rule's definition",
    "answers 1 to 5": "the response scale",
    "the 1-5 score": "the response scale",
    "categories 1..5": "the response scale",
    "categories 1/2/3/4/5 (%)": "the response scale (table header)",
    "clicking 1 everywhere": "an answer pattern, the response scale",
    # Groups defined in code (psychometrics.data.MIN_AGE/MAX_AGE, descriptive, dif.CONTRASTS).
    "Respondents under 18.": "adults are 18 and over",
    "13 to 17 years": "the youngest age band",
    "13-17": "the youngest age band",
    "18-24": "the youngest adult age band",
    "aged 35 and over": "the older age group of the DIF contrast",
    "18 or older": "adults",
    "aged 18 and over": "adults",
    "all ages 18+": "adults (table header)",
    "under-18s": "people under 18",
    "ages under 13 or over 100": "the plausible ages (data.MIN_AGE, data.MAX_AGE)",
    # The data owner's split of the release (ecr-calibration.csv's README).
    "random 80%": "the share the data owner released",
    "fixed random 80% of the file": "the training split of the held-out study",
    "other 20%": "the share the data owner kept",
    "independent 20%": "the share the data owner kept",
    "fixed 80% split": "the training split (the fit's protocol)",
    # Statistical conventions and notation.
    "N(0, 1)": "the standard normal prior",
    "95th percentile": "parallel analysis' conventional criterion (Horn, 1965)",
    "exceed .1": "conventional Q3* thresholds (Christensen et al., 2017)",
    "exceed .2": "conventional Q3* thresholds (Christensen et al., 2017)",
    "(p < .01)": "the S-X2 significance level",
    "2-df": "the likelihood-ratio test's degrees of freedom (M1 against M3)",
    "101 quantiles": "every whole percent, 0 to 100",
    "central 95%": "the range's level (certainty.RANGE_LEVEL)",
    "the 95% percentile": "the range's level (certainty.RANGE_LEVEL)",
    "joint 95% region": "the region's level",
    "^2": "a square in a formula",
    "k = 1": "the unwidened error (table header)",
    "0 is perfect": "what an expected calibration error of zero means",
    "at 50%": "a position on a dividing line",
    "above 98.7%": "where the 95% region meets a line, derived in certainty.py's docstring",
    "at 90% or more": "the study's 'quite sure' threshold (certainty_study)",
    "bins of at least 30 people": "the reliability diagram's bin rule (figures.py)",
    "gives 100%": "the same-answer statistic's maximum",
    "(items 3, 15, 19, 22, 25, 27, 29, 31, 33 and 35;": (
        "the ECR's reverse-keyed items, its design (chapter 2 lists them from the bank)"
    ),
    "gives 0%": "the same-answer statistic's minimum",
    "above 100%": "the same-answer statistic's maximum",
    "the 5% target": "the response-quality target (benchmarks/response_quality_eval.py)",
    "SHA-256": "the name of the bank's fingerprint",
    # Figures quoted from cited studies, and dates of software.
    "175 to 300 words a minute": "Brysbaert (2019), cited in the sentence",
    "average 238": "Brysbaert (2019), cited in the sentence",
    "no release since 2021": "the last release of girth on PyPI",
}

TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
QUOTED = re.compile(r'"([^"\\]*)"|\'([^\'\\]*)\'')
REFERENCE = re.compile(r"^- [^\n]*\((?:19|20)\d\d\)\.[^\n]*(?:\n  [^\n]*)*", re.M)
HEADING = re.compile(r"^#+ \d+\. ", re.M)
RULES = (
    re.compile(r"\b[Cc]hapters? \d+(?: and \d+)?"),  # cross-references
    re.compile(r"(?:[A-Z][\w'-]+|et al\.),? \(?(?:19|20)\d\d\b"),  # citation years
    re.compile(r"[A-Za-z]\d+"),  # names: Q3, S-X2, b1, M3, SD1
    re.compile(r"``[^`]*``|`[^`\n]*`"),  # inline code and formulas
)
DIGITS = re.compile(r"\d[\d.,]*")


def texts(template: str) -> list[str]:
    """The running text of a template and the quoted strings of its ``{{ }}`` expressions."""
    strings: list[str] = []

    def code(match: re.Match[str]) -> str:
        if match.group(0).startswith("{{"):
            strings.extend(a or b for a, b in QUOTED.findall(match.group(0)))
        return " "

    return [TAG.sub(code, template), *strings]


def typed_numbers(template: str) -> list[str]:
    """Each digit sequence left after the rules and :data:`ALLOWED`, with its context."""
    found = []
    for text in texts(template):
        text = " ".join(HEADING.sub(" ", REFERENCE.sub(" ", text)).split())
        for phrase in sorted(ALLOWED, key=len, reverse=True):
            text = text.replace(phrase, " ")
        for rule in RULES:
            text = rule.sub(" ", text)
        for match in DIGITS.finditer(text):
            context = text[max(0, match.start() - 30) : match.end() + 20]
            found.append(" ".join(context.split()))
    return found


def template_files() -> list[str]:
    return sorted(path.name for path in TEMPLATES.glob("*.md.j2"))


@pytest.mark.parametrize("name", template_files())
def test_templates_type_no_figures(name: str) -> None:
    typed = typed_numbers((TEMPLATES / name).read_text(encoding="utf-8"))
    assert not typed, (
        f"{name} has figures typed by hand (write them from numbers.json with num/dec/pct/"
        f"count, or add a phrase to ALLOWED with the reason it is not a figure): {typed}"
    )


def test_every_allowed_phrase_is_still_used() -> None:
    text = " ".join(
        " ".join(part.split())
        for name in template_files()
        for part in texts((TEMPLATES / name).read_text(encoding="utf-8"))
    )
    unused = [phrase for phrase in ALLOWED if phrase not in text]
    assert not unused, f"no template uses these ALLOWED phrases any more: {unused}"


@pytest.mark.parametrize(
    "sentence",
    [
        "Alpha is .938 for anxiety.",
        "Of the respondents, 94.8% answered every item.",
        "We calibrated on 41,491 respondents.",
        "The 36 statements took 7 minutes.",
        '{{ table(["form", "agreement (94.8%)"], rows) }}',
    ],
)
def test_a_figure_typed_into_a_template_is_found(sentence: str) -> None:
    template = (TEMPLATES / "07-item-fit.md.j2").read_text(encoding="utf-8")
    assert typed_numbers(template + "\n" + sentence + "\n")


def test_the_templates_are_the_chapters() -> None:
    assert [f"{name}.md.j2" for name, _ in chapters.CHAPTERS] == template_files()


def test_an_unknown_name_in_a_template_is_an_error() -> None:
    env = environment()
    with pytest.raises(jinja2.UndefinedError, match="respondents"):
        env.from_string("The sample has {{ count(n.sample.respondents) }} people.").render(
            n={"sample": {"n": 1}}
        )
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ pct(share_of_nobody) }}").render()


def test_a_missing_number_stops_the_manual() -> None:
    """A key the numbers no longer have fails rendering instead of printing an empty string."""
    numbers = json.loads((build.OUTPUT / build.NUMBERS).read_text(encoding="utf-8"))
    edited = copy.deepcopy(numbers)
    del edited["bank"]["data_release"]  # read only by the templates (title and chapter 3)
    with pytest.raises(jinja2.UndefinedError, match="data_release"):
        render(edited)
