"""Taking the quiz again: sittings linked through their private links, and what changed.

A retake is an ordinary quiz session whose ``previous`` points at the sitting it was started
from. Only the holder of that earlier private link can start it, so a chain never needs an
account, an email address or a guessable id. A token opens its own sitting and the earlier
ones, never later ones: someone given an old link does not see what came after it.

A chain holds at most :data:`MAX_SITTINGS` sittings. Deleting one sitting keeps the rest of
the chain joined (its retakes are linked to the sitting before it); deleting the chain
deletes every sitting in it.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from typing import Any

from django.conf import settings
from django.db import transaction

from securebase.psychometrics import Change, reliable_change
from securebase.quiz import services
from securebase.quiz.models import QuizSession

#: Sittings one chain may hold: a year of monthly retakes; more is a script, not a person.
MAX_SITTINGS = 12


class ChainFull(Exception):
    """The chain already holds :data:`MAX_SITTINGS` sittings."""


def earlier_sittings(session: QuizSession) -> list[QuizSession]:
    """The finished sittings before ``session``, oldest first."""
    chain: list[QuizSession] = []
    seen = {session.pk}
    current = session.previous
    while current is not None and current.pk not in seen and len(chain) < MAX_SITTINGS:
        seen.add(current.pk)
        if current.is_completed:
            chain.append(current)
        current = current.previous
    chain.reverse()
    return chain


def sittings(session: QuizSession) -> list[QuizSession]:
    """This sitting and the finished ones before it, oldest first."""
    return [*earlier_sittings(session), session]


def _chain_length(session: QuizSession) -> int:
    """Sittings in the whole chain this one belongs to (earlier, itself and later)."""
    return len(_whole_chain(session))


def _whole_chain(session: QuizSession) -> list[QuizSession]:
    root = session
    seen = {root.pk}
    while root.previous is not None and root.previous.pk not in seen:
        root = root.previous
        seen.add(root.pk)
    members = [root]
    frontier = [root]
    while frontier:
        later = list(QuizSession.objects.filter(previous__in=frontier))
        frontier = [s for s in later if s.pk not in {m.pk for m in members}]
        members.extend(frontier)
    return members


def start_again(token: str, form: str) -> QuizSession:
    """A new sitting linked to the finished one behind ``token``.

    The research consent given at the earlier sitting carries over (it can be withdrawn from
    either private link); the optional gender and age band are asked again.
    """
    with transaction.atomic():
        earlier = services.get_session(token)
        if not earlier.is_completed:
            raise services.NotFinished
        if _chain_length(earlier) >= MAX_SITTINGS:
            raise ChainFull
        session = services.start_session(form, earlier.consent_research)
        session.previous = earlier
        session.save(update_fields=["previous"])
    return session


def change_since_last(session: QuizSession) -> Change | None:
    """Reliable change from the previous finished sitting to this one (``None``: no earlier)."""
    earlier = earlier_sittings(session)
    if not earlier or not session.is_completed:
        return None
    return reliable_change(services.get_result(earlier[-1]), services.get_result(session))


def chain_dict(session: QuizSession) -> dict[str, Any]:
    """The sittings up to this one and each step's change, as the API returns them."""
    chain = sittings(session)
    results = [services.get_result(sitting) for sitting in chain]
    return {
        "sittings": [
            {
                "form": sitting.form,
                "completed_at": sitting.completed_at.isoformat() if sitting.completed_at else "",
                "result": result.to_dict(),
            }
            for sitting, result in zip(chain, results, strict=True)
        ],
        "changes": [
            reliable_change(earlier, later).to_dict()
            for earlier, later in itertools.pairwise(results)
        ],
    }


def chain_key(session: QuizSession) -> str:
    """Pseudonymous id of the chain for the consented research export.

    A keyed hash of the first sitting's token: the same for every sitting of one chain, and
    useless for finding the sittings without the site's secret key.
    """
    root = earlier_sittings(session)[0] if earlier_sittings(session) else session
    digest = hmac.new(settings.SECRET_KEY.encode(), root.token.encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def chain_tokens(token: str) -> list[str]:
    """The private tokens of every sitting in the chain ``token`` belongs to (none if unknown).

    For remembering each deleted link as deleted; never shown to anyone.
    """
    try:
        session = services.get_session(token)
    except services.SessionNotFound:
        return []
    return [member.token for member in _whole_chain(session)]


def delete_chain(token: str) -> int:
    """Delete every sitting of the chain ``token`` belongs to; returns how many."""
    try:
        session = services.get_session(token)
    except services.SessionNotFound:
        return 0
    with transaction.atomic():
        members = _whole_chain(session)
        QuizSession.objects.filter(pk__in=[member.pk for member in members]).delete()
    return len(members)
