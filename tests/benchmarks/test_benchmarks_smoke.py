"""Each benchmark runs end to end on a tiny configuration and reports its figures in the agreed shape.

No timing is asserted: only that every benchmark measures, compares with its baseline and writes a report.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import bm25, dense1m, hnsw, ingest, latency, redaction, retrieval
from benchmarks.result import BenchResult, machine, percentile, write_report

TINY_KB = Path(__file__).resolve().parents[1] / "knowledge" / "fixtures" / "kb"


def check(result: BenchResult, name: str) -> None:
    assert result.name == name
    assert result.tables and all(table.rows for table in result.tables)
    assert "×" in result.baseline
    assert result.seconds > 0
    assert result.markdown().startswith(f"## {result.title}")


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 95) == 3.0


def test_latency_through_a_real_server() -> None:
    result = latency.run(concurrency=(1, 2), requests_per_level=4, warmup=1, kb_dir=TINY_KB)
    check(result, "latency")
    levels = result.metrics["levels"]
    assert [lv["clients"] for lv in levels] == [1, 2]
    assert all(lv["errors"] == 0 and lv["requests"] == 4 for lv in levels)
    assert all(lv["p50_ms"] <= lv["p95_ms"] <= lv["p99_ms"] for lv in levels)
    memory = result.metrics["memory"]
    assert memory["after_load_mib"] > 50  # a real process with models loaded, read from /proc
    assert set(result.metrics["turns_per_s_by_workers"]) == {1, 2}  # one and two uvicorn workers
    assert all(row[3] == 0 for row in result.tables[0].rows)  # no errors with two workers either


def test_bm25_at_scale_compares_with_the_previous_path_on_the_same_top() -> None:
    result = bm25.run(chunks=300, rows=6_000, queries=8)
    check(result, "bm25")
    assert result.metrics["rows"] == 6_000
    assert result.metrics["same_top"] == 8


def test_redaction_compares_with_presidio() -> None:
    result = redaction.run(messages=20, warmup=2)
    check(result, "redaction")
    rows = result.metrics["rows"]
    assert rows["ours: detect only"]["messages"] == 20
    assert result.metrics["ours_vs_presidio_throughput"] > 0


def test_retrieval_measures_dense_bm25_and_hybrid() -> None:
    result = retrieval.run(sizes=(300,), queries=3, real_passages=60)
    check(result, "retrieval")
    (size,) = result.metrics["sizes"]
    assert size["chunks"] == 300 and size["queries"] == 3
    assert {"dense", "dense_old", "bm25", "bm25_old", "hybrid", "query_embedding"} <= size.keys()


def test_hnsw_sweep_reports_recall_against_exact_search() -> None:
    result = hnsw.run(size=400, graphs=((8, 40),), efs=(50, 80), real_passages=60)
    check(result, "hnsw")
    rows = result.metrics["rows"]
    assert {(r["engine"], r["ef_search"]) for r in rows} == {
        (e, ef) for e in ("chroma", "faiss") for ef in (50, 80)
    }
    assert all(0.5 <= r["recall_at_10"] <= 1.0 for r in rows)


def test_dense_at_scale_reports_ivf_recall_against_exact_search() -> None:
    result = dense1m.run(size=1_200, nlist=16, codecs=("Flat",), nprobes=(1, 16), real_passages=60)
    check(result, "dense1m")
    rows = result.metrics["rows"]
    assert [(r["index"], r["nprobe"]) for r in rows] == [("IVF16,Flat", 1), ("IVF16,Flat", 16)]
    assert rows[1]["recall_at_10"] == 1.0  # every list probed: exact
    assert 0.0 < rows[0]["recall_at_10"] <= rows[1]["recall_at_10"]


def test_ingest_compares_with_raw_embedding(tmp_path: Path) -> None:
    result = ingest.run(kb_dir=TINY_KB)
    check(result, "ingest")
    assert result.metrics["chunks"] > 0 and result.metrics["vectors"] >= result.metrics["chunks"]
    path = write_report([result], tmp_path, "python -m benchmarks ingest", "latest", machine())
    assert "## Ingestion throughput" in path.read_text(encoding="utf-8")
    payload = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert payload["benchmarks"]["ingest"]["vectors"] == result.metrics["vectors"]


@pytest.mark.parametrize("which", ["nonsense"])
def test_cli_refuses_unknown_benchmarks(which: str) -> None:
    from benchmarks.__main__ import main

    with pytest.raises(SystemExit):
        main([which])
