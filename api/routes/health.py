"""Liveness and what is configured."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ServicesDep
from api.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut)
def healthz(services: ServicesDep) -> HealthOut:
    return HealthOut(
        status="ok",
        knowledge_chunks=services.knowledge.count(),
        llm_backend=services.responder.name,
        embedder=services.embedder.name,
    )
