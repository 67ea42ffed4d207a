"""The customer chat widget: sessions, PII preview, streamed replies, live staff messages, feedback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from agent.pipeline import WARN_PII
from agent.state import AgentReply
from api import sse
from api.auth import WidgetDep
from api.deps import ServicesDep, SessionDep, SettingsDep
from api.errors import NotFound
from api.schemas import ConversationOut
from api.validation import check_text
from api.widget_schemas import FeedbackIn, PreviewOut, SessionIn, SessionOut, TextIn
from channels import widget
from events.bus import conversation_topic
from services.conversations import read_conversation
from services.widget_sessions import start_session

router = APIRouter(prefix="/v1/widget", tags=["widget"])


@router.post("/sessions", response_model=SessionOut, status_code=201)
def new_session(body: SessionIn, services: ServicesDep, session: SessionDep) -> SessionOut:
    """Start a conversation; the token returned is the customer's key to it."""
    settings = services.settings
    token, conversation = start_session(
        session,
        services.pseudonymizer,
        settings.widget_token_ttl_hours,
        language=body.language,
        customer_tier=body.customer_tier,
    )
    return SessionOut(
        token=token,
        conversation_id=conversation.id,
        expires_in_s=int(settings.widget_token_ttl_hours * 3600),
    )


@router.get("/conversation", response_model=ConversationOut)
def my_conversation(conversation_id: WidgetDep, session: SessionDep) -> ConversationOut:
    """The widget's own conversation (redacted), to restore the panel after a reload."""
    conversation = read_conversation(session, conversation_id)
    if conversation is None:
        raise NotFound("the conversation no longer exists")
    return ConversationOut.model_validate(conversation)


@router.post("/preview", response_model=PreviewOut)
async def preview(body: TextIn, _: WidgetDep, services: ServicesDep, settings: SettingsDep) -> PreviewOut:
    """What would be stored, before sending: the widget warns when an ID or card number is in it."""
    check_text(body.text, settings.max_message_chars)
    redactor = services.redactor
    found = await run_in_threadpool(redactor.detect, body.text)
    types = sorted({r.entity_type for r in found})
    masked = await run_in_threadpool(redactor.preview, body.text)
    return PreviewOut(redacted=masked, pii_types=types, warn=bool(set(types) & WARN_PII))


@router.post(
    "/messages",
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
    return sse.stream(_reply_events(reply, settings.stream_piece_chars, settings.stream_piece_delay_s))


async def _reply_events(reply: AgentReply, piece_chars: int, delay_s: float) -> AsyncIterator[str]:
    yield sse.format_event(
        "meta",
        {
            "message_id": reply.message_id,
            "redacted_text": reply.redacted_text,
            "pii_types": list(reply.pii_types),
            "action": str(reply.action),
            "handoff": reply.handoff_id is not None and str(reply.action) == "handoff",
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
