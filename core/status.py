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


LOW_CONFIDENCE = "low_confidence"  # the handoff reason (and category) of an unanswered knowledge question


class Role(StrEnum):
    CUSTOMER = "customer"
    BOT = "bot"
    STAFF = "staff"
    SYSTEM = "system"
