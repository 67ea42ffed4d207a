"""Dependency faults → 503 with a machine-readable code and `Retry-After`, never a 500.

A database that is locked, restarting or unreachable, a Chroma server that is down, a Redis that went
away: none of these is the caller's fault or a bug, and each passes. The caller gets 503 and a code
naming what is missing (`database_unavailable`, `knowledge_unavailable`, `llm_unavailable`,
`broker_unavailable`); the log gets the exception type, never its message (it may quote SQL parameters).
"""

from __future__ import annotations

import inspect
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from api.errors import error_body
from core.metrics import DEPENDENCY_FAULTS

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5
_MESSAGES = {
    "database_unavailable": "The database is busy or unreachable; please try again shortly.",
    "knowledge_unavailable": "The knowledge base is unreachable; please try again shortly.",
    "llm_unavailable": "The language model is unreachable; please try again shortly.",
    "broker_unavailable": "The message broker is unreachable; please try again shortly.",
}


def _fault_types() -> dict[str, tuple[type[Exception], ...]]:
    """Exception types per code, from whichever client libraries are installed."""
    import sqlalchemy.exc as sa_exc

    from knowledge.errors import StoreError

    types: dict[str, list[type[Exception]]] = {
        "database_unavailable": [
            sa_exc.OperationalError,  # "database is locked", connection refused or terminated
            sa_exc.InterfaceError,
            sa_exc.TimeoutError,  # connection pool exhausted
            sa_exc.DisconnectionError,
        ],
        "knowledge_unavailable": [StoreError],
        "llm_unavailable": [],
        "broker_unavailable": [],
    }
    try:
        import chromadb.errors
        import httpx

        types["knowledge_unavailable"] += [chromadb.errors.InternalError, httpx.TransportError]
    except ImportError:  # pragma: no cover - chromadb is a core dependency
        pass
    try:
        import openai

        types["llm_unavailable"] += [
            openai.APIConnectionError,  # APITimeoutError is one
            openai.InternalServerError,
        ]
    except ImportError:  # pragma: no cover
        pass
    try:
        import redis

        types["broker_unavailable"] += [redis.ConnectionError, redis.TimeoutError]
    except ImportError:
        pass
    return {code: tuple(found) for code, found in types.items() if found}


def fault_code(exc: BaseException) -> str | None:
    """The 503 code for a dependency fault (also when wrapped as another exception's cause)."""
    seen = 0
    current: BaseException | None = exc
    while current is not None and seen < 5:
        for code, types in FAULT_TYPES.items():
            if isinstance(current, types):
                return code
        current = current.__cause__ or current.__context__
        seen += 1
    return None


FAULT_TYPES = _fault_types()


def unavailable(code: str) -> JSONResponse:
    return JSONResponse(
        error_body(code, _MESSAGES.get(code, "A dependency is unavailable; please try again shortly.")),
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


def install_fault_handlers(app: FastAPI) -> None:
    """Register after `install_error_handlers`: these types are more specific than `Exception`."""

    async def _fault(request: Request, exc: Exception) -> JSONResponse:
        code = fault_code(exc) or "dependency_unavailable"
        DEPENDENCY_FAULTS.labels(code=code).inc()
        log.warning("%s on %s %s: %s", code, request.method, request.url.path, type(exc).__name__)
        return unavailable(code)

    for types in FAULT_TYPES.values():
        for exc_type in types:
            app.add_exception_handler(exc_type, _fault)

    # A fault wrapped in another exception (raised `from` it) reaches the catch-all: look at its causes.
    bug_handler = app.exception_handlers.get(Exception)

    async def _fault_or_bug(request: Request, exc: Exception) -> Response:
        if fault_code(exc) is not None or bug_handler is None:
            return await _fault(request, exc)
        response = bug_handler(request, exc)
        return await response if inspect.isawaitable(response) else response

    app.add_exception_handler(Exception, _fault_or_bug)
