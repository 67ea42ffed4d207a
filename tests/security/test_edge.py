"""The edge's defences (issue 12): streamed body limits, the Origin check on cookie-authenticated
writes, security headers, docs off in production, control characters and oversized integers.

Most tests use a small FastAPI app carrying the same middlewares and error handlers as the product
(no models needed); the last ones check that `create_app` wires them (without running its startup)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from api.app import create_app
from api.errors import install_error_handlers
from api.security import (
    BodyLimitMiddleware,
    CleanText,
    Int64,
    OriginCheckMiddleware,
    SecurityConfig,
    SecurityHeadersMiddleware,
    clean_text,
    cross_origin_write,
)
from tests.conftest import make_settings


class TextIn(BaseModel):
    text: CleanText = Field(max_length=100)


def _app(config: SecurityConfig) -> FastAPI:
    app = FastAPI()
    app.state.security = config
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(OriginCheckMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)

    @app.post("/echo")
    def echo(body: TextIn) -> dict[str, str]:
        return {"text": body.text}

    @app.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    @app.get("/items/{n}")
    def item(n: Int64, after: Int64 = 0) -> dict[str, int]:
        return {"n": n, "after": after}

    @app.get("/")
    def page() -> dict[str, str]:
        return {"page": "chat"}

    return app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    config = SecurityConfig(body_limit=1000, frame_origins=("https://www.bank.example",))
    with TestClient(_app(config)) as c:
        yield c


def _chunks(size: int, piece: int = 256) -> Iterator[bytes]:
    sent = 0
    while sent < size:
        yield b"x" * min(piece, size - sent)
        sent += piece


# --- body limits --------------------------------------------------------------------------------------


def test_a_chunked_body_past_the_limit_is_413_without_content_length(client: TestClient) -> None:
    for path in ("/echo", "/raw"):
        r = client.post(path, content=_chunks(50_000), headers={"content-type": "application/json"})
        assert r.status_code == 413, path
        assert r.json()["error"]["code"] == "payload_too_large"


def test_a_declared_length_past_the_limit_is_413(client: TestClient) -> None:
    r = client.post("/raw", content=b"x" * 2000)
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


def test_bodies_within_the_limit_pass(client: TestClient) -> None:
    assert client.post("/raw", content=_chunks(900)).json() == {"bytes": 900}


def test_the_upload_path_has_its_own_limit() -> None:
    config = SecurityConfig(body_limit=10, upload_limit=100, upload_paths=("/raw",))
    assert config.limit_for("/raw") == 100 and config.limit_for("/echo") == 10


# --- CSRF ---------------------------------------------------------------------------------------------


def test_a_cookie_write_from_a_foreign_origin_is_403_csrf(client: TestClient) -> None:
    client.cookies.set("staff_token", "t")
    try:
        foreign = client.post("/raw", content=b"{}", headers={"origin": "https://evil.example"})
        assert foreign.status_code == 403
        assert foreign.json()["error"]["code"] == "csrf"
        null = client.post("/raw", content=b"{}", headers={"origin": "null"})
        assert null.status_code == 403
        by_referer = client.post("/raw", content=b"{}", headers={"referer": "https://evil.example/x"})
        assert by_referer.status_code == 403
        fetch_meta = client.post("/raw", content=b"{}", headers={"sec-fetch-site": "cross-site"})
        assert fetch_meta.status_code == 403
        own = client.post("/raw", content=b"{}", headers={"origin": "http://testserver"})
        assert own.status_code == 200
        bearer = client.post(
            "/raw", content=b"{}", headers={"origin": "https://evil.example", "authorization": "Bearer t"}
        )
        assert bearer.status_code == 200  # no ambient credential: nothing to forge
        assert client.get("/items/1", headers={"origin": "https://evil.example"}).status_code == 200
    finally:
        client.cookies.clear()


def test_trusted_origins_and_default_ports() -> None:
    def scope(origin: str, host: str) -> dict[str, object]:
        headers = [(b"cookie", b"staff_token=t"), (b"origin", origin.encode()), (b"host", host.encode())]
        return {"type": "http", "method": "POST", "headers": headers}

    config = SecurityConfig(trusted_origins=("https://admin.bank.example",))
    assert not cross_origin_write(scope("https://bank.example", "bank.example:443"), config)
    assert not cross_origin_write(scope("https://admin.bank.example", "bank.example"), config)
    assert cross_origin_write(scope("https://bank.example.evil.example", "bank.example"), config)
    assert cross_origin_write(scope("https://bank.example:8443", "bank.example"), config)


def test_a_write_without_the_cookie_is_not_checked(client: TestClient) -> None:
    assert client.post("/raw", content=b"{}", headers={"origin": "https://evil.example"}).status_code == 200


# --- headers ------------------------------------------------------------------------------------------


def test_pages_cannot_be_framed_except_the_chat_page_by_configured_origins(client: TestClient) -> None:
    other = client.get("/items/1")
    assert "frame-ancestors 'none'" in other.headers["content-security-policy"]
    assert other.headers["x-frame-options"] == "DENY"
    assert other.headers["x-content-type-options"] == "nosniff"
    chat = client.get("/")
    assert "frame-ancestors 'self' https://www.bank.example" in chat.headers["content-security-policy"]
    assert "x-frame-options" not in chat.headers
    assert "script-src 'self';" in chat.headers["content-security-policy"]


def test_error_responses_from_the_middlewares_carry_the_headers_too(client: TestClient) -> None:
    r = client.post("/raw", content=b"x" * 2000)
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


# --- text and integers --------------------------------------------------------------------------------


def test_control_and_bidi_characters_are_stripped() -> None:
    assert clean_text("a\x00b\x1b[31mc\u202egpj.exe\x7f\x85d") == "ab[31mcgpj.exed"
    assert clean_text("line\r\nnext\ttab") == "line\nnext\ttab"
    assert clean_text("家庭👨\u200d👩\u200d👧") == "家庭👨\u200d👩\u200d👧"  # joiners stay
    assert clean_text("\ufeff你好\u2066") == "你好"


def test_request_text_is_cleaned_at_the_edge(client: TestClient) -> None:
    assert client.post("/echo", json={"text": "转账\x00\u202e失败\x1b"}).json() == {"text": "转账失败"}


def test_integers_past_int64_are_422(client: TestClient) -> None:
    assert client.get(f"/items/{2**63 - 1}").status_code == 200
    for url in (f"/items/{2**63}", f"/items/1?after={2**63}", "/items/-1", f"/items/{10**40}"):
        r = client.get(url)
        assert r.status_code == 422, url
        assert r.json()["error"]["code"] == "invalid_request"


# --- the product app ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def production_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    return create_app(make_settings(tmp_path_factory.mktemp("prod"), environment="production"))


def test_docs_and_openapi_are_off_in_production(production_app: FastAPI) -> None:
    client = TestClient(production_app)  # no `with`: the startup (models) is not needed here
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404, path
    assert production_app.state.security.secure_cookies


def test_docs_stay_on_in_development(tmp_path_factory: pytest.TempPathFactory) -> None:
    app = create_app(make_settings(tmp_path_factory.mktemp("dev"), environment="development"))
    assert TestClient(app).get("/openapi.json").status_code == 200


def test_the_product_app_limits_chunked_bodies_and_sets_headers(production_app: FastAPI) -> None:
    client = TestClient(production_app)
    r = client.post("/v1/chat", content=_chunks(400_000, 4096), headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"
    console = client.get("/console")
    assert "frame-ancestors 'none'" in console.headers["content-security-policy"]
    assert "max-age=" in console.headers["strict-transport-security"]
    client.cookies.set("staff_token", "t")
    csrf = client.post("/v1/kb/uploads", files={"file": ("a.md", b"x")}, headers={"origin": "https://evil.example"})
    assert csrf.status_code == 403
    assert csrf.json()["error"]["code"] == "csrf"


def test_the_login_page_has_no_inline_script(production_app: FastAPI) -> None:
    html = TestClient(production_app).get("/console/login").text
    assert "<script>" not in html and '<script src="/static/login.js">' in html
