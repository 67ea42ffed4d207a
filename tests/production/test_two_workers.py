"""Two real uvicorn workers over PostgreSQL, Redis and a Chroma server (issue 12's scale tests).

Slow (each worker loads the models), so the session starts one cluster and these few tests share it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.production.conftest import Cluster

pytestmark = pytest.mark.slow


def _sse_events(client: httpx.Client, url: str, headers: dict[str, str], into: list[dict[str, object]],
                ready: threading.Event, stop: threading.Event) -> None:  # fmt: skip
    with client.stream("GET", url, headers=headers, timeout=httpx.Timeout(5, read=60)) as response:
        kind = ""
        for line in response.iter_lines():
            if stop.is_set():
                return
            if line.startswith("event: "):
                kind = line.removeprefix("event: ")
            elif line.startswith("data: "):
                if kind == "ready":
                    ready.set()
                else:
                    into.append({"kind": kind, **json.loads(line.removeprefix("data: "))})


@pytest.fixture(scope="module")
def agent_token(cluster: Cluster) -> str:
    cluster.create_staff("agent-two-workers", "agent", "correct horse battery")
    r = httpx.post(
        f"{cluster.b.url}/v1/auth/login",
        json={"username": "agent-two-workers", "password": "correct horse battery"},
    )
    r.raise_for_status()
    return str(r.json()["token"])


@pytest.fixture
def console_on_b(cluster: Cluster, agent_token: str) -> Iterator[list[dict[str, object]]]:
    events: list[dict[str, object]] = []
    ready, stop = threading.Event(), threading.Event()
    client = httpx.Client()
    reader = threading.Thread(
        target=_sse_events,
        args=(client, f"{cluster.b.url}/v1/handoffs/events", {"authorization": f"Bearer {agent_token}"}, events,
              ready, stop),
        daemon=True,
    )  # fmt: skip
    reader.start()
    assert ready.wait(30), "the console stream on worker B did not open"
    yield events
    stop.set()
    client.close()


def test_a_customer_on_worker_a_reaches_the_console_on_worker_b(
    cluster: Cluster, console_on_b: list[dict[str, object]]
) -> None:
    session = httpx.post(f"{cluster.a.url}/v1/widget/sessions", json={}).json()
    headers = {"x-widget-token": session["token"]}
    r = httpx.post(f"{cluster.a.url}/v1/widget/messages", json={"text": "我要转人工客服"}, headers=headers,
                   timeout=60)  # fmt: skip
    assert r.status_code == 200, r.text
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not console_on_b:
        time.sleep(0.2)
    assert any(e.get("conversation_id") == session["conversation_id"] for e in console_on_b), console_on_b
