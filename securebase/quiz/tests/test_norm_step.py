"""The optional last step: gender and age band choose the norm group, kept only with consent."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from securebase.psychometrics import score
from securebase.psychometrics.norms import ADULT_AGE_BANDS, GENDERS
from securebase.quiz import research, services
from securebase.quiz.models import QuizSession
from securebase.quiz.tests.conftest import answer_until_done

pytestmark = pytest.mark.django_db

ANSWERS = {item: (item * 7) % 5 + 1 for item in range(1, 37)}


def finished(consent: bool) -> QuizSession:
    session = services.start_session("full", consent_research=consent)
    answer_until_done(session.token, ANSWERS.__getitem__)
    return services.get_session(session.token)


def test_no_answer_compares_with_all_adults() -> None:
    session = finished(consent=True)
    assert session.result["norm_sample"]["key"] == "adults"
    result = services.choose_norm_group(session.token, None, None)
    assert result.norm_sample.key == "adults"
    assert result.norm_group.startswith("adults 18+")
    session.refresh_from_db()
    assert (session.gender, session.age_band) == ("", "")


@pytest.mark.parametrize("gender", [*GENDERS, None])
@pytest.mark.parametrize("band", [*ADULT_AGE_BANDS, None])
def test_each_answer_chooses_its_norm_group(gender: str | None, band: str | None) -> None:
    session = finished(consent=False)
    result = services.choose_norm_group(session.token, gender, band)
    expected = score(ANSWERS, gender=gender, age_band=band)
    assert result.to_dict() == expected.to_dict()
    stored = services.get_session(session.token).result
    assert stored == expected.to_dict()
    # The style never depends on who you are compared with; only the percentiles can.
    assert stored["style"] == finished(consent=False).result["style"]


def test_the_group_label_follows_the_answer() -> None:
    session = finished(consent=False)
    women = services.choose_norm_group(session.token, "female", None)
    assert women.norm_sample.key == "female" and "women" in women.norm_group
    band = services.choose_norm_group(session.token, None, ADULT_AGE_BANDS[0])
    assert band.norm_sample.key == ADULT_AGE_BANDS[0]


def test_without_research_consent_the_answers_are_not_kept() -> None:
    session = finished(consent=False)
    services.choose_norm_group(session.token, "male", ADULT_AGE_BANDS[1])
    session.refresh_from_db()
    assert (session.gender, session.age_band) == ("", "")
    assert session.result["norm_sample"]["key"].startswith(("male", ADULT_AGE_BANDS[1]))


def test_with_research_consent_they_are_kept_exported_and_withdrawn() -> None:
    session = finished(consent=True)
    services.choose_norm_group(session.token, "other", ADULT_AGE_BANDS[2])
    session.refresh_from_db()
    assert (session.gender, session.age_band) == ("other", ADULT_AGE_BANDS[2])
    out = io.StringIO()
    assert research.write_csv(out) == 1
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["gender"], row["age_band"]) == ("other", ADULT_AGE_BANDS[2])
    services.withdraw_consent(session.token)
    session.refresh_from_db()
    assert (session.gender, session.age_band, session.consent_research) == ("", "", False)


def test_unknown_values_and_unfinished_quizzes_are_refused() -> None:
    session = finished(consent=True)
    with pytest.raises(ValueError):
        services.choose_norm_group(session.token, "woman", None)
    with pytest.raises(ValueError):
        services.choose_norm_group(session.token, None, "13-17")
    unfinished = services.start_session("full", consent_research=True)
    with pytest.raises(services.NotFinished):
        services.choose_norm_group(unfinished.token, "female", None)


def test_the_step_page_offers_every_answer_with_nothing_preselected(client: Client) -> None:
    session = finished(consent=False)
    response = client.get(f"/quiz/s/{session.token}/about-you/")
    html = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    for label in ("Woman", "Man", "Another gender", "Prefer not to say"):
        assert label in html
    assert html.count('type="radio"') == len(GENDERS) + 1 + len(ADULT_AGE_BANDS) + 1
    assert "checked" not in html
    assert "Skip and see my result" in html and "are not kept" in html


def test_the_step_page_saves_the_choice_or_skips(client: Client) -> None:
    session = finished(consent=True)
    url = f"/quiz/s/{session.token}/about-you/"
    response = client.post(url, {"gender": "female", "age_band": ADULT_AGE_BANDS[1]})
    assert response.status_code == 302 and response["Location"] == f"/results/{session.token}/"
    session.refresh_from_db()
    assert (session.gender, session.age_band) == ("female", ADULT_AGE_BANDS[1])
    assert session.result == score(ANSWERS, gender="female", age_band=ADULT_AGE_BANDS[1]).to_dict()
    # "Prefer not to say" is no answer; skipping forgets an earlier choice.
    client.post(url, {"gender": "not-saying", "age_band": ADULT_AGE_BANDS[1]})
    session.refresh_from_db()
    assert (session.gender, session.age_band) == ("", ADULT_AGE_BANDS[1])
    client.post(url, {"gender": "female", "skip": "1"})
    session.refresh_from_db()
    assert (session.gender, session.age_band) == ("", "")
    assert session.result["norm_sample"]["key"] == "adults"


def test_the_step_page_refuses_values_that_are_not_offered(client: Client) -> None:
    session = finished(consent=True)
    response = client.post(f"/quiz/s/{session.token}/about-you/", {"gender": "robot"})
    assert response.status_code == 422
    session.refresh_from_db()
    assert session.gender == ""


def test_an_unfinished_quiz_goes_back_to_its_question(client: Client) -> None:
    session = services.start_session("full", consent_research=False)
    response = client.get(f"/quiz/s/{session.token}/about-you/")
    assert response.status_code == 302 and response["Location"] == f"/quiz/s/{session.token}/"
