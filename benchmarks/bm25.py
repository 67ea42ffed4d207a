"""BM25 top-50 at a million rows: the current `BM25Index.top` beside the previous accumulation, one run.

Rows: synthetic bank-word chunks (`benchmarks/synthetic.py`) tokenised once and repeated to the target
size, so posting lists are as long as in a base that size with the same text. This text is uniform over a
few hundred words: a 2–5-word query touches 1–2 postings per row at any size (real text is skewed, with
far fewer), a worst case in which no early-termination scheme (WAND, block-max, impact ordering) can skip
much, so the figure is the cost of scoring every row. Both implementations must return the same top 50.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmarks.result import BenchResult, Table, latency_summary, ratio
from benchmarks.synthetic import entries, query_text
from knowledge.bm25 import _DENSE_ACCUMULATE, BM25Index, tokenize
from knowledge.retriever import SPARSE_CANDIDATES, KeywordIndex


def previous_top(index: BM25Index, tokens: Sequence[str], k: int) -> list[tuple[str, float]]:
    """`top` before this change, for queries over many rows: numpy fancy-index adds into every row's
    score, then a partition of every positive row (other queries are unchanged and delegated)."""
    counts: dict[int, int] = {}
    for token in tokens:
        term = index._vocabulary.get(token)  # noqa: SLF001
        if term is not None:
            counts[term] = counts.get(term, 0) + 1
    indptr, n = index._indptr, len(index.keys)  # noqa: SLF001
    slices = [(indptr[t], indptr[t + 1], c) for t, c in counts.items() if indptr[t + 1] > indptr[t]]
    if sum(e - s for s, e, _ in slices) <= _DENSE_ACCUMULATE * n:
        return index.top_tokens(tokens, k)
    totals = np.zeros(n)
    for start, end, c in slices:
        weights = index._weights[start:end]  # noqa: SLF001
        totals[index._docs[start:end]] += weights * c if c != 1 else weights  # noqa: SLF001
    docs = np.flatnonzero(totals > 0)
    values = totals[docs]
    if len(docs) > k:
        part = np.argpartition(values, len(values) - k)[len(values) - k :]
        kth = values[part].min()
        above, ties = np.flatnonzero(values > kth), np.flatnonzero(values == kth)
        chosen = np.concatenate([above, ties[: k - len(above)]])
        docs, values = docs[chosen], values[chosen]
    order = np.lexsort((docs, -values))
    return [
        (index.keys[d], float(v)) for d, v in zip(docs[order].tolist(), values[order].tolist(), strict=True)
    ]


def _timed(fn: Any, items: Sequence[Any]) -> tuple[list[float], list[Any]]:
    seconds, out = [], []
    for item in items:
        t0 = time.perf_counter()
        out.append(fn(item))
        seconds.append(time.perf_counter() - t0)
    return seconds, out


def run(*, chunks: int = 10_000, rows: int = 1_000_000, queries: int = 200) -> BenchResult:
    started = time.perf_counter()
    keywords = KeywordIndex(entries(chunks))
    token_rows = keywords.token_rows
    base = [token_rows.encode(text) for _, text in keywords.rows()]  # cached: no jieba
    copies = max(1, rows // len(base))
    t0 = time.perf_counter()
    index = BM25Index.from_rows([f"r{i}" for i in range(len(base) * copies)], base * copies, token_rows)
    build_s = time.perf_counter() - t0
    rng = random.Random(rows)
    tokens = [tokenize(query_text(rng)) for _ in range(queries)]
    indptr = index._indptr  # noqa: SLF001
    vocabulary = index._vocabulary  # noqa: SLF001
    terms = [{vocabulary[w] for w in q if w in vocabulary} for q in tokens]
    touched = [sum(int(indptr[t + 1] - indptr[t]) for t in ts) for ts in terms]
    for q in tokens[:5]:  # warm caches
        index.top_tokens(q, SPARSE_CANDIDATES)
        previous_top(index, q, SPARSE_CANDIDATES)
    old_s, old_top = _timed(lambda q: previous_top(index, q, SPARSE_CANDIDATES), tokens)
    new_s, new_top = _timed(lambda q: index.top_tokens(q, SPARSE_CANDIDATES), tokens)
    same = sum(a == b for a, b in zip(old_top, new_top, strict=True))
    old, new = latency_summary(old_s), latency_summary(new_s)
    return BenchResult(
        name="bm25",
        title=f"BM25 top {SPARSE_CANDIDATES} at {len(index):,} rows",
        notes=[__doc__.split("\n\n")[1].replace("\n", " ") if __doc__ else ""],
        tables=[
            Table(
                ["implementation", "p50 ms", "p95 ms", "p99 ms"],
                [
                    [
                        "previous: fancy-index adds, partition of all rows",
                        old["p50_ms"],
                        old["p95_ms"],
                        old["p99_ms"],
                    ],
                    [
                        "now: sparse matvec, strided-sample k-th score",
                        new["p50_ms"],
                        new["p95_ms"],
                        new["p99_ms"],
                    ],
                ],
                caption=(
                    f"{queries} queries; {index.postings:,} postings (build {build_s:.1f} s); "
                    "postings per query "
                    f"p50 {int(np.percentile(touched, 50)):,}, p95 {int(np.percentile(touched, 95)):,}; "
                    f"same top {SPARSE_CANDIDATES} on {same}/{queries} queries"
                ),
            )
        ],
        baseline=(
            f"p50 {ratio(old['p50_ms'], new['p50_ms'])}×, p95 {ratio(old['p95_ms'], new['p95_ms'])}× faster"
        ),
        metrics={"rows": len(index), "previous": old, "now": new, "same_top": same, "queries": queries},
        seconds=time.perf_counter() - started,
    )
