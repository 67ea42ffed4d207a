"""The summary staff read when they pick up a conversation.

Everything in it is built from redacted text, so it is safe to show in the console and to log.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from agent.classify import Classification, Intent
from agent.prompts import SUGGESTED_NEXT_STEP
from agent.routing import HANDOFF_REASONS
from agent.state import TranscriptLine
from core.status import HandoffReason, Urgency

CATEGORY: dict[Intent, HandoffReason] = dict(HANDOFF_REASONS)  # a handoff's category is its reason

_SENTENCES = re.compile(r"(?<=[。！？!?])")


def urgency_for(reason: str, classification: Classification) -> Urgency:
    if reason == HandoffReason.URGENT_RISK:
        return Urgency.URGENT
    if reason == HandoffReason.COMPLAINT and classification.sentiment <= -0.6:
        return Urgency.HIGH
    if classification.urgency in (Urgency.URGENT, Urgency.HIGH):
        return Urgency(classification.urgency)
    return Urgency.NORMAL


def brief(text: str, max_sentences: int = 2, max_chars: int = 160) -> str:
    """The customer's question in one or two sentences."""
    sentences = [s for s in _SENTENCES.split(text.strip()) if s.strip()]
    short = "".join(sentences[:max_sentences]) or text
    return short if len(short) <= max_chars else short[: max_chars - 1] + "…"


def build_summary(
    *,
    customer_ref: str,
    customer_tier: str | None,
    channel: str,
    group_id: str | None,
    reason: str,
    classification: Classification,
    question: str,
    history: Sequence[TranscriptLine],
    private_followup: bool,
) -> dict[str, Any]:
    bot_answers = [m.text for m in history if m.role == "bot"]
    return {
        "customer": {"ref": customer_ref, "tier": customer_tier, "channel": channel, "group_id": group_id},
        "category": reason,
        "intent": str(classification.intent),
        "urgency": urgency_for(reason, classification),
        "sentiment": round(classification.sentiment, 2),
        "question": brief(question),
        "bot_answered": bot_answers[-3:],
        "transcript": [{"role": m.role, "text": m.text} for m in history[-20:]],
        "suggested_next_step": SUGGESTED_NEXT_STEP.get(reason, SUGGESTED_NEXT_STEP["human_request"]),
        "private_followup": private_followup,
        "reasons": list(classification.reasons),
    }
