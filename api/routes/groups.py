"""Group-chat message events (WeCom/WeChat-style groups)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.concurrency import run_in_threadpool

from agent.state import IncomingMessage
from api.deps import AgentDep, SettingsDep
from api.schemas import GroupMessageIn, ReplyOut
from api.validation import check_text

router = APIRouter(prefix="/v1/groups", tags=["groups"])

GroupId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[\w.@:-]+$")]


@router.post("/{group_id}/messages", response_model=ReplyOut)
async def group_message(
    group_id: GroupId, body: GroupMessageIn, agent: AgentDep, settings: SettingsDep
) -> ReplyOut:
    """One message posted in a customer group; `reply` is null when the bot stays silent."""
    check_text(body.text, settings.max_message_chars)
    message = IncomingMessage(
        text=body.text,
        channel="group",
        sender_id=body.sender_id,
        group_id=group_id,
        mentions=tuple(body.mentions),
        customer_tier=body.customer_tier,
    )
    return ReplyOut.from_reply(await run_in_threadpool(agent.handle, message))
