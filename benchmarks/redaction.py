"""Redaction throughput and per-message latency: our redactor vs Presidio's default analyzer."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.result import BenchResult, Table, latency_summary, ratio
from evals.pii_baseline import build_presidio_default, presidio_default_results
from evals.pii_data import generate
from evals.privacy import build_redactor


def _timed(fn: Callable[[str], object], texts: Sequence[str], warmup: int) -> dict[str, Any]:
    for text in texts[:warmup]:
        fn(text)
    latencies = []
    started = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        fn(text)
        latencies.append(time.perf_counter() - t0)
    wall = time.perf_counter() - started
    return {"messages": len(texts), "msgs_per_s": round(len(texts) / wall, 1), **latency_summary(latencies)}


def run(*, messages: int = 1000, warmup: int = 20) -> BenchResult:
    started = time.perf_counter()
    corpus = generate(messages, seed=99)
    texts = [m.text for m in corpus]
    chinese = [m.text for m in corpus if m.language == "zh"]
    english = [m.text for m in corpus if m.language == "en"]
    t0 = time.perf_counter()
    redactor = build_redactor()
    redactor.detect("我叫张伟，电话13812345678")  # loads LAC and spaCy
    ours_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    presidio = build_presidio_default()
    presidio.analyze("My name is John Smith", language="en")
    presidio_load = time.perf_counter() - t0
    counter = iter(range(10**9))

    def redact(text: str) -> object:
        return redactor.redact(text, f"bench-{next(counter)}")

    def default(text: str) -> object:
        return presidio_default_results(presidio, text)

    rows = {
        "ours: redact (detect + vault placeholders)": _timed(redact, texts, warmup),
        "ours: detect only": _timed(redactor.detect, texts, warmup),
        "ours: detect, Chinese messages": _timed(redactor.detect, chinese, warmup),
        "ours: detect, English messages": _timed(redactor.detect, english, warmup),
        "Presidio default: analyze": _timed(default, texts, warmup),
        "Presidio default: analyze, Chinese messages": _timed(default, chinese, warmup),
        "Presidio default: analyze, English messages": _timed(default, english, warmup),
    }
    ours, base = rows["ours: detect only"], rows["Presidio default: analyze"]
    speed = ratio(ours["msgs_per_s"], base["msgs_per_s"])
    return BenchResult(
        name="redaction",
        title="Redaction throughput and latency",
        notes=[
            f"{len(texts)} generated chat messages (`evals.pii_data.generate`, seed 99; {len(chinese)} "
            f"Chinese, {len(english)} English), one at a time on one thread, after {warmup} warm-up "
            "messages. Ours: the product's analyzer (LAC + spaCy + our recognizers) and `Redactor` with an "
            "in-memory SQLite vault. Presidio default: predefined recognizers + en_core_web_sm, every "
            "message as English (see evals/pii_baseline.py). "
            f"Loading: ours {ours_load:.1f} s, Presidio {presidio_load:.1f} s.",
        ],
        tables=[
            Table(
                ["engine", "messages", "msgs/s", "p50 ms", "p95 ms", "p99 ms"],
                [
                    [k, v["messages"], v["msgs_per_s"], v["p50_ms"], v["p95_ms"], v["p99_ms"]]
                    for k, v in rows.items()
                ],
            )
        ],
        baseline=(
            f"Presidio's default analyzer: ours detects at {speed}× its throughput ({ours['msgs_per_s']} vs "
            f"{base['msgs_per_s']} msgs/s); full redaction with vault writes runs at "
            f"{ratio(rows['ours: redact (detect + vault placeholders)']['msgs_per_s'], base['msgs_per_s'])}×."
        ),
        metrics={
            "rows": rows,
            "ours_vs_presidio_throughput": speed,
            "load_s": {"ours": round(ours_load, 1), "presidio": round(presidio_load, 1)},
        },
        seconds=time.perf_counter() - started,
    )
