"""The figures a study's dashboard shows, from the same rows the export writes.

Aggregates only: no row of a participant ever reaches the dashboard. Intervals are 95%:
Wilson intervals for shares (they stay inside 0..1 for small samples and shares near 0 or
1), t intervals for mean change. In-sample reliability is Cronbach's alpha on the full-form
participants (the statistic the literature reports for the ECR) and, for the quick test,
marginal reliability (the share of the variance of the scores that is not measurement
error), each beside the technical manual's figure for the calibration sample.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from scipy import stats

from securebase.psychometrics import STYLES, Result, item_bank, reliable_change
from securebase.psychometrics.certainty import certainty
from securebase.psychometrics.styles import STYLE_NAMES

DIMENSIONS = ("anxiety", "avoidance")
Z95 = 1.959964


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    total: int

    @property
    def share(self) -> float:
        return self.count / self.total if self.total else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.count, self.total)

    @property
    def percent(self) -> float:
        return 100 * self.share

    @property
    def interval_percent(self) -> tuple[float, float]:
        low, high = self.interval
        return 100 * low, 100 * high


def wilson(count: int, total: int) -> tuple[float, float]:
    """95% Wilson score interval of a share."""
    if total == 0:
        return 0.0, 1.0
    p = count / total
    centre = p + Z95**2 / (2 * total)
    spread = Z95 * math.sqrt(p * (1 - p) / total + Z95**2 / (4 * total**2))
    denominator = 1 + Z95**2 / total
    return max(0.0, (centre - spread) / denominator), min(1.0, (centre + spread) / denominator)


def cronbach_alpha(keyed: np.ndarray) -> float | None:
    """Alpha of complete rows (people x items); ``None`` below 3 people."""
    if keyed.shape[0] < 3 or keyed.shape[1] < 2:
        return None
    item_variances = keyed.var(axis=0, ddof=1).sum()
    total_variance = keyed.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        return None
    k = keyed.shape[1]
    return float(k / (k - 1) * (1 - item_variances / total_variance))


def marginal_reliability(thetas: np.ndarray, ses: np.ndarray) -> float | None:
    """Var(theta estimates) / (that + mean posterior variance); ``None`` below 3 people."""
    if thetas.size < 3:
        return None
    spread = float(thetas.var(ddof=1))
    error = float(np.mean(ses**2))
    return spread / (spread + error) if spread + error > 0 else None


@lru_cache(maxsize=1)
def manual_reliability() -> dict[str, dict[str, float | None]]:
    """The calibration sample's alpha (technical manual) and marginal reliability (bank)."""
    path = Path(settings.BASE_DIR) / "docs" / "manual" / "numbers.json"
    alpha: dict[str, Any] = {}
    if path.exists():
        alpha = json.loads(path.read_text()).get("items", {}).get("alpha", {})
    dimensions = item_bank().calibration.get("dimensions", {})
    return {
        dimension: {
            "alpha": alpha.get(dimension),
            "marginal": dimensions.get(dimension, {}).get("marginal_reliability"),
        }
        for dimension in DIMENSIONS
    }


@dataclass(frozen=True)
class WaveChange:
    dimension: str
    n: int
    mean: float
    interval: tuple[float, float]
    reliable_up: int
    reliable_down: int


@dataclass(frozen=True)
class Dashboard:
    participants: int
    completed: int
    target: int
    by_day: list[tuple[date, int]]
    reached: list[int]  # people who answered at least k statements, k = 1..36
    minutes_median: float | None
    minutes_quartiles: tuple[float, float] | None
    styles: list[Share]
    percentiles: dict[str, list[int]]  # ten bins of 10 points each
    reliability: dict[str, dict[str, float | None]]
    flagged: Share
    changes: list[WaveChange]


def _completed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row for row in rows if row["completed_at"]]


def _by_day(rows: list[dict[str, Any]]) -> list[tuple[date, int]]:
    days = Counter(datetime.fromisoformat(row["completed_at"]).date() for row in rows)
    total = 0
    series = []
    for day in sorted(days):
        total += days[day]
        series.append((day, total))
    return series


