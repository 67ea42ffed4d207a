"""Search the knowledge base as it would be if every draft were published (the editors' "try it" box).

A draft of document `x` is stored beside the live one as document `x@draft` with status "draft", so the
customer-facing retriever (published only) never sees it. The preview view is: every draft, plus every
published document that has no draft; it is ranked by the same fusion and confidence as live answers.
"""

from __future__ import annotations

import threading
from dataclasses import replace

from knowledge.base import KnowledgeBase, entries_of
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
    """Retrieval over drafts-overlaid-on-published; the view is rebuilt (aside) after each KB write.

    The view is derived from the knowledge base's in-memory index, reusing its tokenised rows: no store
    read, and jieba runs only on the drafts' rows the first time they are shown.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._lock = threading.Lock()
        self._source: KeywordIndex | None = None
        self._index: KeywordIndex | None = None
        self._shown: dict[str, Chunk] = {}  # chunk id → chunk as stored (drafts keep their status)

    def search(self, query: str, k: int = 5) -> Retrieval:
        source, index, shown = self._view()
        vector = self.kb.embedder.embed_query(query)
        chunks: dict[str, Chunk] = {}
        dense: dict[str, float] = {}
        found = [
            *self.kb.store.nearest(vector, DENSE_CANDIDATES * 2),
            *self.kb.store.nearest(vector, DENSE_CANDIDATES, drafts=True),
        ]
        for entry_id, similarity in found:
            chunk_id = source.entry_chunks.get(entry_id)
            if chunk_id is None or chunk_id not in shown:
                continue
            if similarity > dense.get(chunk_id, -1.0):
                dense[chunk_id] = similarity
                chunks[chunk_id] = shown[chunk_id]
        sparse = dict(index.top(query, SPARSE_CANDIDATES))
        for chunk_id in sparse:
            chunks.setdefault(chunk_id, shown[chunk_id])
        return self.kb.retriever.rank(query, Candidates(chunks=chunks, dense=dense, sparse=sparse), k)

    def _view(self) -> tuple[KeywordIndex, KeywordIndex, dict[str, Chunk]]:
        source = self.kb.keywords()
        with self._lock:
            if self._source is not source or self._index is None:
                entries = entries_of(source)
                drafted = {base_id(e.chunk.doc_id) for e in entries if e.chunk.status == DRAFT}
                shown = [e for e in entries if _shown(e, drafted)]
                # KeywordIndex indexes published chunks only: present the shown drafts as published.
                draft_entries = [_as_published(e) for e in shown if e.chunk.status == DRAFT]
                removed = drafted | {e.chunk.doc_id for e in entries if e.chunk.status != PUBLISHED}
                self._index = source.apply(draft_entries, removed)
                self._shown = {e.chunk.id: e.chunk for e in shown}
                self._source = source
            return source, self._index, self._shown


def _shown(entry: IndexEntry, drafted: set[str]) -> bool:
    chunk = entry.chunk
    if chunk.status == DRAFT:
        return True
    return chunk.status == PUBLISHED and chunk.doc_id not in drafted


def _as_published(entry: IndexEntry) -> IndexEntry:
    if entry.chunk.status == PUBLISHED:
        return entry
    return replace(entry, chunk=replace(entry.chunk, status=PUBLISHED))
