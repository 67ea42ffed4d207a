"""Regression tests for issue 12's findings "an old token still works after a password change" and "an SSE
stream keeps receiving after logout": both revoke the token, and a live stream ends with `closed`."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi.testclient import TestClient

from api import sse
from core.wiring import Services
from events.bus import EventBus
from services.staff import resolve_token
from tests.conftest import StaffFactory, bearer


def test_a_password_change_revokes_the_old_tokens(client: TestClient, make_staff: StaffFactory) -> None:
    name, old_token = make_staff("agent")
    _, admin = make_staff("admin")
    assert client.get("/v1/auth/me", headers=bearer(old_token)).status_code == 200
    (account,) = [s for s in client.get("/v1/staff", headers=bearer(admin)).json() if s["username"] == name]
    changed = client.patch(
        f"/v1/staff/{account['id']}", json={"password": "another horse battery"}, headers=bearer(admin)
    )
    assert changed.status_code == 200
    assert client.get("/v1/auth/me", headers=bearer(old_token)).status_code == 401
    login = client.post("/v1/auth/login", json={"username": name, "password": "another horse battery"})
    assert client.get("/v1/auth/me", headers=bearer(login.json()["token"])).status_code == 200


class _OpenRequest:
    """The one thing `sse.relay` asks of the request: the client is still connected."""

    async def is_disconnected(self) -> bool:
        return False


def test_a_live_stream_ends_after_the_staff_member_signs_out(
    client: TestClient, make_staff: StaffFactory, services: Services
) -> None:
    _, token = make_staff("agent")
    bus = EventBus()

    def signed_in() -> bool:  # what the console's queue stream checks (api/routes/handoffs.py)
        with services.sessions() as session:
            return resolve_token(session, token) is not None

    async def read() -> list[str]:
        response = sse.relay(_OpenRequest(), bus, "staff", keepalive_s=0.05, still_allowed=signed_in)  # type: ignore[arg-type]
        events: list[str] = []
        body: Any = response.body_iterator
        async for chunk in body:
            text = chunk if isinstance(chunk, str) else chunk.decode()
            events.append(text)
            if text.startswith("event: ready"):
                bus.publish("staff", "handoff.created", id="h1")  # relayed: still signed in
            elif text.startswith("event: handoff.created"):
                assert client.post("/v1/auth/logout", headers=bearer(token)).status_code == 204
                bus.publish("staff", "handoff.created", id="h2")  # after sign-out: never relayed
            if len(events) > 20:
                break
        return events

    events = asyncio.run(asyncio.wait_for(read(), timeout=30))
    kinds = [e.split("\n", 1)[0] for e in events if e.startswith("event: ")]
    assert kinds == ["event: ready", "event: handoff.created", "event: closed"]
    assert not any('"h2"' in e for e in events)
