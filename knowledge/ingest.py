"""Incremental ingestion: embed only what changed, remove what disappeared, leave the rest alone."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from knowledge.chunking import DEFAULT_FAQ_INDEXING, MAX_CHARS, FaqIndexing, IndexEntry, index_document
from knowledge.embedders.base import Embedder
from knowledge.loaders import Document, load_folder
from knowledge.store import ChromaStore

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

    def ingest_folder(self, path: Path, status: str = "published") -> IngestReport:
        """Sync the store with `path`: every file is validated before anything is written.

        Documents missing from the folder are removed only if their source file lies under `path`, so
        documents added from elsewhere (another folder, the admin UI) survive.
        """
        folder = Path(path).resolve()
        documents = load_folder(folder)
        plan = self._plan(documents, status)
        chunks = self._write(plan)
        present = {doc.id for doc in documents}
        removed = sorted(
            doc_id
            for doc_id, stored in self.store.documents().items()
            if doc_id not in present and _is_under(stored.source, folder)
        )
        for doc_id in removed:
            self.store.delete_document(doc_id)
        return IngestReport(
            added=tuple(plan.added),
            updated=tuple(plan.updated),
            unchanged=tuple(plan.unchanged),
            removed=tuple(removed),
            chunks=chunks,
        )

    def ingest_document(self, doc: Document, status: str = "published") -> IngestReport:
        plan = self._plan([doc], status)
        chunks = self._write(plan)
        return IngestReport(
            added=tuple(plan.added),
            updated=tuple(plan.updated),
            unchanged=tuple(plan.unchanged),
            chunks=chunks,
        )

    def delete_document(self, doc_id: str) -> bool:
        """True if the document was in the store."""
        if doc_id not in self.store.documents():
            return False
        self.store.delete_document(doc_id)
        return True

    def _plan(self, documents: list[Document], status: str) -> _Plan:
        stored = self.store.documents()
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

    def _write(self, plan: _Plan) -> int:
        """Embed all changed documents in one batch, then replace each document's chunks."""
        entries = [entry for doc_entries in plan.entries.values() for entry in doc_entries]
        if not entries:
            return 0
        vectors = self.embedder.embed_documents([e.text for e in entries])
        by_id = dict(zip((e.id for e in entries), vectors, strict=True))
        for doc_id, doc_entries in plan.entries.items():
            if doc_id in plan.updated:
                self.store.delete_document(doc_id)
            self.store.upsert(doc_entries, [by_id[e.id] for e in doc_entries])
        return len({e.chunk.id for e in entries})


def _is_under(source: str, folder: Path) -> bool:
    return Path(source).is_relative_to(folder)
