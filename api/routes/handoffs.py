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
from api.auth import AgentStaffDep, request_token
from api.console_schemas import (
    HandoffDetailOut,
    NoteOut,
    QueueItemOut,
    ResolveIn,
    RevealIn,
    RevealOut,
    SlaOut,
    StaffTextIn,
    TransferIn,
)
from api.deps import ServicesDep, SessionDep
from api.errors import Conflict, Forbidden, InvalidTarget, NotFound
from api.schemas import MessageOut
from core.clock import aware
from events.bus import STAFF_TOPIC
from services import handoffs as console
from services import teams as team_service
from services.csat import MEMBER_ENTITY
from services.handoffs import GENERAL_QUEUE, StaffAction, Transfer
from services.sla import SlaPolicy
from services.staff import resolve_token
from storage import repository
from storage.models import Handoff

router = APIRouter(prefix="/v1/handoffs", tags=["handoffs"])

Status = Literal["open", "claimed", "resolved", "returned"]


@router.get("", response_model=list[QueueItemOut])
def list_handoffs(
    staff: AgentStaffDep,
    session: SessionDep,
    services: ServicesDep,
    status: Status | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    team: Annotated[str | None, Query(max_length=32)] = None,
) -> list[QueueItemOut]:
    """The queue: open and claimed handoffs (or one status), urgent first, then tier, then longest wait.
    `team`: one team's queue, `general` (routed to no team), or `mine` (my teams and the general queue)."""
    teams: list[str] | None = None
    if team == "mine":
        teams = [*team_service.teams_of(session, staff), GENERAL_QUEUE]
    elif team:
        teams = [team]
    rows = console.queue(session, services.settings.priority_tiers, status, limit, teams)
    names = repository.display_names(session, [h.claimed_by for h in rows if h.claimed_by])
    team_names = {t.id: t.name for t in team_service.all_teams(session)}
    return [_item(h, services.sla, names, team_names) for h in rows]


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "ready, handoff.* events"}},
)
async def queue_events(request: Request, _: AgentStaffDep, services: ServicesDep) -> StreamingResponse:
    """Live queue changes (new or re-triaged handoffs, claims, messages) as Server-Sent Events.
    The stream ends (`closed`) once the token is revoked: sign-out or a password change."""
    token = request_token(request) or ""

    def signed_in() -> bool:
        with services.sessions() as session:
            return resolve_token(session, token) is not None

    return sse.relay(request, services.events, STAFF_TOPIC, still_allowed=signed_in)


@router.get("/{handoff_id}", response_model=HandoffDetailOut)
def get_handoff(
    handoff_id: str, _: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> HandoffDetailOut:
    """Summary, category, sentiment, the redacted transcript, what the bot answered, internal notes."""
    handoff = _find(session, handoff_id)
    conversation = handoff.conversation
    base = _item(handoff, services.sla, _names(session, handoff), _team_names(session)).model_dump()
    return HandoffDetailOut(
        **base,
        summary=handoff.summary,
        outcome=handoff.outcome,
        group_id=conversation.group_id,
        mode=conversation.mode,
        messages=[MessageOut.model_validate(m) for m in conversation.messages],
        notes=[NoteOut.model_validate(n) for n in handoff.notes],
        placeholders=[p for p, kind in services.vault.placeholders(conversation.id) if kind != MEMBER_ENTITY],
    )


@router.post("/{handoff_id}/claim", response_model=QueueItemOut)
def claim(handoff_id: str, staff: AgentStaffDep, session: SessionDep, services: ServicesDep) -> QueueItemOut:
    """Take the handoff; the customer's widget shows that a person has joined."""
    handoff = _find(session, handoff_id)
    with _conflicts():
        services.handoffs.claim(StaffAction(session, handoff, staff))
    return _item(handoff, services.sla, _names(session, handoff))


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
    return _item(handoff, services.sla, _names(session, handoff))


@router.post("/{handoff_id}/return", response_model=QueueItemOut)
def return_to_bot(
    handoff_id: str, staff: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> QueueItemOut:
    """Hand the conversation back to the bot without resolving (e.g. it was a plain FAQ after all)."""
    handoff = _find(session, handoff_id)
    with _conflicts():
        services.handoffs.return_to_bot(StaffAction(session, handoff, staff))
    return _item(handoff, services.sla, _names(session, handoff))


@router.post("/{handoff_id}/transfer", response_model=QueueItemOut)
def transfer(
    handoff_id: str, body: TransferIn, staff: AgentStaffDep, session: SessionDep, services: ServicesDep
) -> QueueItemOut:
    """Hand the case on with a note: to a colleague (who has it at once) or to a team's queue. The
    customer's widget shows that the previous person left and who joined."""
    handoff = _find(session, handoff_id)
    with _conflicts():
        try:
            services.handoffs.transfer(
                StaffAction(session, handoff, staff), Transfer(body.to, body.team, body.note)
            )
        except console.TransferRefused as exc:
            raise InvalidTarget(str(exc)) from exc
    return _item(handoff, services.sla, _names(session, handoff), _team_names(session))


@router.post("/{handoff_id}/typing", status_code=204)
def typing(handoff_id: str, staff: AgentStaffDep, session: SessionDep, services: ServicesDep) -> None:
    """The claimer is typing: the customer sees "客服正在输入…" (the console sends this every few seconds
    while the reply box changes; nothing is stored)."""
    with _conflicts():
        services.handoffs.typing(StaffAction(session, _find(session, handoff_id), staff))


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


def _names(session: SessionDep, handoff: Handoff) -> dict[str, str]:
    return repository.display_names(session, [handoff.claimed_by] if handoff.claimed_by else [])


def _team_names(session: SessionDep) -> dict[str, str]:
    return {t.id: t.name for t in team_service.all_teams(session)}


def _item(
    h: Handoff, policy: SlaPolicy, names: dict[str, str], team_names: dict[str, str] | None = None
) -> QueueItemOut:
    sla = console.sla_for(h, policy)
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
        claimed_by_name=names.get(h.claimed_by, h.claimed_by) if h.claimed_by else None,
        team_id=h.team_id,
        team_name=(team_names or {}).get(h.team_id or "") or h.team_id,
        created_at=aware(h.created_at),
        sla=SlaOut(**sla.__dict__),
    )
