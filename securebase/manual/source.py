"""Inputs of the manual: the bank file (and its fingerprint) and the calibration data.

The calibration data are never shipped; :func:`load_inputs` raises :class:`DataMissing` with a
message that says where the file is expected, so ``make manual`` can stop with a clear error.
The loader of :mod:`securebase.psychometrics.data` does not keep the country column (the
calibration does not need it), so it is read here for the sample chapter.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from securebase.psychometrics.bank import BANK_PATH, ItemBank, load_bank
from securebase.psychometrics.data import REPO_ROOT, EcrData, default_data_path, load_ecr_csv

__all__ = ["REPO_ROOT", "DataMissing", "Inputs", "bank_fingerprint", "load_inputs"]


class DataMissing(RuntimeError):
    """The calibration CSV is not where the manual looks for it."""


@dataclass(frozen=True)
class Inputs:
    """Everything the analyses read: the bank, its SHA-256, the data and the countries."""

    bank: ItemBank
    bank_sha256: str
    data: EcrData
    country: NDArray[np.str_]
    data_path: Path


def bank_fingerprint(path: Path = BANK_PATH) -> str:
    """SHA-256 of the bank file's bytes: the manual names the exact bank it describes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_countries(path: Path) -> NDArray[np.str_]:
    """The ``country`` column of the calibration CSV, in row order ("" when empty)."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        column = next(reader).index("country")
        return np.asarray([row[column].strip() for row in reader], dtype=str)


def load_inputs(data_path: Path | None = None, bank_path: Path = BANK_PATH) -> Inputs:
    """Load the bank and the data; :class:`DataMissing` if the data file cannot be found."""
    path = data_path if data_path is not None else default_data_path()
    if path is None or not Path(path).is_file():
        raise DataMissing(
            "the manual needs the calibration data: ../shared/data/ecr/ecr-calibration.csv "
            "next to the repository, or a file named by $SECUREBASE_ECR_DATA or --data"
        )
    return Inputs(
        bank=load_bank(bank_path),
        bank_sha256=bank_fingerprint(bank_path),
        data=load_ecr_csv(path),
        country=read_countries(Path(path)),
        data_path=Path(path),
    )
