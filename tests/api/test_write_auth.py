"""Every write is authenticated (issue 12): posting into a conversation needs its widget token or a
connector; groups need the connector; tiers and customer ids come from the bank side only; sign-in is
throttled and locked out after repeated failures; the staff cookie is Secure in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from core.wiring import Services
from storage.models import Message
from tests.conftest import StaffFactory, bearer, make_settings


def _messages(services: Services, conversation_id: str) -> int:
    with services.sessions() as session:
        query = select(func.count()).select_from(Message).where(Message.conversation_id == conversation_id)
        return int(session.scalar(query) or 0)


@pytest.fixture(scope="module")
def victim(client: TestClient) -> dict[str, str]:
    """A customer who gave their ID number; the attacker knows only the conversation id."""
    r = client.post("/v1/chat", json={"text": "我的身份证号是110105194912310025，帮我查一下"})
    assert r.status_code == 200
    return {"id": r.json()["conversation_id"], "token": r.json()["widget_token"]}


def test_posting_into_someone_elses_conversation_is_refused_and_stores_nothing(
    client: TestClient, services: Services, victim: dict[str, str]
) -> None:
    before = _messages(services, victim["id"])
    guesses = " ".join(f"11010519491231{n:04d}" for n in range(20, 30))
    anonymous = client.post("/v1/chat", json={"text": guesses, "conversation_id": victim["id"]})
    assert anonymous.status_code == 401
    assert "redacted_text" not in anonymous.text  # no placeholder numbering to read: no oracle
    other = client.post("/v1/chat", json={"text": "你好"}).json()["widget_token"]
    wrong_token = client.post(
        "/v1/chat", json={"text": guesses, "conversation_id": victim["id"]}, headers={"x-widget-token": other}
    )
    assert wrong_token.status_code == 403
    assert _messages(services, victim["id"]) == before
    own = client.post(
        "/v1/chat",
        json={"text": "谢谢", "conversation_id": victim["id"]},
        headers={"x-widget-token": victim["token"]},
    )
    assert own.status_code == 200


def test_customers_cannot_set_their_tier_or_identity(client: TestClient, make_staff: StaffFactory) -> None:
    for payload in ({"text": "你好", "customer_tier": "private"}, {"text": "你好", "customer_id": "wx-vip"}):
        r = client.post("/v1/chat", json=payload)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert client.post("/v1/widget/sessions", json={"customer_tier": "vip"}).status_code == 403
    _, connector = make_staff("connector")
    by_bank = client.post(
        "/v1/chat", json={"text": "你好", "customer_tier": "vip"}, headers=bearer(connector)
    )
    assert by_bank.status_code == 200


def test_a_widget_session_takes_the_tier_only_from_a_claim_the_bank_signed(
    client: TestClient, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.tiers import sign_tier
    from storage.models import Conversation

    monkeypatch.setattr(services.settings, "tier_secret", "bank-site-secret")

    def tier_of(claim: dict[str, object]) -> str | None:
        r = client.post("/v1/widget/sessions", json={"tier_claim": claim})
        assert r.status_code == 201, r.text
        with services.sessions() as session:
            conversation = session.get(Conversation, r.json()["conversation_id"])
            assert conversation is not None
            return conversation.customer_tier

    good = {"customer_id": "c-1", "tier": "vip", "signature": sign_tier("bank-site-secret", "c-1", "vip")}
    assert tier_of(good) == "vip"
    assert tier_of({**good, "tier": "private"}) is None  # the signature covers the tier
    forged = {**good, "signature": sign_tier("guessed", "c-1", "vip")}
    assert tier_of(forged) is None
    bad = client.post("/v1/widget/sessions", json={"tier_claim": {**good, "signature": "vip"}})
    assert bad.status_code == 422


def test_group_messages_need_the_connector_role(client: TestClient, make_staff: StaffFactory) -> None:
    body = {
        "text": "@小禾 我的卡被盗刷了！",
        "sender_id": "wx-anyone",
        "mentions": ["小禾"],
        "customer_tier": "vip",
    }
    assert client.post("/v1/groups/g-auth/messages", json=body).status_code == 401
    _, agent = make_staff("agent")
    assert client.post("/v1/groups/g-auth/messages", json=body, headers=bearer(agent)).status_code == 403
    _, connector = make_staff("connector")
    assert client.post("/v1/groups/g-auth/messages", json=body, headers=bearer(connector)).status_code == 200


def test_outbox_after_past_int64_is_422(client: TestClient, make_staff: StaffFactory) -> None:
    _, connector = make_staff("connector")
    r = client.get("/v1/groups/g-auth/outbox", params={"after": 2**63}, headers=bearer(connector))
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request"


@pytest.fixture
def strict_client(services: Services, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The shared services behind an edge configured as in production: rate limits on, Secure cookies."""
    edge = make_settings(tmp_path_factory.mktemp("strict"), environment="production", rate_limits=True)
    with TestClient(create_app(edge, services), base_url="https://testserver") as c:
        yield c


def test_repeated_wrong_passwords_lock_the_name_out_even_for_the_right_one(
    strict_client: TestClient, make_staff: StaffFactory
) -> None:
    username, _ = make_staff("agent", password="correct horse battery")
    for _ in range(5):
        r = strict_client.post("/v1/auth/login", json={"username": username, "password": "wrong password"})
        assert r.status_code == 401
    locked = strict_client.post(
        "/v1/auth/login", json={"username": username, "password": "correct horse battery"}
    )
    assert locked.status_code == 429
    assert locked.json()["error"]["code"] == "rate_limited"
    assert int(locked.headers["retry-after"]) > 0


def test_the_staff_cookie_is_secure_in_production(
    strict_client: TestClient, make_staff: StaffFactory
) -> None:
    username, _ = make_staff("editor", password="correct horse battery")
    r = strict_client.post("/v1/auth/login", json={"username": username, "password": "correct horse battery"})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie


def test_widget_messages_are_rate_limited_per_session(strict_client: TestClient) -> None:
    token = strict_client.post("/v1/widget/sessions", json={}).json()["token"]
    statuses = [
        strict_client.post(
            "/v1/widget/messages", json={"text": "你好"}, headers={"x-widget-token": token}
        ).status_code
        for _ in range(21)
    ]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429
