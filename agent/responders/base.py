"""The one thing a responder does: turn a redacted question and retrieved passages into an answer."""

from __future__ import annotations

from typing import Protocol

from knowledge import Retrieval


class Responder(Protocol):
    name: str

    def respond(self, question: str, retrieval: Retrieval, language: str) -> str | None:
        """Return the answer text, or None when the passages do not answer the question."""
        ...
