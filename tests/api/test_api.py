"""Every endpoint through FastAPI's TestClient, bad input included, plus one run on a real uvicorn."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from core.wiring import Services
from storage.models import Message
from tests.conftest import StaffFactory


@pytest.fixture(scope="module")
def staff_headers(make_staff: StaffFactory) -> dict[str, str]:
    """Transcripts and handoffs need agent (or admin) staff since the console landed."""
    _, token = make_staff("agent")
    return {"authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def connector_headers(make_staff: StaffFactory) -> dict[str, str]:
    """Group messages (and customer ids or tiers on /v1/chat) come from a connector since issue 12."""
    _, token = make_staff("connector")
    return {"authorization": f"Bearer {token}"}


def message_count(services: Services) -> int:
    with services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(Message)) or 0)


def test_healthz_reports_the_configuration(client: TestClient) -> None:
    body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["llm_backend"] == "extractive"
    ready = client.get("/readyz").json()
    assert ready.get("status") == "ready", ready
    assert ready["checks"]["database"]["ok"] and ready["checks"]["knowledge"]["ok"]


def test_readyz_asks_the_store_itself_not_the_index_built_from_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: with the Chroma server killed /readyz stayed 200 (it counted the in-memory index)."""
    store = client.app.state.services.knowledge.store  # type: ignore[attr-defined]
    assert client.get("/readyz").status_code == 200

    def refused() -> int:
        raise httpx.ConnectError("refused")

    monkeypatch.setattr(store.collection, "count", refused)
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["error"]["details"]["knowledge"]["error"] == "ConnectError"


def test_with_the_store_down_a_question_is_503_but_a_person_is_still_reached(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12: no answer from BM25 alone while Chroma is down (503 knowledge_unavailable, the message
    kept), yet asking for a person or an urgent case still opens a handoff (before: 503 from the
    handoff's suggested passages)."""
    store = client.app.state.services.knowledge.store  # type: ignore[attr-defined]

    def refused(*_: object, **__: object) -> list[tuple[str, float]]:
        raise httpx.ConnectError("refused")

    monkeypatch.setattr(store, "nearest", refused)
    r = client.post("/v1/chat", json={"text": "信用卡年费怎么收？"})
    assert r.status_code == 503 and r.json()["error"]["code"] == "knowledge_unavailable", r.text
    for text in ("我要转人工客服", "我的信用卡被盗刷了，快帮我冻结"):
        r = client.post("/v1/chat", json={"text": text})
        assert r.status_code == 200, r.text
        assert r.json()["handoff_id"], r.json()


def test_chat_round_trip_and_conversation_read_back(
    client: TestClient, staff_headers: dict[str, str]
) -> None:
    r = client.post("/v1/chat", json={"text": "跨行转账要手续费吗？"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["action"] == "answer"
    assert body["citations"]
    assert body["citations"][0]["source"].startswith("/v1/sources/"), "a URL, never a file path"
    conv = client.get(f"/v1/conversations/{body['conversation_id']}", headers=staff_headers).json()
    assert [m["role"] for m in conv["messages"]] == ["customer", "bot"]
    assert body["widget_token"], "an anonymous caller gets the token that continues its conversation"
    follow = client.post(
        "/v1/chat",
        json={"text": "那手机银行呢", "conversation_id": body["conversation_id"]},
        headers={"x-widget-token": body["widget_token"]},
    )
    assert follow.status_code == 200
    assert follow.json()["conversation_id"] == body["conversation_id"]


def test_group_message_endpoint_stays_silent_on_chatter(
    client: TestClient, connector_headers: dict[str, str]
) -> None:
    r = client.post(
        "/v1/groups/wecom-123/messages",
        json={"text": "周末一起去钓鱼", "sender_id": "wx-a"},
        headers=connector_headers,
    )
    assert r.status_code == 200
    assert r.json()["reply"] is None
    assert r.json()["action"] == "silent"


def test_handoffs_list_and_detail(client: TestClient, staff_headers: dict[str, str]) -> None:
    r = client.post("/v1/chat", json={"text": "我的卡被盗刷了两万块，不是我本人操作的！"})
    handoff_id = r.json()["handoff_id"]
    assert handoff_id
    listed = client.get("/v1/handoffs", params={"status": "open"}, headers=staff_headers).json()
    assert listed[0]["urgency"] == "urgent", "urgent risk cases are first in the queue"
    assert handoff_id in [h["id"] for h in listed]
    detail = client.get(f"/v1/handoffs/{handoff_id}", headers=staff_headers).json()
    assert detail["summary"]["suggested_next_step"]
    assert detail["category"] == "urgent_risk"


@pytest.mark.parametrize(
    ("method", "url", "payload", "status", "code"),
    [
        ("post", "/v1/chat", {"text": ""}, 422, "empty_message"),
        ("post", "/v1/chat", {"text": "   "}, 422, "empty_message"),
        ("post", "/v1/chat", {"text": "问" * 100_000}, 413, "payload_too_large"),
        ("post", "/v1/chat", {"text": "a" * 100_000}, 413, "message_too_long"),
        ("post", "/v1/chat", {"text": 123}, 422, "invalid_request"),
        ("post", "/v1/chat", {"text": ["a"]}, 422, "invalid_request"),
        ("post", "/v1/chat", {"message": "hi"}, 422, "invalid_request"),
        ("post", "/v1/chat", {"text": "hi", "conversation_id": "conv_doesnotexist"}, 404, "not_found"),
        ("post", "/v1/groups/g1/messages", {"text": "hi"}, 422, "invalid_request"),
        (
            "post",
            "/v1/groups/g1/messages",
            {"text": "hi", "sender_id": "a", "mentions": "x"},
            422,
            "invalid_request",
        ),
        ("post", "/v1/groups/bad%20id!/messages", {"text": "hi", "sender_id": "a"}, 422, "invalid_request"),
        ("get", "/v1/conversations/nope", None, 404, "not_found"),
        ("get", "/v1/handoffs/nope", None, 404, "not_found"),
        ("get", "/v1/handoffs?status=weird", None, 422, "invalid_request"),
        ("get", "/v1/handoffs?limit=0", None, 422, "invalid_request"),
        ("get", "/v1/nowhere", None, 404, "not_found"),
    ],
)
def test_bad_input_gets_a_4xx_with_a_code_and_stores_nothing(
    client: TestClient,
    services: Services,
    staff_headers: dict[str, str],
    connector_headers: dict[str, str],
    method: str,
    url: str,
    payload: object,
    status: int,
    code: str,
) -> None:
    before = message_count(services)
    headers = connector_headers if method == "post" else staff_headers
    r = client.request(method, url, json=payload, headers=headers)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    assert message_count(services) == before


def test_malformed_json_is_a_4xx(client: TestClient) -> None:
    r = client.post("/v1/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_request"


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/chat",
        "/v1/groups/{group_id}/messages",
        "/v1/conversations/{conversation_id}",
        "/v1/handoffs",
        "/v1/handoffs/{handoff_id}",
        "/healthz",
    ):
        assert path in paths


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_real_uvicorn_on_loopback_serves_the_chat(services: Services) -> None:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(services=services), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.started
        r = httpx.post(f"http://127.0.0.1:{port}/v1/chat", json={"text": "信用卡丢了怎么办"}, timeout=30)
        assert r.status_code == 200
        assert r.json()["action"] == "handoff"
        assert "400-860-1234" in r.json()["reply"]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
