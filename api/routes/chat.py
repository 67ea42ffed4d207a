"""The web widget's conversation endpoint."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from agent.pipeline import UnknownConversation
from agent.state import IncomingMessage
from api.deps import ServicesDep, SettingsDep
from api.errors import NotFound
from api.schemas import ChatIn, ReplyOut
from api.validation import check_text

router = APIRouter(prefix="/v1", tags=["chat"])


@router.post("/chat", response_model=ReplyOut)
async def chat(body: ChatIn, services: ServicesDep, settings: SettingsDep) -> ReplyOut:
    """Send one customer message; get the bot's reply (or a handoff notice). For API clients.

    The browser widget uses /v1/widget/* instead (token-bound conversations, streamed replies).
    """
    check_text(body.text, settings.max_message_chars)
    message = IncomingMessage(
        text=body.text,
        channel="web",
        sender_id=body.customer_id or body.conversation_id or "web-anonymous",
        conversation_id=body.conversation_id,
        customer_tier=body.customer_tier,
    )
    try:
        reply = await run_in_threadpool(services.conversations.handle, message)
    except UnknownConversation as exc:
        raise NotFound(f"conversation {exc} does not exist") from exc
    return ReplyOut.from_reply(reply)
