"""`KnowledgeBase`: the one object the agent and the admin API use to fill and search the knowledge."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from knowledge.chunk import Chunk
from knowledge.chunking import IndexEntry
from knowledge.embedders.base import Embedder
from knowledge.errors import StoreUnavailable
from knowledge.ingest import Ingestor, IngestReport, Progress
from knowledge.loaders import Document
from knowledge.retriever import HybridRetriever, KeywordIndex, Retrieval
from knowledge.store import STORE_FAULTS, ChromaStore, StoredDocument


class KnowledgeBase:
    """The searchable mirror of the knowledge catalog (SQL `kb_documents`/`kb_versions` are the source of
    truth, see services/kb_catalog.py): Chroma holds the chunks and vectors; the in-memory index (chunks by
    id and entry, BM25) is derived from Chroma.

    The index is read from the store on first use (a restarted process searches without re-ingesting).
    A write updates the store, then builds the next index aside from the current one plus what changed
    (jieba runs only on new rows) and swaps it in with one assignment: searches never wait for a write,
    they use the index of the moment they started. Writes are serialised among themselves.
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
        self._load_lock = threading.Lock()
        self._keywords: KeywordIndex | None = None

    def ingest_folder(
        self, path: Path, status: str = "published", progress: Progress | None = None
    ) -> IngestReport:
        with self._write_lock:
            return self._written(lambda: self.ingestor.ingest_folder(path, status, progress=progress))

    def ingest_document(self, doc: Document, status: str = "published") -> IngestReport:
        with self._write_lock:
            known = self.documents([doc.id]) if self._keywords is not None else None
            return self._written(lambda: self.ingestor.ingest_document(doc, status, stored=known))

    def ingest_documents(self, docs: Sequence[Document], status: str = "published") -> IngestReport:
        """Many documents as one write: one embedding batch, one store upsert, one index swap."""
        if not docs:
            return IngestReport()
        with self._write_lock:
            ids = [doc.id for doc in docs]
            known = self.documents(ids) if self._keywords is not None else None
            return self._written(lambda: self.ingestor.ingest_documents(docs, status, stored=known))

    def delete_document(self, doc_id: str) -> bool:
        with self._write_lock:
            current = self._keywords
            if current is not None and doc_id not in current.entries_by_doc:
                return False
            try:
                deleted = self.ingestor.delete_document(doc_id, known=current is not None)
            except BaseException:
                self._swap(current, None)
                raise
            if deleted:
                self._swap(current, current.apply((), (doc_id,)) if current is not None else None)
            return deleted

    def search(self, query: str, k: int = 5, query_vector: Sequence[float] | None = None) -> Retrieval:
        """`query_vector`: the query's embedding when the caller already has it (embedded once per turn).

        Never answers from the in-memory BM25 index alone when the store is down: its confidence is
        calibrated on fused scores, and a bank must not give a wrong answer confidently. Raises
        `StoreUnavailable` instead."""
        try:
            return self.retriever.retrieve(query, self.keywords(), k, query_vector=query_vector)
        except STORE_FAULTS as exc:
            raise StoreUnavailable(f"the knowledge store did not answer ({type(exc).__name__})") from exc

    def ping(self) -> None:
        """Raise unless the store answers now (`count` reads the in-memory index and would not notice)."""
        self.store.ping()

    def count(self) -> int:
        """Number of chunks (an FAQ pair is one chunk, whatever its alt questions)."""
        return len(self.keywords())

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        return self.keywords().chunks.get(chunk_id)

    def documents(self, doc_ids: Iterable[str] | None = None) -> dict[str, StoredDocument]:
        """What the store holds per document (as `ChromaStore.documents`), from memory: no store scan."""
        index = self.keywords()
        wanted = index.entries_by_doc if doc_ids is None else doc_ids
        result = {}
        for doc_id in wanted:
            entries = index.entries_by_doc.get(doc_id)
            if entries:
                first = entries[0].chunk
                chunks = len({e.chunk.id for e in entries})
                result[doc_id] = StoredDocument(doc_id, first.content_hash, first.source, chunks)
        return result

    def keywords(self) -> KeywordIndex:
        current = self._keywords
        if current is not None:
            return current
        with self._load_lock:
            if self._keywords is None:
                self._keywords = KeywordIndex(self.store.entries())
            return self._keywords

    def _written(self, write: Callable[[], IngestReport]) -> IngestReport:
        """Run a store write; then swap in the index built aside from the current one and the change."""
        current = self._keywords
        try:
            report = write()
        except BaseException:
            self._swap(current, None)  # the store may be half-written: reload it on the next search
            raise
        if report.written or report.removed or report.updated:
            removed = (*report.updated, *report.removed)
            self._swap(current, current.apply(report.written, removed) if current is not None else None)
        return report

    def _swap(self, built_from: KeywordIndex | None, new: KeywordIndex | None) -> None:
        """Install `new` if the index is still the one it was built from; else reload on the next search
        (an index loaded from the store while the write ran may have missed part of it)."""
        with self._load_lock:
            self._keywords = new if self._keywords is built_from else None


def entries_of(index: KeywordIndex) -> list[IndexEntry]:
    """Every entry an index was built from (drafts included), in document order."""
    return [entry for entries in index.entries_by_doc.values() for entry in entries]
