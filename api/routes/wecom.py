"""WeCom endpoints: the 微信客服 callback (URL verification and events) and the channel's health.

The callback answers within WeCom's few seconds: it checks the signature, decrypts and queues; the pull
and the agent's work happen in the background worker. A forged or foreign callback gets 400 with a
code; WeCom not configured is 404.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as ApiPath
from fastapi.responses import FileResponse, PlainTextResponse
from pydantic import BaseModel, Field

import channels.wecom
from api.auth import TOKEN_COOKIE, AgentStaffDep, current_staff
from api.deps import ServicesDep, SessionDep
from api.errors import AppError, Conflict, Forbidden, NotFound, Unavailable, Unprocessable
from channels.wecom.crypto import CallbackError
from channels.wecom.customer_links import CustomerLink, CustomerLinks, RevealRefused
from channels.wecom.drafts import Draft, DraftNotPending, DraftStatus
from channels.wecom.group_rules import GroupConfig
from channels.wecom.group_store import group_analytics
from channels.wecom.runtime import WeComRuntime
from core.clock import utcnow
from core.status import StaffRole
from core.wiring import Services
from services import staff as staff_service
from storage.models import StaffUser

router = APIRouter(prefix="/v1/wecom", tags=["wecom"])

Signature = Annotated[str, Query(min_length=1, max_length=128)]
Stamp = Annotated[str, Query(min_length=1, max_length=64)]


def _wecom(services: Services) -> WeComRuntime:
    if services.wecom is None:
        raise NotFound("WeCom is not configured on this deployment.", code="wecom_not_configured")
    return services.wecom


def _refused(exc: CallbackError) -> AppError:
    return AppError(str(exc), code=exc.code)  # 400 with the crypto's code (bad signature, foreign corp…)


@router.get("/kf/callback", response_class=PlainTextResponse)
def verify_callback_url(
    services: ServicesDep,
    msg_signature: Signature,
    timestamp: Stamp,
    nonce: Stamp,
    echostr: Annotated[str, Query(min_length=1, max_length=1024)],
) -> str:
    """WeCom's check when the callback URL is saved: answer with the decrypted echostr."""
    try:
        return _wecom(services).worker.verify_url(msg_signature, timestamp, nonce, echostr)
    except CallbackError as exc:
        raise _refused(exc) from exc


@router.post("/kf/callback", response_class=PlainTextResponse)
async def kf_callback(
    request: Request, services: ServicesDep, msg_signature: Signature, timestamp: Stamp, nonce: Stamp
) -> str:
    """A 微信客服 event: queued for the background pull; WeCom only needs a quick 200."""
    wecom = _wecom(services)
    body = await request.body()
    try:
        wecom.worker.receive(body, msg_signature, timestamp, nonce)
    except CallbackError as exc:
        raise _refused(exc) from exc
    return "success"


@router.get("/status")
def wecom_status(services: ServicesDep, _: AgentStaffDep) -> dict[str, Any]:
    """Counters for the console and metrics: callbacks, pulls, retries, failures, WeCom sends."""
    wecom = _wecom(services)
    return {
        "inbound": asdict(wecom.worker.stats),
        "queued": wecom.worker.queued,
        "outbound": asdict(wecom.listener.stats),
        "replies": wecom.outbox.counts(),
    }


@router.get("/conversations/{conversation_id}/replies")
def reply_states(conversation_id: str, services: ServicesDep, _: AgentStaffDep) -> list[dict[str, Any]]:
    """Delivery state of the staff replies to this 微信客服 customer: pending (retrying), sent or failed."""
    return _wecom(services).outbox.for_conversation(conversation_id)


@router.post("/replies/{message_id}/retry")
def retry_reply(message_id: str, services: ServicesDep, staff: AgentStaffDep) -> dict[str, Any]:
    """Try a failed reply again (audited); 409 when it is not failed."""
    wecom = _wecom(services)
    if not wecom.outbox.retry(message_id, staff):
        raise Conflict("Only a failed reply can be retried.")
    row = next((r for r in wecom.outbox.for_message(message_id)), None)
    if row is None:
        raise NotFound("No such reply.")
    return row


# -- the group owner's sidebar ----------------------------------------------------------------------

SIDEBAR_STATIC = Path(channels.wecom.__file__).resolve().parent / "static"
pages = APIRouter(tags=["wecom"])


