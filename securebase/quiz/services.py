"""Everything the quiz pages and the JSON API do, in one place (views stay thin).

Writes are atomic and serialised per session: each one runs in ``transaction.atomic()``
and first locks the session row (``select_for_update``; on SQLite the IMMEDIATE
transaction mode already makes writers queue). That is what makes a double submit or
two open tabs end in one consistent state: the second request sees the first one's
answer and becomes a no-op instead of a second, conflicting write.
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from securebase.psychometrics import AdaptiveTest, Item, Result, item_bank
from securebase.psychometrics.adaptive import TYPICAL_LENGTH_RANGE
from securebase.psychometrics.norms import ADULT_AGE_BANDS, GENDERS, NormSample
from securebase.psychometrics.response_quality import with_timing
from securebase.quiz.models import Answer, QuizForm, QuizSession
from securebase.quiz.question_order import (
    ADAPTIVE_TYPICAL_LENGTH,
    FULL_FORM_LENGTH,
    QuestionOrder,
    initial_state,
    order_for,
)

ANSWER_VALUES = range(1, 6)
TOKEN_MAX_LENGTH = 64
#: The time per answer is judged only from this many gaps between timed answers on.
MIN_TIMED_GAPS = 4


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
    """A question to show (the current one or an earlier one), or ``done``.

    ``position`` is where the question sits in this person's sequence (1 = first);
    ``answered`` is how many answers are stored. A position before ``answered + 1`` is an
    earlier question, reached with Back: ``previous_value`` then holds its stored answer,
    and for the current question the answer taken back earlier, if any (so the page can
    mark it). ``estimated_total`` is exact (36) for the full form; for the quick test it
    is the adaptive estimate, smoothed so that it moves by at most
    :data:`COUNTER_MAX_MOVE` per answer and ``progress`` never moves back as the person goes
    on (see :func:`_shown_total`); the page shows the quick test's progress as a bar, not
    as a total that would change. ``near_end``: the current question of the quick test, and
    the test will very likely stop within :data:`FEW_MORE` questions.
    """

    form: str
    item: Item | None
    previous_value: int | None
    progress: float
    answered: int
    done: bool
    estimated_total: int
    position: int
    near_end: bool = False

    @property
    def number(self) -> int:
        """Position of the question shown, counting from 1."""
        return self.position

    @property
    def is_current(self) -> bool:
        """Whether this is the first unanswered question (not an earlier one)."""
        return self.position == self.answered + 1

    @property
    def is_exact(self) -> bool:
        return self.form == QuizForm.FULL


@dataclass(frozen=True)
class QuizLengths:
    """How long each form is, for the pages that promise it (never typed into a template)."""

    quick_typical: int
    quick_usual: tuple[int, int]
    quick_max: int
    full: int


def quiz_lengths() -> QuizLengths:
    return QuizLengths(
        quick_typical=ADAPTIVE_TYPICAL_LENGTH,
        quick_usual=TYPICAL_LENGTH_RANGE,
        quick_max=AdaptiveTest().max_items,
        full=FULL_FORM_LENGTH,
    )


def default_norm_sample() -> NormSample:
    """Who a person is compared with when they do not say their gender or age."""
    return item_bank().norms.select().sample


def start_session(form: str, consent_research: bool) -> QuizSession:
    if form not in QuizForm.values:
        raise ValueError(f"form must be one of {QuizForm.values}")
    return QuizSession.objects.create(
        form=form, consent_research=bool(consent_research), state=initial_state(form)
    )


def _session_by_token(token: str, *, locked: bool) -> QuizSession:
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_LENGTH:
        raise SessionNotFound
    sessions = QuizSession.objects.select_for_update() if locked else QuizSession.objects
    try:
        return sessions.get(token=token)
    except QuizSession.DoesNotExist:
        raise SessionNotFound from None


def get_session(token: str) -> QuizSession:
    return _session_by_token(token, locked=False)


def _locked_session(token: str) -> QuizSession:
    """The session row, locked until the surrounding transaction ends."""
    return _session_by_token(token, locked=True)


#: The quick test's estimated total moves by at most this much per answer. The adaptive
#: estimate of the remaining questions is redone after every answer and can swing ("1 of
#: about 12" followed by "2 of about 23"); the progress bar
#: follows it in small steps. ``benchmarks/quiz_counter.py`` measures both on simulated people.
COUNTER_MAX_MOVE = 2
#: ... and rises by at most this much: one more answer and a total at most one higher never
#: make the share answered smaller, so the bar never moves back while the person goes on.
COUNTER_MAX_RISE = 1
#: "A few more questions": said only when the test will almost surely stop within this
#: many more (:meth:`~securebase.quiz.question_order.QuestionOrder.near_end`).
FEW_MORE = 3
_SHOWN_TOTAL = "shown_total"


def _estimate(order: QuestionOrder) -> int:
    """The honest, unsmoothed estimate of the test's total length."""
    answered = len(order.answers)
    remaining = order.remaining_estimate()
    return answered + remaining if remaining else ADAPTIVE_TYPICAL_LENGTH


