"""Redaction throughput and per-message latency: our redactor vs Presidio's default analyzer."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks.result import BenchResult, Table, latency_summary, ratio
from evals.pii_baseline import build_presidio_default, presidio_default_results
from evals.pii_data import generate
from evals.privacy import build_redactor


def _interleaved(
    engines: dict[str, Callable[[str], object]], texts: Sequence[str], warmup: int
) -> dict[str, list[tuple[int, float]]]:
    """Seconds per message for every engine, the engines taking turns message by message.

    Run one after the other, each engine would meet a different load on a shared machine (the
    ratios drifted from 1.3× to 3× between runs); taking turns, they share it. Engine k reads the
    corpus from an offset of k·n/len(engines), so no engine gets a message the previous one just
    read (LAC keeps the last message's words)."""
    n = len(texts)
    offsets = {name: k * n // len(engines) for k, name in enumerate(engines)}
    for i in range(min(warmup, n)):
        for fn in engines.values():
            fn(texts[i])
    timings: dict[str, list[tuple[int, float]]] = {name: [] for name in engines}
    for i in range(n):
        for name, fn in engines.items():
            index = (i + offsets[name]) % n
            t0 = time.perf_counter()
            fn(texts[index])
            timings[name].append((index, time.perf_counter() - t0))
    return timings


def _row(timings: list[tuple[int, float]], keep: Callable[[int], bool]) -> dict[str, Any]:
    seconds = [t for index, t in timings if keep(index)]
    return {
        "messages": len(seconds),
        "msgs_per_s": round(len(seconds) / sum(seconds), 1),
        **latency_summary(seconds),
    }


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

    timings = _interleaved({"redact": redact, "detect": redactor.detect, "presidio": default}, texts, warmup)
    zh = {i for i, m in enumerate(corpus) if m.language == "zh"}

    def everything(index: int) -> bool:
        return True

    def in_chinese(index: int) -> bool:
        return index in zh

    def in_english(index: int) -> bool:
        return index not in zh

    rows = {
        "ours: redact (detect + vault placeholders)": _row(timings["redact"], everything),
        "ours: detect only": _row(timings["detect"], everything),
        "ours: detect, Chinese messages": _row(timings["detect"], in_chinese),
        "ours: detect, English messages": _row(timings["detect"], in_english),
        "Presidio default: analyze": _row(timings["presidio"], everything),
        "Presidio default: analyze, Chinese messages": _row(timings["presidio"], in_chinese),
        "Presidio default: analyze, English messages": _row(timings["presidio"], in_english),
    }
    ours, base = rows["ours: detect only"], rows["Presidio default: analyze"]
    speed = ratio(ours["msgs_per_s"], base["msgs_per_s"])
    return BenchResult(
        name="redaction",
        title="Redaction throughput and latency",
        notes=[
            f"{len(texts)} generated chat messages (`evals.pii_data.generate`, seed 99; {len(chinese)} "
            f"Chinese, {len(english)} English), one at a time on one thread, after {warmup} warm-up "
            "messages, the engines taking turns message by message (so they share the machine's load); "
            "msgs/s is messages over the time spent in that engine. Ours: the product's analyzer (LAC + "
            "spaCy + our recognizers) and `Redactor` with an in-memory SQLite vault. Presidio default: "
            "predefined recognizers + en_core_web_sm, every message as English (see evals/pii_baseline.py). "
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
            "ours_redact_vs_presidio_throughput": ratio(
                rows["ours: redact (detect + vault placeholders)"]["msgs_per_s"], base["msgs_per_s"]
            ),
            "load_s": {"ours": round(ours_load, 1), "presidio": round(presidio_load, 1)},
        },
        seconds=time.perf_counter() - started,
    )
