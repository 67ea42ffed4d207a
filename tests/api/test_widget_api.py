"""The customer widget API: token-bound sessions, PII preview, streamed replies, sources, feedback."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from core.wiring import Services
from storage.models import Message
from tests.api.widget_client import send, start

ID_NUMBER = "11010519491231002X"  # passes the GB 11643 check digit


def widget(token: str) -> dict[str, str]:
    return {"x-widget-token": token}


def test_faq_reply_streams_in_pieces_with_a_source_link_that_opens(
    client: TestClient, services: Services
) -> None:
    token, conversation_id = start(client)
    result = send(client, token, "跨行转账要手续费吗？")
    assert result["kinds"][0] == "meta" and result["kinds"][-1] == "done"
    assert result["kinds"].count("token") > 3, "the reply arrives in several pieces"
    assert result["meta"]["action"] == "answer"
    with services.sessions() as session:
        stored = session.get(Message, result["done"]["reply_message_id"])
        assert stored is not None and stored.text == result["reply"]
    source = result["done"]["sources"][0]
    assert source["url"].startswith("/v1/sources/")
    page = client.get(source["url"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert source["title"] in page.text
    as_json = client.get(source["url"], headers={"accept": "application/json"}).json()
    assert as_json["title"] == source["title"] and as_json["sections"][0]["text"]
    own = client.get("/v1/widget/conversation", headers=widget(token)).json()
    assert own["id"] == conversation_id
    assert [m["role"] for m in own["messages"]] == ["customer", "bot"]


def test_unknown_source_is_404_and_a_path_is_refused(client: TestClient) -> None:
    assert client.get("/v1/sources/no-such-doc").json()["error"]["code"] == "not_found"
    assert client.get("/v1/sources/..%2Fetc%2Fpasswd").status_code in (404, 422)


def test_widget_endpoints_need_a_valid_token(client: TestClient) -> None:
    for headers in ({}, widget("forged-token")):
        r = client.post("/v1/widget/messages", json={"text": "你好"}, headers=headers)
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "unauthorized"


def test_a_customer_token_reads_its_own_conversation_only(client: TestClient) -> None:
    token_a, conv_a = start(client)
    _, conv_b = start(client)
    send(client, token_a, "你好")
    assert client.get(f"/v1/conversations/{conv_a}", headers=widget(token_a)).status_code == 200
    other = client.get(f"/v1/conversations/{conv_b}", headers=widget(token_a))
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "forbidden"
    assert client.get(f"/v1/conversations/{conv_b}").status_code == 401
    assert client.get("/v1/handoffs", headers=widget(token_a)).status_code == 401


def test_preview_warns_about_an_id_number_and_stores_nothing(client: TestClient, services: Services) -> None:
    token, conversation_id = start(client)
    r = client.post("/v1/widget/preview", json={"text": f"我的身份证号是{ID_NUMBER}"}, headers=widget(token))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["warn"] is True
    assert "CN_ID_CARD" in body["pii_types"]
    assert ID_NUMBER not in body["redacted"] and "<ID_CARD>" in body["redacted"]
    assert services.vault.placeholders(conversation_id) == []
    plain = client.post("/v1/widget/preview", json={"text": "信用卡年费多少"}, headers=widget(token)).json()
    assert plain["warn"] is False and plain["redacted"] == "信用卡年费多少"


def test_the_stored_redacted_form_comes_back_in_meta(client: TestClient) -> None:
    token, conversation_id = start(client)
    result = send(client, token, f"我的身份证号是{ID_NUMBER}，怎么开户")
    assert ID_NUMBER not in result["meta"]["redacted_text"]
    assert "<ID_CARD_1>" in result["meta"]["redacted_text"]
    transcript = client.get("/v1/widget/conversation", headers=widget(token)).json()
    assert ID_NUMBER not in str(transcript)


def test_feedback_is_stored_with_the_answer(client: TestClient, services: Services) -> None:
    token, _ = start(client)
    result = send(client, token, "信用卡丢了怎么办")
    answer_id = result["done"]["reply_message_id"]
    r = client.post(
        f"/v1/widget/messages/{answer_id}/feedback",
        json={"helpful": False, "comment": "没说补卡要多久"},
        headers=widget(token),
    )
    assert r.status_code == 204, r.text
    with services.sessions() as session:
        stored = session.get(Message, answer_id)
        assert stored is not None
        assert (stored.feedback, stored.feedback_comment) == ("not_helpful", "没说补卡要多久")


def test_feedback_on_another_conversation_or_a_customer_message_is_404(client: TestClient) -> None:
    token_a, _ = start(client)
    token_b, _ = start(client)
    result = send(client, token_a, "信用卡年费多少")
    for token, message_id in (
        (token_b, result["done"]["reply_message_id"]),
        (token_a, result["meta"]["message_id"]),
    ):
        r = client.post(
            f"/v1/widget/messages/{message_id}/feedback", json={"helpful": True}, headers=widget(token)
        )
        assert r.status_code == 404
        assert r.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("url", "payload", "status", "code"),
    [
        ("/v1/widget/messages", {"text": "  "}, 422, "empty_message"),
        ("/v1/widget/messages", {"text": "a" * 3000}, 413, "message_too_long"),
        ("/v1/widget/messages", {"text": "hi", "extra": 1}, 422, "invalid_request"),
        ("/v1/widget/preview", {}, 422, "invalid_request"),
        ("/v1/widget/messages/msg_x/feedback", {"helpful": "maybe"}, 422, "invalid_request"),
    ],
)
def test_bad_widget_input_is_a_4xx_with_a_code(
    client: TestClient, services: Services, url: str, payload: object, status: int, code: str
) -> None:
    token, _ = start(client)
    with services.sessions() as session:
        before = session.scalar(select(func.count()).select_from(Message))
    r = client.post(url, json=payload, headers=widget(token))
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
    with services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == before


def test_bad_session_request_is_refused(client: TestClient) -> None:
    r = client.post("/v1/widget/sessions", json={"language": "fr"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_request"
