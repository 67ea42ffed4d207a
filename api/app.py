"""The ASGI application: `uvicorn api.app:app`.

Models and stores are built once at startup (lifespan) from `Settings`; tests pass ready-made
`Services` to share the heavy parts between apps.
"""

from __future__ import annotations

import core.native_threads  # noqa: F401  (first: the thread budget, before native libraries load)

# isort: split


import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from api import listeners
from api.errors import error_body, install_error_handlers
from api.routes import (
    admin_pages,
    audit,
    auth,
    chat,
    conversations,
    groups,
    handoffs,
    health,
    kb,
    pages,
    sources,
    staff,
    widget,
)
from core.settings import Settings, get_settings
from core.wiring import Services, build_services
from services.kb_admin import build_kb_admin, import_and_sync

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
UPLOAD_BODY_BYTES = kb.UPLOAD_MAX_BYTES + 64 * 1024  # the file plus its multipart envelope


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        app.state.services = services or build_services(settings or get_settings())
        s = app.state.services
        listeners.install(s.dispatcher, s.events)
        app.state.kb_admin = build_kb_admin(s.sessions, s.knowledge)
        # The catalog (SQL) is the knowledge's source of truth: KB_DIR seeds it on first start only.
        import_and_sync(s.sessions, app.state.kb_admin.catalog, s.settings.kb_dir, only_if_empty=True)
        yield
        app.state.kb_admin.close()
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
        limit = UPLOAD_BODY_BYTES if request.url.path == "/v1/kb/uploads" else MAX_BODY_BYTES
        if length and length.isdigit() and int(length) > limit:
            return JSONResponse(
                error_body("payload_too_large", f"Request bodies are limited to {limit} bytes."),
                status_code=413,
            )
        return await call_next(request)

    routers = (health, chat, widget, groups, conversations, handoffs, sources, auth, staff, audit, kb)
    for module in (*routers, admin_pages, pages):
        app.include_router(module.router)
    app.mount("/admin/assets", admin_pages.admin_assets(), name="admin-assets")
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    return app


app = create_app()
