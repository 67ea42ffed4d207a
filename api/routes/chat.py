"""The web widget's conversation endpoint."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from agent.pipeline import UnknownConversation
from agent.state import IncomingMessage
from api.auth import ChatCallerDep
from api.deps import ServicesDep, SessionDep, SettingsDep
from api.errors import Forbidden, NotFound, Unauthorized
from api.rate_limits import limit
from api.schemas import ChatIn, ReplyOut
from api.validation import check_text
from services.widget_sessions import start_session

router = APIRouter(prefix="/v1", tags=["chat"])


@router.post("/chat", response_model=ReplyOut, dependencies=[Depends(limit("chat_per_ip"))])
async def chat(
    body: ChatIn, caller: ChatCallerDep, services: ServicesDep, settings: SettingsDep, session: SessionDep
) -> ReplyOut:
    """Send one customer message; get the bot's reply (or a handoff notice). For API clients.

    Naming an existing `conversation_id` needs its widget token (`X-Widget-Token`) or a connector's
    bearer token; a caller with neither starts a new conversation and gets its `widget_token`.
    `customer_id` and `customer_tier` come from the bank's systems only (a connector).
    The browser widget uses /v1/widget/* instead (token-bound conversations, streamed replies).
    """
    check_text(body.text, settings.max_message_chars)
    if caller.connector is None and (body.customer_tier or body.customer_id):
        raise Forbidden("customer_id and customer_tier are set by the bank's systems (a connector token).")
    issued: str | None = None
    conversation_id = body.conversation_id
    if conversation_id is not None and not caller.may_write(conversation_id):
        if caller.conversation_id is None:
            raise Unauthorized("Continuing a conversation needs its widget token (X-Widget-Token).")
        raise Forbidden("This widget token belongs to another conversation.")
    if conversation_id is None and caller.connector is None:
        conversation_id = caller.conversation_id
        if conversation_id is None:  # a new anonymous conversation, continued with the token issued here
            issued, conversation = start_session(
                session, services.pseudonymizer, settings.widget_token_ttl_hours
            )
            conversation_id = conversation.id
    message = IncomingMessage(
        text=body.text,
        channel="web",
        sender_id=body.customer_id or conversation_id or "web-api",
        conversation_id=conversation_id,
        customer_tier=body.customer_tier,
    )
    try:
        reply = await run_in_threadpool(services.conversations.handle, message)
    except UnknownConversation as exc:
        raise NotFound(f"conversation {exc} does not exist") from exc
    return ReplyOut.from_reply(reply).model_copy(update={"widget_token": issued})
