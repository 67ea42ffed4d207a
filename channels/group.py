"""Group chats (WeCom/WeChat-style): a webhook posts each message; staff replies wait in an outbox the
group connector polls and posts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.state import AgentReply, IncomingMessage
from services.conversations import ConversationService
from storage.models import OutboxMessage


@dataclass(frozen=True)
class GroupPost:
    group_id: str
    sender_id: str
    text: str
    mentions: tuple[str, ...] = ()
    customer_tier: str | None = None


def receive(conversations: ConversationService, post: GroupPost) -> AgentReply:
    """One message posted in a customer group; the reply is None when the bot stays silent."""
    return conversations.handle(
        IncomingMessage(
            text=post.text,
            channel="group",
            sender_id=post.sender_id,
            group_id=post.group_id,
            mentions=post.mentions,
            customer_tier=post.customer_tier,
        )
    )


def outbox(session: Session, group_id: str, after: int = 0, limit: int = 100) -> Sequence[OutboxMessage]:
    """Staff replies for the group with id > `after`, oldest first (reading never deletes them)."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.group_id == group_id, OutboxMessage.id > after)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return session.scalars(stmt).all()
