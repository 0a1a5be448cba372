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


def percentiles(samples: Sequence[tuple[float, float]]) -> str:
    """p50 / p99 / max in milliseconds, wall clock and CPU time of this process."""
    ms = np.asarray(samples) * 1000
    parts = []
    for column, name in ((0, "wall"), (1, "CPU")):
        p50, p99 = np.percentile(ms[:, column], [50, 99])
        parts.append(
            f"{name}: p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {ms[:, column].max():.3f} ms"
        )
    return "; ".join(parts)


class Timer:
    """Wall-clock and process CPU time of a block: on a machine shared with other jobs the wall
    clock also counts the time the process waited for a core, the CPU time does not."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.elapsed = (time.perf_counter() - self.wall, time.process_time() - self.cpu)


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

    next_item_times: list[tuple[float, float]] = []
    score_times: list[tuple[float, float]] = []
    result_times: list[tuple[float, float]] = []
    lengths = []
    for _ in range(args.people):
        state = AdaptiveTest().to_dict()
        while True:
            with Timer() as timer:
                test = AdaptiveTest.from_dict(state)
                item = test.next_item()
            next_item_times.append(timer.elapsed)
            if item is None:
                with Timer() as timer:
                    test.result()
                result_times.append(timer.elapsed)
                break
            test.answer(item, int(rng.integers(1, 6)))
            state = test.to_dict()
        lengths.append(len(state["answers"]))
        count = int(rng.integers(0, 37))
        answers = {int(n) + 1: int(rng.integers(1, 6)) for n in rng.permutation(36)[:count]}
        with Timer() as timer:
            score(answers)
        score_times.append(timer.elapsed)
    calls = len(next_item_times)
    print(f"AdaptiveTest.from_dict + next_item ({calls:,} calls): {percentiles(next_item_times)}")
    print(f"score ({len(score_times):,} calls, 0-36 answers): {percentiles(score_times)}")
    print(f"AdaptiveTest.result ({len(result_times):,} calls): {percentiles(result_times)}")
    print(f"mean test length of the random responders: {np.mean(lengths):.1f} items")
    return 0


if __name__ == "__main__":
    sys.exit(main())
