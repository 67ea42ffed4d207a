"""The handoff console API: roles, claim/reply/note/resolve/return, reveal with audit, group outbox."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from core.wiring import Services
from tests.api.widget_client import send, start
from tests.conftest import StaffFactory, bearer

PHONE = "13912345678"


def complaint(client: TestClient) -> tuple[str, str, str]:
    """A widget customer complains (leaving a phone number): (widget token, conversation, handoff)."""
    token, conversation_id = start(client)
    result = send(client, token, f"我要投诉，你们网点服务态度太差了！请打我电话{PHONE}")
    assert result["meta"]["action"] == "handoff" and result["done"]["handoff_id"]
    return token, conversation_id, result["done"]["handoff_id"]


def audit_actions(client: TestClient, admin: str, handoff_id: str) -> list[str]:
    rows = client.get("/v1/audit", params={"target_id": handoff_id}, headers=bearer(admin)).json()
    return [r["action"] for r in rows]


def test_agent_claims_replies_and_the_customer_reads_it(client: TestClient, make_staff: StaffFactory) -> None:
    _, agent = make_staff("agent")
    _, admin = make_staff("admin")
    token, conversation_id, handoff_id = complaint(client)
    queue = client.get("/v1/handoffs", headers=bearer(agent)).json()
    item = next(h for h in queue if h["id"] == handoff_id)
    assert item["status"] == "open" and item["sla"]["first_response_breached"] is False
    detail = client.get(f"/v1/handoffs/{handoff_id}", headers=bearer(agent)).json()
    assert detail["category"] == "complaint" and detail["summary"]["question"]
    assert PHONE not in str(detail), "the console sees the redacted transcript only"
    assert "<PHONE_1>" in detail["placeholders"]

    claimed = client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(agent))
    assert claimed.status_code == 200 and claimed.json()["status"] == "claimed"
    r = client.post(
        f"/v1/handoffs/{handoff_id}/reply",
        json={"text": "您好，我是客服专员，马上为您处理。"},
        headers=bearer(agent),
    )
    assert r.status_code == 201, r.text
    note = client.post(
        f"/v1/handoffs/{handoff_id}/notes", json={"text": "已联系网点主任"}, headers=bearer(agent)
    )
    assert note.status_code == 201
    transcript = client.get(f"/v1/conversations/{conversation_id}", headers={"x-widget-token": token}).json()
    assert transcript["messages"][-1]["role"] == "staff"
    assert "已联系网点主任" not in str(transcript), "internal notes never reach the customer"
    after = client.get(f"/v1/handoffs/{handoff_id}", headers=bearer(agent)).json()
    assert after["sla"]["first_response_breached"] is False and after["notes"][0]["text"] == "已联系网点主任"

    resolved = client.post(
        f"/v1/handoffs/{handoff_id}/resolve", json={"outcome": "complaint_registered"}, headers=bearer(agent)
    )
    assert resolved.json()["status"] == "resolved"
    assert client.get(f"/v1/handoffs/{handoff_id}", headers=bearer(agent)).json()["mode"] == "bot"
    actions = audit_actions(client, admin, handoff_id)
    for action in ("handoff.claim", "handoff.reply", "handoff.note", "handoff.resolve"):
        assert action in actions


def test_editor_cannot_see_or_claim_handoffs(client: TestClient, make_staff: StaffFactory) -> None:
    _, editor = make_staff("editor")
    _, _, handoff_id = complaint(client)
    for method, url in (("get", "/v1/handoffs"), ("post", f"/v1/handoffs/{handoff_id}/claim")):
        r = client.request(method, url, headers=bearer(editor))
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "forbidden"


def test_a_claimed_handoff_belongs_to_its_claimer(client: TestClient, make_staff: StaffFactory) -> None:
    _, first = make_staff("agent")
    _, second = make_staff("agent")
    _, _, handoff_id = complaint(client)
    unclaimed = client.post(f"/v1/handoffs/{handoff_id}/reply", json={"text": "您好"}, headers=bearer(first))
    assert unclaimed.status_code == 409, "reply needs a claim first"
    assert client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(first)).status_code == 200
    for url, body in (
        (f"/v1/handoffs/{handoff_id}/claim", None),
        (f"/v1/handoffs/{handoff_id}/reply", {"text": "hi"}),
    ):
        r = client.post(url, json=body, headers=bearer(second))
        assert r.status_code == 409
        assert r.json()["error"]["code"] == "conflict"


def test_return_to_bot_hands_the_conversation_back(client: TestClient, make_staff: StaffFactory) -> None:
    _, agent = make_staff("agent")
    token, _, handoff_id = complaint(client)
    r = client.post(f"/v1/handoffs/{handoff_id}/return", headers=bearer(agent))
    assert r.status_code == 200 and r.json()["status"] == "returned"
    assert send(client, token, "信用卡年费多少")["meta"]["action"] == "answer", "the bot answers again"
    again = client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(agent))
    assert again.status_code == 409


def reveal_phone(client: TestClient, handoff_id: str, token: str) -> httpx.Response:
    return client.post(
        f"/v1/handoffs/{handoff_id}/reveal",
        json={"placeholder": "<PHONE_1>", "reason": "回电核实"},
        headers=bearer(token),
    )


def test_reveal_without_permission_is_refused_and_reveals_nothing(
    client: TestClient, make_staff: StaffFactory
) -> None:
    _, agent = make_staff("agent", can_reveal=False)
    _, admin = make_staff("admin")
    _, _, handoff_id = complaint(client)
    r = reveal_phone(client, handoff_id, agent)
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "forbidden"
    assert PHONE not in r.text
    actions = audit_actions(client, admin, handoff_id)
    assert "pii.reveal_refused" in actions and "pii.reveal" not in actions


def test_reveal_with_permission_returns_the_original_and_is_audited(
    client: TestClient, make_staff: StaffFactory
) -> None:
    username, agent = make_staff("agent", can_reveal=True)
    _, admin = make_staff("admin")
    _, _, handoff_id = complaint(client)
    assert client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(agent)).status_code == 200
    r = reveal_phone(client, handoff_id, agent)
    assert r.status_code == 200, r.text
    assert r.json()["original"] == PHONE
    rows = client.get(
        "/v1/audit", params={"action": "pii.reveal", "target_id": handoff_id}, headers=bearer(admin)
    ).json()
    assert len(rows) == 1
    assert rows[0]["actor"] == username and rows[0]["detail"]["reason"] == "回电核实"
    assert PHONE not in str(rows), "the audit trail never holds the original"


def test_reveal_is_only_for_the_agent_who_claimed_the_case(
    client: TestClient, make_staff: StaffFactory
) -> None:
    _, first = make_staff("agent", can_reveal=True)
    _, second = make_staff("agent", can_reveal=True)
    _, admin = make_staff("admin")
    _, _, handoff_id = complaint(client)
    unclaimed = reveal_phone(client, handoff_id, first)
    assert unclaimed.status_code == 403 and PHONE not in unclaimed.text
    client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(first))
    other = reveal_phone(client, handoff_id, second)
    assert other.status_code == 403 and PHONE not in other.text
    assert reveal_phone(client, handoff_id, first).json()["original"] == PHONE
    assert reveal_phone(client, handoff_id, admin).status_code in (200, 403)  # admins need can_reveal too
    assert audit_actions(client, admin, handoff_id).count("pii.reveal_refused") >= 2


@pytest.mark.parametrize(
    ("path", "payload", "status", "code"),
    [
        ("reveal", {"placeholder": "<PHONE_9>", "reason": "回电核实"}, 404, "not_found"),
        ("reveal", {"placeholder": "13912345678", "reason": "回电核实"}, 422, "invalid_request"),
        ("reveal", {"placeholder": "<PHONE_1>"}, 422, "invalid_request"),
        ("resolve", {"outcome": "made_up"}, 422, "invalid_request"),
        ("reply", {"text": ""}, 422, "invalid_request"),
        ("notes", {"text": "x" * 5000}, 422, "invalid_request"),
    ],
)
def test_bad_console_input_is_a_4xx_with_a_code(
    client: TestClient, make_staff: StaffFactory, path: str, payload: object, status: int, code: str
) -> None:
    _, agent = make_staff("agent", can_reveal=True)
    _, _, handoff_id = complaint(client)
    client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(agent))
    r = client.post(f"/v1/handoffs/{handoff_id}/{path}", json=payload, headers=bearer(agent))
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code


def test_unknown_handoff_is_404(client: TestClient, make_staff: StaffFactory) -> None:
    _, agent = make_staff("agent")
    r = client.post("/v1/handoffs/ho_nope/claim", headers=bearer(agent))
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_group_replies_go_to_the_outbox(client: TestClient, make_staff: StaffFactory) -> None:
    _, agent = make_staff("agent")
    _, editor = make_staff("editor")
    _, connector = make_staff("connector")
    r = client.post(
        "/v1/groups/wecom-outbox/messages",
        json={
            "text": "@小禾 我要投诉，你们的理财经理乱推销，太差了！",
            "sender_id": "wx-k",
            "mentions": ["小禾"],
        },
        headers=bearer(connector),
    )
    handoff_id = r.json()["handoff_id"]
    assert handoff_id, r.text
    client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(agent))
    client.post(
        f"/v1/handoffs/{handoff_id}/reply",
        json={"text": "您好，已为您登记，稍后私信联系您。"},
        headers=bearer(agent),
    )
    items = client.get("/v1/groups/wecom-outbox/outbox", headers=bearer(agent)).json()
    assert [i["text"] for i in items] == ["您好，已为您登记，稍后私信联系您。"]
    after = client.get(
        "/v1/groups/wecom-outbox/outbox", params={"after": items[-1]["id"]}, headers=bearer(agent)
    )
    assert after.json() == []
    assert client.get("/v1/groups/wecom-outbox/outbox", headers=bearer(editor)).status_code == 403
    assert len(client.get("/v1/groups/wecom-outbox/outbox", headers=bearer(connector)).json()) == 1


def test_staff_text_is_redacted_before_it_is_stored_or_posted_to_a_group(
    client: TestClient, make_staff: StaffFactory
) -> None:
    _, agent = make_staff("agent")
    _, connector = make_staff("connector")
    r = client.post(
        "/v1/groups/wecom-staff-pii/messages",
        json={"text": "@小禾 我要投诉，客户经理一直不回电话！", "sender_id": "wx-p", "mentions": ["小禾"]},
        headers=bearer(connector),
    )
    handoff_id = r.json()["handoff_id"]
    client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(agent))
    typed = "已安排专人处理，您也可以拨打400-860-1234，或告诉我们是否仍用13912345678联系您。"
    reply = client.post(f"/v1/handoffs/{handoff_id}/reply", json={"text": typed}, headers=bearer(agent))
    assert reply.status_code == 201
    client.post(
        f"/v1/handoffs/{handoff_id}/notes", json={"text": "客户备用号13912345678"}, headers=bearer(agent)
    )
    posted = client.get("/v1/groups/wecom-staff-pii/outbox", headers=bearer(agent)).json()
    detail = client.get(f"/v1/handoffs/{handoff_id}", headers=bearer(agent)).json()
    for stored in (reply.json()["text"], posted[-1]["text"], detail["notes"][0]["text"]):
        assert "13912345678" not in stored and "<PHONE_" in stored
    assert "400-860-1234" in posted[-1]["text"], "the bank's own hotline is not personal data"


def test_openapi_documents_the_new_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/widget/sessions",
        "/v1/widget/preview",
        "/v1/widget/messages",
        "/v1/widget/events",
        "/v1/widget/messages/{message_id}/feedback",
        "/v1/handoffs/events",
        "/v1/handoffs/{handoff_id}/claim",
        "/v1/handoffs/{handoff_id}/reply",
        "/v1/handoffs/{handoff_id}/notes",
        "/v1/handoffs/{handoff_id}/resolve",
        "/v1/handoffs/{handoff_id}/return",
        "/v1/handoffs/{handoff_id}/reveal",
        "/v1/groups/{group_id}/outbox",
        "/v1/sources/{doc_id}",
    ):
        assert path in paths, path


def test_staff_name_reaches_the_customer_but_a_pasted_id_number_does_not(
    client: TestClient, services: Services
) -> None:
    """Regression: the agent's own name was stored as <NAME_1>, so after a reload the customer read a
    placeholder where the agent introduced themself."""
    from services.staff import create_staff, issue_token

    with services.sessions() as session:
        user = create_staff(session, "lina-staff", "correct horse battery", "agent", display_name="李娜")
        staff_token = issue_token(session, user, ttl_hours=1)
        session.commit()
    token, conversation_id, handoff_id = complaint(client)
    assert client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(staff_token)).status_code == 200
    text = "您好，我是客服专员李娜。您的身份证号11010519491231002X已登记，请拨打400-860-1234。"
    r = client.post(f"/v1/handoffs/{handoff_id}/reply", json={"text": text}, headers=bearer(staff_token))
    assert r.status_code == 201, r.text
    transcript = client.get(f"/v1/conversations/{conversation_id}", headers={"x-widget-token": token}).json()
    stored = transcript["messages"][-1]["text"]
    assert "我是客服专员李娜" in stored and "400-860-1234" in stored
    assert "11010519491231002X" not in stored and "<ID_CARD_1>" in stored
