"""Anonymous research data: consented, completed sessions only.

A row holds the answers, the form, how many questions were asked, the month of
completion, the gender and age band given at the optional last step (empty when not
given), the scores, and a pseudonymous chain key shared by the sittings of one person's
retakes (``sittings.chain_key``), so that retests can be studied. It never holds the
token, a database id or a finer timestamp, and rows are shuffled within each month, so a
row cannot be tied back to a visit. Withdrawing consent (``services.withdraw_consent``)
removes a session from every later export.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from typing import IO, Any

from securebase.psychometrics import STYLES
from securebase.quiz import sittings
from securebase.quiz.models import QuizSession
from securebase.quiz.question_order import FULL_FORM_LENGTH

ITEM_COLUMNS = [f"Q{number}" for number in range(1, FULL_FORM_LENGTH + 1)]
SCORE_FIELDS = ("theta", "se", "percentile", "mean")
#: The response-quality checks (empty for results stored before them): the flags joined by
#: "|" and the statistics behind them.
QUALITY_FIELDS = (
    "person_fit",
    "same_answer_share",
    "midpoint_share",
    "contradiction",
    "distance",
    "seconds_per_answer",
)
QUALITY_COLUMNS = ["quality_flags", *(f"quality_{field}" for field in QUALITY_FIELDS)]
COLUMNS = [
    *ITEM_COLUMNS,
    "form",
    "n_items",
    "completed_month",
    "gender",
    "age_band",
    "style",
    *(f"p_{style}" for style in STYLES),
    *(f"{dim}_{field}" for dim in ("anxiety", "avoidance") for field in SCORE_FIELDS),
    "chain",
    *QUALITY_COLUMNS,
]


def research_rows() -> Iterator[dict[str, Any]]:
    """One dict per consented, completed session; unanswered items are 0."""
    sessions = (
        QuizSession.objects.filter(consent_research=True, completed_at__isnull=False)
        .exclude(result__isnull=True)
        .prefetch_related("answers")
    )
    rows = []
    for session in sessions.iterator(chunk_size=500):
        answers = {answer.item: answer.value for answer in session.answers.all()}
        result = session.result
        assert result is not None and session.completed_at is not None  # as the query asks
        row: dict[str, Any] = dict.fromkeys(ITEM_COLUMNS, 0)
        row.update({f"Q{item}": value for item, value in answers.items()})
        row["form"] = session.form
        row["n_items"] = len(answers)
        row["completed_month"] = session.completed_at.strftime("%Y-%m")
        row["gender"] = session.gender
        row["age_band"] = session.age_band
        row["style"] = result["style"]
        for style in STYLES:
            row[f"p_{style}"] = round(float(result["style_probabilities"][style]), 4)
        for dim in ("anxiety", "avoidance"):
            for field in SCORE_FIELDS:
                value = result[dim][field]
                row[f"{dim}_{field}"] = "" if value is None else round(float(value), 4)
        # Pseudonymous: the same for every sitting of one person's retakes, and nothing else.
        row["chain"] = sittings.chain_key(session)
        row.update(_quality_columns(result.get("quality")))
        rows.append(row)
    random.SystemRandom().shuffle(rows)
    rows.sort(key=lambda row: row["completed_month"])
    yield from rows


def _quality_columns(quality: dict[str, Any] | None) -> dict[str, Any]:
    """The quality columns of one stored result (all empty when it was never checked)."""
    if quality is None:
        return dict.fromkeys(QUALITY_COLUMNS, "")
    row: dict[str, Any] = {"quality_flags": "|".join(quality["flags"])}
    for field in QUALITY_FIELDS:
        value = quality.get(field)
        row[f"quality_{field}"] = "" if value is None else round(float(value), 4)
    return row


def write_csv(out: IO[str]) -> int:
    """Write the export as CSV; returns the number of data rows."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in research_rows():
        writer.writerow(row)
        count += 1
    return count
