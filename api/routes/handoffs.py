"""The handoff console's API: the queue, one handoff in full, and what staff do with it (agent or admin).

Every action that changes data is audited (services.handoffs); revealing an original needs `can_reveal`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api import sse
from api.auth import AgentStaffDep
from api.console_schemas import (
    HandoffDetailOut,
    NoteOut,
    QueueItemOut,
    ResolveIn,
    RevealIn,
    RevealOut,
    SlaOut,
    StaffTextIn,
)
from api.deps import ServicesDep, SessionDep, SettingsDep
from api.errors import Conflict, Forbidden, NotFound
from api.schemas import MessageOut
from core.clock import aware
from core.settings import Settings
from events.bus import STAFF_TOPIC
from services import handoffs as console
from services.handoffs import StaffAction
from storage.models import Handoff

router = APIRouter(prefix="/v1/handoffs", tags=["handoffs"])

Status = Literal["open", "claimed", "resolved", "returned"]


@router.get("", response_model=list[QueueItemOut])
def list_handoffs(
    _: AgentStaffDep,
    session: SessionDep,
    settings: SettingsDep,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[QueueItemOut]:
    """The queue: open and claimed handoffs (or one status), urgent first, then tier, then longest wait."""
    rows = console.queue(session, settings.priority_tiers, status, limit)
    return [_item(h, settings) for h in rows]


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "ready, handoff.* events"}},
)
async def queue_events(request: Request, _: AgentStaffDep, services: ServicesDep) -> StreamingResponse:
    """Live queue changes (new or re-triaged handoffs, claims, messages) as Server-Sent Events."""
    return sse.relay(request, services.events, STAFF_TOPIC)


@router.get("/{handoff_id}", response_model=HandoffDetailOut)
def get_handoff(
    handoff_id: str, _: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> HandoffDetailOut:
    """Summary, category, sentiment, the redacted transcript, what the bot answered, internal notes."""
    handoff = _find(session, handoff_id)
    conversation = handoff.conversation
    base = _item(handoff, services.settings).model_dump()
    return HandoffDetailOut(
        **base,
        summary=handoff.summary,
        outcome=handoff.outcome,
        group_id=conversation.group_id,
        mode=conversation.mode,
        messages=[MessageOut.model_validate(m) for m in conversation.messages],
        notes=[NoteOut.model_validate(n) for n in handoff.notes],
        placeholders=[p for p, _ in services.vault.placeholders(conversation.id)],
    )


@router.post("/{handoff_id}/claim", response_model=QueueItemOut)
def claim(handoff_id: str, staff: AgentStaffDep, session: SessionDep, services: ServicesDep) -> QueueItemOut:
    """Take the handoff; the customer's widget shows that a person has joined."""
    handoff = _find(session, handoff_id)
    with _conflicts():
        services.handoffs.claim(StaffAction(session, handoff, staff))
    return _item(handoff, services.settings)


@router.post("/{handoff_id}/reply", response_model=MessageOut, status_code=201)
def reply(
    handoff_id: str, body: StaffTextIn, staff: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> MessageOut:
    """Reply to the customer: live in the widget, or via GET /v1/groups/{group_id}/outbox for groups."""
    handoff = _find(session, handoff_id)
    with _conflicts():
        message = services.handoffs.reply(StaffAction(session, handoff, staff), body.text)
    return MessageOut.model_validate(message)


@router.post("/{handoff_id}/notes", response_model=NoteOut, status_code=201)
def add_note(
    handoff_id: str, body: StaffTextIn, staff: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> NoteOut:
    """An internal note for colleagues; the customer never sees it."""
    note = services.handoffs.add_note(StaffAction(session, _find(session, handoff_id), staff), body.text)
    return NoteOut.model_validate(note)


@router.post("/{handoff_id}/resolve", response_model=QueueItemOut)
def resolve(
    handoff_id: str, body: ResolveIn, staff: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> QueueItemOut:
    """Close the handoff with an outcome; the conversation goes back to the bot."""
    handoff = _find(session, handoff_id)
    with _conflicts():
        if body.note:
            services.handoffs.add_note(StaffAction(session, handoff, staff), body.note)
        services.handoffs.resolve(StaffAction(session, handoff, staff), body.outcome)
    return _item(handoff, services.settings)


@router.post("/{handoff_id}/return", response_model=QueueItemOut)
def return_to_bot(
    handoff_id: str, staff: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> QueueItemOut:
    """Hand the conversation back to the bot without resolving (e.g. it was a plain FAQ after all)."""
    handoff = _find(session, handoff_id)
    with _conflicts():
        services.handoffs.return_to_bot(StaffAction(session, handoff, staff))
    return _item(handoff, services.settings)


@router.post("/{handoff_id}/reveal", response_model=RevealOut)
async def reveal(
    handoff_id: str, body: RevealIn, staff: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> RevealOut:
    """The original value behind a placeholder: needs `can_reveal` and a reason; always audited."""
    handoff = _find(session, handoff_id)
    try:
        original = await run_in_threadpool(
            services.handoffs.reveal, StaffAction(session, handoff, staff), body.placeholder, body.reason
        )
    except console.RevealRefused as exc:
        raise Forbidden(str(exc)) from exc
    if original is None:
        raise NotFound(f"{body.placeholder} does not occur in this conversation")
    return RevealOut(placeholder=body.placeholder, original=original)


def _find(session: SessionDep, handoff_id: str) -> Handoff:
    handoff = console.get(session, handoff_id)
    if handoff is None:
        raise NotFound(f"handoff {handoff_id} does not exist")
    return handoff


@contextmanager
def _conflicts() -> Iterator[None]:
    """A state conflict in services.handoffs becomes 409 `conflict`."""
    try:
        yield
    except console.ConsoleError as exc:
        raise Conflict(str(exc)) from exc


def _item(h: Handoff, settings: Settings) -> QueueItemOut:
    sla = console.sla_for(h, settings.sla_first_response_hours, settings.sla_resolution_hours)
    return QueueItemOut(
        id=h.id,
        conversation_id=h.conversation_id,
        status=h.status,
        reason=h.reason,
        category=h.category,
        urgency=h.urgency,
        sentiment=h.sentiment,
        customer_tier=h.conversation.customer_tier,
        channel=h.conversation.channel,
        question=str(h.summary.get("question", "")),
        claimed_by=h.claimed_by,
        created_at=aware(h.created_at),
        sla=SlaOut(**sla.__dict__),
    )
