"""`KnowledgeBase`: the one object the agent and the admin API use to fill and search the knowledge."""

from __future__ import annotations

import threading
from pathlib import Path

from knowledge.chunk import Chunk
from knowledge.embedders.base import Embedder
from knowledge.ingest import Ingestor, IngestReport
from knowledge.loaders import Document
from knowledge.retriever import HybridRetriever, KeywordIndex, Retrieval
from knowledge.store import ChromaStore


class KnowledgeBase:
    """The searchable mirror of the knowledge catalog (SQL `kb_documents`/`kb_versions` are the source of
    truth, see services/kb_catalog.py): Chroma holds the chunks and vectors, the BM25 index is derived
    from Chroma lazily.

    After any write the index is dropped and rebuilt on the next search, so a restarted process searches
    correctly without re-ingesting. Writes are serialised; searches share the current index.
    """

    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        *,
        dense_weight: float | None = None,
        threshold: float | None = None,
    ) -> None:
        store.bind(embedder.name, embedder.dim)
        self.store = store
        self.embedder = embedder
        self.ingestor = Ingestor(store, embedder)
        self.retriever = HybridRetriever(store, embedder, dense_weight=dense_weight, threshold=threshold)
        self._write_lock = threading.Lock()
        self._index_lock = threading.Lock()
        self._keywords: KeywordIndex | None = None

    def ingest_folder(self, path: Path, status: str = "published") -> IngestReport:
        with self._write_lock:
            try:
                return self.ingestor.ingest_folder(path, status)
            finally:
                self._invalidate()

    def ingest_document(self, doc: Document, status: str = "published") -> IngestReport:
        with self._write_lock:
            try:
                return self.ingestor.ingest_document(doc, status)
            finally:
                self._invalidate()

    def delete_document(self, doc_id: str) -> bool:
        with self._write_lock:
            try:
                return self.ingestor.delete_document(doc_id)
            finally:
                self._invalidate()

    def search(self, query: str, k: int = 5) -> Retrieval:
        return self.retriever.retrieve(query, self.keywords(), k)

    def count(self) -> int:
        """Number of chunks (an FAQ pair is one chunk, whatever its alt questions)."""
        return len(self.keywords())

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        return self.keywords().chunks.get(chunk_id)

    def keywords(self) -> KeywordIndex:
        with self._index_lock:
            if self._keywords is None:
                self._keywords = KeywordIndex(self.store.entries())
            return self._keywords

    def _invalidate(self) -> None:
        with self._index_lock:
            self._keywords = None