@pages.get("/console/wecom/groups", include_in_schema=False)
def groups_page() -> FileResponse:
    """The console screen for group settings and analytics."""
    return FileResponse(SIDEBAR_STATIC / "groups.html")


@pages.get("/wecom/sidebar", include_in_schema=False)
def sidebar_page() -> FileResponse:
    return FileResponse(SIDEBAR_STATIC / "sidebar.html")


class SidebarSessionIn(BaseModel):
    code: str | None = Field(default=None, max_length=512)


class DraftSentIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


@router.post("/sidebar/session")
def sidebar_session(
    body: SidebarSessionIn, request: Request, response: Response, services: ServicesDep, session: SessionDep
) -> dict[str, str]:
    """Who opened the sidebar: WeCom's OAuth code → the member's user id → their staff account."""
    wecom = _wecom(services)
    if body.code:
        userid = wecom.sidebar_client.userid_from_oauth_code(body.code)
        username = wecom.directory.username(userid) if userid else None
        ttl = services.settings.staff_token_ttl_hours
        signed_in = (
            staff_service.sign_in_trusted(session, username, ttl, "wecom_sidebar") if username else None
        )
        if signed_in is None:
            raise Forbidden("This WeCom member has no staff account here.")
        staff, token = signed_in
        response.set_cookie(TOKEN_COOKIE, token, max_age=int(ttl * 3600), httponly=True, samesite="lax")
    else:
        staff = current_staff(request, session)
    return {"username": staff.username, "display_name": staff.display_name}


@router.get("/sidebar/config")
def sidebar_config(
    services: ServicesDep, _: AgentStaffDep, url: Annotated[str, Query(min_length=8, max_length=2048)]
) -> dict[str, Any]:
    """`wx.config` / `wx.agentConfig` parameters signed for the page URL."""
    return asdict(_wecom(services).jssdk.config_for(url))


def _draft_out(draft: Draft) -> dict[str, Any]:
    data = asdict(draft)
    data["asker_label"] = "群成员" if draft.asker else None  # WeCom shows the member's name to the owner
    data.pop("asker", None)
    return data


def _owner_check(wecom: WeComRuntime, chat_id: str, staff: StaffUser) -> None:
    config = wecom.configs.get(chat_id)
    if config is not None and not config.runs_group(wecom.directory.wecom_userid(staff.username) or ""):
        raise Forbidden("Only the group's owner and admins see its drafts.")


@router.get("/groups/{chat_id}/drafts")
def group_drafts(
    chat_id: Annotated[str, ApiPath(min_length=1, max_length=128)],
    services: ServicesDep,
    staff: AgentStaffDep,
) -> list[dict[str, Any]]:
    wecom = _wecom(services)
    _owner_check(wecom, chat_id, staff)
    return [_draft_out(d) for d in wecom.drafts.store.for_chat(chat_id, DraftStatus.PENDING)]


def _decide(services: Services, staff: StaffUser, draft_id: str, text: str | None) -> dict[str, Any]:
    wecom = _wecom(services)
    draft = wecom.drafts.store.get(draft_id)
    if draft is None:
        raise NotFound("No such draft.")
    _owner_check(wecom, draft.chat_id, staff)
    try:
        if text is None:
            return _draft_out(wecom.drafts.dismiss(draft_id, by=staff.username))
        return _draft_out(wecom.drafts.sent(draft_id, text, by=staff.username))
    except DraftNotPending as exc:
        raise Conflict(str(exc)) from exc


@router.post("/drafts/{draft_id}/sent")
def draft_sent(
    draft_id: str, body: DraftSentIn, services: ServicesDep, staff: AgentStaffDep
) -> dict[str, Any]:
    """The owner sent the draft (as written or edited) with sendChatMessage: record what went out."""
    return _decide(services, staff, draft_id, body.text)


@router.post("/drafts/{draft_id}/dismiss")
def draft_dismiss(draft_id: str, services: ServicesDep, staff: AgentStaffDep) -> dict[str, Any]:
    return _decide(services, staff, draft_id, None)


# -- group settings and analytics (console) ---------------------------------------------------------

