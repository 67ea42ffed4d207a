"""Embedding backends behind one `Embedder` protocol; `build_embedder` picks one from settings."""

from knowledge.embedders.base import Embedder
from knowledge.embedders.provider import build_embedder

__all__ = ["Embedder", "build_embedder"]
