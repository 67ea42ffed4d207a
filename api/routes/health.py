"""Liveness (`/healthz`: the process answers; touches no dependency) and readiness (`/readyz`: the
database, the knowledge store (a real call to Chroma, not the in-memory index) and, when configured,
Redis answer now; 503 `not_ready` otherwise)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep
from api.errors import error_body
from api.readiness import Check, ready, run_checks
from api.schemas import HealthOut, ReadyOut
from core.wiring import Services

router = APIRouter(tags=["health"])

READY_TIMEOUT_S = 5.0  # per probe round; a dependency slower than this counts as down


@router.get("/healthz", response_model=HealthOut)
def healthz(services: ServicesDep) -> HealthOut:
    return HealthOut(status="ok", llm_backend=services.responder.name, embedder=services.embedder.name)


def _checks(services: Services) -> list[Check]:
    def database() -> None:
        with services.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    checks = [Check("database", database), Check("knowledge", services.knowledge.ping)]
    ping = getattr(services.events, "ping", None)
    if callable(ping):
        checks.append(Check("redis", ping))
    return checks


@router.get("/readyz", response_model=ReadyOut, responses={503: {"description": "a dependency is down"}})
async def readyz(services: ServicesDep) -> ReadyOut | JSONResponse:
    results = await run_in_threadpool(run_checks, _checks(services), READY_TIMEOUT_S)
    checks = {r.name: {"ok": r.ok, "ms": r.ms, "error": r.error} for r in results}
    if not ready(results):
        body = error_body("not_ready", "A dependency is unavailable.", checks)
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})
    return ReadyOut(status="ready", checks=checks)
