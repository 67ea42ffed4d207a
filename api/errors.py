"""Errors the API returns, each with an HTTP status and a stable machine-readable `code`.

Every error body has the shape `{"error": {"code": ..., "message": ...}}`. A 500 says nothing internal.
One way to refuse a request: raise the class below that names the HTTP meaning, with `code=` when the
client needs a narrower code (`Unavailable("…", code="copilot_unavailable")`); routes define no error
classes of their own and never change an error's code after building it.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class AppError(Exception):
    """A refused request (400 `bad_request` unless a subclass, `code` or `status` says otherwise)."""

    status_code = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, code: str | None = None, status: int | None = None, **details: Any
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status_code = status
        self.details = details


class NotFound(AppError):
    status_code = 404
    code = "not_found"


class Unauthorized(AppError):
    status_code = 401
    code = "unauthorized"


class Forbidden(AppError):
    status_code = 403
    code = "forbidden"


class Conflict(AppError):
    status_code = 409
    code = "conflict"


class InvalidTarget(AppError):
    """A transfer or team change naming a person or team that cannot take it."""

    status_code = 422
    code = "invalid_target"


class Unprocessable(AppError):
    """Well-formed but refused by the rules (a non-compliant suggestion, a mismatched id)."""

    status_code = 422
    code = "unprocessable"


class Unavailable(AppError):
    """A part this deployment does not run, or cannot reach now; the client may try again later."""

    status_code = 503
    code = "unavailable"


class EmptyMessage(AppError):
    status_code = 422
    code = "empty_message"


class MessageTooLong(AppError):
    status_code = 413
    code = "message_too_long"


_HTTP_CODES = {
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    429: "rate_limited",
}


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(
            error_body(exc.code, exc.message, exc.details or None), status_code=exc.status_code
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [
            {"loc": list(e.get("loc", ())), "type": e.get("type"), "msg": e.get("msg")} for e in exc.errors()
        ]
        return JSONResponse(
            error_body("invalid_request", "The request body or parameters are invalid.", details),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = getattr(exc, "code", None) or _HTTP_CODES.get(exc.status_code, "http_error")
        body = error_body(code, str(exc.detail))
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error: %s", type(exc).__name__)
        return JSONResponse(error_body("internal_error", "Internal server error."), status_code=500)
