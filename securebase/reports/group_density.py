"""Where each norm group sits on the chart: a 2-D histogram of its full-form scores.

The chart's grey bands must describe the same people as the percentiles beside them. The item
bank keeps one histogram of every calibration respondent (13-year-olds included), while the
percentiles compare with an adult norm group, so this module stores one histogram per stored
norm group, built with the bank's own rules (:func:`securebase.psychometrics.norms.age_band`,
the bank's histogram edges, full-form EAPs). Only counts per cell are kept, no individual data.

Regenerate after a new calibration (the output depends only on the data and the bank)::

    python -m securebase.reports.group_density --data ../shared/data/ecr/ecr-calibration.csv
"""

from __future__ import annotations

import argparse
import json
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from securebase.psychometrics import ItemBank, item_bank
from securebase.psychometrics.data import EcrData, default_data_path, load_ecr_csv
from securebase.psychometrics.norms import DEFAULT_GROUP, DIMENSIONS, group_key
from securebase.psychometrics.norms import age_band as band_of
from securebase.psychometrics.scoring import scorer_for

DENSITY_PATH = Path(__file__).with_name("group_density.json")


def _group_masks(data: EcrData, keys: set[str]) -> dict[str, NDArray[np.bool_]]:
    """Respondents of each stored norm group, chosen exactly as the bank's norms choose them."""
    known_age = np.where(np.isnan(data.age), -1, data.age).astype(np.int64)
    bands = np.array([band_of(int(value)) or "" for value in known_age])
    masks: dict[str, NDArray[np.bool_]] = {}
    for key in sorted(keys):
        parts = key.split("/") if key != DEFAULT_GROUP else []
        gender = next((p for p in parts if p in ("female", "male", "other")), None)
        band = next((p for p in parts if p not in ("female", "male", "other")), None)
        assert group_key(gender, band) == key, key
        mask = bands != ""
        if gender is not None:
            mask &= data.gender == gender
        if band is not None:
            mask &= bands == band
        masks[key] = mask
    return masks


def build_group_histograms(data: EcrData, bank: ItemBank) -> dict[str, Any]:
    """The file's content: per norm group, counts[anxiety bin][avoidance bin] and n."""
    population = bank.population
    anxiety_edges = np.asarray(population["anxiety_edges"], dtype=np.float64)
    avoidance_edges = np.asarray(population["avoidance_edges"], dtype=np.float64)
    eap, _, _ = scorer_for(bank).batch(data.responses)
    # Like the bank's own histogram: values beyond the edges count in the outermost bins.
    anxiety = np.clip(eap[:, DIMENSIONS.index("anxiety")], anxiety_edges[0], anxiety_edges[-1])
    avoidance = np.clip(
        eap[:, DIMENSIONS.index("avoidance")], avoidance_edges[0], avoidance_edges[-1]
    )
    groups = {}
    for key, mask in _group_masks(data, set(bank.norms.tables)).items():
        counts, _, _ = np.histogram2d(
            anxiety[mask], avoidance[mask], bins=[anxiety_edges, avoidance_edges]
        )
        groups[key] = {
            "n": int(mask.sum()),
            "counts": [[int(value) for value in row] for row in counts],
        }
    return {
        "description": (
            "full-form EAP thetas of each norm group of the item bank; counts[i][j] is the "
            "number of its respondents with anxiety in bin i and avoidance in bin j of the "
            "bank's population histogram edges"
        ),
        "groups": groups,
    }


@lru_cache(maxsize=1)
def _stored() -> dict[str, Any]:
    with DENSITY_PATH.open(encoding="utf-8") as handle:
        document: dict[str, Any] = json.load(handle)
    return document


def group_counts(key: str | None) -> tuple[str, NDArray[np.float64]]:
    """(group key, histogram counts) of a norm group; unknown or missing keys give all adults.

    Results stored before the norm sample was recorded have no key; they were compared with
    the default group.
    """
    groups = _stored()["groups"]
    chosen = key if key is not None and key in groups else DEFAULT_GROUP
    return chosen, np.asarray(groups[chosen]["counts"], dtype=np.float64)


def write(path: Path, document: dict[str, Any]) -> None:
    """One group per line, so a regenerated file diffs readably."""
    lines = [
        f"  {json.dumps(key)}: {json.dumps(group, separators=(',', ':'))}"
        for key, group in document["groups"].items()
    ]
    text = (
        "{\n"
        f'"description": {json.dumps(document["description"])},\n'
        '"groups": {\n' + ",\n".join(lines) + "\n}\n}\n"
    )
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_path())
    args = parser.parse_args(argv)
    if args.data is None:
        print("no calibration data found; pass --data", file=sys.stderr)
        return 1
    write(DENSITY_PATH, build_group_histograms(load_ecr_csv(args.data), item_bank()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
