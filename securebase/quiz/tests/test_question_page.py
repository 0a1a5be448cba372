"""The question page rendered once per shape must be the page its templates render.

``securebase.quiz.question_page`` keeps each shape's HTML and fills in the values of one
request; these tests compare that with a plain rendering of the templates for every
shape, with values that need escaping, and check through the pages that nothing of one
person or request shows up in another's page.
"""

from __future__ import annotations

import itertools
import re
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from securebase.quiz import question_page, services
from securebase.quiz.models import QuizSession
from securebase.quiz.question_page import QuestionPage, Shape

TOKEN = "tok-en_1"
FIXED_CSRF = "fixedcsrf" * 7
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def page_of_shape(shape: Shape) -> QuestionPage:
    """A page with this shape whose every text needs escaping or is easy to misplace."""
    position = 3 if shape.back else 1
    answered = position - 1 if shape.current else position + 2
    item = SimpleNamespace(text='I "worry" <that> people & I', number=17)
    step = services.Step(
        form="full" if shape.exact else "adaptive",
        item=item,  # type: ignore[arg-type]
        previous_value=shape.marked,
        progress=0.4567,
        answered=answered,
        done=False,
        estimated_total=23,
        position=position,
    )
    base = f"/quiz/s/{TOKEN}/"
    page = QuestionPage(
        step=step,
        question_url=f"{base}q/{position}/",
        back_url=f"{base}q/{position - 1}/" if shape.back else None,
        current_url=None if shape.current else f"{base}q/{answered + 1}/",
        delete_url=f"{base}delete/",
        resume_url=f"http://testserver{base}?a=1&b=<2>",
        error='That was "wrong" <b>twice</b> & more' if shape.error else "",
    )
    assert Shape.of(page, fragment=shape.fragment) == shape
    return page


ALL_SHAPES = [
    Shape(fragment, exact, marked, current, back, error)
    for fragment, exact, marked, current, back, error in itertools.product(
        [False, True],
        [False, True],
        [None, 1, 2, 3, 4, 5],
        [False, True],
        [False, True],
        [False, True],
    )
]


@pytest.mark.parametrize("shape", ALL_SHAPES, ids=str)
def test_every_shape_renders_exactly_as_its_template(
    shape: Shape, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = page_of_shape(shape)
    request = RequestFactory().get(page.question_url)
    monkeypatch.setattr(question_page, "get_token", lambda request: FIXED_CSRF)
    template = question_page.FRAGMENT_TEMPLATE if shape.fragment else question_page.PAGE_TEMPLATE
    expected = render_to_string(
        template, question_page.template_context(page, FIXED_CSRF), request=request
    )
    assert question_page.render(request, page, fragment=shape.fragment) == expected


@pytest.mark.django_db
def test_two_people_on_the_same_question_get_their_own_addresses_and_tokens() -> None:
    first, second = Client(), Client()
    pages = []
    for client in (first, second):
        client.post("/quiz/", {"form": "full", "adult": "on"})
        token = QuizSession.objects.latest("id").token
        pages.append((token, client.get(f"/quiz/s/{token}/q/1/").content.decode()))
    (token_a, html_a), (token_b, html_b) = pages
    assert token_a in html_a and token_b not in html_a
    assert token_b in html_b and token_a not in html_b
    csrf_a, csrf_b = CSRF_RE.search(html_a), CSRF_RE.search(html_b)
    assert csrf_a and csrf_b and csrf_a.group(1) != csrf_b.group(1)
    # The same page again gets a freshly masked CSRF token, not the kept one.
    again = CSRF_RE.search(first.get(f"/quiz/s/{token_a}/q/1/").content.decode())
    assert again and again.group(1) != csrf_a.group(1)


def pressed(html: str) -> list[str]:
    return re.findall(r'name="value" value="(\d)" aria-pressed="true"', html)


@pytest.mark.django_db
def test_the_marked_answer_follows_the_stored_answer(client: Client) -> None:
    client.post("/quiz/", {"form": "full", "adult": "on"})
    token = QuizSession.objects.latest("id").token
    assert pressed(client.get(f"/quiz/s/{token}/q/1/").content.decode()) == []
    client.post(f"/quiz/s/{token}/q/1/", {"item": 1, "value": 2})
    assert pressed(client.get(f"/quiz/s/{token}/q/1/").content.decode()) == ["2"]
    client.post(f"/quiz/s/{token}/q/1/", {"item": 1, "value": 5})
    html = client.get(f"/quiz/s/{token}/q/1/").content.decode()
    assert pressed(html) == ["5"] and html.count('aria-pressed="false"') == 4
    assert pressed(client.get(f"/quiz/s/{token}/q/2/").content.decode()) == []
