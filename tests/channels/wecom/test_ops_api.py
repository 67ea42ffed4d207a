"""WeCom operations through the API: customer links (staff-authenticated, encrypted, audited), group
settings permissions, reply delivery states. WeCom's servers are the FAKE server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from cryptography.fernet import Fernet
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from channels.wecom.client import WeComClient
from channels.wecom.config import WeComSettings
from channels.wecom.runtime import WeComRuntime, build_wecom
from core.wiring import Services
from storage.models import AuditRecord
from storage.wecom_models import WeComCustomerLink
from tests.channels.wecom.conftest import FakeWeCom
from tests.channels.wecom.fake_wecom import AES_KEY, CALLBACK_TOKEN, CORP_ID, KF_ID, SECRET
from tests.conftest import StaffFactory, bearer

CUSTOMER = "QH20261203001"


@pytest.fixture
def app(services: Services, fake_wecom: FakeWeCom) -> Iterator[tuple[TestClient, WeComRuntime]]:
    settings = WeComSettings.model_validate(
        {
            "corp_id": CORP_ID,
            "kf_secret": SECRET,
            "callback_token": CALLBACK_TOKEN,
            "encoding_aes_key": AES_KEY,
            "kf_account_ids": [KF_ID],
            "api_base_url": fake_wecom.base_url,
        }
    )
    client = WeComClient.from_settings(settings, sleep=lambda _: None)
    assert services.settings.vault_key is not None
    wecom = build_wecom(
        settings,
        sessions=services.sessions,
        conversations=services.conversations,
        pseudonymizer=services.pseudonymizer,
        redactor=services.redactor,
        events=services.dispatcher,
        client=client,
        cipher=Fernet(services.settings.vault_key),
    )
    with TestClient(create_app(services=replace(services, wecom=wecom))) as http:
        yield http, wecom
    client.close()


def test_staff_link_a_wecom_user_to_a_customer_number(
    app: tuple[TestClient, WeComRuntime], services: Services, make_staff: StaffFactory
) -> None:
    http, _ = app
    user = "wmLinkCust01"
    path = f"/v1/wecom/customers/{user}/link"
    assert http.put(path, json={"customer_id": CUSTOMER}).status_code == 401
    _, token = make_staff("agent")
    bad = http.put(path, headers=bearer(token), json={"customer_id": "12 34; drop"})
    assert bad.status_code == 422 and bad.json()["error"]["code"]

    linked = http.put(path, headers=bearer(token), json={"customer_id": CUSTOMER})
    assert linked.status_code == 200
    body = linked.json()
    assert body["customer_id_masked"] == "*********3001" and "customer_id" not in body
    assert body["customer_ref"].startswith("C")
    with services.sessions() as session:
        row = session.get(WeComCustomerLink, user)
        assert row is not None and CUSTOMER not in row.customer_id_enc  # encrypted at rest
        records = session.scalars(select(AuditRecord).where(AuditRecord.target_id == user)).all()
    assert [r.action for r in records] == ["wecom.customer_link"]
    assert CUSTOMER not in str(records[0].detail)

    refused = http.get(path, headers=bearer(token), params={"reveal": "true"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "reveal_forbidden"
    _, revealer = make_staff("agent", can_reveal=True)
    shown = http.get(path, headers=bearer(revealer), params={"reveal": "true"})
    assert shown.status_code == 200 and shown.json()["customer_id"] == CUSTOMER

    assert http.delete(path, headers=bearer(token)).status_code == 204
    gone = http.get(path, headers=bearer(token))
    assert gone.status_code == 404
    with services.sessions() as session:
        actions = session.scalars(
            select(AuditRecord.action).where(AuditRecord.target_id == user).order_by(AuditRecord.at)
        ).all()
    assert actions == [
        "wecom.customer_link",
        "wecom.customer_link_reveal_refused",
        "wecom.customer_link_reveal",
        "wecom.customer_unlink",
    ]


def test_group_settings_are_edited_by_admins_or_the_groups_owner_only(
    app: tuple[TestClient, WeComRuntime], make_staff: StaffFactory
) -> None:
    http, wecom = app
    chat = "wrOpsApiGroup"
    owner, owner_token = make_staff("agent")
    wecom.directory.link(owner, "owner.ops.api")
    _, other_token = make_staff("agent")
    config = {
        "chat_id": chat,
        "name": "青禾客户群",
        "owner_userid": "owner.ops.api",
        "keyword_alerts": ["盗刷"],
    }
    path = f"/v1/wecom/groups/{chat}/settings"
    assert http.put(path, headers=bearer(other_token), json=config).status_code == 403
    assert http.put(path, headers=bearer(owner_token), json=config).status_code == 200
    mismatch = http.put(path, headers=bearer(owner_token), json={**config, "chat_id": "wrElse"})
    assert mismatch.status_code == 422 and mismatch.json()["error"]["code"] == "chat_id_mismatch"
    assert http.get(path, headers=bearer(other_token)).json()["keyword_alerts"] == ["盗刷"]
    stats = http.get("/v1/wecom/groups/analytics", headers=bearer(owner_token), params={"days": 30})
    assert stats.status_code == 200 and "groups" in stats.json()


def test_reply_states_are_visible_to_staff(
    app: tuple[TestClient, WeComRuntime], make_staff: StaffFactory
) -> None:
    http, _ = app
    _, token = make_staff("agent")
    assert http.get("/v1/wecom/conversations/conv_none/replies", headers=bearer(token)).json() == []
    assert http.post("/v1/wecom/replies/msg_none/retry", headers=bearer(token)).status_code == 409
    assert "replies" in http.get("/v1/wecom/status", headers=bearer(token)).json()
