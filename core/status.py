"""The status vocabularies shared by storage, the agent and the services (stored as their string values)."""

from __future__ import annotations

from enum import StrEnum


class ConversationMode(StrEnum):
    BOT = "bot"  # the bot answers
    HUMAN = "human"  # a person handles the conversation; the bot stays quiet


class HandoffStatus(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    RETURNED = "returned"  # handed back to the bot


ACTIVE_HANDOFF = (HandoffStatus.OPEN, HandoffStatus.CLAIMED)


class Urgency(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


URGENCY_RANK: dict[str, int] = {Urgency.URGENT: 0, Urgency.HIGH: 1, Urgency.NORMAL: 2, Urgency.LOW: 3}


def urgency_rank(urgency: str) -> int:
    return URGENCY_RANK.get(urgency, 9)


class HandoffReason(StrEnum):
    """Why staff get a conversation: an escalating intent, or a question the bot could not answer."""

    URGENT_RISK = "urgent_risk"
    COMPLAINT = "complaint"
    HUMAN_REQUEST = "human_request"
    ACCOUNT = "account"
    LOW_CONFIDENCE = "low_confidence"  # also the handoff category of an unanswered knowledge question


LOW_CONFIDENCE = HandoffReason.LOW_CONFIDENCE


class Role(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"
    STAFF = "staff"
    SYSTEM = "system"


class MessageFeedback(StrEnum):
    HELPFUL = "helpful"
    NOT_HELPFUL = "not_helpful"


class StaffRole(StrEnum):
    AGENT = "agent"  # answers handed-off conversations
    EDITOR = "editor"  # edits and publishes the knowledge base
    ADMIN = "admin"  # everything, including staff accounts


class KbDocumentStatus(StrEnum):
    """A knowledge-base document as the back office lists it (derived from its version pointers)."""

    PUBLISHED = "published"
    DRAFT = "draft"  # never published; only a draft exists
    PUBLISHED_WITH_DRAFT = "published_with_draft"  # live, with a change awaiting review
    DELETED = "deleted"


class ChunkStatus(StrEnum):
    """An indexed chunk: live, or from a pending draft (searched only when previewing drafts)."""

    PUBLISHED = "published"
    DRAFT = "draft"


class JobStatus(StrEnum):
    """A background upload's progress."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
