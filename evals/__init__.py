"""Evaluations on data written by others (evals/data/public) and by us (evals/data).

`python -m evals all` runs every eval and writes a Markdown report with plots under evals/reports/.
Each eval module exposes `run(*, quick: bool, plots_dir: Path) -> Section`.

evals/reports/ holds the latest full report (report.md, metrics.json, plots/*.png) and is committed, so
a change that moves a figure shows in review; `--quick` runs and scratch output go elsewhere (`--out`).
"""
