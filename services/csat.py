"""Customer satisfaction (满意度调查): one 1-5 question after a person resolved the customer's case.

Stored on the handoff (`csat_score`, `csat_at`), so analytics can report it by team, channel and day.
A case is rated once, only by its own customer (the widget token's conversation), only once resolved.

The widget asks in its own panel. A group customer is never asked in the group: the question goes to
them privately (the channel's direct message, `group_direct_outbox`, which the group connector sends
one-to-one) and the connector passes their private answer back (`rate_from_text`).
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import utcnow
from core.status import HandoffStatus
from privacy import Vault
from storage.models import Conversation, GroupDirectMessage, Handoff

SCORES = range(1, 6)
MEMBER_ENTITY = "GROUP_MEMBER"  # the vault entity type of a group member's platform id (their address)
SURVEY_KIND = "csat"
PRIVATE_SURVEY = {
    "zh": "您好，您在群里咨询的问题已由客服处理完毕。请为本次服务打分：回复 1-5 的数字（5 分最满意）。",
    "en": "Hello, the question you raised in the group has been handled by our staff. "
    "How satisfied are you? Reply with a number from 1 to 5 (5 = very satisfied).",
}
THANKS = {"zh": "感谢您的评价！", "en": "Thank you for your feedback!"}
_WORDS = (  # longest first: 非常不满意 before 不满意 before 满意
    ("非常不满意", 1), ("很不满意", 1), ("不太满意", 2), ("非常满意", 5), ("很满意", 5), ("不满意", 2),
    ("一般", 3), ("满意", 4), ("very dissatisfied", 1), ("not satisfied", 2), ("dissatisfied", 2),
    ("very satisfied", 5), ("satisfied", 4),
)  # fmt: skip
_DIGIT = re.compile(r"^\D{0,6}([1-5])\s*(分|星|stars?|points?)?\W*$", re.IGNORECASE)


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


def score_from_text(text: str) -> int | None:
    """A private answer to the survey as a 1-5 score ("4", "4分", "非常满意", "satisfied"); None when it is
    not one (a new question, chatter): then nothing is recorded."""
    value = text.strip().translate(str.maketrans("１２３４５", "12345"))
    if match := _DIGIT.match(value):
        return int(match.group(1))
    lowered = value.lower().rstrip("。.!！~ ")
    for word, score in _WORDS:
        if lowered == word or (len(lowered) <= len(word) + 4 and word in lowered):
            return score
    return None


def member_address(vault: Vault, conversation_id: str, member_id: str) -> str:
    """Keep a group member's platform id, encrypted in the vault, so a private follow-up can reach them;
    returns its placeholder (the same one each time)."""
    return vault.placeholder_for(conversation_id, MEMBER_ENTITY, member_id)


def survey_privately(session: Session, vault: Vault, handoff: Handoff) -> GroupDirectMessage | None:
    """Queue the survey for the group customer's direct messages (in the caller's transaction); None
    when the case is not a group's or the member's address is unknown (nothing is asked in the group)."""
    conversation: Conversation = handoff.conversation
    if conversation.channel != "group" or not conversation.group_id:
        return None
    member = next((p for p, kind in vault.placeholders(conversation.id) if kind == MEMBER_ENTITY), None)
    if member is None:
        return None
    language = "en" if conversation.language == "en" else "zh"
    direct = GroupDirectMessage(
        group_id=conversation.group_id,
        conversation_id=conversation.id,
        handoff_id=handoff.id,
        member=member,
        kind=SURVEY_KIND,
        text=PRIVATE_SURVEY[language],
    )
    session.add(direct)
    return direct


def direct_messages(
    session: Session, group_id: str, after: int = 0, limit: int = 100
) -> list[GroupDirectMessage]:
    """The group's private messages with id > `after`, oldest first (reading never deletes them)."""
    stmt = (
        select(GroupDirectMessage)
        .where(GroupDirectMessage.group_id == group_id, GroupDirectMessage.id > after)
        .order_by(GroupDirectMessage.id)
        .limit(limit)
    )
    return list(session.scalars(stmt).all())


def rate_from_text(session: Session, conversation_id: str, text: str) -> tuple[Handoff, str] | None:
    """A group customer's private answer: rate their latest surveyed case; returns it and the thanks to
    send back, or None when no survey waits or the text is not a score."""
    score = score_from_text(text)
    handoff_id = pending_survey(session, conversation_id)
    if score is None or handoff_id is None:
        return None
    asked = session.scalar(
        select(GroupDirectMessage.id).where(
            GroupDirectMessage.handoff_id == handoff_id, GroupDirectMessage.kind == SURVEY_KIND
        )
    )
    if asked is None:  # never asked privately: a digit in their DMs is not an answer to us
        return None
    handoff = rate(session, conversation_id, handoff_id, score)
    language = "en" if handoff.conversation.language == "en" else "zh"
    return handoff, THANKS[language]
