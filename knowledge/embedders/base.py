"""The embedding interface the knowledge base depends on; one module per backend implements it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable


@runtime_checkable
class Embedder(Protocol):
    """Turns text into L2-normalised vectors; queries and documents may be embedded differently.

    `name` identifies the model (and its version of vectors): the store keeps one collection per name,
    so vectors of two models are never compared.
    """

    name: str
    dim: int

    def embed_query(self, text: str) -> list[float]: ...

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...
