"""Taking it again from the result page: the timeline, the reminder and the delete choices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from securebase.quiz import services as quiz
from securebase.quiz import sittings
from securebase.quiz.models import QuizSession
from securebase.reports import services
from securebase.reports.pdf import pdf_for
from securebase.reports.tests.factories import KEYED, finished_session
from securebase.reports.tests.factories import finish as finish_with
from securebase.reports.tests.pdf_tools import page_texts

pytestmark = pytest.mark.django_db


def finish(session: QuizSession, style: str) -> QuizSession:
    return finish_with(session, KEYED[style])


def retake(earlier: QuizSession, style: str, form: str = "adaptive") -> QuizSession:
    return finish(sittings.start_again(earlier.token, form), style)


def test_take_it_again_starts_a_linked_quiz_at_question_one(client: Client) -> None:
    first = finished_session("secure")
    response = client.post(reverse("reports:again", args=[first.token]), {"form": "full"})
    new = QuizSession.objects.get(previous=first)
    assert new.form == "full" and not new.is_completed
    assert response.status_code == 302
    assert response["Location"] == reverse("quiz:position", args=[new.token, 1]) + "#main"
    assert (
        response["Cache-Control"].startswith("private") or "no-store" in response["Cache-Control"]
    )


def test_take_it_again_without_a_choice_says_so_and_starts_nothing(client: Client) -> None:
    first = finished_session("secure")
    response = client.post(reverse("reports:again", args=[first.token]), {"form": "both"})
    assert response.status_code == 422
    assert "Please choose the quick version or all questions." in response.content.decode()
    assert not QuizSession.objects.filter(previous=first).exists()


def test_take_it_again_by_get_goes_back_to_the_form(client: Client) -> None:
    first = finished_session("secure")
    response = client.get(reverse("reports:again", args=[first.token]))
    assert response.status_code == 302 and response["Location"].endswith("#again")


def test_a_full_chain_says_so_on_the_result_page(client: Client) -> None:
    session = finished_session("secure")
    for _ in range(sittings.MAX_SITTINGS - 1):
        session = retake(session, "secure")
    response = client.post(reverse("reports:again", args=[session.token]), {"form": "adaptive"})
    assert response.status_code == 409
    page = response.content.decode()
    assert escape(services.CHAIN_FULL.format(n=sittings.MAX_SITTINGS)) in page
    assert 'id="again"' in page
    assert not QuizSession.objects.filter(previous=session).exists()


def test_the_first_sitting_has_no_timeline(client: Client) -> None:
    first = finished_session("secure")
    page = client.get(reverse("reports:result", args=[first.token])).content.decode()
    assert "Since last time" not in page and "Take it again" in page


def test_the_newer_result_shows_the_timeline_and_one_sentence_per_score(client: Client) -> None:
    first = finished_session("secure")
    second = retake(first, "disorganized", form="full")
    page = client.get(reverse("reports:result", args=[second.token])).content.decode()
    change = sittings.change_since_last(second)
    assert change is not None
    for dimension in ("anxiety", "avoidance"):
        verdict = getattr(change, dimension).verdict
        assert verdict == "higher"
        assert escape(services.change_sentence(dimension, verdict)) in page
    assert "Since last time" in page and 'class="chart timeline-chart"' in page
    assert page.count('class="sitting"') == 4  # two sittings on each of two panels
    # Retaken at once: the note on memory is there.
    assert escape(services.memory_note(0)) in page
    # The earlier link does not show what came after it.
    earlier = client.get(reverse("reports:result", args=[first.token])).content.decode()
    assert "Since last time" not in earlier


def test_a_changed_label_within_precision_is_explained_not_celebrated() -> None:
    note = services.style_change_note("secure", "anxious", any_reliable=False)
    assert "not a sign that something changed" in note
    moved = services.style_change_note("secure", "anxious", any_reliable=True)
    assert "not a sign" not in moved and "changed from Secure to Anxious" in moved
    assert services.style_change_note("secure", "secure", any_reliable=False).endswith(
        "as last time."
    )


def test_the_same_answers_again_are_about_the_same() -> None:
    first = finished_session("anxious", form="full")
    second = retake(first, "anxious", form="full")
    since = services.since_last_time(second)
    assert since is not None
    assert since.sentences == [
        services.change_sentence("anxiety", "within"),
        services.change_sentence("avoidance", "within"),
    ]
    assert "about the same as last time" in since.sentences[0]


@pytest.mark.parametrize(
    ("days", "phrase"),
    [
        (0, "today"),
        (1, "yesterday"),
        (5, "5 days ago"),
        (21, "3 weeks ago"),
        (92, "about 3 months ago"),
        (400, "over a year ago"),
        (800, "over 2 years ago"),
    ],
)
def test_how_long_ago(days: int, phrase: str) -> None:
    now = datetime(2026, 12, 7, 12, tzinfo=UTC)
    assert services.ago_phrase(now - timedelta(days=days), now) == phrase


def test_memory_note_only_for_quick_retakes() -> None:
    assert services.memory_note(services.MEMORY_DAYS) == ""
    assert "remember your answers" in services.memory_note(services.MEMORY_DAYS - 1)


@pytest.mark.parametrize("months", services.REMINDER_MONTHS)
def test_the_reminder_is_a_calendar_file_with_the_private_link(client: Client, months: int) -> None:
    session = finished_session("secure")
    url = reverse("reports:reminder", args=[session.token])
    response = client.get(url, {"months": months})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    private = "http://testserver" + reverse("reports:result", args=[session.token])
    assert str(event["url"]) == private and private in str(event["description"])
    start = event.decoded("dtstart")
    today = session.completed_at.date()
    month = today.month - 1 + months
    assert (start.year, start.month) == (today.year + month // 12, month % 12 + 1)
    assert isinstance(start, date) and not isinstance(start, datetime)


def test_a_reminder_for_another_length_is_refused_clearly(client: Client) -> None:
    session = finished_session("secure")
    response = client.get(reverse("reports:reminder", args=[session.token]), {"months": 2})
    assert response.status_code == 400
    assert "Please choose 1, 3 or 6 months." in response.content.decode()


def test_months_are_added_to_the_calendar_date() -> None:
    assert services._add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services._add_months(date(2026, 8, 15), 6) == date(2027, 2, 15)


def test_the_delete_page_offers_both_choices_only_for_linked_results(client: Client) -> None:
    alone = finished_session("secure")
    page = client.get(reverse("reports:delete", args=[alone.token])).content.decode()
    assert "Delete this result only" not in page
    second = retake(alone, "anxious")
    page = client.get(reverse("reports:delete", args=[second.token])).content.decode()
    assert "Delete this result only" in page and "Delete all 2 of my results" in page


def test_deleting_this_result_only_keeps_the_chain_joined(client: Client) -> None:
    first = finished_session("secure")
    second = retake(first, "anxious")
    third = retake(second, "secure")
    response = client.post(reverse("reports:delete", args=[second.token]), {"what": "this"})
    assert response.status_code == 200
    assert "other 2 results are" in response.content.decode()
    assert not QuizSession.objects.filter(pk=second.pk).exists()
    assert [s.pk for s in sittings.sittings(quiz.get_session(third.token))] == [first.pk, third.pk]
    assert client.get(reverse("reports:result", args=[second.token])).status_code == 410


def test_deleting_all_results_deletes_every_sitting(client: Client) -> None:
    first = finished_session("secure")
    second = retake(first, "anxious")
    third = retake(second, "secure")
    response = client.post(reverse("reports:delete", args=[second.token]), {"what": "all"})
    page = response.content.decode()
    assert response.status_code == 200 and "all 3 of your linked results" in page
    pks = [first.pk, second.pk, third.pk]
    assert not QuizSession.objects.filter(pk__in=pks).exists()
    for session in (first, second, third):
        assert client.get(reverse("reports:result", args=[session.token])).status_code == 410


def test_the_pdf_has_a_since_last_time_page_only_after_a_retake() -> None:
    first = finished_session("secure")
    assert "Since last time" not in " ".join(page_texts(pdf_for(first)))
    second = retake(first, "disorganized", form="full")
    pages = page_texts(pdf_for(second))
    since = next(page for page in pages if "Since last time" in page)
    assert pages.index(since) == 1  # the page after the cover
    flat = " ".join(since.split())
    for dimension in ("anxiety", "avoidance"):
        assert services.change_sentence(dimension, "higher") in flat
    assert " ".join(services.memory_note(0).split()) in flat
