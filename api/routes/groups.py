"""Group-chat message events (WeCom/WeChat-style groups)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from api.auth import ConnectorDep, require_roles
from api.console_schemas import OutboxItemOut
from api.deps import ServicesDep, SessionDep, SettingsDep
from api.rate_limits import limit
from api.schemas import DirectItemOut, DirectReplyIn, DirectReplyOut, GroupMessageIn, ReplyOut
from api.security import MAX_INT64
from api.validation import check_text
from channels import group
from storage.models import StaffUser

router = APIRouter(prefix="/v1/groups", tags=["groups"])

OutboxReaderDep = Annotated[StaffUser, Depends(require_roles("connector", "agent"))]
GroupId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[\w.@:-]+$")]


def _group_key(request: Request) -> str:
    return str(request.path_params.get("group_id", ""))


@router.post(
    "/{group_id}/messages",
    response_model=ReplyOut,
    dependencies=[Depends(limit("group_per_group", _group_key))],
)
async def group_message(
    group_id: GroupId, body: GroupMessageIn, _: ConnectorDep, services: ServicesDep, settings: SettingsDep
) -> ReplyOut:
    """One message posted in a customer group; `reply` is null when the bot stays silent.

    Only the group connector (role connector) posts here: it vouches for `sender_id` and the tier."""
    check_text(body.text, settings.max_message_chars)
    post = group.GroupPost(
        group_id=group_id,
        sender_id=body.sender_id,
        text=body.text,
        mentions=tuple(body.mentions),
        customer_tier=body.customer_tier,
    )
    reply = await run_in_threadpool(group.receive, services.conversations, post, services.vault)
    return ReplyOut.from_reply(reply)


@router.get("/{group_id}/outbox", response_model=list[OutboxItemOut])
def outbox(
    group_id: GroupId,
    _: OutboxReaderDep,
    session: SessionDep,
    after: Annotated[
        int, Query(ge=0, le=MAX_INT64, description="Return items with id > after (the last id you posted)")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[OutboxItemOut]:
    """Staff replies waiting to be posted in the group, oldest first.

    The group connector (WeCom bot etc.) polls this with its token (role connector) and keeps the last
    id it posted as `after`; items are never deleted by reading, so a crashed connector can resume.
    """
    return [OutboxItemOut.model_validate(m) for m in group.outbox(session, group_id, after, limit)]


@router.get("/{group_id}/direct", response_model=list[DirectItemOut])
def direct_outbox(
    group_id: GroupId,
    _: ConnectorDep,
    services: ServicesDep,
    session: SessionDep,
    after: Annotated[int, Query(ge=0, le=MAX_INT64, description="Return items with id > after")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DirectItemOut]:
    """Messages for one member each, to send one-to-one (the channel's direct message), NEVER in the
    group: today the satisfaction survey after a group customer's case is resolved. Polled like the
    outbox (keep the last id sent as `after`); only the connector reads it (it carries member ids)."""
    items = group.direct_outbox(session, services.vault, group_id, after, limit)
    return [DirectItemOut(**item.__dict__) for item in items]


@router.post("/{group_id}/direct-replies", response_model=DirectReplyOut)
def direct_reply(
    group_id: GroupId, body: DirectReplyIn, _: ConnectorDep, services: ServicesDep, session: SessionDep
) -> DirectReplyOut:
    """A member's one-to-one reply to a direct item: a 1-5 score (or 满意/一般/不满意) is stored with their
    case and `reply` is the thanks to send back privately; anything else is not recorded."""
    answered = group.private_answer(session, services.conversations, group_id, body.sender_id, body.text)
    if answered is None:
        return DirectReplyOut(recorded=False)
    handoff_id, score, thanks = answered
    return DirectReplyOut(recorded=True, handoff_id=handoff_id, score=score, reply=thanks)