ChatId = Annotated[str, ApiPath(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


def _may_edit(wecom: WeComRuntime, staff: StaffUser, current: GroupConfig | None, new: GroupConfig) -> None:
    """Admins edit any group; the group's owner and admins edit theirs (and may create one they own)."""
    if staff.role == StaffRole.ADMIN:
        return
    userid = wecom.directory.wecom_userid(staff.username) or ""
    ruling = current or new
    if not userid or not ruling.runs_group(userid):
        raise Forbidden("Only an admin or the group's owner and admins change its settings.")


@router.get("/groups")
def list_groups(services: ServicesDep, _: AgentStaffDep) -> list[dict[str, Any]]:
    return [c.model_dump(mode="json") for c in _wecom(services).configs.all()]


@router.get("/groups/analytics")
def groups_analytics(
    services: ServicesDep, _: AgentStaffDep, days: Annotated[int, Query(ge=1, le=366)] = 7
) -> dict[str, Any]:
    """Per group over the last `days`: messages, active members, questions, answered, sent by the owner,
    answered by staff, dismissed, unanswered, handoffs, violations (by kind), CSAT (see `group_analytics`)."""
    wecom = _wecom(services)
    until = utcnow()
    since = until - timedelta(days=days)
    rows = group_analytics(services.sessions, since, until)
    names = {c.chat_id: c.name for c in wecom.configs.all()}
    for row in rows:
        row["name"] = names.get(row["chat_id"], "")
    return {"since": since.isoformat(), "until": until.isoformat(), "groups": rows}


@router.get("/groups/{chat_id}/settings")
def group_settings(chat_id: ChatId, services: ServicesDep, _: AgentStaffDep) -> dict[str, Any]:
    config = _wecom(services).configs.get(chat_id)
    if config is None:
        raise NotFound(f"group {chat_id} has no settings yet")
    return config.model_dump(mode="json")


@router.put("/groups/{chat_id}/settings")
def put_group_settings(
    chat_id: ChatId, body: GroupConfig, services: ServicesDep, staff: AgentStaffDep
) -> dict[str, Any]:
    """Create or replace the group's settings (audited as `wecom.group_settings`)."""
    if body.chat_id != chat_id:
        raise Unprocessable("The body's chat_id must be the group in the URL.", code="chat_id_mismatch")
    wecom = _wecom(services)
    _may_edit(wecom, staff, wecom.configs.get(chat_id), body)
    return wecom.configs.put(body, by=staff).model_dump(mode="json")


# -- WeCom external user ↔ the bank's customer record ------------------------------------------------

ExternalUserId = Annotated[str, ApiPath(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]


class CustomerLinkIn(BaseModel):
    customer_id: str = Field(min_length=4, max_length=32, pattern=r"^[A-Za-z0-9-]+$")


def _links(services: Services) -> CustomerLinks:
    links = _wecom(services).customer_links
    if links is None:
        raise Unavailable(
            "Customer links need the deployment's vault key.", code="customer_links_unavailable"
        )
    return links


def _link_out(link: CustomerLink) -> dict[str, Any]:
    data = asdict(link)
    if link.customer_id is None:
        data.pop("customer_id")
    return data


@router.put("/customers/{external_userid}/link")
def link_customer(
    external_userid: ExternalUserId,
    body: CustomerLinkIn,
    services: ServicesDep,
    session: SessionDep,
    staff: AgentStaffDep,
) -> dict[str, Any]:
    """Link a WeCom external user to the bank's customer number (stored encrypted; audited)."""
    return _link_out(_links(services).link(session, staff, external_userid, body.customer_id))


@router.get("/customers/{external_userid}/link")
def get_customer_link(
    external_userid: ExternalUserId,
    services: ServicesDep,
    session: SessionDep,
    staff: AgentStaffDep,
    reveal: bool = False,
) -> dict[str, Any]:
    """The link, with the number masked; `reveal=true` needs can_reveal and is audited."""
    try:
        link = _links(services).get(session, staff, external_userid, reveal=reveal)
    except RevealRefused as exc:
        raise Forbidden(str(exc), code="reveal_forbidden") from exc
    if link is None:
        raise NotFound("This WeCom user is not linked to a customer.")
    return _link_out(link)


@router.delete("/customers/{external_userid}/link", status_code=204)
def unlink_customer(
    external_userid: ExternalUserId, services: ServicesDep, session: SessionDep, staff: AgentStaffDep
) -> Response:
    if not _links(services).unlink(session, staff, external_userid):
        raise NotFound("This WeCom user is not linked to a customer.")
    return Response(status_code=204)
