"""Taking the quiz again: linking, the chain's limits, change, deletion."""

from __future__ import annotations

import pytest
from django.test import Client

from securebase.quiz import services, sittings
from securebase.quiz.models import QuizSession
from securebase.reports.tests.factories import KEYED
from securebase.reports.tests.factories import finish as finish_with

pytestmark = pytest.mark.django_db


def finish(session: QuizSession, style: str) -> QuizSession:
    return finish_with(session, KEYED[style])


def first_sitting(style: str = "secure", form: str = "adaptive") -> QuizSession:
    return finish(services.start_session(form, consent_research=True), style)


def test_a_retake_is_linked_and_carries_the_consent() -> None:
    first = first_sitting()
    second = sittings.start_again(first.token, "full")
    assert second.previous == first and second.form == "full" and second.consent_research
    second = finish(second, "disorganized")
    assert [s.pk for s in sittings.sittings(second)] == [first.pk, second.pk]
    assert sittings.earlier_sittings(first) == []


def test_an_unfinished_quiz_cannot_be_taken_again() -> None:
    session = services.start_session("full", False)
    with pytest.raises(services.NotFinished):
        sittings.start_again(session.token, "full")
    with pytest.raises(services.SessionNotFound):
        sittings.start_again("no-such-token", "full")


def test_change_since_last_uses_the_reliable_change_engine() -> None:
    first = first_sitting("secure")
    same = finish(sittings.start_again(first.token, "adaptive"), "secure")
    unchanged = sittings.change_since_last(same)
    assert unchanged is not None
    assert (unchanged.anxiety.verdict, unchanged.avoidance.verdict) == ("within", "within")
    moved = finish(sittings.start_again(same.token, "full"), "disorganized")
    change = sittings.change_since_last(moved)
    assert change is not None
    assert (change.anxiety.verdict, change.avoidance.verdict) == ("higher", "higher")
    assert sittings.change_since_last(first) is None


def test_a_chain_holds_at_most_twelve_sittings() -> None:
    session = first_sitting()
    for _ in range(sittings.MAX_SITTINGS - 1):
        session = finish(sittings.start_again(session.token, "adaptive"), "secure")
    with pytest.raises(sittings.ChainFull):
        sittings.start_again(session.token, "adaptive")
    # Not from an earlier link either: the limit is the chain's, not the branch's.
    with pytest.raises(sittings.ChainFull):
        sittings.start_again(sittings.sittings(session)[0].token, "adaptive")


def test_deleting_one_sitting_keeps_the_others_joined() -> None:
    first = first_sitting()
    second = finish(sittings.start_again(first.token, "adaptive"), "anxious")
    third = finish(sittings.start_again(second.token, "adaptive"), "avoidant")
    assert services.delete_session(second.token)
    third.refresh_from_db()
    assert [s.pk for s in sittings.sittings(third)] == [first.pk, third.pk]


def test_deleting_the_chain_deletes_every_sitting() -> None:
    first = first_sitting()
    second = finish(sittings.start_again(first.token, "adaptive"), "anxious")
    finish(sittings.start_again(second.token, "adaptive"), "avoidant")
    unrelated = first_sitting()
    assert sittings.delete_chain(second.token) == 3
    assert list(QuizSession.objects.all()) == [unrelated]


def test_the_chain_key_is_shared_and_pseudonymous() -> None:
    first = first_sitting()
    second = finish(sittings.start_again(first.token, "adaptive"), "anxious")
    other = first_sitting()
    assert sittings.chain_key(first) == sittings.chain_key(second)
    assert sittings.chain_key(other) != sittings.chain_key(first)
    assert first.token not in sittings.chain_key(first)
    assert len(sittings.chain_key(first)) == 16


def test_the_api_gives_the_chain_backwards_only(client: Client) -> None:
    first = first_sitting("secure")
    second = finish(sittings.start_again(first.token, "full"), "disorganized")
    body = client.get(f"/api/v1/sessions/{second.token}/chain").json()
    assert [s["result"]["style"] for s in body["sittings"]] == ["secure", "disorganized"]
    (change,) = body["changes"]
    assert change["anxiety"]["verdict"] == "higher" and change["label_changed"] is True
    older = client.get(f"/api/v1/sessions/{first.token}/chain").json()
    assert len(older["sittings"]) == 1 and older["changes"] == []
    unfinished = services.start_session("full", False)
    assert client.get(f"/api/v1/sessions/{unfinished.token}/chain").status_code == 409
    assert client.get("/api/v1/sessions/nope/chain").status_code == 404
