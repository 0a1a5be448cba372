"""Experimental stopping / selection rules for the adaptive ECR (not used by the site).

    .venv/bin/python benchmarks/psychometrics_stopping.py [--people 3000] [--held-out]

Each variant is a subclass of :class:`AdaptiveTest` that changes one rule; all are evaluated like
``psychometrics_eval.py --grid`` (bank refitted on the 80% training split, 3,000 complete
*training* respondents). ``--held-out`` runs the chosen candidate once on the held-out split.
Results and the conclusion are in docs/psychometrics.md ("Trying to reach 12 items").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from scipy.special import ndtr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import psychometrics_eval as E

from securebase.psychometrics.adaptive import AdaptiveTest, _remaining_sd
from securebase.psychometrics.bank import BANK_PATH, ItemBank
from securebase.psychometrics.calibrate import calibrate_document
from securebase.psychometrics.data import default_data_path, load_ecr_csv
from securebase.psychometrics.scoring import GRID

GH_X, GH_W = np.polynomial.hermite_e.hermegauss(16)
GH_W = GH_W / GH_W.sum()


def schedule(c_hi: float, n0: int, c_lo: float) -> type[AdaptiveTest]:
    """Style-confidence threshold c_hi up to n0 items, then linear down to c_lo at max_items."""

    class Schedule(AdaptiveTest):
        def threshold(self, n: int) -> float:
            if n <= n0:
                return c_hi
            return c_hi + (c_lo - c_hi) * (n - n0) / (self.max_items - n0)

        @property
        def is_done(self) -> bool:
            n = len(self._answers)
            if n >= self.max_items or n >= self._scorer.n_items:
                return True
            if n < self.min_items:
                return False
            _, _, spread, p_high = self._state()
            confidence = float(np.prod(np.maximum(p_high, 1.0 - p_high)))
            return bool(np.all(spread <= self.se_target)) and confidence >= self.threshold(n)

    return Schedule


def misfit_shape(s0: float, power: float, *, keep_linear: bool) -> type[AdaptiveTest]:
    """Misfit variance m * min(1, share / s0)^power (times share if ``keep_linear``)."""

    class Shape(AdaptiveTest):
        def _spread(self, variance: Any, remaining: Any, total: Any, misfit: Any) -> Any:
            model = _remaining_sd(variance, remaining)
            share = remaining / total
            factor = np.minimum(1.0, share / s0) ** power
            return np.sqrt(model**2 + misfit * factor * (share if keep_linear else 1.0))

    return Shape


def cut_selection(base: type[AdaptiveTest]) -> type[AdaptiveTest]:
    """Eggen-style: in the dimension the usual rule picks, take the item with the most
    posterior-weighted information between the EAP and the cut while the side is uncertain."""

    class Cut(base):  # type: ignore[valid-type,misc]
        def _best(self) -> int:
            best = super()._best()
            post, eap, _, p_high = self._state()
            scorer = self._scorer
            d = int(scorer.dimension_index[best])
            if min(p_high[d], 1 - p_high[d]) < 0.1:
                return best
            low, high = sorted((float(eap[d]), float(self._cut_vector[d])))
            weight = post[d] * ((low - 0.05 <= GRID) & (high + 0.05 >= GRID))
            if not weight.sum() > 0:
                weight = np.exp(-0.5 * ((GRID - self._cut_vector[d]) / 0.1) ** 2)
            pool = [
                k
                for k in range(1, scorer.n_items + 1)
                if k not in self._answers and scorer.dimension_index[k] == d
            ]
            return int(pool[int(np.argmax(scorer.information[pool] @ weight))])

    return Cut


def lookahead(rate: float, base: type[AdaptiveTest]) -> type[AdaptiveTest]:
    """Also stop when no k-item continuation of one dimension (k up to the cap) is forecast to
    raise P(same style as the full form) by at least ``rate`` per item (curtailment)."""

    class Lookahead(base):  # type: ignore[valid-type,misc]
        def gain_rate(self) -> float:
            post, eap, spread, p_high = self._state()
            scorer = self._scorer
            confidence = np.maximum(p_high, 1 - p_high)
            variance = post @ GRID**2 - eap**2
            best = 0.0
            for d in range(2):
                column = int(np.argmin(np.abs(GRID - eap[d])))
                pool = sorted(
                    (
                        float(scorer.information[k, column])
                        for k in range(1, scorer.n_items + 1)
                        if k not in self._answers and scorer.dimension_index[k] == d
                    ),
                    reverse=True,
                )
                if not pool:
                    continue
                cumulative = np.cumsum(pool)[: self.max_items - len(self._answers)]
                left = np.maximum(sum(pool) - cumulative, 0.0)
                total = np.full_like(cumulative, scorer.total_information[d, column])
                after = self._spread(
                    1.0 / (1.0 / variance[d] + cumulative), left, total, self._misfit_vector[d]
                )
                move = np.sqrt(np.maximum(spread[d] ** 2 - after**2, 0.0))
                x = eap[d] - self._cut_vector[d] + move[:, None] * GH_X[None, :]
                with np.errstate(divide="ignore", invalid="ignore"):
                    p_k = np.where(after[:, None] > 0, ndtr(np.abs(x) / after[:, None]), 1.0)
                gain = (p_k @ GH_W - confidence[d]) * confidence[1 - d]
                best = max(best, float(np.max(gain / np.arange(1, len(gain) + 1))))
            return best

        @property
        def is_done(self) -> bool:
            if super().is_done:
                return True
            n = len(self._answers)
            if n < self.min_items or not np.all(self._state()[2] <= self.se_target):
                return False
            return self.gain_rate() < rate

    return Lookahead


VARIANTS: dict[str, Callable[[], type[AdaptiveTest]]] = {
    "defaults": lambda: AdaptiveTest,
    "schedule .92/12/.80": lambda: schedule(0.92, 12, 0.80),
    "schedule .93/12/.75": lambda: schedule(0.93, 12, 0.75),
    "schedule .92/12/.70": lambda: schedule(0.92, 12, 0.70),
    "misfit plateau (s0 .4, ^3)": lambda: misfit_shape(0.4, 3, keep_linear=False),
    "misfit late decay (s0 .3)": lambda: misfit_shape(0.3, 1, keep_linear=True),
    "cut selection + schedule .92/12/.80": lambda: cut_selection(schedule(0.92, 12, 0.80)),
    "lookahead .005": lambda: lookahead(0.005, AdaptiveTest),
    "lookahead .006, conf .94": lambda: lookahead(0.006, AdaptiveTest),
}
SETTINGS: dict[str, dict[str, Any]] = {
    "misfit plateau (s0 .4, ^3)": {"misfit_variance": {"anxiety": 0.057, "avoidance": 0.04}},
    "lookahead .006, conf .94": {"style_confidence": 0.94},
}
CANDIDATE = "schedule .92/12/.80"

_worker: dict[str, Any] = {}


def _init(document: dict[str, Any], responses: Any) -> None:
    _worker["bank"] = ItemBank.from_document(document)
    _worker["responses"] = responses


def _run(name: str) -> dict[str, Any]:
    bank: ItemBank = _worker["bank"]
    responses = _worker["responses"]
    cls = VARIANTS[name]()
    settings = SETTINGS.get(name, {})
    lengths, thetas, styles = [], np.empty((len(responses), 2)), []
    for row, person in enumerate(responses):
        test = cls(bank=bank, **settings)
        while (item := test.next_item()) is not None:
            test.answer(item, int(person[item - 1]))
        result = test.result()
        lengths.append(len(test.answers))
        thetas[row] = result.anxiety.theta, result.avoidance.theta
        styles.append(result.style)
    full_eap, full_styles = E.reference(bank, responses)
    return E.summarize(name, lengths, thetas, styles, full_eap, full_styles)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=default_data_path())
    parser.add_argument("--people", type=int, default=E.GRID_PEOPLE)
    parser.add_argument("--held-out", action="store_true", help=f"run {CANDIDATE!r} held out")
    parser.add_argument("--fitted", type=Path, help="cache file for the 80%% refit (JSON)")
    args = parser.parse_args(argv)
    data = load_ecr_csv(args.data)
    train, test = E.split(data.n)
    if args.fitted is not None and args.fitted.exists():
        document = json.loads(args.fitted.read_text(encoding="utf-8"))
    else:
        base = json.loads(BANK_PATH.read_text(encoding="utf-8"))
        document = calibrate_document(base, data, rows=train)
        if args.fitted is not None:
            args.fitted.write_text(json.dumps(document), encoding="utf-8")
    responses = data.responses.astype(np.int64)
    complete = np.all(responses > 0, axis=1)
    if args.held_out:
        people, names = responses[test[complete[test]]], ["defaults", CANDIDATE]
    else:
        people = responses[train[complete[train]]]
        order = np.random.default_rng(E.SEED + 1).permutation(len(people))
        people, names = people[order[: args.people]], list(VARIANTS)
    print(f"{len(people):,} complete {'held-out' if args.held_out else 'training'} respondents")
    with ProcessPoolExecutor(2, initializer=_init, initargs=(document, people)) as pool:
        for row in pool.map(_run, names):
            print(E.format_table([row]).splitlines()[-1], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
