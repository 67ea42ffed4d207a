"""The handoff queue: what the bot passed to people, most urgent first."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from agent import repository
from agent.models import Handoff
from api.deps import SessionDep
from api.errors import NotFound
from api.schemas import HandoffOut

router = APIRouter(prefix="/v1/handoffs", tags=["handoffs"])

Status = Literal["open", "claimed", "resolved", "returned"]


@router.get("", response_model=list[HandoffOut])
def list_handoffs(
    session: SessionDep,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[HandoffOut]:
    return [HandoffOut.model_validate(h) for h in repository.list_handoffs(session, status, limit)]


@router.get("/{handoff_id}", response_model=HandoffOut)
def get_handoff(handoff_id: str, session: SessionDep) -> HandoffOut:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound(f"handoff {handoff_id} does not exist")
    return HandoffOut.model_validate(handoff)
