"""The shape every eval returns, and the Markdown report assembled from them."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# The public sets, copied from the team's shared folder with their README (sources, licences): in the
# repository so that evals and their test subsets run the same on any clone; EVALDATA_DIR overrides.
SHARED_EVALDATA = Path(os.environ.get("EVALDATA_DIR", Path(__file__).resolve().parent / "data" / "public"))
REPORTS_DIR = Path(__file__).resolve().parent / "reports"


@dataclass
class Section:
    """One eval's part of the report.

    `markdown`: tables and prose (no top-level heading; the report adds `## {title}`);
    `metrics`: the headline figures as plain JSON values (kept in the report's metrics.json, read by tests
    and the README); `plots`: image files written under the plots dir, referenced from `markdown`.
    """

    title: str
    markdown: str
    metrics: dict[str, Any] = field(default_factory=dict)
    plots: list[Path] = field(default_factory=list)
    seconds: float = 0.0


def markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.3f}"
        return str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write_report(sections: list[Section], out_dir: Path, command: str) -> Path:
    """Write `report.md` and `metrics.json` into out_dir; returns the report path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    head = [
        "# Evaluation report",
        "",
        f"- date: {now}",
        f"- command: `{command}`",
        f"- machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "",
    ]
    body: list[str] = []
    for s in sections:
        body += [f"## {s.title}", "", s.markdown.strip(), "", f"_({s.seconds:.0f} s)_", ""]
    path = out_dir / "report.md"
    path.write_text("\n".join(head + body), encoding="utf-8")
    metrics = {s.title: s.metrics for s in sections}
    (out_dir / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
