"""The edge's defences that do not belong to any one route.

- `BodyLimitMiddleware`: request bodies are counted as they stream in (a chunked body has no
  Content-Length to check), so an oversized body is refused with 413 `payload_too_large` after at most
  `limit` bytes instead of being read whole.
- `OriginCheckMiddleware`: a write (POST/PUT/PATCH/DELETE) that a browser authenticates with the staff
  cookie must come from our own origin (or a trusted one): a foreign `Origin` is 403 `csrf`. SameSite
  alone does not cover same-site attackers or older browsers. Bearer-token and widget-token requests
  carry no ambient credential and are not checked.
- `SecurityHeadersMiddleware`: CSP (scripts and styles only from our origin), `frame-ancestors 'none'`
  everywhere except the chat page, which the widget frames from the configured origins; nosniff,
  referrer policy, HSTS in production.
- `clean_text` / `CleanText`: control characters (NUL, ESC, …) and bidirectional overrides (U+202E …)
  are removed from customer and staff text before anything stores or shows it.
- `Int64`: path and query integers bounded to what the database stores (≥ 2⁶³ is a 422, not a 500).

Configuration is one `SecurityConfig` on `app.state.security`, set at startup from the settings.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_body

TOKEN_COOKIE = "staff_token"  # the same name as api.auth.TOKEN_COOKIE (kept apart to avoid an import cycle)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_INT64 = 2**63 - 1
WIDGET_PAGE = "/"  # the chat page the widget frames

# --- configuration ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecurityConfig:
    """What the middlewares enforce. `frame_origins` may frame the chat page (the widget's host pages,
    e.g. https://www.bank.example); `trusted_origins` may make cookie-authenticated writes besides our own."""

    environment: str = "development"
    body_limit: int = 256 * 1024
    upload_limit: int = 10 * 1024 * 1024 + 64 * 1024
    upload_paths: tuple[str, ...] = ("/v1/kb/uploads",)
    frame_origins: tuple[str, ...] = ()
    trusted_origins: tuple[str, ...] = ()
    metrics_token: str | None = None  # bearer token for GET /metrics; unset: loopback callers only

    @property
    def secure_cookies(self) -> bool:
        """Cookies carry `Secure` in production (development and the test suite run over plain HTTP)."""
        return self.environment == "production"

    @property
    def docs_enabled(self) -> bool:
        """`/docs` and `/openapi.json` describe every route: off in production."""
        return self.environment != "production"

    def limit_for(self, path: str) -> int:
        return self.upload_limit if path in self.upload_paths else self.body_limit


DEFAULT_CONFIG = SecurityConfig()


def config_of(scope: Scope) -> SecurityConfig:
    app = scope.get("app")
    config = getattr(getattr(app, "state", None), "security", None)
    return config if isinstance(config, SecurityConfig) else DEFAULT_CONFIG


async def _send_error(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps(error_body(code, message)).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


# --- body size ----------------------------------------------------------------------------------------


class PayloadTooLarge(HTTPException):
    """Raised from `receive` once a body passes its limit. An `HTTPException`, so FastAPI's body reading
    re-raises it as is (it turns other exceptions into 400s); the error handlers map it to 413."""

    code = "payload_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Request bodies are limited to {limit} bytes.")
        self.limit = limit


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = config_of(scope).limit_for(scope["path"])
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > limit:
            await _send_error(send, 413, PayloadTooLarge.code, str(PayloadTooLarge(limit).detail))
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise PayloadTooLarge(limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except PayloadTooLarge as exc:  # read outside FastAPI's handlers (a raw `request.stream()`)
            if started:
                raise
            await _send_error(send, 413, PayloadTooLarge.code, str(exc.detail))


# --- CSRF: the Origin of cookie-authenticated writes --------------------------------------------------


def _host_of(origin: str) -> str | None:
    parts = urlsplit(origin)
    if not parts.scheme or not parts.hostname:
        return None
    default = {"http": 80, "https": 443}.get(parts.scheme)
    port = parts.port
    return parts.hostname.lower() + (f":{port}" if port and port != default else "")


def _request_host(host_header: str) -> str:
    host = host_header.strip().lower()
    for default in (":80", ":443"):
        if host.endswith(default):
            return host[: -len(default)]
    return host


def cross_origin_write(scope: Scope, config: SecurityConfig) -> bool:
    """True when a browser-authenticated (staff cookie, no bearer) write comes from a foreign origin."""
    if scope["method"] not in UNSAFE_METHODS:
        return False
    headers = Headers(scope=scope)
    if headers.get("authorization", "").lower().startswith("bearer "):
        return False
    if f"{TOKEN_COOKIE}=" not in headers.get("cookie", ""):
        return False
    if headers.get("sec-fetch-site", "") == "cross-site":
        return True
    origin = headers.get("origin") or headers.get("referer")
    if origin is None:
        return False  # not a browser (browsers send Origin on every cross-origin write)
    host = _host_of(origin)
    if host is None:  # "null" (sandboxed frames, privacy redirects) or garbage
        return True
    trusted = {_host_of(o) for o in config.trusted_origins}
    return host != _request_host(headers.get("host", "")) and host not in trusted


class OriginCheckMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and cross_origin_write(scope, config_of(scope)):
            await _send_error(send, 403, "csrf", "Cross-site requests may not use the staff session.")
            return
        await self.app(scope, receive, send)


# --- response headers ---------------------------------------------------------------------------------

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
)


def security_headers(path: str, config: SecurityConfig) -> dict[str, str]:
    """The headers every response gets; the chat page may be framed by the widget's host origins."""
    if path == WIDGET_PAGE:
        ancestors = " ".join(("'self'", *config.frame_origins))
    else:
        ancestors = "'none'"
    headers = {
        "content-security-policy": _CSP.format(ancestors=ancestors),
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
    if ancestors == "'none'":
        headers["x-frame-options"] = "DENY"
    if config.environment == "production":
        headers["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    return headers


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope["path"], config_of(scope))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra.items():
                    if name not in headers:  # a route that sets its own policy keeps it
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- text and numbers at the edge ---------------------------------------------------------------------

# Bidirectional embeddings, overrides and isolates (they make "gpj.exe" look like "exe.jpg" to staff).
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_KEEP = frozenset("\n\t")
_STRIP = re.compile(f"[{_BIDI}\ufeff\ufff9-\ufffb]")


def clean_text(text: str) -> str:
    """`text` without control characters (C0 but newline and tab, DEL, C1; a CR becomes a newline),
    bidirectional controls, BOMs and interlinear annotations. Zero-width joiners stay (emoji need them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _STRIP.sub("", text)
    if text.isprintable():
        return text
    return "".join(ch for ch in text if ch in _KEEP or unicodedata.category(ch) != "Cc")


CleanText = Annotated[str, AfterValidator(clean_text)]
"""A request field of free text: `text: CleanText = Field(max_length=...)`."""

Int64 = Annotated[int, Field(ge=0, le=MAX_INT64)]
"""A non-negative integer the database can store (SQLite and PostgreSQL BIGINT). As a query parameter
write `after: Int64 = 0` (a `Query(0)` default replaces these bounds)."""
