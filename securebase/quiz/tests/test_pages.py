from __future__ import annotations

import re

import pytest
from django import forms
from django.http import QueryDict
from django.test import Client

from securebase.quiz import services
from securebase.quiz.forms import AnswerForm
from securebase.quiz.models import QuizSession

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def begin(client: Client, form: str = "full", consent: bool = False) -> str:
    data = {"form": form, "adult": "on"}
    if consent:
        data["consent_research"] = "on"
    response = client.post("/quiz/", data)
    assert response.status_code == 302
    token = QuizSession.objects.latest("created_at").token
    assert response["Location"] == f"/quiz/s/{token}/q/1/"
    return token


def q(token: str, position: int) -> str:
    return f"/quiz/s/{token}/q/{position}/"


def current_item(html: str) -> int:
    match = re.search(r'name="item" value="(\d+)"', html)
    assert match, html
    return int(match.group(1))


def test_start_page_offers_both_forms_with_adaptive_as_default(client: Client) -> None:
    response = client.get("/quiz/")
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'value="adaptive"[^>]*checked', html)
    assert 'value="full"' in html
    assert 'name="adult"' in html and "I am 18 or older" in html
    assert 'name="consent_research"' in html
    assert not re.search(r'name="consent_research"[^>]*checked', html)
    assert "csrfmiddlewaretoken" in html
    lengths = services.quiz_lengths()
    assert f"Quick test: about {lengths.quick_typical} questions" in html
    assert f"Full test: all {lengths.full} questions" in html


