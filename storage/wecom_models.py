"""WeCom tables: 微信客服 contacts, pull cursors and handled message ids, staff WeCom ids, sidebar drafts.

Only redacted text is stored (drafts and questions); WeCom's ids (external_userid, open_kfid) are the
pseudonymous handles WeCom gives us and are needed to reply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from storage.models import Base, new_id
from storage.types import UtcDateTime


class WeComKfContact(Base):
    """Which 微信客服 customer a conversation belongs to (to reply and to move the session's state)."""

    __tablename__ = "wecom_kf_contacts"
    __table_args__ = (UniqueConstraint("open_kfid", "external_userid"),)

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), primary_key=True)
    open_kfid: Mapped[str] = mapped_column(String(64))
    external_userid: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WeComCursor(Base):
    """The `kf/sync_msg` cursor per kf account."""

    __tablename__ = "wecom_cursors"

    open_kfid: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(256))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class WeComSeenMessage(Base):
    """A `msgid` already handled: WeCom retries callbacks, so each message is handled once."""

    __tablename__ = "wecom_seen_messages"

    msgid: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class WeComStaffId(Base):
    """A staff account's WeCom user id: claiming a handoff hands the WeCom session to this person."""

    __tablename__ = "wecom_staff_ids"

    staff_id: Mapped[str] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)
    wecom_userid: Mapped[str] = mapped_column(String(64), unique=True)


class WeComDraft(Base):
    """A reply, reminder or education post drafted for a group owner (see channels/wecom/drafts)."""

    __tablename__ = "wecom_drafts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("draft"))
    chat_id: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    asker: Mapped[str | None] = mapped_column(String(64))
    question_msgid: Mapped[str | None] = mapped_column(String(128))
    question: Mapped[str | None] = mapped_column(Text)
    question_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sources: Mapped[list[Any]] = mapped_column(default=list)
    followup_url: Mapped[str | None] = mapped_column(String(512))
    handoff_id: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    final_text: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CopilotSuggestion(Base):
    """A reply the staff copilot drafted for the customer's latest message on an open handoff, and what
    staff did with it (accepted, edited, discarded; superseded when the conversation moved on)."""

    __tablename__ = "copilot_suggestions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("sug"))
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"))
    handoff_id: Mapped[str] = mapped_column(ForeignKey("handoffs.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(40), unique=True)  # the customer message it answers
    kind: Mapped[str] = mapped_column(String(24))  # services.copilot.SuggestionKind
    text: Mapped[str] = mapped_column(Text)  # built from redacted text and the knowledge base only
    citations: Mapped[list[Any]] = mapped_column(default=list)
    checks: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the compliance checks it passed
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    final_text: Mapped[str | None] = mapped_column(Text)  # what staff sent (redacted)
    sent_message_id: Mapped[str | None] = mapped_column(String(40))
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WeComGroupSettings(Base):
    """One external group's settings (`GroupConfig` of channels.wecom.group_rules, as JSON)."""

    __tablename__ = "wecom_group_settings"

    chat_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)


class WeComGroupActivity(Base):
    """What happened in a group, for its analytics: a message, a question, a flag (no text; a member only
    by the pseudonymous customer ref, so that active members can be counted)."""

    __tablename__ = "wecom_group_activity"
    __table_args__ = (Index("ix_wecom_group_activity_chat_at", "chat_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(16))  # "message" | "question" | "flag"
    detail: Mapped[str | None] = mapped_column(String(32))  # the flag's kind
    msgid: Mapped[str | None] = mapped_column(String(128))
    member_ref: Mapped[str | None] = mapped_column(String(32))  # the sender's pseudonym (messages only)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WeComOutbox(Base):
    """A staff reply on its way to a 微信客服 customer: retried with backoff until WeCom takes it.

    Keyed by our message id, which is also the `msgid` sent to WeCom: a retry after a timeout that did
    reach WeCom is recognised there as the same message, never delivered twice."""

    __tablename__ = "wecom_outbox"
    __table_args__ = (Index("ix_wecom_outbox_status_next", "status", "next_attempt_at"),)

    message_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    open_kfid: Mapped[str] = mapped_column(String(64))
    external_userid: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)  # what staff typed: it goes to the customer's own chat
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class WeComCustomerLink(Base):
    """A WeCom external user linked by staff to the bank's customer record. The customer number is stored
    encrypted (vault key) with a keyed pseudonym to look it up; never in logs or audit details."""

    __tablename__ = "wecom_customer_links"

    external_userid: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_ref: Mapped[str] = mapped_column(String(64), index=True)
    customer_id_enc: Mapped[str] = mapped_column(Text)
    linked_by: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class WeComEducationPost(Base):
    """One slot of a group's education schedule, claimed once: the primary key (group, slot time, topic)
    is what keeps two workers or a restart from posting the same slot twice."""

    __tablename__ = "wecom_education_posts"

    chat_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    slot_at: Mapped[datetime] = mapped_column(UtcDateTime(), primary_key=True)
    topic: Mapped[str] = mapped_column(String(80), primary_key=True)
    # "claimed" | "sent" (the 群发 task exists) | "confirmed" (the owner sent it) | "no_content" | "failed"
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(String(128))  # the knowledge-base article posted
    task_msgid: Mapped[str | None] = mapped_column(String(128))  # the 客户群群发 task the owner confirms
    error: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