def _minutes(rows: list[dict[str, Any]]) -> list[float]:
    return [
        (
            datetime.fromisoformat(row["completed_at"]) - datetime.fromisoformat(row["started_at"])
        ).total_seconds()
        / 60
        for row in rows
    ]


def _quartiles(values: list[float]) -> tuple[float, float] | None:
    if not values:
        return None
    low, high = np.percentile(values, [25, 75])
    return float(low), float(high)


def _reliability(rows: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    bank = item_bank()
    manual = manual_reliability()
    out: dict[str, dict[str, float | None]] = {}
    full = [row for row in rows if row["form"] == "full" and row["n_items"] == 36]
    quick = [row for row in rows if row["form"] == "adaptive"]
    for dimension in DIMENSIONS:
        numbers = [item.number for item in bank.dimension_items(dimension)]
        keyed = np.array([[row[f"K{n}"] for n in numbers] for row in full], dtype=float)
        thetas = np.array([row[f"{dimension}_theta"] for row in quick], dtype=float)
        # The stored SD is widened to describe the true position (psychometrics.certainty);
        # marginal reliability, like the manual's, uses the model's own posterior SD.
        widening = float(certainty().inflation["adaptive"][DIMENSIONS.index(dimension)])
        ses = np.array([row[f"{dimension}_se"] for row in quick], dtype=float) / widening
        out[dimension] = {
            "alpha": cronbach_alpha(keyed) if full else None,
            "alpha_n": float(len(full)),
            "marginal": marginal_reliability(thetas, ses) if quick else None,
            "marginal_n": float(len(quick)),
            "manual_alpha": manual[dimension]["alpha"],
            "manual_marginal": manual[dimension]["marginal"],
        }
    return out


def _changes(records: list[tuple[dict[str, Any], Result]], waves: list[str]) -> list[WaveChange]:
    """Change from the first wave to the last, for participants who completed both."""
    if len(waves) < 2:
        return []
    first, last = waves[0], waves[-1]
    by_key: dict[str, dict[str, Result]] = {}
    for row, result in records:
        by_key.setdefault(row["participant"], {})[row["wave"]] = result
    pairs = [(w[first], w[last]) for w in by_key.values() if first in w and last in w]
    changes = []
    for dimension in DIMENSIONS:
        differences = [getattr(b, dimension).theta - getattr(a, dimension).theta for a, b in pairs]
        verdicts = [getattr(reliable_change(a, b), dimension).verdict for a, b in pairs]
        n = len(differences)
        mean = statistics.fmean(differences) if n else 0.0
        if n >= 2:
            half = float(stats.t.ppf(0.975, n - 1)) * statistics.stdev(differences) / math.sqrt(n)
        else:
            half = math.inf
        changes.append(
            WaveChange(
                dimension=dimension,
                n=n,
                mean=mean,
                interval=(mean - half, mean + half),
                reliable_up=verdicts.count("higher"),
                reliable_down=verdicts.count("lower"),
            )
        )
    return changes


def build(
    records: list[tuple[dict[str, Any], dict[str, Any]]], *, target: int, waves: list[str]
) -> Dashboard:
    """Every figure of the dashboard from the export's records (row, stored result)."""
    rows = [row for row, _ in records]
    done = _completed(rows)
    results = [(row, Result.from_dict(result)) for row, result in records if row["completed_at"]]
    reached = [sum(1 for row in rows if row["n_items"] >= k) for k in range(1, 37)]
    minutes = _minutes(done)
    style_counts = Counter(row["style"] for row in done)
    percentiles = {
        dimension: [
            sum(1 for row in done if min(int(row[f"{dimension}_pct"] // 10), 9) == b)
            for b in range(10)
        ]
        for dimension in DIMENSIONS
    }
    flagged = sum(1 for row in done if row["quality_flags"])
    return Dashboard(
        participants=len(rows),
        completed=len(done),
        target=target,
        by_day=_by_day(done),
        reached=reached,
        minutes_median=statistics.median(minutes) if minutes else None,
        minutes_quartiles=_quartiles(minutes),
        styles=[Share(STYLE_NAMES[s], style_counts.get(s, 0), len(done)) for s in STYLES],
        percentiles=percentiles,
        reliability=_reliability(done),
        flagged=Share("Flagged answers", flagged, len(done)),
        changes=_changes(results, waves),
    )
