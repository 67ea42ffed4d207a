"""What the agent remembers about one conversation between turns (redacted values only).

One `ConversationState` per conversation (per member inside a group). The conversation service loads it
before a turn and stores the pipeline's updated copy with the turn's outcome; pipeline steps read it and
return a new one, they never query SQL. It is serialised as JSON so new fields need no migration:
unknown keys are ignored when reading and missing keys take their defaults.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

Offer = Literal["handoff", "clarify"]


@dataclass(frozen=True)
class ConversationState:
    language: Literal["zh", "en"] = "zh"
    last_question: str | None = None  # the last standalone (rewritten, redacted) customer question
    topic_question: str | None = None  # what the last bare follow-up ("周末呢") was attached to
    topic_doc_ids: tuple[str, ...] = ()  # documents cited or discussed most recently
    slots: dict[str, str] = field(default_factory=dict)  # product, card type, term, amount, channel, …
    last_offer: Offer | None = None  # what the bot offered at the end of its last reply
    offer_choices: tuple[str, ...] = ()  # for a clarifying question: the topics (doc ids) offered
    offer_handoff_id: str | None = None  # a low-confidence handoff already opened for the offer
    turns: int = 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["topic_doc_ids"] = list(self.topic_doc_ids)
        data["offer_choices"] = list(self.offer_choices)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> ConversationState:
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("topic_doc_ids", "offer_choices"):
            if name in values:
                values[name] = tuple(values[name] or ())
        if "slots" in values:
            values["slots"] = dict(values["slots"] or {})
        return cls(**values)

    def with_(self, **changes: Any) -> ConversationState:
        """A copy with some fields changed (states are immutable values)."""
        return replace(self, **changes)
