"""Which question comes next, for each form, rebuilt from a session's saved ``state``.

Both forms share one small interface so the service layer never branches on the form:
the full ECR asks items 1..36 in order; the quick test delegates every decision to
:class:`securebase.psychometrics.AdaptiveTest`. Scoring always happens in psychometrics.

``state`` also keeps ``"undone"``: answers taken back (with the API's "back", or when an
earlier answer of the quick test changes and the later questions have to be chosen
again), by item number, so that the page can mark the earlier choice when that item is
shown again (going back must never make someone re-think an answer from scratch).
"""

from __future__ import annotations

from typing import Any, Protocol

from securebase.psychometrics import AdaptiveTest, Result, score
from securebase.psychometrics.adaptive import TYPICAL_LENGTH

FULL_FORM_LENGTH = 36
# What the quick test usually needs (the mean length measured on held-out respondents,
# read from the psychometrics package); shown before the first answer, when the adaptive
# estimate has nothing to go on yet.
ADAPTIVE_TYPICAL_LENGTH = TYPICAL_LENGTH


class QuestionOrder(Protocol):
    @property
    def answers(self) -> dict[int, int]: ...

    @property
    def undone(self) -> dict[int, int]: ...

    def next_item(self) -> int | None: ...

    def answer(self, item: int, value: int) -> None: ...

    def undo(self) -> int | None: ...

    def change(self, item: int, value: int) -> bool: ...

    def remaining_estimate(self) -> int | None: ...

    def near_end(self, few: int) -> bool: ...

    def longest(self) -> int: ...

    def result(self, *, gender: str | None = None, age_band: str | None = None) -> Result: ...

    def to_state(self) -> dict[str, Any]: ...


def _undone_from_state(state: dict[str, Any]) -> dict[int, int]:
    return {int(item): int(value) for item, value in state.get("undone", {}).items()}


def _undone_to_state(undone: dict[int, int]) -> dict[str, int]:
    return {str(item): value for item, value in undone.items()}


class _UndoMemory:
    """Remember taken-back answers until the item is answered again."""

    def __init__(self, undone: dict[int, int]) -> None:
        self._undone = undone

    @property
    def undone(self) -> dict[int, int]:
        return dict(self._undone)

    def _forget(self, item: int) -> None:
        self._undone.pop(item, None)

    def _remember(self, item: int, value: int) -> None:
        self._undone[item] = value


class FullOrder(_UndoMemory):
    """All 36 ECR items in their published order; "back" steps back one item."""

    def __init__(self, state: dict[str, Any]) -> None:
        super().__init__(_undone_from_state(state))
        self._answers: dict[int, int] = {}
        for item, value in state.get("answers", []):
            self._answers[int(item)] = int(value)

    @property
    def answers(self) -> dict[int, int]:
        return dict(self._answers)

    def next_item(self) -> int | None:
        for number in range(1, FULL_FORM_LENGTH + 1):
            if number not in self._answers:
                return number
        return None

    def answer(self, item: int, value: int) -> None:
        self._answers.pop(item, None)
        self._answers[item] = value
        self._forget(item)

    def undo(self) -> int | None:
        if not self._answers:
            return None
        item = next(reversed(self._answers))
        self._remember(item, self._answers.pop(item))
        return item

    def change(self, item: int, value: int) -> bool:
        """Change an earlier answer in place: the full form's order never depends on answers.

        Returns ``False``: no later answer had to be taken back.
        """
        self._answers[item] = value
        return False

    def remaining_estimate(self) -> int | None:
        return FULL_FORM_LENGTH - len(self._answers)

    def near_end(self, few: int) -> bool:
        return FULL_FORM_LENGTH - len(self._answers) <= few

    def longest(self) -> int:
        return FULL_FORM_LENGTH

    def result(self, *, gender: str | None = None, age_band: str | None = None) -> Result:
        return score(self._answers, gender=gender, age_band=age_band)

    def to_state(self) -> dict[str, Any]:
        return {
            "answers": [[item, value] for item, value in self._answers.items()],
            "undone": _undone_to_state(self._undone),
        }


class AdaptiveOrder(_UndoMemory):
    """The quick test: ``state`` is ``AdaptiveTest.to_dict()`` plus the ``undone`` memory."""

    def __init__(self, state: dict[str, Any]) -> None:
        super().__init__(_undone_from_state(state))
        self.test = AdaptiveTest.from_dict(state)

    @property
    def answers(self) -> dict[int, int]:
        return self.test.answers

    def next_item(self) -> int | None:
        return self.test.next_item()

    def answer(self, item: int, value: int) -> None:
        self.test.answer(item, value)
        self._forget(item)

    def undo(self) -> int | None:
        answers = self.test.answers
        item = self.test.undo()
        if item is not None:
            self._remember(item, answers[item])
        return item

    def change(self, item: int, value: int) -> bool:
        """Change an earlier answer; the questions after it are chosen again.

        The adaptive test chose every later question from the answers before it, so those
        answers are taken back (remembered in ``undone``, shown marked if asked again) and
        the test continues from the changed answer. Returns whether anything was taken back.
        """
        took_back = False
        while self.test.answers and next(reversed(self.test.answers)) != item:
            self.undo()
            took_back = True
        self.undo()
        self.answer(item, value)
        return took_back

    def remaining_estimate(self) -> int | None:
        """Questions still expected, derived from the honest progress estimate.

        ``progress() = answered / (answered + remaining)``; before the first answer it
        is 0 and says nothing, so the caller shows the typical length instead.
        """
        answered = len(self.test.answers)
        fraction = self.test.progress()
        if fraction >= 1.0:
            return 0
        if answered == 0 or fraction <= 0:
            return None
        return max(1, round(answered * (1.0 - fraction) / fraction))

    def near_end(self, few: int) -> bool:
        """Whether the test will almost surely stop within ``few`` more questions.

        The 90th percentile of the questions still to come is at most ``few``, and the
        minimum length has been answered: just before the minimum most sessions stop, but
        the few that go on may go on for long, so the range is not trusted there.
        ``benchmarks/quiz_counter.py`` reports how many questions really came after it.
        """
        test = self.test
        return len(test.answers) >= test.min_items and test.expected_remaining_range()[1] <= few

    def longest(self) -> int:
        return self.test.max_items

    def result(self, *, gender: str | None = None, age_band: str | None = None) -> Result:
        return self.test.result(gender=gender, age_band=age_band)

    @staticmethod
    def fresh_state() -> dict[str, Any]:
        return AdaptiveTest().to_dict() | {"undone": {}}

    def to_state(self) -> dict[str, Any]:
        state = self.test.to_dict()
        state["undone"] = _undone_to_state(self._undone)
        return state


def order_for(form: str, state: dict[str, Any]) -> QuestionOrder:
    if form == "full":
        return FullOrder(state)
    if form == "adaptive":
        return AdaptiveOrder(state)
    raise ValueError(f"unknown quiz form {form!r}")


def initial_state(form: str) -> dict[str, Any]:
    """The saved state of a session before its first answer."""
    if form == "adaptive":
        # Fixes the site's current adaptive settings for the whole session.
        return AdaptiveOrder.fresh_state()
    return order_for(form, {}).to_state()
