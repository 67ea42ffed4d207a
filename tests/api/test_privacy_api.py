"""/v1/privacy: PIPL export and erasure over HTTP, admins only, audited (issue 12)."""

from __future__ import annotations

import time
from dataclasses import replace

from fastapi.testclient import TestClient

from api.app import create_app
from core.wiring import Services
from services.audit import list_records
from tests.conftest import StaffFactory


def test_export_and_erase_a_customer_through_the_admin_api(
    client: TestClient, make_staff: StaffFactory
) -> None:
    turn = client.post("/v1/chat", json={"text": "我的手机号是13812345678，信用卡年费怎么收？"}).json()
    conversation = turn["conversation_id"]
    _, agent = make_staff("agent")
    _, admin = make_staff("admin")
    _, revealer = make_staff("admin", can_reveal=True)

    def auth(token: str) -> dict[str, str]:
        return {"authorization": f"Bearer {token}"}

    body = {"conversation_id": conversation, "reason": "PIPL-2026-001"}
    assert client.post("/v1/privacy/export", json=body, headers=auth(agent)).status_code == 403
    assert (
        client.post("/v1/privacy/export", json={"reason": "x"}, headers=auth(admin)).json()["error"]["code"]
        == "bad_subject"
    )
    plain = client.post("/v1/privacy/export", json=body, headers=auth(admin)).json()
    assert "13812345678" not in str(plain)
    assert plain["conversations"][0]["messages"][0]["text"].startswith("我的手机号是<PHONE_")
    refused = client.post("/v1/privacy/export", json={**body, "reveal": True}, headers=auth(admin))
    assert refused.status_code == 403
    revealed = client.post("/v1/privacy/export", json={**body, "reveal": True}, headers=auth(revealer)).json()
    assert revealed["conversations"][0]["originals"][0]["value"] == "13812345678"

    erased = client.post("/v1/privacy/erase", json=body, headers=auth(admin))
    assert erased.status_code == 200 and erased.json()["vault_originals"] == 1
    gone = client.post("/v1/privacy/export", json=body, headers=auth(admin))
    assert gone.status_code == 404
    trail = client.get("/v1/audit", params={"target_id": plain["customer_ref"]}, headers=auth(admin)).json()
    assert {"privacy.export", "privacy.erase"} <= {r["action"] for r in trail}
    assert "13812345678" not in str(trail)


def test_a_worker_runs_the_retention_purge_by_itself(services: Services) -> None:
    """RETENTION_PURGE_INTERVAL_S > 0: the lifespan starts the purge loop (audited as `via: schedule`)."""
    daily = services.settings.model_copy(update={"retention_purge_interval_s": 86400})
    every_day = replace(services, settings=daily)

    def scheduled() -> int:
        with services.sessions() as session:
            records = list_records(session, action="privacy.purge", limit=1000)
            return sum(1 for r in records if r.detail.get("via") == "schedule")

    before = scheduled()
    with TestClient(create_app(services=every_day)):
        deadline = time.monotonic() + 30
        while scheduled() == before and time.monotonic() < deadline:
            time.sleep(0.1)
    assert (before, scheduled()) == (0, 1)
