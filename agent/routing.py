"""What the bot does with an addressed message, from its intent: answer, chat, decline, or escalate.

One pure function, so the pipeline and the escalation eval (`evals/escalation.py`) decide alike.
"""

from __future__ import annotations

from agent.intents import Intent
from agent.state import Action, Channel
from core.status import HandoffReason

HANDOFF_REASONS: dict[Intent, HandoffReason] = {
    Intent.URGENT: HandoffReason.URGENT_RISK,
    Intent.COMPLAINT: HandoffReason.COMPLAINT,
    Intent.HUMAN: HandoffReason.HUMAN_REQUEST,
    Intent.ACCOUNT: HandoffReason.ACCOUNT,
}
ESCALATING_ACTIONS = frozenset({Action.HANDOFF, Action.PRIVATE_FOLLOWUP})


def decide(intent: Intent, channel: Channel) -> tuple[Action, HandoffReason | None]:
    """The action and handoff reason; account matters raised in a group move to a private chat."""
    reason = HANDOFF_REASONS.get(intent)
    if reason is not None:
        private = intent is Intent.ACCOUNT and channel == "group"
        return (Action.PRIVATE_FOLLOWUP if private else Action.HANDOFF), reason
    if intent is Intent.CHITCHAT:
        return Action.SMALLTALK, None
    if intent is Intent.OUT_OF_SCOPE:
        return Action.FALLBACK, None
    return Action.ANSWER, None


def escalates(intent: Intent, channel: Channel = "web") -> bool:
    """Whether a person on staff gets the conversation (before any low-confidence fallback)."""
    return decide(intent, channel)[0] in ESCALATING_ACTIONS
