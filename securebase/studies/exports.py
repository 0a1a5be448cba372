"""A study's data as researchers open it: CSV with a Frictionless codebook, SPSS and Stata.

One row per participant and wave. The columns are declared once (:data:`COLUMNS`), with
their labels and value labels, and every format is written from that one declaration, so
the CSV's codebook, the ``.sav``'s variable labels and the ``.dta``'s value labels cannot
drift apart. Rows hold a pseudonymous key, never a token, an email address or a database id.
SPSS and Stata files are written by ``pyreadstat`` (the ReadStat C library that R's haven
also uses) rather than by hand: both formats are binary and full of edge cases.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from securebase.psychometrics import STYLES, item_bank
from securebase.psychometrics.styles import STYLE_NAMES
from securebase.studies.models import Participant, Study

ITEMS = range(1, 37)

ANSWER_LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}


@dataclass(frozen=True)
class Column:
    """One exported variable: its name, type, label and (for codes) its value labels."""

    name: str
    type: str  # Frictionless type: "string", "integer", "number", "datetime", "boolean"
    label: str
    values: dict[Any, str] = field(default_factory=dict)


def _columns() -> list[Column]:
    bank = item_bank()
    columns = [
        Column("participant", "string", "Pseudonymous participant key (same across waves)"),
        Column("panel_id", "string", "Participant id passed by the panel (empty without one)"),
        Column("wave", "string", "Wave of the study (empty for a single sitting)"),
        Column("consent_version", "integer", "Version of the consent text agreed to"),
        Column("form", "string", "Questionnaire form", {"full": "Full ECR", "adaptive": "Quick"}),
        Column("started_at", "datetime", "When the participant started (UTC)"),
        Column(
            "completed_at", "datetime", "When the last answer was given (UTC; empty: unfinished)"
        ),
        Column("n_items", "integer", "Number of statements answered"),
        Column("gender", "string", "Gender given at the start (empty: not asked or not given)"),
        Column("age_band", "string", "Age band given at the start (empty: not asked or not given)"),
    ]
    for number in ITEMS:
        item = bank.item(number)
        columns.append(
            Column(
                f"Q{number}",
                "integer",
                f"ECR item {number} as clicked (0 = not asked): {item.text}",
                {0: "Not asked", **ANSWER_LABELS},
            )
        )
    for number in ITEMS:
        item = bank.item(number)
        keyed = "reverse-keyed" if item.reverse else "keyed as is"
        columns.append(
            Column(
                f"K{number}",
                "integer",
                f"ECR item {number} keyed towards {item.dimension} ({keyed}; 0 = not asked)",
            )
        )
    for dimension in ("anxiety", "avoidance"):
        columns += [
            Column(f"{dimension}_theta", "number", f"{dimension.title()}: IRT score (EAP, theta)"),
            Column(f"{dimension}_se", "number", f"{dimension.title()}: posterior SD of theta"),
            Column(f"{dimension}_mean", "number", f"{dimension.title()}: mean keyed answer (1-5)"),
            Column(f"{dimension}_pct", "number", f"{dimension.title()}: percentile in norm group"),
            Column(f"{dimension}_pct_lo", "number", f"{dimension.title()}: 95% range, low end"),
            Column(f"{dimension}_pct_hi", "number", f"{dimension.title()}: 95% range, high end"),
        ]
    columns.append(Column("norm_group", "string", "Norm group the percentiles compare with"))
    columns.append(Column("style", "string", "Most likely style", STYLE_NAMES))
    for style in STYLES:
        columns.append(
            Column(f"p_{style}", "number", f"Chance the true position is {STYLE_NAMES[style]}")
        )
    columns.append(
        Column("quality_flags", "string", "Response-quality flags, space-separated (empty: none)")
    )
    return columns


COLUMNS: list[Column] = _columns()


def _keyed(number: int, value: int) -> int:
    return item_bank().item(number).keyed(value) if value else 0


def _row(participant: Participant) -> dict[str, Any]:
    session = participant.session
    answers = {answer.item: answer.value for answer in session.answers.all()}
    result: dict[str, Any] = session.result or {}
    row: dict[str, Any] = {
        "participant": participant.key,
        "panel_id": participant.panel_id,
        "wave": participant.wave,
        "consent_version": participant.consent.version,
        "form": session.form,
        "started_at": session.created_at.replace(microsecond=0).isoformat(),
        "completed_at": (
            session.completed_at.replace(microsecond=0).isoformat() if session.completed_at else ""
        ),
        "n_items": len(answers),
        "gender": participant.gender,
        "age_band": participant.age_band,
    }
    for number in ITEMS:
        row[f"Q{number}"] = answers.get(number, 0)
        row[f"K{number}"] = _keyed(number, answers.get(number, 0))
    for dimension in ("anxiety", "avoidance"):
        scores = result.get(dimension) or {}
        low, high = scores.get("percentile_interval") or (None, None)
        for suffix, value in (
            ("theta", scores.get("theta")),
            ("se", scores.get("se")),
            ("mean", scores.get("mean")),
            ("pct", scores.get("percentile")),
            ("pct_lo", low),
            ("pct_hi", high),
        ):
            row[f"{dimension}_{suffix}"] = None if value is None else round(float(value), 4)
    row["norm_group"] = result.get("norm_group", "")
    row["style"] = result.get("style", "")
    probabilities = result.get("style_probabilities") or {}
    for style in STYLES:
        value = probabilities.get(style)
        row[f"p_{style}"] = None if value is None else round(float(value), 4)
    row["quality_flags"] = " ".join(quality_flags(result))
    return row


def quality_flags(result: dict[str, Any]) -> list[str]:
    """The response-quality flags stored with a result (none for results stored before them)."""
    quality = result.get("quality") or {}
    flags = quality.get("flags") if isinstance(quality, dict) else None
    return [str(flag) for flag in flags or []]


def records(study: Study) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each participant's export row with the stored result it was made from."""
    participants = (
        study.participants.select_related("session", "consent")
        .prefetch_related("session__answers")
        .order_by("joined_at", "pk")
    )
    return [(_row(participant), participant.session.result or {}) for participant in participants]


