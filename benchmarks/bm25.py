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
from scipy import sparse as sp

from benchmarks.result import BenchResult, Table, latency_summary, ratio
from benchmarks.synthetic import entries, query_text
from knowledge.bm25 import SAMPLE_STRIDE, BM25Index, tokenize
from knowledge.retriever import SPARSE_CANDIDATES, KeywordIndex


class PreviousTop:
    """`top` before this change, for queries over many rows: the query terms' rows of a float64 scipy
    matrix copied out and multiplied by their counts (one score per row), then a strided sample's k-th
    score; other queries take the exact sparse path, as they did. Its float64 weights are the index's
    float32 weights widened, so both return the same scores, bit for bit."""

    def __init__(self, index: BM25Index) -> None:
        self.index = index
        indptr = index._indptr  # noqa: SLF001
        self.matrix = sp.csr_matrix(
            (index._weights.astype(np.float64), index._docs, indptr),  # noqa: SLF001
            shape=(len(indptr) - 1, len(index)),
        )

    def top(self, tokens: Sequence[str], k: int) -> list[tuple[str, float]]:
        index = self.index
        lists = index._postings(tokens)  # noqa: SLF001
        n = len(index)
        if len(lists) < 2 or sum(len(rows) for rows, _, _, _ in lists) <= 0.05 * n:
            return index.top_tokens(tokens, k)
        counts: dict[int, int] = {}
        for token in tokens:
            term = index._vocabulary.get(token)  # noqa: SLF001
            if term is not None:
                counts[term] = counts.get(term, 0) + 1
        terms = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        times = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        totals = np.asarray(self.matrix[terms].T @ times, dtype=np.float64)
        sample = totals[::SAMPLE_STRIDE]
        floor = 0.0
        if int(np.count_nonzero(sample > 0)) >= k:
            floor = float(np.partition(sample, len(sample) - k)[len(sample) - k])
        docs = np.flatnonzero(totals >= floor if floor > 0 else totals > 0)
        values = totals[docs]
        if len(docs) > k:
            part = np.argpartition(values, len(values) - k)[len(values) - k :]
            kth = values[part].min()
            above, ties = np.flatnonzero(values > kth), np.flatnonzero(values == kth)
            chosen = np.concatenate([above, ties[: k - len(above)]])
            docs, values = docs[chosen], values[chosen]
        order = np.lexsort((docs, -values))
        keys = index.keys
        return [
            (keys[d], float(v)) for d, v in zip(docs[order].tolist(), values[order].tolist(), strict=True)
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
    index_mib = (index._docs.nbytes + index._weights.nbytes + index._indptr.nbytes) / 2**20  # noqa: SLF001
    rng = random.Random(rows)
    tokens = [tokenize(query_text(rng)) for _ in range(queries)]
    indptr = index._indptr  # noqa: SLF001
    vocabulary = index._vocabulary  # noqa: SLF001
    terms = [{vocabulary[w] for w in q if w in vocabulary} for q in tokens]
    touched = [sum(int(indptr[t + 1] - indptr[t]) for t in ts) for ts in terms]
    previous = PreviousTop(index)
    for q in tokens[:5]:  # warm caches
        index.top_tokens(q, SPARSE_CANDIDATES)
        previous.top(q, SPARSE_CANDIDATES)
    old_s, old_top = _timed(lambda q: previous.top(q, SPARSE_CANDIDATES), tokens)
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
                        "previous: float64 rows copied, sparse matvec",
                        old["p50_ms"],
                        old["p95_ms"],
                        old["p99_ms"],
                    ],
                    [
                        "now: float32 accumulation in place, exact rescoring of the near-top rows",
                        new["p50_ms"],
                        new["p95_ms"],
                        new["p99_ms"],
                    ],
                ],
                caption=(
                    f"{queries} queries; {index.postings:,} postings, {index_mib:.0f} MiB "
                    f"(build {build_s:.1f} s); "
                    "postings per query "
                    f"p50 {int(np.percentile(touched, 50)):,}, p95 {int(np.percentile(touched, 95)):,}; "
                    f"same top {SPARSE_CANDIDATES} on {same}/{queries} queries"
                ),
            )
        ],
        baseline=(
            f"p50 {ratio(old['p50_ms'], new['p50_ms'])}×, p95 {ratio(old['p95_ms'], new['p95_ms'])}× faster"
        ),
        metrics={
            "rows": len(index),
            "index_mib": round(index_mib),
            "previous": old,
            "now": new,
            "same_top": same,
            "queries": queries,
        },
        seconds=time.perf_counter() - started,
    )
