"""Group chats (WeCom/WeChat-style): a webhook posts each message; staff replies wait in an outbox the
group connector polls and posts. What is for one member only (the satisfaction survey after their case)
waits in a separate direct outbox the connector sends one-to-one, so a connector that knows nothing of
it never posts it in the group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.state import AgentReply, IncomingMessage
from privacy import Vault
from services import csat
from services.conversations import ConversationService
from storage import repository
from storage.models import OutboxMessage


@dataclass(frozen=True)
class GroupPost:
    group_id: str
    sender_id: str
    text: str
    mentions: tuple[str, ...] = ()
    customer_tier: str | None = None


def receive(conversations: ConversationService, post: GroupPost, vault: Vault | None = None) -> AgentReply:
    """One message posted in a customer group; the reply is None when the bot stays silent.

    When the message opens or updates a case, the member's platform id is kept (encrypted, in `vault`)
    so the survey after the case can reach them privately."""
    reply = conversations.handle(
        IncomingMessage(
            text=post.text,
            channel="group",
            sender_id=post.sender_id,
            group_id=post.group_id,
            mentions=post.mentions,
            customer_tier=post.customer_tier,
        )
    )
    if reply.handoff_id and vault is not None:
        csat.member_address(vault, reply.conversation_id, post.sender_id)
    return reply


@dataclass(frozen=True)
class DirectItem:
    """A message for one member's direct messages; `member_id` is their platform id (the connector's)."""

    id: int
    member_id: str
    kind: str
    handoff_id: str
    text: str


def direct_outbox(
    session: Session, vault: Vault, group_id: str, after: int = 0, limit: int = 100
) -> list[DirectItem]:
    """The group's one-to-one messages with id > `after`, oldest first; an item whose member was erased
    meanwhile (privacy request) is skipped."""
    items = []
    for row in csat.direct_messages(session, group_id, after, limit):
        member_id = vault.reveal(row.conversation_id, row.member)
        if member_id is not None:
            items.append(DirectItem(row.id, member_id, row.kind, row.handoff_id, row.text))
    return items


def private_answer(
    session: Session, conversations: ConversationService, group_id: str, member_id: str, text: str
) -> tuple[str, int, str] | None:
    """A member's reply in their direct messages, passed on by the connector: when it answers the
    survey of their case in this group, the score is stored with the case; returns (handoff id, score,
    the thanks to send them privately), else None (not a score, or no survey waiting)."""
    ref = conversations.pseudonymizer.customer_ref("group", member_id)
    conversation = repository.group_conversation(session, group_id, ref)
    if conversation is None:
        return None
    rated = csat.rate_from_text(session, conversation.id, text)
    if rated is None:
        return None
    handoff, thanks = rated
    return handoff.id, int(handoff.csat_score or 0), thanks


def outbox(session: Session, group_id: str, after: int = 0, limit: int = 100) -> Sequence[OutboxMessage]:
    """Staff replies for the group with id > `after`, oldest first (reading never deletes them)."""
    stmt = (
        select(OutboxMessage)
        .where(OutboxMessage.group_id == group_id, OutboxMessage.id > after)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    return session.scalars(stmt).all()
