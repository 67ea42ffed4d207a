"""The retrieval eval's quick subset (E.SUN and BQ) stays at the recall it measured."""

from __future__ import annotations

from pathlib import Path

from evals import retrieval


def test_quick_retrieval_keeps_its_measured_recall_and_draws_the_sweep(tmp_path: Path) -> None:
    section = retrieval.run(quick=True, plots_dir=tmp_path)
    esun, bq = section.metrics["esun_traditional"], section.metrics["bq"]
    # Measured with the default fusion: E.SUN (15 questions, 60 documents) R@5 1.00; BQ (300 clusters)
    # R@5 0.687, MRR 0.503 vs BM25 alone 0.441.
    assert esun["default"]["r@5"] >= 0.9
    assert bq["default"]["r@5"] >= 0.6
    assert bq["default"]["mrr"] > bq["bm25"]["mrr"], "fusion must beat BM25 alone on paraphrases"
    assert section.metrics["esun_simplified_questions"]["queries"] == retrieval.QUICK_QUESTIONS
    assert all(p.exists() and p.stat().st_size > 0 for p in section.plots)
    assert "| BM25 only |" in section.markdown
