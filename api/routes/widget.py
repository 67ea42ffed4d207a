"""The customer chat widget: sessions, PII preview, streamed replies, live staff messages, feedback."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from agent.pipeline import WARN_PII
from agent.state import Action, AgentReply
from api import sse
from api.auth import WIDGET_HEADER, WidgetDep
from api.deps import ServicesDep, SessionDep, SettingsDep
from api.errors import Conflict, Forbidden, NotFound
from api.rate_limits import limit
from api.schemas import ConversationOut, WaitingOut
from api.validation import check_text
from api.widget_schemas import CsatIn, FeedbackIn, PreviewOut, SessionIn, SessionOut, TextIn
from channels import widget
from core.wiring import Services
from events.bus import conversation_topic
from services import csat
from services.conversations import read_conversation
from services.handoffs import waiting_for
from services.tiers import TierClaim, verified_tier
from services.widget_sessions import start_session
from storage import repository

router = APIRouter(prefix="/v1/widget", tags=["widget"])


def _widget_token(request: Request) -> str:
    return request.headers.get(WIDGET_HEADER, "")[:128]


@router.post(
    "/sessions",
    response_model=SessionOut,
    status_code=201,
    dependencies=[Depends(limit("session_per_ip"))],
)
def new_session(body: SessionIn, services: ServicesDep, session: SessionDep) -> SessionOut:
    """Start a conversation; the token returned is the customer's key to it."""
    settings = services.settings
    if body.customer_tier:
        raise Forbidden("customer_tier is set by the bank's systems, not by the customer.")
    claim = body.tier_claim
    tier = verified_tier(
        settings.tier_secret,
        TierClaim(claim.customer_id, claim.tier, claim.signature, claim.expires) if claim else None,
        time.time(),
    )
    token, conversation = start_session(
        session,
        services.pseudonymizer,
        settings.widget_token_ttl_hours,
        language=body.language,
        customer_tier=tier,
    )
    return SessionOut(
        token=token,
        conversation_id=conversation.id,
        expires_in_s=int(settings.widget_token_ttl_hours * 3600),
    )


@router.get("/conversation", response_model=ConversationOut)
def my_conversation(
    conversation_id: WidgetDep, session: SessionDep, services: ServicesDep
) -> ConversationOut:
    """The widget's own conversation (redacted), to restore the panel after a reload."""
    conversation = read_conversation(session, conversation_id)
    if conversation is None:
        raise NotFound("the conversation no longer exists")
    out = ConversationOut.model_validate(conversation)
    staff = [m.sender_ref for m in conversation.messages if m.role == "staff" and m.sender_ref]
    names = repository.display_names(session, staff)
    for message, row in zip(out.messages, conversation.messages, strict=True):
        if row.role == "staff" and row.sender_ref:
            message.author_name = names.get(row.sender_ref)
    out.waiting = _waiting(session, services, conversation_id)
    out.survey_handoff_id = csat.pending_survey(session, conversation_id)
    return out


def _waiting(session: Session, services: Services, conversation_id: str) -> WaitingOut | None:
    found = waiting_for(session, conversation_id, services.sla, services.settings.priority_tiers)
    return WaitingOut(**found.__dict__) if found else None


@router.post("/preview", response_model=PreviewOut)
async def preview(body: TextIn, _: WidgetDep, services: ServicesDep, settings: SettingsDep) -> PreviewOut:
    """What would be stored, before sending: the widget warns when an ID or card number is in it."""
    check_text(body.text, settings.max_message_chars)
    redactor = services.redactor
    found = await run_in_threadpool(redactor.detect, body.text)  # one detection pass for both answers
    types = sorted({r.entity_type for r in found})
    masked = redactor.preview(body.text, found)
    return PreviewOut(redacted=masked, pii_types=types, warn=bool(set(types) & WARN_PII))


@router.post(
    "/messages",
    dependencies=[Depends(limit("chat_per_session", _widget_token)), Depends(limit("chat_per_ip"))],
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "meta, token…, done events"}},
)
async def send_message(
    body: TextIn, conversation_id: WidgetDep, services: ServicesDep, settings: SettingsDep
) -> StreamingResponse:
    """Send a message; the reply streams back as Server-Sent Events.

    `meta` (the message as stored, the action), then `token` events with pieces of the reply, then `done`
    (citations as links, handoff id, reply message id). Errors before streaming are ordinary JSON 4xx.
    """
    check_text(body.text, settings.max_message_chars)
    reply = await run_in_threadpool(
        widget.receive, services.conversations, widget.WidgetMessage(conversation_id, body.text)
    )
    waiting = None
    if str(reply.action) in (Action.HANDOFF, Action.HUMAN_MODE):
        with services.sessions() as session:
            waiting = await run_in_threadpool(_waiting, session, services, conversation_id)
    events = _reply_events(reply, waiting, settings.stream_piece_chars, settings.stream_piece_delay_s)
    return sse.stream(events)


async def _reply_events(
    reply: AgentReply, waiting: WaitingOut | None, piece_chars: int, delay_s: float
) -> AsyncIterator[str]:
    yield sse.format_event(
        "meta",
        {
            "message_id": reply.message_id,
            "redacted_text": reply.redacted_text,
            "pii_types": list(reply.pii_types),
            "action": str(reply.action),
            "handoff": reply.handoff_id is not None and str(reply.action) == "handoff",
            # A person will read this message: delivered, queue position, expected first response.
            "waiting": waiting.model_dump(mode="json") if waiting else None,
        },
    )
    text = reply.reply or ""
    for start in range(0, len(text), max(1, piece_chars)):
        yield sse.format_event("token", {"text": text[start : start + piece_chars]})
        if delay_s:
            await asyncio.sleep(delay_s)
    yield sse.format_event(
        "done",
        {
            "reply_message_id": reply.reply_message_id,
            "action": str(reply.action),
            "handoff_id": reply.handoff_id,
            "sources": [{"title": c.title, "url": c.source} for c in reply.citations],
        },
    )


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "ready, staff_joined, …"}},
)
async def events(request: Request, conversation_id: WidgetDep, services: ServicesDep) -> StreamingResponse:
    """Live events of this conversation: staff_joined, staff_message, returned_to_bot, resolved."""
    return sse.relay(request, services.events, conversation_topic(conversation_id))


@router.post("/messages/{message_id}/feedback", status_code=204)
def feedback(
    message_id: str, body: FeedbackIn, conversation_id: WidgetDep, services: ServicesDep
) -> Response:
    """Helpful or not, with an optional comment (redacted before it is stored), on one bot answer."""
    with services.sessions() as session:
        given = widget.Feedback(conversation_id, message_id, body.helpful, body.comment)
        if not widget.record_feedback(session, services.redactor, given):
            raise NotFound(f"no answer {message_id} in this conversation")
    return Response(status_code=204)


@router.post("/csat", status_code=204)
def rate_service(body: CsatIn, conversation_id: WidgetDep, session: SessionDep) -> Response:
    """The customer's 1-5 rating of a resolved case of this conversation (once per case)."""
    try:
        csat.rate(session, conversation_id, body.handoff_id, body.score)
    except csat.CsatRefused as exc:
        raise (NotFound(str(exc)) if exc.missing else Conflict(str(exc))) from exc
    return Response(status_code=204)
