"""Staff sign-in, tokens, role checks, staff accounts and the audit trail through the HTTP API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.settings import Settings
from core.wiring import Services
from tests.conftest import StaffFactory, bearer


def test_login_returns_a_token_that_authenticates(client: TestClient, make_staff: StaffFactory) -> None:
    username, _ = make_staff("agent", password="a long enough pw")
    r = client.post("/v1/auth/login", json={"username": username, "password": "a long enough pw"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["staff"]["role"] == "agent"
    assert "password_hash" not in body["staff"]
    me = client.get("/v1/auth/me", headers=bearer(body["token"]))
    assert me.json()["username"] == username


def test_login_sets_an_httponly_cookie_that_also_authenticates(
    services: Services, make_staff: StaffFactory
) -> None:
    username, _ = make_staff("editor", password="cookie password")
    with TestClient(create_app(services=services)) as fresh:
        r = fresh.post("/v1/auth/login", json={"username": username, "password": "cookie password"})
        assert "httponly" in r.headers["set-cookie"].lower()
        assert fresh.get("/v1/auth/me").json()["username"] == username
        assert fresh.post("/v1/auth/logout").status_code == 204
        assert fresh.get("/v1/auth/me", headers=bearer(r.json()["token"])).status_code == 401


@pytest.mark.parametrize(
    ("username", "password"),
    [("nobody", "whatever password"), ("agent-wrong-pw", "not the password")],
)
def test_wrong_credentials_are_refused_alike(
    client: TestClient, make_staff: StaffFactory, username: str, password: str
) -> None:
    if username == "agent-wrong-pw":
        username, _ = make_staff("agent")
    r = client.post("/v1/auth/login", json={"username": username, "password": password})
    assert r.status_code == 401
    assert r.json()["error"] == {"code": "unauthorized", "message": "Wrong username or password."}


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic abc"])
def test_staff_endpoints_need_a_valid_token(client: TestClient, header: str | None) -> None:
    headers = {"authorization": header} if header else {}
    r = client.get("/v1/auth/me", headers=headers)
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"


@pytest.mark.parametrize("role", ["agent", "editor"])
def test_only_admins_manage_staff_and_read_the_audit_trail(
    client: TestClient, make_staff: StaffFactory, role: str
) -> None:
    _, token = make_staff(role)
    for method, url in [("get", "/v1/staff"), ("get", "/v1/audit"), ("post", "/v1/staff")]:
        body = {"username": "x1", "password": "long password", "role": "agent"}
        r = client.request(method, url, headers=bearer(token), json=body if method == "post" else None)
        assert r.status_code == 403, (method, url)
        assert r.json()["error"]["code"] == "forbidden"


def test_admin_creates_and_deactivates_staff_and_each_change_is_audited(
    client: TestClient, make_staff: StaffFactory
) -> None:
    admin, token = make_staff("admin")
    r = client.post(
        "/v1/staff",
        headers=bearer(token),
        json={"username": "li.na", "password": "li na's password", "role": "agent", "can_reveal": True},
    )
    assert r.status_code == 201, r.text
    staff_id = r.json()["id"]
    dup = client.post(
        "/v1/staff", headers=bearer(token), json={"username": "li.na", "password": "x" * 12, "role": "agent"}
    )
    assert dup.status_code == 409
    weak = client.post(
        "/v1/staff", headers=bearer(token), json={"username": "wang", "password": "short", "role": "agent"}
    )
    assert weak.status_code == 422
    assert weak.json()["error"]["code"] == "invalid_staff"
    bad_role = client.post(
        "/v1/staff", headers=bearer(token), json={"username": "wang", "password": "x" * 12, "role": "root"}
    )
    assert bad_role.status_code == 422

    login = client.post("/v1/auth/login", json={"username": "li.na", "password": "li na's password"})
    assert login.status_code == 200
    off = client.patch(f"/v1/staff/{staff_id}", headers=bearer(token), json={"active": False})
    assert off.json()["active"] is False
    assert client.get("/v1/auth/me", headers=bearer(login.json()["token"])).status_code == 401
    again = client.post("/v1/auth/login", json={"username": "li.na", "password": "li na's password"})
    assert again.status_code == 401

    trail = client.get("/v1/audit", headers=bearer(token), params={"target_id": staff_id}).json()
    actions = [(a["actor"], a["action"]) for a in trail]
    assert (admin, "staff.create") in actions
    assert (admin, "staff.update") in actions
    assert all("password" not in str(a["detail"]).replace('"password": "changed"', "") for a in trail)


def test_expired_tokens_are_refused(services: Services, client: TestClient) -> None:
    from services.staff import create_staff, issue_token

    with services.sessions() as session:
        user = create_staff(session, "expiring", "expiring password", "agent")
        token = issue_token(session, user, ttl_hours=-1)
        session.commit()
    assert client.get("/v1/auth/me", headers=bearer(token)).status_code == 401


def test_cli_creates_the_first_admin(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.cli import main

    for field in ("data_dir", "vault_key"):
        monkeypatch.setenv(field.upper(), str(getattr(settings, field)))
    monkeypatch.setenv("FIRST_ADMIN_PW", "first admin password")
    assert main(["create-user", "root-admin", "--role", "admin", "--password-env", "FIRST_ADMIN_PW"]) == 0
    assert main(["create-user", "root-admin", "--role", "admin", "--password-env", "FIRST_ADMIN_PW"]) == 1
    monkeypatch.setenv("SHORT_PW", "short")
    assert main(["create-user", "other", "--role", "agent", "--password-env", "SHORT_PW"]) == 1
    assert main(["create-user", "other", "--role", "agent", "--password-env", "UNSET_VAR_X"]) == 2
