"""WeCom tables: 微信客服 contacts, pull cursors and handled message ids, staff WeCom ids, sidebar drafts.

Only redacted text is stored (drafts and questions); WeCom's ids (external_userid, open_kfid) are the
pseudonymous handles WeCom gives us and are needed to reply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from storage.models import Base, new_id


class WeComKfContact(Base):
    """Which 微信客服 customer a conversation belongs to (to reply and to move the session's state)."""

    __tablename__ = "wecom_kf_contacts"
    __table_args__ = (UniqueConstraint("open_kfid", "external_userid"),)

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), primary_key=True)
    open_kfid: Mapped[str] = mapped_column(String(64))
    external_userid: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WeComCursor(Base):
    """The `kf/sync_msg` cursor per kf account."""

    __tablename__ = "wecom_cursors"

    open_kfid: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(256))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class WeComSeenMessage(Base):
    """A `msgid` already handled: WeCom retries callbacks, so each message is handled once."""

    __tablename__ = "wecom_seen_messages"

    msgid: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    asker: Mapped[str | None] = mapped_column(String(64))
    question_msgid: Mapped[str | None] = mapped_column(String(128))
    question: Mapped[str | None] = mapped_column(Text)
    question_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sources: Mapped[list[Any]] = mapped_column(default=list)
    followup_url: Mapped[str | None] = mapped_column(String(512))
    handoff_id: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    final_text: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
