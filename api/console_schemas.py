"""Bodies of the handoff console's endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import MessageOut
from api.security import CleanText

Outcome = Literal[
    "answered", "resolved_by_phone", "account_action", "complaint_registered", "no_response", "other"
]


class SlaOut(BaseModel):
    first_response_due: datetime
    resolution_due: datetime
    first_response_breached: bool
    resolution_breached: bool
    priority: str = Field(description="SLA priority: the urgency, raised one level for priority tiers")
    first_response_state: str = Field(description="running | warning | breached | met | missed")
    resolution_state: str = Field(description="running | warning | breached | met | missed")


class QueueItemOut(BaseModel):
    id: str
    conversation_id: str
    status: str
    reason: str
    category: str
    urgency: str
    sentiment: float
    customer_tier: str | None
    channel: str
    question: str
    claimed_by: str | None
    claimed_by_name: str | None = Field(default=None, description="The claimer's display name")
    team_id: str | None = Field(default=None, description="The team whose queue it is in; None: general")
    team_name: str | None = None
    created_at: datetime
    sla: SlaOut


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    author: str
    text: str
    created_at: datetime


class HandoffDetailOut(QueueItemOut):
    summary: dict[str, Any]
    outcome: str | None
    group_id: str | None
    mode: str
    messages: list[MessageOut] = Field(description="The redacted transcript")
    notes: list[NoteOut]
    placeholders: list[str] = Field(description="Redacted values staff with can_reveal may reveal")


class StaffTextIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: CleanText = Field(min_length=1, max_length=2000)


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    note: CleanText | None = Field(default=None, max_length=2000)


class RevealIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    placeholder: str = Field(pattern=r"^<[A-Z_]+_\d+>$")
    reason: str = Field(min_length=4, max_length=500, description="Why the original is needed (audited)")


class RevealOut(BaseModel):
    placeholder: str
    original: str


class OutboxItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    group_id: str
    conversation_id: str
    message_id: str
    text: str
    staff_name: str
    created_at: datetime


class TransferIn(BaseModel):
    """To a person (`to`: username; they take the case at once) and/or a team's queue (`team`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    to: str | None = Field(default=None, max_length=64)
    team: str | None = Field(default=None, max_length=32)
    note: CleanText = Field(default="", max_length=2000)


class TeamMemberOut(BaseModel):
    username: str
    display_name: str


class TeamOut(BaseModel):
    id: str
    name: str
    tiers: list[str]
    categories: list[str]
    keywords: list[str]
    rank: int
    members: list[TeamMemberOut]


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: CleanText = Field(min_length=1, max_length=64)
    tiers: list[str] = Field(default_factory=list, max_length=20)
    categories: list[str] = Field(default_factory=list, max_length=20)
    keywords: list[str] = Field(default_factory=list, max_length=100)
    rank: int = Field(default=100, ge=0, le=10_000)


class TeamMembersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    usernames: list[str] = Field(max_length=500)
