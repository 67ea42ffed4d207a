"""Server-Sent Events: the wire format and a response that relays one event-bus topic.

Each stream starts with a `ready` event sent after subscribing, so a client that waits for it cannot
miss an event published in between; a comment line every `keepalive_s` keeps proxies from closing it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse

from events.bus import EventBus

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def format_event(kind: str, data: Any) -> str:
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def stream(events: AsyncIterator[str]) -> StreamingResponse:
    return StreamingResponse(events, media_type="text/event-stream", headers=HEADERS)


def relay(request: Request, bus: EventBus, topic: str, keepalive_s: float = 15.0) -> StreamingResponse:
    async def events() -> AsyncIterator[str]:
        with bus.subscribe(topic) as sub:
            yield format_event("ready", {})
            while not await request.is_disconnected():
                event = await sub.next(keepalive_s)
                yield ": keep-alive\n\n" if event is None else format_event(event.kind, event.data)

    return stream(events())
