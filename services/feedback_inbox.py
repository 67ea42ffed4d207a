"""The content team's feedback inbox: answers customers rated 👎, with what they asked, what the bot said,
the source it answered from and their comment (all redacted as stored), until an editor marks one handled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from core.clock import utcnow
from core.status import MessageFeedback, Role
from services import audit
from storage.models import Message, StaffUser


@dataclass(frozen=True)
class FeedbackItem:
    message_id: str
    conversation_id: str
    question: str  # the customer's message the answer replied to (redacted)
    answer: str
    comment: str | None
    sources: list[dict[str, object]]  # the answer's citations: title, source URL, doc_id
    at: datetime
    handled_by: str | None
    handled_at: datetime | None


def inbox(
    session: Session, *, handled: bool | None = False, doc_id: str | None = None, limit: int = 100
) -> list[FeedbackItem]:
    """👎 answers, newest first; `handled` None lists both; `doc_id` only answers citing that document."""
    question = aliased(Message)
    stmt = (
        select(Message, question.text)
        .outerjoin(
            question,
            (question.conversation_id == Message.conversation_id)
            & (question.seq == Message.seq - 1)
            & (question.role == Role.CUSTOMER),
        )
        .where(Message.role == Role.BOT, Message.feedback == MessageFeedback.NOT_HELPFUL)
        .order_by(Message.created_at.desc())
    )
    if handled is True:
        stmt = stmt.where(Message.feedback_handled_at.is_not(None))
    elif handled is False:
        stmt = stmt.where(Message.feedback_handled_at.is_(None))
    items = []
    for message, asked in session.execute(stmt.limit(limit if doc_id is None else limit * 10)):
        citations = list(message.citations or [])
        if doc_id is not None and not any(c.get("doc_id") == doc_id for c in citations):
            continue
        items.append(
            FeedbackItem(
                message_id=message.id,
                conversation_id=message.conversation_id,
                question=asked or "",
                answer=message.text,
                comment=message.feedback_comment,
                sources=[{k: c.get(k) for k in ("title", "source", "doc_id")} for c in citations],
                at=message.created_at,
                handled_by=message.feedback_handled_by,
                handled_at=message.feedback_handled_at,
            )
        )
    return items[:limit]


def mark_handled(session: Session, editor: StaffUser, message_id: str) -> bool:
    """False when there is no 👎 answer with this id."""
    message = session.get(Message, message_id)
    if message is None or message.role != Role.BOT or message.feedback != MessageFeedback.NOT_HELPFUL:
        return False
    message.feedback_handled_by, message.feedback_handled_at = editor.username, utcnow()
    audit.record(session, editor, "feedback.handled", "message", message_id)
    session.commit()
    return True
