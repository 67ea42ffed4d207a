"""The thread budget reaches native libraries through the environment they read when they load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE = (
    "import core.native_threads, os; "
    "print(os.environ['OMP_NUM_THREADS'], os.environ['OPENBLAS_NUM_THREADS'])"
)


def _probe(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS") and k != "NATIVE_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_one_thread_per_library_by_default() -> None:
    assert _probe() == "1 1"


def test_the_setting_sets_every_library() -> None:
    assert _probe(NATIVE_THREADS="3") == "3 3"


def test_an_explicit_library_variable_wins() -> None:
    assert _probe(NATIVE_THREADS="3", OMP_NUM_THREADS="2") == "2 3"
