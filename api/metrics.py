"""`GET /metrics` (Prometheus exposition) and the HTTP request timer.

The endpoint answers a bearer `METRICS_TOKEN` when one is configured, otherwise loopback callers only
(a scraper on the same host or a sidecar); counts are not secret, but nothing here is for the public.
Requests are labelled by route template (`/v1/handoffs/{handoff_id}`), never by the raw path.
"""

from __future__ import annotations

import hmac
import time

from fastapi import APIRouter, Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import Forbidden
from api.security import config_of
from core.metrics import HTTP_REQUESTS, render

router = APIRouter(include_in_schema=False)

_LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


@router.get("/metrics")
def metrics(request: Request) -> Response:
    token = config_of(request.scope).metrics_token
    if token:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise Forbidden("A metrics token is required.")
    elif (request.client.host if request.client else "") not in _LOOPBACK:
        raise Forbidden("Metrics are served to loopback callers only (or set METRICS_TOKEN).")
    body, content_type = render()
    return Response(body, media_type=content_type)


class RequestMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            HTTP_REQUESTS.labels(route=route, method=scope["method"], status=f"{status // 100}xx").observe(
                time.perf_counter() - started
            )