def _shown_total(previous: int, order: QuestionOrder) -> int:
    """The total to show after this answer: the estimate, approached by small moves."""
    answered = len(order.answers)
    estimate = _estimate(order)
    shown = min(max(estimate, previous - COUNTER_MAX_MOVE), previous + COUNTER_MAX_RISE)
    return min(max(shown, answered + 1), order.longest())


def _previous_total(session: QuizSession) -> int:
    """The total shown so far; before the first answer, the quick test's typical length."""
    return int(session.state.get(_SHOWN_TOTAL, ADAPTIVE_TYPICAL_LENGTH))


def _step(session: QuizSession, order: QuestionOrder, position: int | None = None) -> Step:
    """The step at ``position`` (default and beyond the end: the current question)."""
    asked = list(order.answers)
    answered = len(asked)
    number = None if session.is_completed else order.next_item()
    if number is None:
        return Step(session.form, None, None, 1.0, answered, True, answered, answered)
    total = FULL_FORM_LENGTH if session.form == QuizForm.FULL else _previous_total(session)
    current = answered + 1
    position = current if position is None or position > current else max(position, 1)
    if position < current:
        item = asked[position - 1]
        marked: int | None = order.answers[item]
    else:
        item, marked = number, order.undone.get(number)
    return Step(
        form=session.form,
        item=item_bank().item(item),
        previous_value=marked,
        progress=min((position - 1) / total, 1.0),
        answered=answered,
        done=False,
        estimated_total=max(total, answered + 1),
        position=position,
        near_end=position == current and order.near_end(FEW_MORE),
    )


def current_step(session: QuizSession) -> Step:
    return _step(session, order_for(session.form, session.state))


def step_at(session: QuizSession, position: int | None) -> Step:
    """The question at ``position``: an earlier one with its answer, else the current one."""
    return _step(session, order_for(session.form, session.state), position)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_types(item: Any, value: Any) -> None:
    if not _is_int(value) or value not in ANSWER_VALUES:
        raise InvalidAnswer("invalid_value", "Please choose one of the five answers (1 to 5).")
    if not _is_int(item):
        raise InvalidAnswer("item_not_asked", "That question number is not valid.")


def _save(session: QuizSession, order: QuestionOrder) -> None:
    """Store the order's state (and the result, once no question is left)."""
    state = order.to_state()
    if session.form == QuizForm.ADAPTIVE:
        state[_SHOWN_TOTAL] = _shown_total(_previous_total(session), order)
    session.state = state
    # Only the columns an answer changes; ``updated_at`` (auto_now) is set by save() when
    # it is listed.
    changed = ["state", "updated_at"]
    if order.next_item() is None:
        session.result = _scored(session, order).to_dict()
        session.completed_at = timezone.now()
        changed += ["result", "completed_at"]
    session.save(update_fields=changed)


def _answer_current(session: QuizSession, order: QuestionOrder, item: int, value: int) -> Step:
    """Record the answer to the current question (a repeat of a stored answer is a no-op)."""
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
    _save(session, order)
    return _step(session, order)


def submit_answer(token: str, item: int, value: int) -> Step:
    """Record the answer to the current question; harmless when repeated.

    Re-sending an answer already recorded with the same value (double click, retry
    after a lost response, a second tab) returns the current step and changes nothing.
    """
    _check_types(item, value)
    with transaction.atomic():
        session = _locked_session(token)
        return _answer_current(session, order_for(session.form, session.state), item, value)


def answer_at(token: str, position: int, item: int, value: int) -> Step:
    """Answer the question at ``position`` and return the step that follows it.

    The current question is answered as by :func:`submit_answer`. An earlier question
    (reached with Back) keeps its answer if the same one is chosen again, so going back
    and forward loses nothing; a different answer replaces it. On the full form the later
    answers stay; on the quick test the later questions were chosen from this answer, so
    they are taken back and chosen again, their answers remembered and marked if the
    same question comes back. A finished quiz is never reopened.
    """
    _check_types(item, value)
    with transaction.atomic():
        session = _locked_session(token)
        order = order_for(session.form, session.state)
        asked = list(order.answers)
        if not _is_int(position) or position > len(asked) or position < 1:
            return _answer_current(session, order, item, value)
        if asked[position - 1] != item or session.is_completed:
            # An older tab, or a finished quiz: same outcome as answering "now".
            return _answer_current(session, order, item, value)
        if order.answers[item] != value:
            if order.change(item, value):
                session.answers.filter(position__gt=position).delete()
            session.answers.filter(item=item).update(value=value)
            _save(session, order)
        return _step(session, order, position + 1)


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
            _save(session, order)
        return _step(session, order)


