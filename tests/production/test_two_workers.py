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
    try:
        _read_sse(client, url, headers, into, ready, stop)
    except (httpx.HTTPError, RuntimeError):  # the client is closed under the reader at the end of the test
        pass


def _read_sse(client: httpx.Client, url: str, headers: dict[str, str], into: list[dict[str, object]],
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
    auth = {"authorization": f"Bearer {agent_token}"}
    url = f"{cluster.b.url}/v1/handoffs/events"
    reader = threading.Thread(target=_sse_events, args=(client, url, auth, events, ready, stop), daemon=True)
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


def _wait_status(url: str, status: int, timeout_s: float = 60.0) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            r = httpx.get(url, timeout=10)
            if r.status_code == status or time.monotonic() > deadline:
                return r
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
        time.sleep(1)


@pytest.mark.parametrize(
    ("dependency", "code"),
    [
        ("chroma", "knowledge_unavailable"),
        ("postgres", None),
    ],
)
def test_a_dependency_down_gives_503_with_a_code_then_recovers_by_itself(
    cluster: Cluster, dependency: str, code: str | None
) -> None:
    server = cluster.chroma if dependency == "chroma" else cluster.postgres
    server.kill()
    try:
        down = _wait_status(f"{cluster.a.url}/readyz", 503)
        assert down.status_code == 503 and down.json()["error"]["code"] == "not_ready"
        assert cluster.a.running, "the worker stays up (liveness) while a dependency is down"
        assert httpx.get(f"{cluster.a.url}/healthz", timeout=10).status_code == 200
        r = httpx.post(f"{cluster.a.url}/v1/chat", json={"text": "信用卡年费怎么收？"}, timeout=60)
        assert r.status_code == 503, r.text
        assert r.json()["error"]["code"] == (code or "database_unavailable")
    finally:
        server.start()
    assert _wait_status(f"{cluster.a.url}/readyz", 200, 90).status_code == 200
    again = httpx.post(f"{cluster.a.url}/v1/chat", json={"text": "信用卡年费怎么收？"}, timeout=60)
    assert again.status_code == 200, again.text
