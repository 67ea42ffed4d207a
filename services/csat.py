"""Customer satisfaction (满意度调查): one 1-5 question after a person resolved the customer's case.

Stored on the handoff (`csat_score`, `csat_at`), so analytics can report it by team, channel and day.
A case is rated once, only by its own customer (the widget token's conversation), only once resolved.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.status import HandoffStatus
from storage.models import Handoff

SCORES = range(1, 6)


class CsatRefused(Exception):
    """The case is not this conversation's, not resolved yet, or already rated."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


def pending_survey(session: Session, conversation_id: str) -> str | None:
    """The latest resolved, unrated handoff of the conversation (the widget asks again after a reload)."""
    stmt = (
        select(Handoff.id)
        .where(
            Handoff.conversation_id == conversation_id,
            Handoff.status == HandoffStatus.RESOLVED,
            Handoff.csat_score.is_(None),
        )
        .order_by(Handoff.resolved_at.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def rate(session: Session, conversation_id: str, handoff_id: str, score: int) -> Handoff:
    if score not in SCORES:
        raise ValueError("score must be 1-5")
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.conversation_id != conversation_id:
        raise CsatRefused(f"no case {handoff_id} in this conversation", missing=True)
    if handoff.status != HandoffStatus.RESOLVED:
        raise CsatRefused("the case is not resolved yet")
    if handoff.csat_score is not None:
        raise CsatRefused("this case has already been rated")
    handoff.csat_score, handoff.csat_at = score, utcnow()
    session.commit()
    return handoff
