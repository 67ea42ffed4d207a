"""Rate limits and the login lockout (issue 12: "30 wrong passwords, then the right one works")."""

from __future__ import annotations

import time

import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient

from api.errors import install_error_handlers
from api.rate_limits import RateLimitConfig, RateLimited, RateLimiter, client_ip, limit


def test_a_limit_admits_up_to_its_count_then_raises_with_retry_after() -> None:
    limiter = RateLimiter(RateLimitConfig(chat_per_session="3/minute"))
    for _ in range(3):
        limiter.hit("chat_per_session", "session-a")
    with pytest.raises(RateLimited) as caught:
        limiter.hit("chat_per_session", "session-a")
    assert caught.value.status_code == 429
    assert 1 <= caught.value.retry_after_s <= 60
    assert caught.value.headers == {"Retry-After": str(caught.value.retry_after_s)}
    limiter.hit("chat_per_session", "session-b")  # another key has its own budget


def test_the_lockout_stops_the_right_password_after_repeated_failures() -> None:
    limiter = RateLimiter(RateLimitConfig(lockout_threshold=3, lockout_base_s=30, lockout_max_s=120))
    lockout = limiter.lockout
    assert [lockout.failed("Admin", "10.0.0.1") for _ in range(3)][-1] == 30
    with pytest.raises(RateLimited) as caught:
        lockout.check("admin", "10.0.0.1")  # the right password would be checked after this
    assert 25 <= caught.value.retry_after_s <= 30
    assert lockout.failed("admin", "10.0.0.1") == 60  # backoff doubles
    assert lockout.failed("admin", "10.0.0.1") == 120
    assert lockout.failed("admin", "10.0.0.1") == 120  # capped
    lockout.check("admin", "10.0.0.2")  # a colleague elsewhere is not locked out


def test_a_lock_expires_and_a_success_clears_the_count() -> None:
    limiter = RateLimiter(RateLimitConfig(lockout_threshold=1, lockout_base_s=1, lockout_max_s=1))
    lockout = limiter.lockout
    lockout.failed("editor", "ip")
    with pytest.raises(RateLimited):
        lockout.check("editor", "ip")
    time.sleep(1.2)
    lockout.check("editor", "ip")
    lockout.succeeded("editor", "ip")
    assert lockout.failed("editor", "ip") == 1  # counting starts again at the threshold


def test_the_dependency_answers_429_with_retry_after() -> None:
    app = FastAPI()
    app.state.rate_limiter = RateLimiter(RateLimitConfig(session_per_ip="2/minute"))
    install_error_handlers(app)

    def by_header(request: Request) -> str:
        return request.headers.get("x-key", client_ip(request))

    @app.post("/sessions", dependencies=[Depends(limit("session_per_ip", by_header))])
    def start() -> dict[str, bool]:
        return {"ok": True}

    client = TestClient(app)
    assert [client.post("/sessions").status_code for _ in range(2)] == [200, 200]
    refused = client.post("/sessions")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    assert client.post("/sessions", headers={"x-key": "other"}).status_code == 200
