"""Everything the quiz pages and the JSON API do, in one place (views stay thin).

Writes are atomic and serialised per session: each one runs in ``transaction.atomic()``
and first locks the session row (``select_for_update``; on SQLite the IMMEDIATE
transaction mode already makes writers queue). That is what makes a double submit or
two open tabs end in one consistent state: the second request sees the first one's
answer and becomes a no-op instead of a second, conflicting write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from securebase.psychometrics import DimensionScore, Item, Result, item_bank
from securebase.quiz.models import Answer, QuizForm, QuizSession
from securebase.quiz.question_order import (
    ADAPTIVE_TYPICAL_LENGTH,
    QuestionOrder,
    initial_state,
    order_for,
)

ANSWER_VALUES = range(1, 6)
TOKEN_MAX_LENGTH = 64


class SessionNotFound(Exception):
    """No session has this token (never existed, deleted, or purged)."""


class NotFinished(Exception):
    """The result was asked for before the last question was answered."""


class InvalidAnswer(ValueError):
    """An answer that cannot be recorded; ``code`` is stable, ``detail`` is for people.

    Codes: ``invalid_value`` (not 1..5), ``item_not_asked`` (not the current question),
    ``already_answered`` (answered before with a different value: change it with "Back").
    """

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Step:
    """Where a session stands: the question to show now, or ``done``.

    ``previous_value`` is the answer this person gave to ``item`` before going back (so
    the page can mark it); ``estimated_total`` is exact (36) for the full form and the
    adaptive test's current honest estimate for the quick one.
    """

    form: str
    item: Item | None
    previous_value: int | None
    progress: float
    answered: int
    done: bool
    estimated_total: int

    @property
    def number(self) -> int:
        """Position of the current question, counting from 1."""
        return self.answered + 1

    @property
    def is_exact(self) -> bool:
        return self.form == QuizForm.FULL


def start_session(form: str, consent_research: bool) -> QuizSession:
    if form not in QuizForm.values:
        raise ValueError(f"form must be one of {QuizForm.values}")
    return QuizSession.objects.create(
        form=form, consent_research=bool(consent_research), state=initial_state(form)
    )


def get_session(token: str) -> QuizSession:
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_LENGTH:
        raise SessionNotFound
    try:
        return QuizSession.objects.get(token=token)
    except QuizSession.DoesNotExist:
        raise SessionNotFound from None


def _locked_session(token: str) -> QuizSession:
    """The session row, locked until the surrounding transaction ends."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_LENGTH:
        raise SessionNotFound
    try:
        return QuizSession.objects.select_for_update().get(token=token)
    except QuizSession.DoesNotExist:
        raise SessionNotFound from None


def _step(session: QuizSession, order: QuestionOrder) -> Step:
    answered = len(order.answers)
    number = None if session.is_completed else order.next_item()
    if number is None:
        return Step(session.form, None, None, 1.0, answered, True, answered)
    remaining = order.remaining_estimate()
    estimated_total = answered + remaining if remaining else ADAPTIVE_TYPICAL_LENGTH
    return Step(
        form=session.form,
        item=item_bank().item(number),
        previous_value=order.undone.get(number),
        progress=order.progress(),
        answered=answered,
        done=False,
        estimated_total=max(estimated_total, answered + 1),
    )


def current_step(session: QuizSession) -> Step:
    return _step(session, order_for(session.form, session.state))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def submit_answer(token: str, item: int, value: int) -> Step:
    """Record the answer to the current question; harmless when repeated.

    Re-sending an answer already recorded with the same value (double click, retry
    after a lost response, a second tab) returns the current step and changes nothing.
    """
    if not _is_int(value) or value not in ANSWER_VALUES:
        raise InvalidAnswer("invalid_value", "Please choose one of the five answers (1 to 5).")
    if not _is_int(item):
        raise InvalidAnswer("item_not_asked", "That question number is not valid.")
    with transaction.atomic():
        session = _locked_session(token)
        order = order_for(session.form, session.state)
        answers = order.answers
        if item in answers:
            if answers[item] == value:
                return _step(session, order)
            raise InvalidAnswer(
                "already_answered",
                "That question was already answered (perhaps in another tab). "
                "To change an answer, use Back.",
            )
        pending = None if session.is_completed else order.next_item()
        if item != pending:
            raise InvalidAnswer(
                "item_not_asked",
                "That answer was for a different question (perhaps from an older tab). "
                "Here is the current one.",
            )
        order.answer(item, value)
        Answer.objects.create(session=session, item=item, value=value, position=len(answers) + 1)
        session.state = order.to_state()
        if order.next_item() is None:
            session.result = order.result().to_dict()
            session.completed_at = timezone.now()
        session.save()
        return _step(session, order)


def go_back(token: str, *, current_item: int | None = None) -> Step:
    """Take back the most recent answer so that question is asked again, answer marked.

    ``current_item`` is the question the person was looking at: if it is no longer the
    current one (a double click on "Back", an old tab), nothing changes, so one click
    never steps back twice. A finished session is not reopened.
    """
    with transaction.atomic():
        session = _locked_session(token)
        order = order_for(session.form, session.state)
        if session.is_completed:
            return _step(session, order)
        if current_item is not None and current_item != order.next_item():
            return _step(session, order)
        item = order.undo()
        if item is not None:
            session.answers.filter(item=item).delete()
            session.state = order.to_state()
            session.save()
        return _step(session, order)


def get_result(session: QuizSession) -> Result:
    """The result stored at completion (never re-scored, so it cannot drift)."""
    if not session.is_completed or not session.result:
        raise NotFinished
    data = session.result
    return Result(
        style=data["style"],
        style_probabilities=dict(data["style_probabilities"]),
        anxiety=DimensionScore(**data["anxiety"]),
        avoidance=DimensionScore(**data["avoidance"]),
        norm_group=data["norm_group"],
    )


def delete_session(token: str) -> bool:
    """Delete a session and everything that references it (answers, queued report mails).

    Returns whether something was deleted; deleting twice is not an error.
    """
    if not isinstance(token, str) or not token:
        return False
    with transaction.atomic():
        deleted, _ = QuizSession.objects.filter(token=token).delete()
    return deleted > 0


def withdraw_consent(token: str) -> None:
    """Stop research use of this session: it drops out of every later export."""
    if not isinstance(token, str) or not token:
        raise SessionNotFound
    if not QuizSession.objects.filter(token=token).update(consent_research=False):
        raise SessionNotFound


def purge_unfinished(older_than: timedelta) -> int:
    """Delete unfinished sessions untouched for ``older_than``; returns how many."""
    cutoff = timezone.now() - older_than
    stale = QuizSession.objects.filter(completed_at__isnull=True, updated_at__lt=cutoff)
    with transaction.atomic():
        _, per_model = stale.delete()
    return per_model.get(QuizSession._meta.label, 0)
