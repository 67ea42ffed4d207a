"""SQL tables: conversations, messages, handoffs and notes, widget sessions, group outbox, staff, audit.

Only redacted text is ever stored here; originals live encrypted in the privacy vault.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.clock import utcnow
from core.status import ConversationMode, HandoffStatus
from storage.types import UtcDateTime


def new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:20]}"


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("conv"))
    channel: Mapped[str] = mapped_column(String(16))  # "web" | "group"
    group_id: Mapped[str | None] = mapped_column(String(128), index=True)
    customer_ref: Mapped[str] = mapped_column(String(32), index=True)  # pseudonymous customer id
    customer_tier: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    mode: Mapped[str] = mapped_column(String(16), default=ConversationMode.BOT)  # ConversationMode
    # What the agent remembers between turns: `agent.conversation_state.ConversationState.to_json()`.
    state: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), default=utcnow, onupdate=utcnow, index=True
    )

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.seq", cascade="all, delete-orphan"
    )
    handoffs: Mapped[list[Handoff]] = relationship(
        back_populates="conversation", order_by="Handoff.created_at", cascade="all, delete-orphan"
    )


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conv_seq", "conversation_id", "seq", unique=True),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("msg"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    seq: Mapped[int] = mapped_column()
    role: Mapped[str] = mapped_column(String(16))  # Role
    sender_ref: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)  # redacted
    # A customer follow-up rewritten into the standalone question the bot worked on (redacted); else None.
    standalone: Mapped[str | None] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[float | None] = mapped_column(Float)
    pii_types: Mapped[list[Any]] = mapped_column(default=list)
    citations: Mapped[list[Any]] = mapped_column(default=list)
    feedback: Mapped[str | None] = mapped_column(String(16))  # Feedback (bot messages)
    feedback_comment: Mapped[str | None] = mapped_column(Text)  # redacted
    feedback_handled_by: Mapped[str | None] = mapped_column(String(64))  # the editor who handled a 👎
    feedback_handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class Handoff(Base):
    __tablename__ = "handoffs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("ho"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=HandoffStatus.OPEN, index=True)
    reason: Mapped[str] = mapped_column(String(32))  # HandoffReason
    category: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(16))  # Urgency
    sentiment: Mapped[float] = mapped_column(Float, default=0.0)
    private_followup: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    claimed_by: Mapped[str | None] = mapped_column(String(64))  # staff username
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    outcome: Mapped[str | None] = mapped_column(String(32))
    team_id: Mapped[str | None] = mapped_column(String(32), index=True)  # the team whose queue it is in
    csat_score: Mapped[int | None] = mapped_column(Integer)  # 1-5, the customer's rating after the case
    csat_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="handoffs")
    notes: Mapped[list[HandoffNote]] = relationship(
        order_by="HandoffNote.created_at", cascade="all, delete-orphan"
    )


class HandoffNote(Base):
    """An internal note on a handoff: staff only, never shown to the customer (text redacted)."""

    __tablename__ = "handoff_notes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("note"))
    handoff_id: Mapped[str] = mapped_column(ForeignKey("handoffs.id"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WidgetSession(Base):
    """A customer's widget token, bound to one conversation; only its SHA-256 is stored."""

    __tablename__ = "widget_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OutboxMessage(Base):
    """A staff reply waiting for the group connector to post it in the customer group."""

    __tablename__ = "group_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[str] = mapped_column(String(128), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    message_id: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    staff_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class GroupDirectMessage(Base):
    """A message for one group member privately (the channel's direct message), never posted in the
    group: today the satisfaction survey after their case is resolved. `member` is the vault placeholder
    of the member's platform id (encrypted there, erased with the conversation)."""

    __tablename__ = "group_direct_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[str] = mapped_column(String(128), index=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    handoff_id: Mapped[str] = mapped_column(String(40))
    member: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # "csat"
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class StaffUser(Base):
    """A person on the bank's side: an agent works handoffs, an editor the knowledge base, an admin both."""

    __tablename__ = "staff_users"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("staff"))
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))  # StaffRole
    can_reveal: Mapped[bool] = mapped_column(default=False)  # may reveal redacted originals (audited)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class StaffToken(Base):
    """A bearer token; only its SHA-256 is stored, so a database dump cannot be replayed as logins."""

    __tablename__ = "staff_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked: Mapped[bool] = mapped_column(default=False)


class AuditRecord(Base):
    """Who changed what and when: every staff action that changes data, and every reveal of PII."""

    __tablename__ = "audit_records"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("aud"))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    actor_id: Mapped[str | None] = mapped_column(String(40), index=True)
    actor: Mapped[str] = mapped_column(String(64))  # username at the time, or "system"
    action: Mapped[str] = mapped_column(String(48), index=True)  # e.g. "handoff.claim", "pii.reveal"
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(128))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)  # never holds PII originals


class Team(Base):
    """A service team with its own queue: handoffs are routed to it by customer tier, handoff category or
    topic words in the customer's question (see services.teams)."""

    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # a short key: "cards", "vip"
    name: Mapped[str] = mapped_column(String(64))
    tiers: Mapped[list[Any]] = mapped_column(default=list)  # customer tiers it serves first
    categories: Mapped[list[Any]] = mapped_column(default=list)  # handoff categories ("complaint")
    keywords: Mapped[list[Any]] = mapped_column(default=list)  # topic words ("信用卡", "贷款")
    rank: Mapped[int] = mapped_column(Integer, default=100)  # lower routes first among equal matches


class TeamMember(Base):
    __tablename__ = "team_members"

    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)


class SlaAlertSent(Base):
    """Each (handoff, timer, state) is alerted once, across restarts and workers: the row is written
    before the alert leaves, so a second worker's insert fails and it skips the alert."""

    __tablename__ = "sla_alerts_sent"

    handoff_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    timer: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
