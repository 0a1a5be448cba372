"""The quick test's progress, as 200 simulated people see it on the question page.

Each person has two true positions drawn from N(0, 1) and answers every question the quick
test asks with a category drawn from the calibrated graded response model; the answers go
through the quiz's services and every question page is fetched as a browser without
JavaScript would. The page must never count backwards or jump, never quote a total that
moves by more than two over the whole test, fill its bar without ever moving it back, and
say "a few more questions" only when at most that few are left.
"""

from __future__ import annotations

import re
from itertools import pairwise

import numpy as np
import pytest
from django.test import Client

from securebase.psychometrics import item_bank
from securebase.psychometrics.scoring import GRID, scorer_for
from securebase.quiz import services

PEOPLE = 200
LABEL_RE = re.compile(r'<p class="progress-label" id="progress-label">([^<]*)</p>')
BAR_RE = re.compile(r'<progress class="bar" max="(\d+)" value="(\d+)"')
QUESTION_RE = re.compile(r"^Question (\d+)")
# Any total a page quotes: "of 36", "of about 12", "about 12 questions", "12 questions left".
TOTAL_RE = re.compile(r"\bof (?:about )?(\d+)|(\d+) (?:more )?questions")


def _page(client: Client, token: str, position: int) -> tuple[str, float]:
    html = client.get(f"/quiz/s/{token}/q/{position}/").content.decode()
    label = LABEL_RE.search(html)
    bar = BAR_RE.search(html)
    assert label and bar, html
    return label.group(1), int(bar.group(2)) / int(bar.group(1))


@pytest.mark.research
@pytest.mark.django_db
def test_two_hundred_simulated_people_see_an_honest_progress_bar(client: Client) -> None:
    rng = np.random.default_rng(16)
    scorer = scorer_for(item_bank())
    few_more_said = 0
    for _ in range(PEOPLE):
        theta = rng.standard_normal(2)
        session = services.start_session("adaptive", consent_research=False)
        step = services.current_step(session)
        numbers: list[int] = []
        shares: list[float] = []
        totals: list[int] = []
        said_at: int | None = None
        while not step.done:
            label, share = _page(client, session.token, step.position)
            counter = QUESTION_RE.match(label)
            assert counter, label
            numbers.append(int(counter.group(1)))
            shares.append(share)
            totals += [int(a or b) for a, b in TOTAL_RE.findall(label)]
            if "a few more questions" in label and said_at is None:
                said_at = step.position
            item = step.item.number
            column = int(np.argmin(np.abs(GRID - theta[scorer.dimension_index[item]])))
            p = scorer.category_probabilities[item, 1:, column]
            value = int(rng.choice(5, p=p / p.sum())) + 1
            step = services.submit_answer(session.token, item, value)
        length = step.answered
        assert numbers == list(range(1, length + 1))  # never back, never a jump
        assert all(0 <= a <= b <= 1 for a, b in pairwise(shares)), shares
        assert max(totals, default=0) - min(totals, default=0) <= 2, totals
        if said_at is not None:
            few_more_said += 1
            assert length - said_at <= services.FEW_MORE, (said_at, length)  # after this one
    # The words are not a rarity that the test above would pass without ever seeing.
    assert few_more_said >= PEOPLE // 10


@pytest.mark.django_db
def test_the_full_form_quotes_its_exact_length(client: Client) -> None:
    session = services.start_session("full", consent_research=False)
    step = services.current_step(session)
    for _ in range(5):
        label, _share = _page(client, session.token, step.position)
        assert label == f"Question {step.position} of 36"
        step = services.submit_answer(session.token, step.item.number, 3)
