"""The data that flows through one turn of the pipeline.

`IncomingMessage` is what a channel hands in (raw, un-redacted text: it must go to `redact` first);
`Turn` accumulates what each step learns; `AgentReply` is what goes back to the channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from sqlalchemy.orm import Session

from agent.classify import Classification
from knowledge import Retrieval

Channel = Literal["web", "group"]


class Action(StrEnum):
    ANSWER = "answer"  # answered from the knowledge base
    SMALLTALK = "smalltalk"  # greeting / thanks
    FALLBACK = "fallback"  # honest "I don't know", a person offered
    HANDOFF = "handoff"  # a person takes over
    PRIVATE_FOLLOWUP = "private_followup"  # account matter raised in a group: moved to a private chat
    SILENT = "silent"  # group chatter not addressed to the bank
    HUMAN_MODE = "human_mode"  # a person is handling the conversation; the bot stays quiet


@dataclass(frozen=True)
class IncomingMessage:
    text: str
    channel: Channel = "web"
    sender_id: str = "anonymous"
    conversation_id: str | None = None
    group_id: str | None = None
    mentions: tuple[str, ...] = ()
    customer_tier: str | None = None


SOURCE_PATH = "/v1/sources/"


def source_url(doc_id: str) -> str:
    """Citations link to the published source page, never to the file a document came from."""
    return f"{SOURCE_PATH}{doc_id}"


@dataclass(frozen=True)
class Citation:
    title: str
    source: str  # a URL path (/v1/sources/{doc_id}), never a file path
    doc_id: str
    chunk_id: str
    score: float


@dataclass
class Turn:
    """Mutable state of one message as it goes through the steps."""

    incoming: IncomingMessage
    session: Session | None = None
    conversation_id: str = ""
    customer_ref: str = ""
    language: Literal["zh", "en"] = "zh"
    redacted: str = ""
    pii_types: tuple[str, ...] = ()
    classification: Classification | None = None
    addressed: bool = True
    retrieval: Retrieval | None = None
    answer: str | None = None
    citations: list[Citation] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    action: Action = Action.ANSWER
    handoff_reason: str | None = None
    handoff_id: str | None = None
    reply: str | None = None
    customer_message_id: str = ""
    reply_message_id: str | None = None


@dataclass(frozen=True)
class AgentReply:
    conversation_id: str
    action: Action
    reply: str | None  # None: stay silent
    redacted_text: str
    pii_types: tuple[str, ...]
    intent: str | None
    confidence: float | None
    citations: tuple[Citation, ...]
    handoff_id: str | None
    message_id: str
    reply_message_id: str | None
