"""Prometheus metrics: what an operator watches on a bank's customer-service agent.

Defined once here and recorded by the services and event listeners (never by the pipeline steps, which
stay free of infrastructure). Labels are small closed sets (steps, reasons, entity types), never ids or
text. `render()` gives the exposition for `GET /metrics`; with several worker processes on one machine,
set `PROMETHEUS_MULTIPROC_DIR` (an empty directory per start) and every worker's numbers are summed.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

NAMESPACE = "bankcs"
_STEP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

TURN_STEP_SECONDS = Histogram(
    "turn_step_seconds",
    "Time spent in each step of a conversation turn (step=total for the whole turn).",
    ["step"],
    namespace=NAMESPACE,
    buckets=_STEP_BUCKETS,
)
HANDOFFS = Counter("handoffs", "Handoffs to a person opened, by reason.", ["reason"], namespace=NAMESPACE)
REDACTIONS = Counter(
    "redactions",
    "Personal data replaced by placeholders, by entity type.",
    ["entity_type"],
    namespace=NAMESPACE,
)
RESIDUAL_GUARD_HITS = Counter(
    "residual_guard_hits",
    "Replies or prompts stopped by the residual-PII guard (something the redactor missed).",
    ["stage"],
    namespace=NAMESPACE,
)
LLM_ERRORS = Counter(
    "llm_errors",
    "Chat-model calls that failed or timed out (the extractive answer took over).",
    ["kind"],
    namespace=NAMESPACE,
)
SLA_BREACHES = Counter(
    "sla_breaches", "Handoffs past their service-level target, by target.", ["target"], namespace=NAMESPACE
)
QUEUE_DEPTH = Gauge(
    "handoff_queue_depth",
    "Handoffs waiting for a person (sampled when scraped).",
    namespace=NAMESPACE,
    multiprocess_mode="max",
)
HTTP_REQUESTS = Histogram(
    "http_request_seconds",
    "HTTP requests by route template, method and status class.",
    ["route", "method", "status"],
    namespace=NAMESPACE,
    buckets=_STEP_BUCKETS,
)
DEPENDENCY_FAULTS = Counter(
    "dependency_faults",
    "Requests answered 503 because a dependency failed, by code (database_unavailable, …).",
    ["code"],
    namespace=NAMESPACE,
)
DEPENDENCY_UP = Gauge(
    "dependency_up",
    "1 when the dependency answered the last readiness check, else 0.",
    ["dependency"],
    namespace=NAMESPACE,
    multiprocess_mode="min",
)


@contextmanager
def timed_step(step: str) -> Iterator[None]:
    """`with timed_step("retrieve"): ...` observes the block's duration (also when it raises)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        TURN_STEP_SECONDS.labels(step=step).observe(time.perf_counter() - started)


def count_redactions(entity_types: list[str]) -> None:
    for entity_type in entity_types:
        REDACTIONS.labels(entity_type=entity_type).inc()


def sample_queue_depth(source: Callable[[], int]) -> None:
    """Read the queue depth from `source` (e.g. a COUNT query) each time metrics are scraped."""
    QUEUE_DEPTH.set_function(lambda: float(source()))


def render() -> tuple[bytes, str]:
    """The exposition text and its content type; all workers' values in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
