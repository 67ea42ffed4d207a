"""`python -m evals all|retrieval|escalation|privacy|e2e|answers [...] [--quick] [--out DIR]`: evals → report.

Each eval module is imported only when chosen, so one eval's heavy imports (models, data sets) do not
slow down or break another.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from evals.report import REPORTS_DIR, Section, write_report

# Before any model is created: idle OpenMP threads must sleep, not spin (see tests/conftest.py).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

EVALS: dict[str, str] = {
    "retrieval": "evals.retrieval",
    "escalation": "evals.escalation",
    "privacy": "evals.privacy",
    "e2e": "evals.e2e",
    "answers": "evals.answers",
}


def run_eval(name: str, *, quick: bool, plots_dir: Path) -> Section:
    module = importlib.import_module(EVALS[name])
    started = time.perf_counter()
    section: Section = module.run(quick=quick, plots_dir=plots_dir)
    if not section.seconds:
        section.seconds = time.perf_counter() - started
    return section


def main(argv: Sequence[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="+", choices=["all", *EVALS], help="evals to run, or all of them")
    parser.add_argument("--quick", action="store_true", help="small subsets (what the test suite runs)")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR, help="report folder")
    args = parser.parse_args(list(argv) if argv is not None else None)

    names = list(EVALS) if "all" in args.which else list(dict.fromkeys(args.which))
    plots_dir = args.out / "plots"
    plots_dir.mkdir(parents=True, exist_ok=True)
    sections = []
    for name in names:
        print(f"[evals] {name} ...", file=sys.stderr, flush=True)
        section = run_eval(name, quick=args.quick, plots_dir=plots_dir)
        print(f"[evals] {name}: {section.seconds:.0f} s {section.metrics}", file=sys.stderr, flush=True)
        sections.append(section)
    command = "python -m evals " + " ".join(argv if argv is not None else sys.argv[1:])
    path = write_report(sections, args.out, command.strip())
    print(path)
    return path


if __name__ == "__main__":
    main()
