"""Two extension points for apps built on the quiz (studies), so the quiz never imports them.

- A *finish route* may send a person somewhere else after their last answer (a study's
  completion page) instead of the optional last step and the result.
- A *result hold* may keep a finished result from being shown yet (a study that gives
  feedback only after it closes), with a sentence saying why and until when.

Each app registers its functions once, in its ``AppConfig.ready()``. The first function
that answers wins; with none registered the quiz behaves as it always did.
"""

from __future__ import annotations

from collections.abc import Callable

from securebase.quiz.models import QuizSession

FinishRoute = Callable[[QuizSession], str | None]
ResultHold = Callable[[QuizSession], str | None]

_finish_routes: list[FinishRoute] = []
_result_holds: list[ResultHold] = []


def register_finish_route(route: FinishRoute) -> None:
    if route not in _finish_routes:
        _finish_routes.append(route)


def register_result_hold(hold: ResultHold) -> None:
    if hold not in _result_holds:
        _result_holds.append(hold)


def finish_route(session: QuizSession) -> str | None:
    """Where this finished quiz goes instead of the usual last step, if anywhere."""
    for route in _finish_routes:
        url = route(session)
        if url:
            return url
    return None


def result_hold(session: QuizSession) -> str | None:
    """Why this result is not shown yet (a sentence for the person), or ``None``."""
    for hold in _result_holds:
        message = hold(session)
        if message:
            return message
    return None
