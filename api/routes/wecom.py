"""WeCom endpoints: the 微信客服 callback (URL verification and events) and the channel's health.

The callback answers within WeCom's few seconds: it checks the signature, decrypts and queues; the pull
and the agent's work happen in the background worker. A forged or foreign callback gets 400 with a
code; WeCom not configured is 404.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse

from api.auth import AgentStaffDep
from api.deps import ServicesDep
from api.errors import AppError, NotFound
from channels.wecom.crypto import CallbackError
from channels.wecom.runtime import WeComRuntime
from core.wiring import Services

router = APIRouter(prefix="/v1/wecom", tags=["wecom"])

Signature = Annotated[str, Query(min_length=1, max_length=128)]
Stamp = Annotated[str, Query(min_length=1, max_length=64)]


class BadCallback(AppError):
    status_code = 400
    code = "wecom_callback_invalid"


def _wecom(services: Services) -> WeComRuntime:
    if services.wecom is None:
        raise NotFound("WeCom is not configured on this deployment.", code="wecom_not_configured")
    return services.wecom


def _refused(exc: CallbackError) -> BadCallback:
    error = BadCallback(str(exc))
    error.code = exc.code
    return error


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
    }
