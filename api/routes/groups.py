"""Group-chat message events (WeCom/WeChat-style groups)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.concurrency import run_in_threadpool

from api.auth import AgentStaffDep
from api.console_schemas import OutboxItemOut
from api.deps import ServicesDep, SessionDep, SettingsDep
from api.schemas import GroupMessageIn, ReplyOut
from api.validation import check_text
from channels import group

router = APIRouter(prefix="/v1/groups", tags=["groups"])

GroupId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[\w.@:-]+$")]


@router.post("/{group_id}/messages", response_model=ReplyOut)
async def group_message(
    group_id: GroupId, body: GroupMessageIn, services: ServicesDep, settings: SettingsDep
) -> ReplyOut:
    """One message posted in a customer group; `reply` is null when the bot stays silent."""
    check_text(body.text, settings.max_message_chars)
    post = group.GroupPost(
        group_id=group_id,
        sender_id=body.sender_id,
        text=body.text,
        mentions=tuple(body.mentions),
        customer_tier=body.customer_tier,
    )
    reply = await run_in_threadpool(group.receive, services.conversations, post)
    return ReplyOut.from_reply(reply)


@router.get("/{group_id}/outbox", response_model=list[OutboxItemOut])
def outbox(
    group_id: GroupId,
    _: AgentStaffDep,
    session: SessionDep,
    after: Annotated[
        int, Query(ge=0, description="Return items with id > after (the last id you posted)")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[OutboxItemOut]:
    """Staff replies waiting to be posted in the group, oldest first.

    The group connector (WeCom bot etc.) polls this with a staff token (role agent) and keeps the last
    id it posted as `after`; items are never deleted by reading, so a crashed connector can resume.
    """
    return [OutboxItemOut.model_validate(m) for m in group.outbox(session, group_id, after, limit)]
