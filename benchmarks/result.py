"""What every benchmark returns, percentile helpers, and the Markdown/JSON report."""

from __future__ import annotations

import json
import math
import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evals.report import markdown_table

REPORTS_DIR = Path(__file__).resolve().parent / "reports"


@dataclass
class Table:
    header: list[str]
    rows: list[list[Any]]
    caption: str = ""

    def markdown(self) -> str:
        table = markdown_table(self.header, self.rows)
        return f"{self.caption}\n\n{table}" if self.caption else table


@dataclass
class BenchResult:
    """`baseline`: one line naming the baseline and the ratio measured against it in the same run."""

    name: str
    title: str
    tables: list[Table]
    baseline: str
    metrics: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def markdown(self) -> str:
        parts = [f"## {self.title}", *self.notes, *(t.markdown() for t in self.tables)]
        parts += [f"**Baseline:** {self.baseline}", f"_({self.seconds:.0f} s)_"]
        return "\n\n".join(parts)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p95/p99 and mean in milliseconds."""
    return {
        "p50_ms": round(1000 * percentile(seconds, 50), 2),
        "p95_ms": round(1000 * percentile(seconds, 95), 2),
        "p99_ms": round(1000 * percentile(seconds, 99), 2),
        "mean_ms": round(1000 * sum(seconds) / len(seconds), 2),
    }


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("inf")


def machine() -> dict[str, Any]:
    load1, load5, _ = os.getloadavg()
    return {
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_average_at_start": [round(load1, 2), round(load5, 2)],
    }


def write_report(
    results: list[BenchResult], out_dir: Path, command: str, stem: str, host: dict[str, Any]
) -> Path:
    """`<stem>.md` and `<stem>.json` in out_dir; returns the Markdown path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = [
        "# Benchmark report",
        "",
        f"- date: {now}",
        f"- command: `{command}`",
        f"- machine: {host['machine']}, {host['cpus']} CPUs, Python {host['python']}; load average at start "
        f"{host['load_average_at_start'][0]} (1 min) — other work on the machine shows up in the figures",
        f"- total: {sum(r.seconds for r in results):.0f} s",
        "",
    ]
    path = out_dir / f"{stem}.md"
    body = "\n\n".join(r.markdown() for r in results)
    path.write_text("\n".join(head) + "\n" + body + "\n", encoding="utf-8")
    payload = {
        "date": now,
        "command": command,
        "host": host,
        "benchmarks": {
            r.name: {**r.metrics, "baseline": r.baseline, "seconds": round(r.seconds, 1)} for r in results
        },
    }
    (out_dir / f"{stem}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