def seconds_per_answer(session: QuizSession) -> float | None:
    """Median seconds between consecutive stored answers; ``None`` when too few are timed.

    The first answer has no gap (it follows the instructions), answers stored before times
    were recorded have none, and an answer stored out of order (taken back, then given
    again) gives no negative gap.
    """
    times = [
        time
        for time in session.answers.exclude(answered_at=None)
        .order_by("position")
        .values_list("answered_at", flat=True)
        if time is not None
    ]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(times)]
    gaps = [gap for gap in gaps if gap >= 0]
    return statistics.median(gaps) if len(gaps) >= MIN_TIMED_GAPS else None


def _scored(
    session: QuizSession,
    order: QuestionOrder,
    *,
    gender: str | None = None,
    age_band: str | None = None,
) -> Result:
    """The order's result with the time per answer added to its response-quality checks.

    Only when ``SECUREBASE_TIMING_CHECK`` is on (off where a program answers the quiz).
    """
    result = order.result(gender=gender, age_band=age_band)
    if not settings.SECUREBASE_TIMING_CHECK:
        return result
    seconds = seconds_per_answer(session)
    if seconds is None or result.quality is None:
        return result
    quality = with_timing(result.quality, seconds, list(order.answers))
    return replace(result, quality=quality)


def get_result(session: QuizSession) -> Result:
    """The result stored at completion (never re-scored, so it cannot drift)."""
    if not session.is_completed or not session.result:
        raise NotFinished
    return Result.from_dict(session.result)


def choose_norm_group(token: str, gender: str | None, age_band: str | None) -> Result:
    """Compare a finished quiz with the group the person chose at the optional last step.

    ``gender`` is one of ``psychometrics.norms.GENDERS`` or ``None`` ("prefer not to say",
    or the step skipped); ``age_band`` one of ``ADULT_AGE_BANDS`` or ``None``. The result
    is scored again against that group (the answers and the style do not change, only the
    percentiles and the group they compare with). The two answers are kept with the
    session only when the person allowed research use; otherwise they are forgotten here.
    """
    if gender is not None and gender not in GENDERS:
        raise ValueError(f"gender must be one of {GENDERS} or None")
    if age_band is not None and age_band not in ADULT_AGE_BANDS:
        raise ValueError(f"age_band must be one of {ADULT_AGE_BANDS} or None")
    with transaction.atomic():
        session = _locked_session(token)
        if not session.is_completed:
            raise NotFinished
        order = order_for(session.form, session.state)
        result = _scored(session, order, gender=gender, age_band=age_band)
        session.result = result.to_dict()
        keep = session.consent_research
        session.gender = (gender or "") if keep else ""
        session.age_band = (age_band or "") if keep else ""
        session.save()
    return result


def delete_session(token: str) -> bool:
    """Delete a session and everything that references it (answers, queued report mails).

    Returns whether something was deleted; deleting twice is not an error.
    """
    if not isinstance(token, str) or not token:
        return False
    with transaction.atomic():
        session = QuizSession.objects.filter(token=token).first()
        if session is None:
            return False
        # Its retakes stay joined to the sitting before it (quiz.sittings).
        QuizSession.objects.filter(previous=session).update(previous=session.previous_id)
        session.delete()
    return True


def withdraw_consent(token: str) -> None:
    """Stop research use of this session: it drops out of every later export."""
    if not isinstance(token, str) or not token:
        raise SessionNotFound
    # The optional gender and age band were kept only for research: they go with it.
    updated = QuizSession.objects.filter(token=token).update(
        consent_research=False, gender="", age_band=""
    )
    if not updated:
        raise SessionNotFound


def purge_unfinished(older_than: timedelta) -> int:
    """Delete unfinished sessions untouched for ``older_than``; returns how many."""
    cutoff = timezone.now() - older_than
    stale = QuizSession.objects.filter(completed_at__isnull=True, updated_at__lt=cutoff)
    with transaction.atomic():
        _, per_model = stale.delete()
    return per_model.get(QuizSession._meta.label, 0)
