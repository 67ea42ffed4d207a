"""The ASGI application: `uvicorn api.app:app`.

Models and stores are built once at startup (lifespan) from `Settings`; tests pass ready-made
`Services` to share the heavy parts between apps.
"""

from __future__ import annotations

import core.native_threads  # noqa: F401  (first: the thread budget, before native libraries load)

# isort: split


import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import listeners
from api.errors import install_error_handlers
from api.faults import install_fault_handlers
from api.metrics import RequestMetricsMiddleware
from api.metrics import router as metrics_router
from api.rate_limits import RateLimitConfig, RateLimiter
from api.routes import (
    admin_pages,
    analytics,
    audit,
    auth,
    chat,
    conversations,
    copilot,
    groups,
    handoffs,
    health,
    kb,
    pages,
    privacy,
    sources,
    staff,
    teams,
    wecom,
    widget,
)
from api.security import (
    BodyLimitMiddleware,
    OriginCheckMiddleware,
    SecurityConfig,
    SecurityHeadersMiddleware,
)
from channels.wecom.alerts import UrgentHandoffAlerts
from core.logs import configure_logging
from core.metrics import sample_queue_depth
from core.settings import Settings, get_settings
from core.wiring import Services, build_privacy_rights, build_services
from knowledge.sandbox import ParserSandbox, SandboxLimits
from services.alerts import RetriageAlerts
from services.handoffs import waiting_handoffs
from services.kb_admin import apply_validity, build_kb_admin, import_and_sync
from services.kb_jobs import fail_stale_jobs
from services.periodic import PeriodicWorker
from services.privacy_rights import retention_loop
from services.sla_monitor import check_sla

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
UPLOAD_BODY_BYTES = kb.UPLOAD_MAX_BYTES + 64 * 1024  # the file plus its multipart envelope


def security_config(settings: Settings) -> SecurityConfig:
    return SecurityConfig(
        environment=settings.environment,
        body_limit=MAX_BODY_BYTES,
        upload_limit=UPLOAD_BODY_BYTES,
        frame_origins=tuple(settings.widget_frame_origins),
        trusted_origins=tuple(settings.trusted_origins),
        metrics_token=settings.metrics_token,
    )


def rate_limiter(settings: Settings) -> RateLimiter | None:
    """Counters shared through Redis when several workers run, else in this process; None when off."""
    if not settings.rate_limits:
        return None
    return RateLimiter(RateLimitConfig(storage_uri=settings.redis_url or "memory://"))


def sandbox(settings: Settings) -> ParserSandbox:
    memory = settings.upload_parse_memory_mb * 1024 * 1024
    return ParserSandbox(SandboxLimits(timeout_s=settings.upload_parse_timeout_s, memory_bytes=memory))


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    configured = settings or (services.settings if services else get_settings())
    security = security_config(configured)
    if configured.log_format == "json":
        configure_logging()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = services is None
        app.state.services = services or build_services(settings or get_settings())
        s = app.state.services
        listeners.install(s.dispatcher, s.events)
        s.dispatcher.listen(RetriageAlerts(s.alerts))
        if s.wecom is not None:
            s.dispatcher.listen(s.wecom.listener)
            if s.wecom.alerter is not None:
                s.dispatcher.listen(UrgentHandoffAlerts(s.wecom.alerter))
            s.wecom.start()
        copilot_loop = None
        if s.copilot is not None and s.settings.copilot_interval_s > 0:
            copilot_loop = PeriodicWorker("staff-copilot", s.copilot.run_once, s.settings.copilot_interval_s)
            copilot_loop.start()
        # The edge's own settings: a test may pass stricter ones than the shared services were built with.
        app.state.rate_limiter = rate_limiter(configured)
        app.state.kb_admin = build_kb_admin(
            s.sessions, s.knowledge, sandbox(configured), two_person_publish=configured.kb_two_person_publish
        )
        sample_queue_depth(lambda: waiting_handoffs(s.sessions))
        with s.sessions() as session:
            fail_stale_jobs(session)  # uploads no worker can finish (out of attempts, or from before leases)
        jobs_loop = None
        if s.settings.kb_jobs_interval_s > 0:  # resume uploads whose worker stopped (any worker may)
            jobs_loop = PeriodicWorker(
                "kb-jobs", app.state.kb_admin.jobs.resume_step, s.settings.kb_jobs_interval_s
            )
            jobs_loop.start()
        purge_loop = None
        if s.settings.retention_purge_interval_s > 0:  # PIPL retention: once per interval per deployment
            purge_loop = retention_loop(build_privacy_rights(s), s.settings.retention_purge_interval_s)
            purge_loop.start()
        # The catalog (SQL) is the knowledge's source of truth: KB_DIR seeds it on first start only.
        import_and_sync(s.sessions, app.state.kb_admin.catalog, s.settings.kb_dir, only_if_empty=True)
        catalog = app.state.kb_admin.catalog

        def scheduled_round() -> None:
            """SLA alerts, then the knowledge base's effective/expiry dates."""
            check_sla(s.sessions, s.sla, s.alerts)
            apply_validity(s.sessions, catalog)

        sla_loop = None
        if s.settings.sla_check_interval_s > 0:  # the same scheduler as every other background step
            sla_loop = PeriodicWorker(
                "sla-and-validity", scheduled_round, s.settings.sla_check_interval_s, wait_first=True
            )
            sla_loop.start()
        app.state.sla_loop = sla_loop
        yield
        if sla_loop is not None:
            sla_loop.stop()
        if copilot_loop is not None:
            copilot_loop.stop()
        if jobs_loop is not None:
            jobs_loop.stop()
        if purge_loop is not None:
            purge_loop.stop()
        if s.wecom is not None:
            s.wecom.worker.stop()
            s.wecom.outbox_worker.stop()
        app.state.kb_admin.close()
        if owned:
            s.close()

    app = FastAPI(
        title="Bank customer-service agent",
        version="0.1.0",
        description="Privacy-first, retrieval-augmented customer service for bank group chats and web chat.",
        lifespan=lifespan,
        docs_url="/docs" if security.docs_enabled else None,
        redoc_url="/redoc" if security.docs_enabled else None,
        openapi_url="/openapi.json" if security.docs_enabled else None,
    )
    app.state.security = security
    install_error_handlers(app)
    install_fault_handlers(app)
    # Outermost last: headers on every response, then the CSRF check, then the streamed body limit.
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(OriginCheckMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestMetricsMiddleware)

    routers = (
        health, chat, widget, groups, conversations, handoffs, teams, copilot, sources, auth, staff, audit,
        kb, wecom, analytics,
    )  # fmt: skip
    for module in (*routers, privacy, admin_pages, pages):
        app.include_router(module.router)
    app.include_router(metrics_router)
    app.mount("/admin/assets", admin_pages.admin_assets(), name="admin-assets")
    app.include_router(wecom.pages)
    app.mount("/wecom/static", StaticFiles(directory=wecom.SIDEBAR_STATIC), name="wecom-static")
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")
    return app


app = create_app()
