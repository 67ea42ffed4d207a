"""Request and response bodies (pydantic), shared by routes and the OpenAPI docs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from agent.state import AgentReply
from api.security import CleanText


class ChatIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: CleanText = Field(description="The customer's message, raw: it is redacted before anything else.")
    conversation_id: str | None = Field(default=None, max_length=40)
    customer_id: str | None = Field(
        default=None, max_length=128, description="Channel user id, pseudonymised"
    )
    customer_tier: str | None = Field(default=None, max_length=32)


class GroupMessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: CleanText
    sender_id: str = Field(min_length=1, max_length=128)
    mentions: list[str] = Field(default_factory=list, max_length=50)
    customer_tier: str | None = Field(default=None, max_length=32)


class DirectItemOut(BaseModel):
    """A message for one group member, sent to them one-to-one (never in the group)."""

    id: int
    member_id: str = Field(description="The member's platform id, as the connector posted it as sender_id")
    kind: str = Field(description='"csat": the satisfaction survey after their case')
    handoff_id: str
    text: str


class DirectReplyIn(BaseModel):
    """What a group member wrote to the bank one-to-one, passed on by the connector."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sender_id: str = Field(min_length=1, max_length=128)
    text: CleanText


class DirectReplyOut(BaseModel):
    recorded: bool = Field(description="True when the text answered a waiting survey and was stored")
    handoff_id: str | None = None
    score: int | None = None
    reply: str | None = Field(default=None, description="Send this back to the member privately")


class CitationOut(BaseModel):
    title: str
    source: str = Field(description="URL path of the published source page, /v1/sources/{doc_id}")
    doc_id: str
    chunk_id: str
    score: float


class ReplyOut(BaseModel):
    conversation_id: str
    action: str
    reply: str | None = Field(description="null when the bot stays silent (group chatter)")
    redacted_text: str = Field(description="The customer's message as stored")
    pii_types: list[str]
    intent: str | None
    confidence: float | None
    citations: list[CitationOut]
    handoff_id: str | None
    message_id: str
    reply_message_id: str | None
    widget_token: str | None = Field(
        default=None,
        description="Issued when a caller without credentials starts a conversation: send it as "
        "X-Widget-Token (with this conversation_id) to continue it",
    )

    @classmethod
    def from_reply(cls, r: AgentReply) -> ReplyOut:
        return cls(
            conversation_id=r.conversation_id,
            action=str(r.action),
            reply=r.reply,
            redacted_text=r.redacted_text,
            pii_types=list(r.pii_types),
            intent=r.intent,
            confidence=r.confidence,
            citations=[CitationOut(**c.__dict__) for c in r.citations],
            handoff_id=r.handoff_id,
            message_id=r.message_id,
            reply_message_id=r.reply_message_id,
        )


class MessageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    seq: int
    role: str
    text: str
    standalone: str | None = Field(
        default=None, description="Customer follow-ups: the standalone question the bot worked on (redacted)"
    )
    intent: str | None
    action: str | None
    pii_types: list[str]
    citations: list[dict[str, Any]]
    feedback: str | None = None
    created_at: datetime
    author_name: str | None = Field(default=None, description="Staff messages: the author's display name")


class WaitingOut(BaseModel):
    """While a person is (to be) on the case: what the customer's widget shows."""

    handoff_id: str
    status: str = Field(description="open (in the queue) | claimed (a person is on it)")
    queue_position: int | None = Field(description="1 = next to be picked up; null once claimed")
    first_response_due: datetime | None = Field(description="From the SLA policy; null once staff replied")
    expected_first_response_s: int | None = Field(description="Seconds from now to first_response_due")
    staff_name: str | None = Field(description="Display name of the staff member on the case")


class ConversationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    channel: str
    group_id: str | None
    customer_ref: str
    customer_tier: str | None
    mode: str
    created_at: datetime
    messages: list[MessageOut]
    waiting: WaitingOut | None = None
    survey_handoff_id: str | None = Field(
        default=None, description="A resolved case awaiting the customer's 1-5 rating (POST /v1/widget/csat)"
    )


class HealthOut(BaseModel):
    status: str
    llm_backend: str
    embedder: str


class ReadyOut(BaseModel):
    status: str
    checks: dict[str, dict[str, Any]]
