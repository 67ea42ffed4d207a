"""Dependency faults are 503 with a code and Retry-After, never 500 (issue 12: "database is locked")."""

from __future__ import annotations

import sqlite3

import httpx
import pytest
import sqlalchemy.exc as sa_exc
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.errors import install_error_handlers
from api.faults import fault_code, install_fault_handlers
from knowledge.errors import StoreError


def _locked() -> Exception:
    return sa_exc.OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (_locked, "database_unavailable"),
        (lambda: sa_exc.TimeoutError("QueuePool limit reached"), "database_unavailable"),
        (lambda: httpx.ConnectError("refused"), "knowledge_unavailable"),
        (lambda: StoreError("collection missing"), "knowledge_unavailable"),
    ],
)
def test_faults_are_503_with_a_code(make: object, code: str) -> None:
    assert callable(make)
    app = FastAPI()
    install_error_handlers(app)
    install_fault_handlers(app)

    @app.post("/turn")
    def turn() -> None:
        raise make()

    r = TestClient(app, raise_server_exceptions=False).post("/turn")
    assert r.status_code == 503
    assert r.json()["error"]["code"] == code
    assert r.headers["retry-after"] == "5"
    assert "INSERT" not in r.text and "refused" not in r.text


def test_a_wrapped_fault_is_found_through_its_cause() -> None:
    try:
        try:
            raise _locked()
        except sa_exc.OperationalError as inner:
            raise RuntimeError("turn failed") from inner
    except RuntimeError as outer:
        assert fault_code(outer) == "database_unavailable"
    assert fault_code(ValueError("bug")) is None


def test_a_wrapped_fault_is_503_too() -> None:
    app = FastAPI()
    install_error_handlers(app)
    install_fault_handlers(app)

    @app.get("/wrapped")
    def wrapped() -> None:
        try:
            raise _locked()
        except sa_exc.OperationalError as exc:
            raise RuntimeError("turn failed") from exc

    r = TestClient(app, raise_server_exceptions=False).get("/wrapped")
    assert r.status_code == 503 and r.json()["error"]["code"] == "database_unavailable"


def test_a_bug_is_still_a_500() -> None:
    app = FastAPI()
    install_error_handlers(app)
    install_fault_handlers(app)

    @app.get("/bug")
    def bug() -> None:
        raise ValueError("oops")

    r = TestClient(app, raise_server_exceptions=False).get("/bug")
    assert r.status_code == 500 and r.json()["error"]["code"] == "internal_error"
