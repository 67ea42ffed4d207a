"""Incremental ingestion: embed only what changed, remove what disappeared, leave the rest alone.

Writes are batched: texts are embedded in length-sorted batches (less padding), and vectors are upserted
in pages across documents, not one call per document; replaced documents are deleted in one call. The
only full read of the store is the folder sync's change detection (once per sync, not per document).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from knowledge.chunking import DEFAULT_FAQ_INDEXING, MAX_CHARS, FaqIndexing, IndexEntry, index_document
from knowledge.embedders.base import Embedder
from knowledge.loaders import Document, load_folder
from knowledge.store import ChromaStore, StoredDocument

log = logging.getLogger(__name__)

# Texts embedded per call, and vectors per upsert (after sorting by length: similar lengths share a batch).
EMBED_BATCH = 64
WRITE_BATCH = 512
# progress(vectors done, vectors in total): called after each batch is stored.
Progress = Callable[[int, int], None]

# Bump when chunking or indexing changes meaning, so every document is re-embedded once.
PIPELINE_VERSION = 1


@dataclass(frozen=True)
class IngestReport:
    """Document ids per outcome; `chunks` counts the chunks (re)written by this run."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    chunks: int = 0
    # The entries written (so an in-memory index can be updated without re-reading the store).
    written: tuple[IndexEntry, ...] = field(default=(), repr=False, compare=False)

    def __str__(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.removed)} removed, {self.chunks} chunks written"
        )


@dataclass
class _Plan:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    entries: dict[str, list[IndexEntry]] = field(default_factory=dict)


def content_hash(doc: Document, status: str, faq_indexing: FaqIndexing = DEFAULT_FAQ_INDEXING) -> str:
    """Everything that changes what is stored or embedded for `doc`, the pipeline's settings included."""
    payload = {
        "doc": [doc.id, doc.title, doc.category, list(doc.tags), doc.source, doc.body, doc.kind],
        "faq": [doc.question, doc.answer, list(doc.alt_questions)],
        "translations": {lang: asdict(t) for lang, t in sorted(doc.translations.items())},
        "status": status,
        "pipeline": [PIPELINE_VERSION, MAX_CHARS, faq_indexing],
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


class Ingestor:
    def __init__(
        self, store: ChromaStore, embedder: Embedder, *, faq_indexing: FaqIndexing = DEFAULT_FAQ_INDEXING
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.faq_indexing: FaqIndexing = faq_indexing

    def ingest_folder(
        self, path: Path, status: str = "published", *, progress: Progress | None = None
    ) -> IngestReport:
        """Sync the store with `path`: every file is validated before anything is written.

        Documents missing from the folder are removed only if their source file lies under `path`, so
        documents added from elsewhere (another folder, the admin UI) survive.
        """
        folder = Path(path).resolve()
        documents = load_folder(folder)
        stored = self.store.documents()  # one read of every document's metadata per sync
        plan = self._plan(documents, status, stored)
        chunks, written = self._write(plan, progress)
        present = {doc.id for doc in documents}
        removed = sorted(
            doc_id
            for doc_id, known in stored.items()
            if doc_id not in present and _is_under(known.source, folder)
        )
        if removed:
            self.store.delete_documents(removed)
        return IngestReport(
            added=tuple(plan.added),
            updated=tuple(plan.updated),
            unchanged=tuple(plan.unchanged),
            removed=tuple(removed),
            chunks=chunks,
            written=written,
        )

    def ingest_document(
        self,
        doc: Document,
        status: str = "published",
        *,
        stored: Mapping[str, StoredDocument] | None = None,
    ) -> IngestReport:
        """`stored`: what the store holds for `doc.id` when the caller knows (else it is read for this id)."""
        return self.ingest_documents([doc], status, stored=stored)

    def ingest_documents(
        self,
        docs: Sequence[Document],
        status: str = "published",
        *,
        stored: Mapping[str, StoredDocument] | None = None,
    ) -> IngestReport:
        """Several documents in one plan and one batched write (embedding and upserts in batches)."""
        known = self.store.documents([doc.id for doc in docs]) if stored is None else stored
        plan = self._plan(list(docs), status, known)
        chunks, written = self._write(plan, None)
        return IngestReport(
            added=tuple(plan.added),
            updated=tuple(plan.updated),
            unchanged=tuple(plan.unchanged),
            chunks=chunks,
            written=written,
        )

    def delete_document(self, doc_id: str, *, known: bool = False) -> bool:
        """True if the document was in the store (`known`: the caller has checked that it is)."""
        if not known and doc_id not in self.store.documents([doc_id]):
            return False
        self.store.delete_document(doc_id)
        return True

    def _plan(self, documents: list[Document], status: str, stored: Mapping[str, StoredDocument]) -> _Plan:
        plan = _Plan()
        for doc in documents:
            digest = content_hash(doc, status, self.faq_indexing)
            previous = stored.get(doc.id)
            if previous is not None and previous.content_hash == digest:
                plan.unchanged.append(doc.id)
                continue
            (plan.updated if previous is not None else plan.added).append(doc.id)
            plan.entries[doc.id] = index_document(
                doc, content_hash=digest, status=status, faq_indexing=self.faq_indexing
            )
        return plan

    def _write(self, plan: _Plan, progress: Progress | None) -> tuple[int, tuple[IndexEntry, ...]]:
        """Delete the old chunks of updated documents, then embed and upsert in length-sorted batches."""
        entries = [entry for doc_entries in plan.entries.values() for entry in doc_entries]
        if not entries:
            return 0, ()
        if plan.updated:
            self.store.delete_documents(plan.updated)
        embed_and_store(self.store, self.embedder, entries, progress)
        return len({e.chunk.id for e in entries}), tuple(entries)


def embed_and_store(
    store: ChromaStore, embedder: Embedder, entries: Sequence[IndexEntry], progress: Progress | None = None
) -> None:
    """Embed `entries` in batches of similar length and upsert each page as soon as it is embedded."""
    order = sorted(range(len(entries)), key=lambda i: len(entries[i].text))
    total, done = len(entries), 0
    started = time.perf_counter()
    for start in range(0, total, WRITE_BATCH):
        part = [entries[i] for i in order[start : start + WRITE_BATCH]]
        vectors: list[list[float]] = []
        for b in range(0, len(part), EMBED_BATCH):
            vectors.extend(embedder.embed_documents([e.text for e in part[b : b + EMBED_BATCH]]))
        store.upsert(part, vectors)
        done += len(part)
        if progress is not None:
            progress(done, total)
        elapsed = time.perf_counter() - started
        log.info("ingest: %d/%d vectors stored (%.0f/s)", done, total, done / elapsed if elapsed else 0.0)


def _is_under(source: str, folder: Path) -> bool:
    return Path(source).is_relative_to(folder)
