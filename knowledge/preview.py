"""Search the knowledge base as it would be if every draft were published (the editors' "try it" box).

A draft of document `x` is stored beside the live one as document `x@draft` with status "draft", so the
customer-facing retriever (published only) never sees it. The preview view is: every draft, plus every
published document that has no draft; it is ranked by the same fusion and confidence as live answers.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from knowledge.base import KnowledgeBase
from knowledge.chunk import Chunk
from knowledge.chunking import IndexEntry
from knowledge.retriever import (
    DENSE_CANDIDATES,
    PUBLISHED,
    SPARSE_CANDIDATES,
    Candidates,
    KeywordIndex,
    Retrieval,
)

DRAFT = "draft"
DRAFT_SUFFIX = "@draft"


def draft_id(doc_id: str) -> str:
    return doc_id + DRAFT_SUFFIX


def is_draft_id(doc_id: str) -> bool:
    return doc_id.endswith(DRAFT_SUFFIX)


def base_id(doc_id: str) -> str:
    return doc_id.removesuffix(DRAFT_SUFFIX)


class DraftPreview:
    """Retrieval over drafts-overlaid-on-published; the BM25 index is rebuilt after each KB write."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._lock = threading.Lock()
        self._source: KeywordIndex | None = None
        self._index: KeywordIndex | None = None
        self._shown: dict[str, Chunk] = {}  # chunk id → chunk as stored (drafts keep their status)

    def search(self, query: str, k: int = 5) -> Retrieval:
        index, shown = self._view()
        vector = self.kb.embedder.embed_query(query)
        chunks: dict[str, Chunk] = {}
        dense: dict[str, float] = {}
        for entry, similarity in self.kb.store.query(vector, DENSE_CANDIDATES * 2):
            chunk = entry.chunk
            if chunk.id not in shown:
                continue
            if similarity > dense.get(chunk.id, -1.0):
                dense[chunk.id] = similarity
                chunks[chunk.id] = shown[chunk.id]
        best = sorted(index.scores(query).items(), key=lambda kv: -kv[1])[:SPARSE_CANDIDATES]
        sparse = dict(best)
        for chunk_id in sparse:
            chunks.setdefault(chunk_id, shown[chunk_id])
        return self.kb.retriever.rank(query, Candidates(chunks=chunks, dense=dense, sparse=sparse), k)

    def _view(self) -> tuple[KeywordIndex, dict[str, Chunk]]:
        source = self.kb.keywords()
        with self._lock:
            if self._source is not source or self._index is None:
                entries = self.kb.store.entries()
                drafted = {base_id(e.chunk.doc_id) for e in entries if e.chunk.status == DRAFT}
                shown = [e for e in entries if _shown(e, drafted)]
                # KeywordIndex indexes published chunks only: present the shown drafts as published.
                self._index = KeywordIndex(_as_published(e) for e in shown)
                self._shown = {e.chunk.id: e.chunk for e in shown}
                self._source = source
            return self._index, self._shown


def _shown(entry: IndexEntry, drafted: set[str]) -> bool:
    chunk = entry.chunk
    if chunk.status == DRAFT:
        return True
    return chunk.status == PUBLISHED and chunk.doc_id not in drafted


def _as_published(entry: IndexEntry) -> IndexEntry:
    if entry.chunk.status == PUBLISHED:
        return entry
    return replace(entry, chunk=replace(entry.chunk, status=PUBLISHED))
