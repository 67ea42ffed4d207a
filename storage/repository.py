"""Reads and writes of conversations, messages and handoffs (SQLAlchemy sessions in, rows out)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.status import ACTIVE_HANDOFF
from storage.models import Conversation, Handoff, Message


def find_conversation(session: Session, conversation_id: str) -> Conversation | None:
    return session.get(Conversation, conversation_id)


def group_conversation(session: Session, group_id: str, customer_ref: str) -> Conversation | None:
    stmt = select(Conversation).where(
        Conversation.channel == "group",
        Conversation.group_id == group_id,
        Conversation.customer_ref == customer_ref,
    )
    return session.scalars(stmt).first()


def add_message(session: Session, conversation: Conversation, role: str, text: str, **fields: Any) -> Message:
    seq = session.scalar(
        select(func.coalesce(func.max(Message.seq), 0)).where(Message.conversation_id == conversation.id)
    )
    message = Message(conversation_id=conversation.id, seq=(seq or 0) + 1, role=role, text=text, **fields)
    session.add(message)
    session.flush()
    return message


def transcript(session: Session, conversation_id: str) -> Sequence[Message]:
    stmt = select(Message).where(Message.conversation_id == conversation_id).order_by(Message.seq)
    return session.scalars(stmt).all()


def update_message(session: Session, message_id: str, **fields: Any) -> None:
    message = session.get(Message, message_id)
    assert message is not None, "the message was committed earlier in the turn"
    for name, value in fields.items():
        setattr(message, name, value)


def open_handoff(session: Session, conversation_id: str) -> Handoff | None:
    stmt = select(Handoff).where(
        Handoff.conversation_id == conversation_id, Handoff.status.in_(ACTIVE_HANDOFF)
    )
    return session.scalars(stmt).first()
