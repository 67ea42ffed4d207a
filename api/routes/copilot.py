"""The staff copilot's API: the suggested replies of a handoff, and staff accepting, editing or discarding
one. Suggestions are drafted by the background loop (services.copilot), never by these requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.auth import AgentStaffDep
from api.deps import ServicesDep, SessionDep
from api.errors import Conflict, NotFound, Unavailable, Unprocessable
from api.security import CleanText
from core.wiring import Services
from services import handoffs as console
from services.copilot import StaffCopilot, SuggestionNotPending, SuggestionRefused
from storage.wecom_models import CopilotSuggestion

router = APIRouter(prefix="/v1/copilot", tags=["copilot"])


class SuggestionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    handoff_id: str
    conversation_id: str
    message_id: str
    kind: str
    text: str
    citations: list[dict[str, Any]]
    checks: dict[str, Any]
    status: str
    final_text: str | None
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: CleanText | None = Field(default=None, min_length=1, max_length=2000)  # set when staff edited it


def _copilot(services: Services) -> StaffCopilot:
    if services.copilot is None:
        raise Unavailable("The staff copilot is not running on this deployment.", code="copilot_unavailable")
    return services.copilot


def _find(session: SessionDep, suggestion_id: str) -> CopilotSuggestion:
    suggestion = session.get(CopilotSuggestion, suggestion_id)
    if suggestion is None:
        raise NotFound(f"suggestion {suggestion_id} does not exist")
    return suggestion


@router.get("/handoffs/{handoff_id}/suggestions", response_model=list[SuggestionOut])
def suggestions(
    handoff_id: str, _: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> list[SuggestionOut]:
    """The handoff's suggestions, newest first; the pending one (if any) is what the console offers."""
    if console.get(session, handoff_id) is None:
        raise NotFound(f"handoff {handoff_id} does not exist")
    return [SuggestionOut.model_validate(s) for s in _copilot(services).for_handoff(session, handoff_id)]


@router.post("/suggestions/{suggestion_id}/accept", response_model=SuggestionOut)
def accept(
    suggestion_id: str, body: AcceptIn, staff: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> SuggestionOut:
    """Send the suggestion as the staff member's reply (edited when `text` is given); recorded and audited."""
    copilot = _copilot(services)
    suggestion = _find(session, suggestion_id)
    try:
        done = copilot.accept(session, services.handoffs, suggestion, staff, body.text)
    except SuggestionNotPending as exc:
        raise Conflict(str(exc)) from exc
    except SuggestionRefused as exc:
        raise Unprocessable(str(exc), code="suggestion_not_compliant") from exc
    except console.ConsoleError as exc:
        raise Conflict(str(exc)) from exc
    return SuggestionOut.model_validate(done)


@router.post("/suggestions/{suggestion_id}/discard", response_model=SuggestionOut)
def discard(
    suggestion_id: str, staff: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> SuggestionOut:
    copilot = _copilot(services)
    try:
        done = copilot.discard(session, _find(session, suggestion_id), staff)
    except SuggestionNotPending as exc:
        raise Conflict(str(exc)) from exc
    return SuggestionOut.model_validate(done)
