"""`python -m benchmarks [all|latency|redaction|retrieval|ingest|turn_profile] [--quick] [--with-1m]`;
`hnsw`, `bm25` and `dense1m` run by name."""

from __future__ import annotations

import core.native_threads  # noqa: F401  (first: the thread budget, before native libraries load)

# isort: split


import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.result import REPORTS_DIR, BenchResult, machine, write_report
from benchmarks.server import SAMPLE_KB

NAMES = ("latency", "redaction", "retrieval", "ingest", "turn_profile")
EXTRA = ("hnsw", "bm25", "dense1m")  # run by name only: they build large indexes
QUICK_KB_FILES = ("docs/credit-card-loss.md", "docs/transfers.md", "faq/faq_cards.csv")


def _quick_kb() -> Path:
    """A few files of the sample knowledge base, so a quick run's server starts in seconds."""
    folder = Path(tempfile.mkdtemp(prefix="bench-kb-"))
    for name in QUICK_KB_FILES:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SAMPLE_KB / name, folder / name)
    return folder


def _plan(quick: bool, with_1m: bool) -> dict[str, Callable[[], BenchResult]]:
    from benchmarks import bm25, dense1m, hnsw, ingest, latency, redaction, retrieval, turn_profile

    if quick:
        kb = _quick_kb()
        return {
            "latency": lambda: latency.run(
                concurrency=(1, 8, 32), requests_per_level=32, warmup=3, kb_dir=kb
            ),
            "redaction": lambda: redaction.run(messages=150, warmup=5),
            "retrieval": lambda: retrieval.run(sizes=(2_000,), queries=10),
            "ingest": lambda: ingest.run(kb_dir=kb),
            "turn_profile": lambda: turn_profile.run(rounds=1, kb_dir=kb),
            "hnsw": lambda: hnsw.run(size=20_000, graphs=((16, 100),), efs=(50, 100)),
            "bm25": lambda: bm25.run(chunks=2_000, rows=100_000, queries=30),
            "dense1m": lambda: dense1m.run(size=20_000, nlist=128, nprobes=(8, 16)),
        }
    sizes = retrieval.WITH_1M if with_1m else retrieval.DEFAULT_SIZES
    return {
        "latency": lambda: latency.run(),
        "redaction": lambda: redaction.run(),
        "retrieval": lambda: retrieval.run(sizes=sizes),
        "ingest": lambda: ingest.run(),
        "turn_profile": lambda: turn_profile.run(),
        "hnsw": lambda: hnsw.run(),
        "bm25": lambda: bm25.run(),
        "dense1m": lambda: dense1m.run(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("which", nargs="?", default="all", choices=["all", *NAMES, *EXTRA])
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes (under 2 minutes); writes latest-quick.*"
    )
    parser.add_argument("--with-1m", action="store_true", help="add the 1M-chunk retrieval size (long)")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR)
    args = parser.parse_args(argv)
    host = machine()
    plan = _plan(args.quick, args.with_1m)
    names = NAMES if args.which == "all" else (args.which,)
    results = []
    for name in names:
        print(f"running {name} …", file=sys.stderr, flush=True)
        result = plan[name]()
        print(result.markdown() + "\n", flush=True)
        results.append(result)
    command = "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:])
    stem = "latest-quick" if args.quick else "latest"
    if args.which != "all":
        stem += f"-{args.which}"
    path = write_report(results, args.out, command.strip(), stem, host)
    print(f"report: {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
