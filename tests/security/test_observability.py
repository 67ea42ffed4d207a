"""Structured logs never carry personal data in clear; metrics are exposed for Prometheus."""

from __future__ import annotations

import io
import json
import logging

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.errors import install_error_handlers
from api.metrics import RequestMetricsMiddleware
from api.metrics import router as metrics_router
from api.security import SecurityConfig
from core.logs import configure_logging, scrub
from core.metrics import count_redactions, sample_queue_depth, timed_step


def test_scrub_masks_numbers_and_emails_but_keeps_short_numbers() -> None:
    text = "ID 11010519491231002X card 6222 0212 3456 7890 mail li.lei@example.com at 3 pm, 5 items"
    assert scrub(text) == "ID <digits> card <digits> mail <email> at 3 pm, 5 items"
    assert scrub("phone +86 138-0013-8000") == "phone <digits>"
    assert scrub("conversation 7f3c-2d handoff 42") == "conversation 7f3c-2d handoff 42"


def test_logs_are_json_lines_with_personal_data_masked() -> None:
    stream = io.StringIO()
    handler = configure_logging("INFO", stream)
    try:
        log = logging.getLogger("bankcs.test")
        log.info("turn stored for %s", "13800138000", extra={"conversation_id": "c1", "note": "a@b.cn"})
        try:
            raise ValueError("bad card 6222021234567890")
        except ValueError:
            log.exception("failed")
    finally:
        logging.getLogger().removeHandler(handler)
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "turn stored for <digits>"
    assert first["level"] == "INFO" and first["logger"] == "bankcs.test" and "timestamp" in first
    assert first["conversation_id"] == "c1" and first["note"] == "<email>"
    assert "6222021234567890" not in second["exc_info"] and "<digits>" in second["exc_info"]


def _app(token: str | None) -> FastAPI:
    app = FastAPI()
    app.state.security = SecurityConfig(metrics_token=token)
    install_error_handlers(app)
    app.add_middleware(RequestMetricsMiddleware)
    app.include_router(metrics_router)

    @app.get("/items/{item_id}")
    def item(item_id: str) -> dict[str, str]:
        return {"id": item_id}

    return app


def test_metrics_expose_turn_steps_redactions_queue_and_routes() -> None:
    with timed_step("retrieve"):
        pass
    count_redactions(["ID_CARD", "PHONE", "PHONE"])
    sample_queue_depth(lambda: 7)
    client = TestClient(_app("s3cret"))
    client.get("/items/abc")
    assert client.get("/metrics").status_code == 403
    text = client.get("/metrics", headers={"authorization": "Bearer s3cret"}).text
    assert 'bankcs_turn_step_seconds_count{step="retrieve"}' in text
    assert 'bankcs_redactions_total{entity_type="PHONE"}' in text
    assert "bankcs_handoff_queue_depth 7.0" in text
    assert 'bankcs_http_request_seconds_count{method="GET",route="/items/{item_id}",status="2xx"}' in text
    assert "abc" not in text  # route templates, never raw paths


def test_without_a_token_metrics_are_for_loopback_only() -> None:
    assert TestClient(_app(None)).get("/metrics").status_code == 403  # the test client is not loopback
