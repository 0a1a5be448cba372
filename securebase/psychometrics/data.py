"""Reading the ECR calibration data (Open-Source Psychometrics Project release, 1 March 2018).

The raw file is never shipped with the project; it lives next to the repository in
``../shared/data/ecr/`` and its location can be overridden with ``SECUREBASE_ECR_DATA`` (a file
or the directory holding ``ecr-calibration.csv``). Callers that need it (calibration, real-data
tests, benchmarks) use :func:`default_data_path` and skip when it returns ``None``.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

DATA_FILENAME = "ecr-calibration.csv"
ENV_VAR = "SECUREBASE_ECR_DATA"
REPO_ROOT = Path(__file__).resolve().parents[2]
MIN_AGE = 13
MAX_AGE = 100
GENDER_CODES = {1: "male", 2: "female", 3: "other"}
N_ITEMS = 36
#: Where the answers come from, in one plain phrase (shown with every norm group).
SOURCE = (
    "volunteers who took the ECR online at the Open-Source Psychometrics Project "
    "(openpsychometrics.org), data release of March 2018"
)


@dataclass(frozen=True)
class EcrData:
    """Responses and demographics of the calibration sample.

    ``responses`` holds the answers as clicked (1..5, before reverse keying) with 0 for "not
    answered"; ``age`` is NaN where the free-text age was missing or implausible
    (< 13 or > 100); ``gender`` is "male", "female", "other" or "" (missing).
    """

    responses: NDArray[np.int8]
    age: NDArray[np.float64]
    gender: NDArray[np.str_]

    @property
    def n(self) -> int:
        """Number of respondents."""
        return int(self.responses.shape[0])

    def subset(self, rows: NDArray[np.intp] | NDArray[np.bool_]) -> EcrData:
        """Return the respondents selected by an index or boolean array (for cross-validation)."""
        return EcrData(self.responses[rows], self.age[rows], self.gender[rows])


def default_data_path() -> Path | None:
    """Locate ``ecr-calibration.csv``: ``$SECUREBASE_ECR_DATA`` or ``<repo>/../shared/data/ecr``.

    Returns ``None`` when the file is not there, so tests can skip cleanly.
    """
    override = os.environ.get(ENV_VAR)
    candidate = Path(override) if override else REPO_ROOT.parent / "shared" / "data" / "ecr"
    if candidate.is_dir():
        candidate = candidate / DATA_FILENAME
    return candidate if candidate.is_file() else None


def _parse_int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def load_ecr_csv(path: str | os.PathLike[str]) -> EcrData:
    """Read the calibration CSV (columns Q1..Q36, age, gender, country).

    Raises ``ValueError`` if an item answer is outside 0..5, since silently accepting a corrupt
    file would corrupt the committed item parameters.
    """
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        item_columns = [header.index(f"Q{number}") for number in range(1, N_ITEMS + 1)]
        age_column = header.index("age")
        gender_column = header.index("gender")
        answers: list[list[int]] = []
        ages: list[float] = []
        genders: list[str] = []
        for row in reader:
            answers.append([int(row[column]) for column in item_columns])
            age = _parse_int(row[age_column])
            ages.append(float(age) if age is not None and MIN_AGE <= age <= MAX_AGE else np.nan)
            code = _parse_int(row[gender_column])
            genders.append(GENDER_CODES.get(code, "") if code is not None else "")
    responses = np.asarray(answers, dtype=np.int8).reshape(-1, N_ITEMS)
    if responses.size and (responses.min() < 0 or responses.max() > 5):
        raise ValueError(f"{path}: item answers must be 0 (missing) or 1..5")
    return EcrData(responses, np.asarray(ages, dtype=np.float64), np.asarray(genders, dtype=str))
