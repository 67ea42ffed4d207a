"""Readiness: does each dependency answer right now? (`/readyz`; `/healthz` only says the process lives.)

A load balancer takes a worker out of rotation while `/readyz` is 503 and back when it recovers, so a
database restart or a Chroma outage shows as "not ready" instead of a stream of failed requests. Each
probe runs with a timeout in a small thread pool: a hanging dependency makes the check fail, not hang.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from core.metrics import DEPENDENCY_UP

_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="readyz")


@dataclass(frozen=True)
class Check:
    """`probe` raises (or times out) when `name` is unavailable; optional checks are reported only."""

    name: str
    probe: Callable[[], object]
    required: bool = True


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    required: bool
    ms: float
    error: str | None = None  # the exception type, never its message


def run_checks(checks: Sequence[Check], timeout_s: float = 2.0) -> list[CheckResult]:
    started = time.perf_counter()
    futures: list[tuple[Check, Future[object]]] = [(c, _POOL.submit(c.probe)) for c in checks]
    results = []
    for check, future in futures:
        error: str | None = None
        try:
            future.result(timeout=max(0.0, timeout_s - (time.perf_counter() - started)))
        except FutureTimeout:
            error = "Timeout"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            error = type(exc).__name__
        ms = round((time.perf_counter() - started) * 1000, 1)
        results.append(CheckResult(check.name, error is None, check.required, ms, error))
        DEPENDENCY_UP.labels(dependency=check.name).set(1 if error is None else 0)
    return results


def ready(results: Sequence[CheckResult]) -> bool:
    return all(r.ok for r in results if r.required)
