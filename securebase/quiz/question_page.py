"""The question page, rendered by its templates once per shape and filled in per request.

Every answer ends in a question page (without JavaScript, the page the answer redirects
to; with htmx, its ``#quiz`` fragment): the most requested page of the site. Rendering it
through the template engine took about 0.4 ms of the 0.9 ms a question page cost (variable
lookups, escaping, the answer buttons' loop, the layout around it), although almost all of
it is the same for everybody. So the templates (``quiz/question.html`` and
``quiz/_question.html``) stay the one description of the page, but each is rendered once
per *shape* and process:

- the shape is everything that decides which markup appears (full form or quick test, an
  earlier question or the current one, a Back link, an error, which answer is marked):
  a few hundred combinations at most, a few kilobytes each;
- everything that differs between people and questions (the statement, the counter, the
  CSRF token, the addresses with the private token, the error's text) is a *slot*: the
  shape is rendered with a marker in its place, and each request joins the kept pieces
  with its own values, escaped as the template escapes them.

So a slot may only be printed as it is (``{{ step.number }}``), never tested or filtered:
the shape decides every ``{% if %}``. ``securebase/quiz/tests/test_question_page.py`` compares this
rendering with the templates' own for every shape, so a template change that breaks the
rule fails there. The shape is rendered with a blank request, never a visitor's, so
nothing of one person can be kept in the pieces that everyone gets.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.autoreload import file_changed
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from securebase.psychometrics import item_bank
from securebase.quiz.services import Step

PAGE_TEMPLATE = "quiz/question.html"
# htmx swaps in #quiz only: it gets just that fragment; without JavaScript, the page.
FRAGMENT_TEMPLATE = "quiz/_question.html"

# A private-use character: in no template and left alone by HTML escaping.
_MARK = "\ue000"
_SLOT_RE = re.compile(f"{_MARK}([a-z_]+){_MARK}")


def _slot(name: str) -> str:
    return f"{_MARK}{name}{_MARK}"


@dataclass(frozen=True)
class QuestionPage:
    """What one question page shows: the step, the addresses around it, an error."""

    step: Step
    question_url: str
    back_url: str | None
    current_url: str | None
    delete_url: str
    resume_url: str
    error: str = ""


@dataclass(frozen=True)
class Shape:
    """Everything that decides the page's markup (not its text): one rendering each."""

    fragment: bool
    exact: bool
    marked: int | None
    current: bool
    back: bool
    error: bool
    near_end: bool = False

    @classmethod
    def of(cls, page: QuestionPage, *, fragment: bool) -> Shape:
        step = page.step
        return cls(
            fragment=fragment,
            exact=step.is_exact,
            marked=step.previous_value,
            current=step.is_current,
            back=page.back_url is not None,
            error=bool(page.error),
            near_end=step.near_end,
        )


def _answer_options(marked: int | None) -> list[dict[str, object]]:
    """The five answer buttons, the one with the stored answer pressed.

    Values as text: they only go into HTML attributes (no number localisation).
    """
    labels = item_bank().response_labels
    return [
        {"value": str(value), "label": label, "pressed": marked == value}
        for value, label in enumerate(labels, start=1)
    ]


def _page_values(page: QuestionPage, csrf_token: str) -> dict[str, Any]:
    """The values the templates print as they are: the same in the context and the slots."""
    step = page.step
    return {
        "percent": round(step.progress * 100),
        "questions_before": step.number - 1,
        "first_unanswered": step.answered + 1,
        "question_url": page.question_url,
        "back_url": page.back_url,
        "current_url": page.current_url,
        "delete_url": page.delete_url,
        "resume_url": page.resume_url,
        "error": page.error,
        "csrf_token": csrf_token,
    }


def template_context(page: QuestionPage, csrf_token: str) -> dict[str, Any]:
    """The templates' context for this page, as a plain ``render()`` of them would get it.

    The reference the kept pieces must reproduce: the tests render the templates with it.
    """
    step = page.step
    return {
        "step": step,
        "options": _answer_options(step.previous_value),
        **_page_values(page, csrf_token),
    }


def _slot_values(page: QuestionPage, csrf_token: str) -> dict[str, object]:
    """Each slot's value for this page (the names :func:`_marked_context` puts in)."""
    step = page.step
    assert step.item is not None  # a page is only rendered for a question
    return {
        "number": step.number,
        "total": step.estimated_total,
        "statement": step.item.text,
        "item": step.item.number,
        **_page_values(page, csrf_token),
    }


def _marked_context(shape: Shape) -> dict[str, Any]:
    """:func:`template_context` with a marker for every slot and the shape's own values."""
    step = SimpleNamespace(
        number=_slot("number"),
        estimated_total=_slot("total"),
        item=SimpleNamespace(text=_slot("statement"), number=_slot("item")),
        is_exact=shape.exact,
        previous_value=shape.marked,
        is_current=shape.current,
        near_end=shape.near_end,
    )
    return {
        "step": step,
        "options": _answer_options(shape.marked),
        "error": _slot("error") if shape.error else "",
        "percent": _slot("percent"),
        "questions_before": _slot("questions_before"),
        "first_unanswered": _slot("first_unanswered"),
        "question_url": _slot("question_url"),
        "back_url": _slot("back_url") if shape.back else None,
        "current_url": None if shape.current else _slot("current_url"),
        "delete_url": _slot("delete_url"),
        "resume_url": _slot("resume_url"),
        "csrf_token": _slot("csrf_token"),
    }


@functools.cache
def _pieces(shape: Shape) -> tuple[str, ...]:
    """The shape's HTML split at its slots: text, slot name, text, slot name, ..., text."""
    template = FRAGMENT_TEMPLATE if shape.fragment else PAGE_TEMPLATE
    html = render_to_string(template, _marked_context(shape), request=HttpRequest())
    return tuple(_SLOT_RE.split(html))


def render(request: HttpRequest, page: QuestionPage, *, fragment: bool) -> SafeString:
    """The page's HTML: what rendering its template gives, from the shape's kept pieces.

    ``get_token`` is called as ``{% csrf_token %}`` would: a fresh mask for this response,
    and the CSRF cookie set if the browser has none yet.
    """
    pieces = _pieces(Shape.of(page, fragment=fragment))
    values = _slot_values(page, get_token(request))
    html = list(pieces)
    for index in range(1, len(pieces), 2):
        html[index] = conditional_escape(values[pieces[index]])
    return mark_safe("".join(html))  # noqa: S308 - every slot value escaped above


@receiver(file_changed, dispatch_uid="securebase.quiz.question_page")
def _forget_on_template_change(sender: object, file_path: Path, **kwargs: object) -> None:
    """``runserver`` reloads templates without a restart: render the shapes again too."""
    if file_path.suffix == ".html":
        _pieces.cache_clear()
