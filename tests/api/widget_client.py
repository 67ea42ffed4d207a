"""Helpers for driving the widget API from tests: start a session, send a message, read the SSE events."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient


def start(client: TestClient, **body: Any) -> tuple[str, str]:
    r = client.post("/v1/widget/sessions", json=body)
    assert r.status_code == 201, r.text
    return r.json()["token"], r.json()["conversation_id"]


def parse_sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.split("\n\n"):
        kind, data = "message", None
        for line in block.splitlines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
        if data is not None:
            events.append((kind, data))
    return events


def send(client: TestClient, token: str, text: str) -> dict[str, Any]:
    """Send one message; returns {"meta", "reply" (joined tokens), "done", "kinds"}."""
    r = client.post("/v1/widget/messages", json={"text": text}, headers={"x-widget-token": token})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/event-stream")
    events = parse_sse(r.text)
    kinds = [k for k, _ in events]
    return {
        "kinds": kinds,
        "meta": next(d for k, d in events if k == "meta"),
        "reply": "".join(d["text"] for k, d in events if k == "token"),
        "done": next(d for k, d in events if k == "done"),
    }
