"""Latency of ``score()`` and ``AdaptiveTest.next_item()`` (target: p99 under 2 ms each).

    .venv/bin/python benchmarks/psychometrics_speed.py [--people 300]

Times each call the way the website makes it: a fresh ``AdaptiveTest.from_dict`` per request
(the state lives in the database between requests) followed by ``next_item()`` (which includes
the learned stopping rule), ``score()`` on answer sets of every length, and the finished test's
``result()`` (with the tempered style probabilities). Simulated people answer at random
(seeded), which visits more varied states than real answers would. The first call, which loads
the bank and precomputes the tables, is reported separately.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from securebase.psychometrics import AdaptiveTest, score

SEED = 7


def percentiles(samples: Sequence[float]) -> str:
    """p50 / p99 / max in milliseconds."""
    ms = np.asarray(samples) * 1000
    p50, p99 = np.percentile(ms, [50, 99])
    return f"p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {ms.max():.3f} ms"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=300)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(SEED)

    start = time.perf_counter()
    AdaptiveTest().next_item()
    print(
        f"first call (load bank, precompute tables): {1000 * (time.perf_counter() - start):.1f} ms"
    )

    next_item_times: list[float] = []
    score_times: list[float] = []
    result_times: list[float] = []
    lengths = []
    for _ in range(args.people):
        state = AdaptiveTest().to_dict()
        while True:
            start = time.perf_counter()
            test = AdaptiveTest.from_dict(state)
            item = test.next_item()
            next_item_times.append(time.perf_counter() - start)
            if item is None:
                start = time.perf_counter()
                test.result()
                result_times.append(time.perf_counter() - start)
                break
            test.answer(item, int(rng.integers(1, 6)))
            state = test.to_dict()
        lengths.append(len(state["answers"]))
        count = int(rng.integers(0, 37))
        answers = {int(n) + 1: int(rng.integers(1, 6)) for n in rng.permutation(36)[:count]}
        start = time.perf_counter()
        score(answers)
        score_times.append(time.perf_counter() - start)
    calls = len(next_item_times)
    print(f"AdaptiveTest.from_dict + next_item ({calls:,} calls): {percentiles(next_item_times)}")
    print(f"score ({len(score_times):,} calls, 0-36 answers): {percentiles(score_times)}")
    print(f"AdaptiveTest.result ({len(result_times):,} calls): {percentiles(result_times)}")
    print(f"mean test length of the random responders: {np.mean(lengths):.1f} items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
