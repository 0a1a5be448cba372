"""The ECR item bank: wording, keying, response labels, calibrated parameters, cuts and norms.

Everything lives in one versioned JSON file next to this module (``ecr_item_bank.json``). The
item wording and keying are maintained by hand; the calibration command rewrites the parameter,
cut, norm and population sections. The file is loaded once per process (:func:`item_bank` is
cached) because scoring and the adaptive test precompute tables from it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from securebase.psychometrics.grm import FloatArray
from securebase.psychometrics.norms import DIMENSIONS, NormSet

BANK_PATH = Path(__file__).with_name("ecr_item_bank.json")


@dataclass(frozen=True)
class Item:
    """One ECR item. ``a`` and ``b`` are GRM parameters on the keyed (reverse-scored) scale."""

    number: int
    text: str
    dimension: str
    reverse: bool
    a: float
    b: tuple[float, float, float, float]

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> Item:
        """Build an item from its entry in the bank file's ``items`` list."""
        b = [float(value) for value in entry["b"]]
        if len(b) != 4:
            raise ValueError(f"item {entry['number']}: expected 4 thresholds, got {len(b)}")
        return cls(
            number=int(entry["number"]),
            text=str(entry["text"]),
            dimension=str(entry["dimension"]),
            reverse=bool(entry["reverse"]),
            a=float(entry["a"]),
            b=(b[0], b[1], b[2], b[3]),
        )

    def keyed(self, answer: int) -> int:
        """Keyed answer 1..5: reverse-keyed items are scored ``6 - answer``."""
        return 6 - answer if self.reverse else answer


@dataclass(frozen=True, eq=False)
class ItemBank:
    """Loaded bank file. Mutable sections are handed out as copies so the cache stays intact.

    Compared and hashed by identity, so per-bank precomputations can be cached.
    """

    items: tuple[Item, ...]
    response_labels: tuple[str, ...]
    version: str
    citation: str
    n_respondents: int
    norms: NormSet
    document: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> ItemBank:
        """Build a bank from the parsed JSON document (also used for in-memory refits)."""
        items = tuple(
            Item.from_entry(entry)
            for entry in sorted(document["items"], key=lambda entry: int(entry["number"]))
        )
        if [item.number for item in items] != list(range(1, len(items) + 1)):
            raise ValueError("item numbers in the bank must be 1..N without gaps")
        return cls(
            items=items,
            response_labels=tuple(document["response_labels"]),
            version=str(document["version"]),
            citation=str(document["citation"]),
            n_respondents=int(document["calibration"]["n_respondents"]),
            norms=NormSet.from_document(document["norms"]),
            document=copy.deepcopy(dict(document)),
        )

    def item(self, number: int) -> Item:
        """The item with this ECR number; ``KeyError`` if there is none."""
        if isinstance(number, bool) or not isinstance(number, (int, np.integer)):
            raise KeyError(f"no item {number!r} in the bank")
        if not 1 <= number <= len(self.items):
            raise KeyError(f"no item {number!r} in the bank")
        return self.items[int(number) - 1]

    def dimension_items(self, dimension: str) -> tuple[Item, ...]:
        """Items of one dimension in number order."""
        if dimension not in DIMENSIONS:
            raise ValueError(f"unknown dimension {dimension!r}")
        return tuple(item for item in self.items if item.dimension == dimension)

    def parameters(self, dimension: str) -> tuple[FloatArray, FloatArray]:
        """Arrays ``a`` (items,) and ``b`` (items, 4) of one dimension in number order."""
        items = self.dimension_items(dimension)
        return np.array([item.a for item in items]), np.array([item.b for item in items])

    @property
    def cuts(self) -> dict[str, float]:
        """Theta cut per dimension separating "low" from "high" (see :mod:`styles`)."""
        return {dimension: float(self.document["cuts"][dimension]) for dimension in DIMENSIONS}

    @property
    def population(self) -> dict[str, Any]:
        """2-D histogram of full-form EAPs of the calibration sample, and the style shares."""
        result: dict[str, Any] = copy.deepcopy(self.document["population"])
        return result

    @cached_property
    def local_dependence(self) -> FloatArray:
        """Centred residual correlations Q3* between items, (items + 1, items + 1), read-only.

        Indexed by item number (row and column 0 are zero), symmetric, zero on the diagonal and
        between items of different dimensions. A bank file without the ``local_dependence``
        section (older files, test fixtures) gives all zeros, so the adaptive test's
        local-dependence penalty then has no effect.
        """
        n = len(self.items)
        matrix = np.zeros((n + 1, n + 1))
        section = self.document.get("local_dependence")
        if section is not None:
            for dimension in DIMENSIONS:
                numbers = [int(number) for number in section[dimension]["items"]]
                if numbers != [item.number for item in self.dimension_items(dimension)]:
                    raise ValueError(f"local_dependence: wrong items for {dimension}")
                block = np.array(section[dimension]["q3"], dtype=np.float64)
                if block.shape != (len(numbers), len(numbers)) or not np.allclose(block, block.T):
                    raise ValueError(f"local_dependence: {dimension} needs a symmetric matrix")
                matrix[np.ix_(numbers, numbers)] = block
            np.fill_diagonal(matrix, 0.0)
        matrix.setflags(write=False)
        return matrix

    @property
    def calibration(self) -> dict[str, Any]:
        """Calibration metadata: data, method, convergence and fit statistics."""
        result: dict[str, Any] = copy.deepcopy(self.document["calibration"])
        return result


def load_bank(path: str | Path = BANK_PATH) -> ItemBank:
    """Read and validate a bank file."""
    with open(path, encoding="utf-8") as handle:
        return ItemBank.from_document(json.load(handle))


@lru_cache(maxsize=1)
def item_bank() -> ItemBank:
    """The bank shipped with the package, loaded once per process."""
    return load_bank(BANK_PATH)
