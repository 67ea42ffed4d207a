"""Service analytics for supervisors (admins): JSON for the console's analytics screen and for export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.auth import AdminDep
from api.deps import ServicesDep, SessionDep
from services.analytics import analytics

router = APIRouter(prefix="/v1/analytics", tags=["analytics"])


class DayOut(BaseModel):
    day: str
    conversations: int
    handoffs: int


class AnalyticsOut(BaseModel):
    since: datetime
    until: datetime
    conversations: int
    by_channel: dict[str, int]
    bot_resolved: int
    containment: float | None
    handoffs: int
    handoff_rate: float | None
    handoff_reasons: dict[str, int]
    by_tier: dict[str, int]
    first_response_met: float | None
    resolution_met: float | None
    mean_first_response_min: float | None
    mean_resolution_min: float | None
    csat_responses: int
    csat_average: float | None
    csat_distribution: dict[str, int]
    top_gaps: list[dict[str, object]]
    days: list[DayOut]


@router.get("", response_model=AnalyticsOut)
def service_analytics(
    _: AdminDep,
    session: SessionDep,
    services: ServicesDep,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    channel: Annotated[str | None, Query(max_length=16)] = None,
) -> AnalyticsOut:
    """Volumes, bot-resolved share (no handoff, no 👎), handoff reasons, SLA met, CSAT, top gaps, per day."""
    found = analytics(
        session,
        services.sla,
        services.embedder,
        days=days,
        channel=channel,
        gap_threshold=services.knowledge.retriever.threshold,
        tz=services.settings.service_timezone,
    )
    return AnalyticsOut.model_validate(found, from_attributes=True)
