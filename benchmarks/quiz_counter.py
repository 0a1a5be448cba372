"""How the quick test's progress moves: the estimated total, the bar, "a few more questions".

    .venv/bin/python benchmarks/quiz_counter.py [--people 300] [--seed 1]

Simulated people (both thetas drawn from N(0, 1), answers drawn from the calibrated GRM)
take the adaptive test through the quiz's own question order
(:class:`securebase.quiz.question_order.AdaptiveOrder`). After every answer the script
records the adaptive estimate of the total length (``services._estimate``) and the total
the page shows (``services._shown_total``, which follows the estimate by at most
``COUNTER_MAX_MOVE`` per answer and rises by at most ``COUNTER_MAX_RISE``). It prints, as
Markdown, the distribution of the moves between two consecutive questions for both, how far
each is from the length the test really had, how often the bar (answered / shown total) would
move back, and for how many people the page says "a few more questions", with the most
questions that were then still to come. No database or web server is needed.
"""

from __future__ import annotations

import argparse
import os
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "securebase.settings")

import django

django.setup()

from securebase.psychometrics import item_bank  # noqa: E402
from securebase.psychometrics.scoring import GRID, scorer_for  # noqa: E402
from securebase.quiz import services  # noqa: E402
from securebase.quiz.question_order import ADAPTIVE_TYPICAL_LENGTH, AdaptiveOrder  # noqa: E402


def simulate(people: int, seed: int) -> dict[str, list[float]]:
    rng = np.random.default_rng(seed)
    scorer = scorer_for(item_bank())
    out: dict[str, list[float]] = {
        "raw_move": [],
        "shown_move": [],
        "raw_err": [],
        "shown_err": [],
        "bar_back": [],
        "few_more_left": [],
    }
    for _ in range(people):
        theta = rng.standard_normal(2)
        order = AdaptiveOrder(AdaptiveOrder.fresh_state())
        raw, shown = [ADAPTIVE_TYPICAL_LENGTH], [ADAPTIVE_TYPICAL_LENGTH]
        said_at = None
        while (item := order.next_item()) is not None:
            if said_at is None and order.near_end(services.FEW_MORE):
                said_at = len(order.answers)
            column = int(np.argmin(np.abs(GRID - theta[scorer.dimension_index[item]])))
            probabilities = scorer.category_probabilities[item, 1:, column]
            order.answer(item, int(rng.choice(5, p=probabilities / probabilities.sum())) + 1)
            if order.next_item() is None:
                break
            raw.append(services._estimate(order))
            shown.append(services._shown_total(shown[-1], order))
        length = len(order.answers)
        bar = [answered / total for answered, total in enumerate(shown)]
        out["bar_back"].append(sum(b < a for a, b in pairwise(bar)))
        if said_at is not None:
            out["few_more_left"].append(length - said_at - 1)  # after the question it is said on
        out["raw_move"] += [abs(b - a) for a, b in pairwise(raw)]
        out["shown_move"] += [abs(b - a) for a, b in pairwise(shown)]
        out["raw_err"] += [abs(value - length) for value in raw]
        out["shown_err"] += [abs(value - length) for value in shown]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = simulate(args.people, args.seed)
    print(f"{args.people} simulated people, seed {args.seed}\n")
    print("| counter | median move | 95th pct move | largest move | mean distance to real length |")
    print("|---|---|---|---|---|")
    for name, label in (("raw", "adaptive estimate"), ("shown", "shown on the page")):
        moves = np.array(data[f"{name}_move"])
        print(
            f"| {label} | {np.median(moves):.0f} | {np.percentile(moves, 95):.0f} "
            f"| {moves.max():.0f} | {np.mean(data[f'{name}_err']):.1f} |"
        )
    left = np.array(data["few_more_left"])
    print(f"\nBar moves back: {int(np.sum(data['bar_back']))} times.")
    print(
        f'"A few more questions" said to {len(left)} of {args.people} people; questions still '
        f"to come after it: median {np.median(left):.0f}, largest {left.max():.0f} "
        f"(FEW_MORE = {services.FEW_MORE})."
    )


if __name__ == "__main__":
    main()
