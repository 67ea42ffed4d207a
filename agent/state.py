"""The values one turn of the pipeline works with (no SQL: the conversation service loads and stores them).

`IncomingMessage` is what a channel hands in (raw, un-redacted text: it must go to `redact` first);
`RedactedMessage` is all the pipeline ever reads of it; `TurnContext` is what the service loaded about
the conversation; `TurnOutcome` is what the pipeline decided; `AgentReply` is what goes back to the channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from agent.conversation_state import ConversationState
from core.status import ConversationMode

Channel = Literal["web", "group", "wecom"]  # "wecom": 微信客服, one-to-one like the web widget


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


@dataclass(frozen=True)
class RedactedMessage:
    """The customer's message after redaction: the only form of it any step after `redact` sees."""

    text: str
    pii_types: tuple[str, ...] = ()
    language: Literal["zh", "en"] = "zh"
    # Set when `text` is a follow-up rewritten into a standalone question: the customer's own words, and
    # the earlier question a bare predicate was attached to (`understanding.followup.Rewrite.topic`).
    asked: str | None = None
    topic: str | None = None


@dataclass(frozen=True)
class TranscriptLine:
    role: str  # "customer" | "bot" | "staff" | "system"
    text: str  # redacted
    action: str | None = None
    intent: str | None = None
    created_at: datetime | None = None
    citations: tuple[dict[str, Any], ...] = ()  # bot answers: {"title", "source", "doc_id", ...}
    feedback: str | None = None  # bot answers: "helpful" | "not_helpful"
    feedback_comment: str | None = None  # redacted


@dataclass(frozen=True)
class OpenHandoff:
    """The conversation's handoff still waiting for (or with) staff, if any."""

    id: str
    reason: str
    urgency: str
    summary: dict[str, Any]
    queue_position: int | None = None  # 1 = next to be picked up; None once a person has it
    expected_first_response_s: int | None = None  # from the SLA policy; None once staff replied
    staff_name: str | None = None  # display name of the person on the case


@dataclass(frozen=True)
class TurnContext:
    """What the conversation service knows before the agent works on a message.

    `transcript` already ends with the customer's current message (it is committed first).
    """

    conversation_id: str
    channel: Channel
    customer_ref: str
    group_id: str | None = None
    customer_tier: str | None = None
    mentions: tuple[str, ...] = ()
    mode: ConversationMode = ConversationMode.BOT
    state: ConversationState = field(default_factory=ConversationState)
    transcript: tuple[TranscriptLine, ...] = ()
    open_handoff: OpenHandoff | None = None


class HandoffChange(StrEnum):
    OPEN = "open"  # no handoff is waiting: open one
    RETRIAGE = "retriage"  # the case got more serious: replace the waiting handoff's triage
    TRANSCRIPT = "transcript"  # only refresh the waiting handoff's transcript


@dataclass(frozen=True)
class HandoffPlan:
    change: HandoffChange
    reason: str
    category: str
    urgency: str
    sentiment: float
    private_followup: bool
    summary: dict[str, Any]


@dataclass(frozen=True)
class TurnOutcome:
    """Everything the pipeline decided about one message; the service stores it in one transaction."""

    action: Action
    reply: str | None
    intent: str
    confidence: float | None
    citations: tuple[Citation, ...]
    handoff: HandoffPlan | None
    mode: ConversationMode | None  # the conversation's new mode, None to keep it
    state: ConversationState
    standalone: str | None = None  # the follow-up rewritten into the question worked on (None: as asked)


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