def rows(study: Study) -> list[dict[str, Any]]:
    return [row for row, _ in records(study)]


def write_csv(data: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c.name for c in COLUMNS], lineterminator="\n")
    writer.writeheader()
    for row in data:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return out.getvalue()


def datapackage(study: Study) -> dict[str, Any]:
    """Frictionless Data Package descriptor of the CSV: every column with its labels."""
    fields = []
    for column in COLUMNS:
        entry: dict[str, Any] = {
            "name": column.name,
            "type": column.type,
            "description": column.label,
        }
        if column.values:
            entry["constraints"] = {"enum": list(column.values)}
            entry["description"] += ". Values: " + "; ".join(
                f"{code} = {label}" for code, label in column.values.items()
            )
            if column.type == "string":
                entry["constraints"]["enum"] = [str(code) for code in column.values] + [""]
        fields.append(entry)
    return {
        "name": f"securebase-study-{study.slug}",
        "title": study.title,
        "description": (
            "Answers to the Experiences in Close Relationships scale (ECR; Brennan, Clark & "
            "Shaver, 1998) collected with securebase, scored with its graded response model. "
            "Cite the securebase technical manual for the scoring method."
        ),
        "licenses": [{"name": "other-closed", "title": "Study data: the study owner's terms"}],
        "resources": [
            {
                "name": "participants",
                "path": "participants.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "missingValues": [""]},
            }
        ],
    }


def write_zip(study: Study, data: list[dict[str, Any]]) -> bytes:
    """The CSV and its ``datapackage.json`` in one archive."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("participants.csv", write_csv(data))
        archive.writestr("datapackage.json", json.dumps(datapackage(study), indent=2))
    return out.getvalue()


def _frame(data: list[dict[str, Any]]) -> Any:
    import pandas as pd

    frame = pd.DataFrame(data, columns=[c.name for c in COLUMNS])
    for column in COLUMNS:
        if column.type in ("integer", "number"):
            frame[column.name] = pd.to_numeric(frame[column.name], errors="coerce")
        else:
            frame[column.name] = frame[column.name].fillna("").astype(str)
    return frame


def write_stats(data: list[dict[str, Any]], kind: str) -> bytes:
    """SPSS (``"sav"``) or Stata (``"dta"``) file with variable and value labels."""
    import pyreadstat

    frame = _frame(data)
    labels: dict[str, str | None] = {c.name: c.label for c in COLUMNS}
    value_labels: dict[str, dict[int | float, str]] = {
        c.name: {int(code): label for code, label in c.values.items()}
        for c in COLUMNS
        if c.values and c.type == "integer"
    }
    handle, path = tempfile.mkstemp(suffix=f".{kind}")
    os.close(handle)
    try:
        if kind == "sav":
            pyreadstat.write_sav(
                frame, path, column_labels=labels, variable_value_labels=value_labels
            )
        elif kind == "dta":
            pyreadstat.write_dta(
                frame,
                path,
                column_labels={c.name: c.label[:80] for c in COLUMNS},
                variable_value_labels=value_labels,
                version=15,
            )
        else:
            raise ValueError(f"unknown format {kind!r}")
        with open(path, "rb") as handle_:
            return handle_.read()
    finally:
        os.unlink(path)
