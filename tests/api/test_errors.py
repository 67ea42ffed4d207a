"""One way to refuse a request (api/errors.py): an error class by HTTP meaning, `code=` to narrow it.

Before, routes each had their own shapes: one-off subclasses, a code patched onto a built error, and a
`code=` keyword that silently landed in `details` (WeCom-not-configured answered `not_found`).
"""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.errors import AppError, NotFound, Unavailable, install_error_handlers
from tests.conftest import StaffFactory

ROUTES = Path(__file__).resolve().parents[2] / "api" / "routes"
ERROR_CLASSES = {
    "AppError", "NotFound", "Unauthorized", "Forbidden", "Conflict", "Unprocessable", "Unavailable",
}  # fmt: skip


def _app(error: AppError) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise error

    return TestClient(app)


def test_code_and_status_narrow_an_error_and_details_stay_details() -> None:
    r = _app(NotFound("no such group", code="group_not_found", chat_id="g1")).get("/boom")
    assert r.status_code == 404
    assert r.json() == {
        "error": {"code": "group_not_found", "message": "no such group", "details": {"chat_id": "g1"}}
    }
    r = _app(Unavailable("later")).get("/boom")
    assert (r.status_code, r.json()["error"]["code"]) == (503, "unavailable")
    r = _app(AppError("odd", code="parser_busy", status=503)).get("/boom")
    assert (r.status_code, r.json()["error"]["code"]) == (503, "parser_busy")


def test_wecom_not_configured_answers_its_own_code(client: TestClient, make_staff: StaffFactory) -> None:
    _, token = make_staff("agent")
    r = client.get("/v1/wecom/groups", headers={"authorization": f"Bearer {token}"})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "wecom_not_configured"
    assert "details" not in r.json()["error"]


def test_routes_define_no_error_classes_and_patch_no_codes() -> None:
    """The convention above, checked on the source: no `class X(AppError)` and no `x.code = …` in routes."""
    found = []
    for path in sorted(ROUTES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and {getattr(b, "id", "") for b in node.bases} & ERROR_CLASSES:
                found.append(f"{path.name}: class {node.name}")
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Attribute) and t.attr in ("code", "status_code") for t in node.targets
            ):
                found.append(f"{path.name}:{node.lineno}: assigns .code")
    assert found == []