def test_missing_adult_confirmation_shows_an_error_summary_and_keeps_choices(
    client: Client,
) -> None:
    response = client.post("/quiz/", {"form": "full", "consent_research": "on"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "Please confirm you are 18 or older" in html
    assert 'class="error-summary" role="alert"' in html
    assert "There is a problem" in html and 'href="#id_adult"' in html
    assert re.search(r'value="full"[^>]*checked', html)
    assert re.search(r'name="consent_research"[^>]*checked', html)
    assert not QuizSession.objects.exists()


def test_starting_creates_the_session_with_the_chosen_options(client: Client) -> None:
    token = begin(client, "adaptive", consent=True)
    session = QuizSession.objects.get(token=token)
    assert session.form == "adaptive" and session.consent_research is True


def test_full_form_end_to_end_without_javascript(client: Client) -> None:
    token = begin(client, "full")
    for number in range(1, 37):
        page = client.get(q(token, number))
        html = page.content.decode()
        assert page.status_code == 200
        assert f"Question {number} of 36" in html
        assert current_item(html) == number
        assert html.count('<button type="submit" name="value"') == 5
        assert "<kbd" in html and "Strongly agree" in html
        assert f'<progress class="bar" max="36" value="{number - 1}"' in html
        response = client.post(q(token, number), {"item": number, "value": (number % 5) + 1})
        assert response.status_code in (302, 303)
        if number < 36:
            assert response["Location"] == q(token, number + 1)
    # The last answer leads to the optional step, then to the result.
    assert response["Location"] == f"/quiz/s/{token}/about-you/"
    session = QuizSession.objects.get(token=token)
    assert session.completed_at is not None and session.answers.count() == 36
    # A finished quiz sends its links straight to the result.
    for url in (f"/quiz/s/{token}/", q(token, 3)):
        finished = client.get(url)
        assert finished.status_code == 302 and finished["Location"] == f"/results/{token}/"


def test_the_private_link_and_addresses_past_the_end_go_to_the_current_question(
    client: Client,
) -> None:
    token = begin(client)
    client.post(q(token, 1), {"item": 1, "value": 4})
    for url in (f"/quiz/s/{token}/", q(token, 9), q(token, 0)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == (q(token, 1) if url.endswith("/q/0/") else q(token, 2))


def test_question_page_is_private_and_not_indexed(client: Client) -> None:
    token = begin(client)
    response = client.get(q(token, 1))
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex' in html
    assert "og:title" not in html  # no sharing preview for a private address
    assert "Save your place" in html and f"/quiz/s/{token}/" in html
    assert "keep it to yourself" in html and "data-copy" in html
    assert 'style="' not in html and "<style" not in html and "onclick" not in html
    assert "{#" not in html and "{%" not in html  # no template syntax leaks as text


def test_an_invalid_value_reshows_the_question_with_a_message(client: Client) -> None:
    token = begin(client)
    client.post(q(token, 1), {"item": 1, "value": 4})
    response = client.post(q(token, 2), {"item": 2, "value": 7})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'role="alert"' in html and "Please choose one of the five answers" in html
    assert current_item(html) == 2
    assert list(QuizSession.objects.get(token=token).answers.values_list("item", "value")) == [
        (1, 4)
    ]


def test_a_stale_tab_gets_a_clear_message_and_the_current_question(client: Client) -> None:
    token = begin(client)
    client.post(q(token, 1), {"item": 1, "value": 4})
    client.post(q(token, 2), {"item": 2, "value": 4})
    for bogus in ({"item": 9, "value": 3}, {"item": "x", "value": 3}, {}):
        response = client.post(q(token, 3), bogus)
        assert response.status_code == 422
        assert 'role="alert"' in response.content.decode()
    assert QuizSession.objects.get(token=token).answers.count() == 2


def test_double_submit_from_the_page_is_harmless(client: Client) -> None:
    token = begin(client)
    first = client.post(q(token, 1), {"item": 1, "value": 5})
    second = client.post(q(token, 1), {"item": 1, "value": 5})
    assert first.status_code == second.status_code == 303
    assert first["Location"] == second["Location"] == q(token, 2)
    assert QuizSession.objects.get(token=token).answers.count() == 1


def test_the_previous_question_shows_its_answer_and_deletes_nothing(client: Client) -> None:
    token = begin(client)
    client.post(q(token, 1), {"item": 1, "value": 2})
    html = client.get(q(token, 2)).content.decode()
    assert f'href="{q(token, 1)}"' in html and "Back to the previous question" in html
    page = client.get(q(token, 1))
    html = page.content.decode()
    assert page.status_code == 200 and current_item(html) == 1
    assert re.search(r'value="2" aria-pressed="true"', html)
    assert html.count('aria-pressed="true"') == 1
    assert "Back to the previous question" not in html
    assert "Go to question 2, the first unanswered" in html
    assert QuizSession.objects.get(token=token).answers.count() == 1
    # Choosing the same answer again goes on to question 2; a new one replaces it.
    assert client.post(q(token, 1), {"item": 1, "value": 2})["Location"] == q(token, 2)
    assert client.post(q(token, 1), {"item": 1, "value": 5})["Location"] == q(token, 2)
    assert list(QuizSession.objects.get(token=token).answers.values_list("item", "value")) == [
        (1, 5)
    ]


def test_no_page_posts_to_the_old_back_or_private_link_addresses(client: Client) -> None:
    """Answers go to each question's own address; the private link only leads to it."""
    token = begin(client)
    client.post(q(token, 1), {"item": 1, "value": 2})
    assert client.get(f"/quiz/s/{token}/back/").status_code == 404
    assert client.post(f"/quiz/s/{token}/", {"item": 2, "value": 3}).status_code == 405
    assert list(QuizSession.objects.get(token=token).answers.values_list("item", "value")) == [
        (1, 2)
    ]


def test_same_browser_resumes_from_the_quiz_page(client: Client) -> None:
    token = begin(client)
    client.post(q(token, 1), {"item": 1, "value": 2})
    html = client.get("/quiz/").content.decode()
    assert "Continue where you left off" in html
    assert f"/quiz/s/{token}/" in html


def test_the_private_link_resumes_in_another_browser() -> None:
    first, second = Client(), Client()
    token = begin(first)
    first.post(q(token, 1), {"item": 1, "value": 2})
    response = second.get(f"/quiz/s/{token}/", follow=True)
    assert current_item(response.content.decode()) == 2
    assert "Continue where you left off" in second.get("/quiz/").content.decode()


def test_starting_again_asks_first_and_says_what_will_be_deleted(client: Client) -> None:
    old = begin(client)
    client.post(q(old, 1), {"item": 1, "value": 2})
    client.post(q(old, 2), {"item": 2, "value": 2})
    confirm = client.post("/quiz/", {"form": "adaptive", "adult": "on", "consent_research": "on"})
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "2 answers" in html and "cannot be undone" in html
    assert 'name="confirm" value="delete"' in html
    assert 'name="form" value="adaptive"' in html and 'name="consent_research"' in html
    assert f'href="/quiz/s/{old}/"' in html  # keep them and continue
    assert QuizSession.objects.filter(token=old).exists()
    new = client.post(
        "/quiz/",
        {"form": "adaptive", "adult": "on", "consent_research": "on", "confirm": "delete"},
    )
    assert new.status_code == 302
    assert not QuizSession.objects.filter(token=old).exists()
    session = QuizSession.objects.get()
    assert session.form == "adaptive" and session.consent_research


def test_unknown_token_is_a_friendly_404(client: Client) -> None:
    response = client.get("/quiz/s/" + "B" * 43 + "/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert client.post("/quiz/s/nope/q/1/", {"item": 1, "value": 3}).status_code == 404
    assert client.get("/quiz/s/nope/about-you/").status_code == 404


def test_deleting_an_unfinished_quiz_from_the_question_page(client: Client) -> None:
    token = begin(client)
    client.post(q(token, 1), {"item": 1, "value": 2})
    confirm = client.get(f"/quiz/s/{token}/delete/")
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "cannot be undone" in html and "1 answer" in html
    response = client.post(f"/quiz/s/{token}/delete/", follow=True)
    html = response.content.decode()
    assert "Your answers were deleted" in html
    assert "Continue where you left off" not in html
    assert not QuizSession.objects.exists()


def test_csrf_is_enforced_on_every_quiz_form() -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/quiz/", {"form": "full", "adult": "on"}).status_code == 403
    session = services.start_session("full", consent_research=False)
    url = q(session.token, 1)
    assert client.post(url, {"item": 1, "value": 3}).status_code == 403
    assert client.post(f"/quiz/s/{session.token}/delete/").status_code == 403
    assert client.post(f"/quiz/s/{session.token}/about-you/").status_code == 403
    assert not session.answers.exists()
    # With the token from the page, the same post works.
    html = client.get(url).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(url, {"item": 1, "value": 3, "csrfmiddlewaretoken": csrf})
    assert response.status_code == 303
    assert session.answers.count() == 1


def test_htmx_answers_swap_in_the_next_question_and_push_its_address(client: Client) -> None:
    token = begin(client)
    response = client.post(q(token, 1), {"item": 1, "value": 3}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Push-Url"] == q(token, 2)
    html = response.content.decode()
    assert 'id="quiz"' in html and current_item(html) == 2
    back = client.get(q(token, 1), headers={"HX-Request": "true"})
    assert back["HX-Push-Url"] == q(token, 1)
    assert re.search(r'value="3" aria-pressed="true"', back.content.decode())
    invalid = client.post(q(token, 2), {"item": 2, "value": 9}, headers={"HX-Request": "true"})
    assert invalid.status_code == 200 and 'role="alert"' in invalid.content.decode()


def test_htmx_completion_navigates_the_whole_page_to_the_optional_step(client: Client) -> None:
    token = begin(client)
    for number in range(1, 36):
        client.post(q(token, number), {"item": number, "value": 3})
    response = client.post(q(token, 36), {"item": 36, "value": 3}, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == f"/quiz/s/{token}/about-you/"


def test_adaptive_question_page_shows_a_bar_and_no_total(client: Client) -> None:
    token = begin(client, "adaptive")
    html = client.get(q(token, 1)).content.decode()
    assert '<p class="progress-label" id="progress-label">Question 1</p>' in html
    item = current_item(html)
    client.post(q(token, 1), {"item": item, "value": 5})
    html = client.get(q(token, 2)).content.decode()
    assert '<p class="progress-label" id="progress-label">Question 2' in html
    assert "of about" not in html
    assert re.search(r'<progress class="bar" max="100" value="\d+"', html)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ("item=3&value=4", set()),
        ("item=3&value=%204%20", set()),
        ("item=3&value=7", {"value"}),
        ("item=3&value=", {"value"}),
        ("item=3", {"value"}),
        ("item=x&value=2", {"item"}),
        ("item=40&value=0", {"item", "value"}),
        ("", {"item", "value"}),
    ],
)
def test_the_answer_form_checks_both_fields(data: str, errors: set[str]) -> None:
    form = AnswerForm(QueryDict(data))
    assert isinstance(form, forms.Form)
    assert form.is_valid() == (not errors)
    assert set(form.errors) == errors
    if "value" in errors:
        assert form.errors["value"] == ["Please choose one of the five answers."]
    if not errors:
        assert form.cleaned_data == {"item": 3, "value": 4}


def test_a_clean_method_on_the_answer_form_takes_part() -> None:
    class NoNeutralAnswers(AnswerForm):
        def clean_value(self) -> int:
            if self.cleaned_data["value"] == 3:
                raise forms.ValidationError("Not the middle one.")
            return int(self.cleaned_data["value"])

    assert NoNeutralAnswers(QueryDict("item=3&value=4")).is_valid()
    refused = NoNeutralAnswers(QueryDict("item=3&value=3"))
    assert not refused.is_valid() and refused.errors["value"] == ["Not the middle one."]


def test_every_quiz_response_under_the_private_prefix_is_private(client: Client) -> None:
    """The views mark nothing themselves: the privacy middleware covers ``/quiz/s/``."""
    token = begin(client)
    unfinished = begin(Client())
    responses = {
        "private link": client.get(f"/quiz/s/{token}/"),
        "question": client.get(q(token, 1)),
        "past the end": client.get(q(token, 9)),
        "answer": client.post(q(token, 1), {"item": 1, "value": 3}),
        "htmx answer": client.post(q(token, 2), {"item": 2, "value": 3}, headers=HTMX),
        "refused answer": client.post(q(token, 3), {"item": 9, "value": 3}),
        "invalid answer": client.post(q(token, 3), {"item": 3, "value": 9}, headers=HTMX),
        "not finished yet": client.get(f"/quiz/s/{token}/about-you/"),
        "delete page": client.get(f"/quiz/s/{unfinished}/delete/"),
        "deleted": client.post(f"/quiz/s/{unfinished}/delete/"),
        "unknown": client.get(f"/quiz/s/{unfinished}/q/1/"),
        "post to the private link": client.post(f"/quiz/s/{token}/"),
    }
    for number in range(3, 37):
        client.post(q(token, number), {"item": number, "value": 3})
    responses |= {
        "optional step": client.get(f"/quiz/s/{token}/about-you/"),
        "optional step refused": client.post(f"/quiz/s/{token}/about-you/", {"gender": "x"}),
        "skipped": client.post(f"/quiz/s/{token}/about-you/", {"skip": "1"}),
        "finished question": client.get(q(token, 2)),
        "finished private link": client.get(f"/quiz/s/{token}/"),
    }
    statuses = {name: response.status_code for name, response in responses.items()}
    assert set(statuses.values()) >= {200, 302, 303, 404, 405, 422}, statuses
    for name, response in responses.items():
        assert "no-store" in response["Cache-Control"], name
        assert "noindex" in response["X-Robots-Tag"], name
