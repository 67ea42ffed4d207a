"""Scripted conversations through POST /v1/chat, one per understanding rule (issue 9).

The LLM rewriting test uses tests.fakes.RecordingChatModel: a fake at the one boundary we cannot reach (a
remote chat model), implementing LangChain's real BaseChatModel interface."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from agent.understanding.followup import LLMRewriter, SlotRewriter
from core.wiring import Services
from tests.fakes import RecordingChatModel


def talk(client: TestClient, *turns: str) -> list[dict[str, Any]]:
    """Turns of one conversation as an anonymous API client: the first reply's widget token continues it."""
    replies, conversation, token = [], None, None
    for text in turns:
        body: dict[str, Any] = {"text": text}
        headers = {}
        if conversation and token:
            body["conversation_id"] = conversation
            headers["X-Widget-Token"] = token
        response = client.post("/v1/chat", json=body, headers=headers)
        assert response.status_code == 200, response.text
        reply = response.json()
        conversation = reply["conversation_id"]
        token = reply.get("widget_token") or token
        replies.append(reply)
    return replies


def cited(reply: dict[str, Any]) -> list[str]:
    return [c["doc_id"] for c in reply.get("citations") or []]


def test_a_follow_up_swaps_the_slot_of_the_last_question(client: TestClient) -> None:
    first, second = talk(client, "定期存款利率多少", "五年的呢")
    assert cited(first) == ["faq-deposit-rates"]
    assert second["action"] == "answer" and cited(second) == ["faq-deposit-rates"]


def test_an_accepted_offer_hands_off_and_says_so(client: TestClient) -> None:
    offer, accepted = talk(client, "你们网点有停车位吗", "需要")
    assert offer["action"] == "fallback" and "人工" in offer["reply"]
    assert accepted["action"] == "handoff" and accepted["handoff_id"]
    assert "人工客服" in accepted["reply"]


def test_a_declined_offer_is_dropped(client: TestClient) -> None:
    _, declined = talk(client, "你们有纸黄金吗", "不用了")
    assert declined["action"] == "smalltalk" and declined["handoff_id"] is None and not cited(declined)


@pytest.mark.parametrize(
    ("question", "subject"),
    [("工商银行的信用卡年费多少", "工商银行"), ("借呗怎么提额", "借呗"), ("医保卡丢了怎么补", "医保卡")],
)
def test_what_is_not_ours_is_refused_plainly(client: TestClient, question: str, subject: str) -> None:
    [reply] = talk(client, question)
    assert reply["action"] == "fallback" and not cited(reply)
    assert f"{subject}不是青禾银行的产品或服务" in reply["reply"]


def test_a_neutral_question_gets_no_apology_and_a_login_problem_no_urgent_notice(client: TestClient) -> None:
    [insurance] = talk(client, "存款保险是怎么回事")
    # Answered, or (when the answer gate is unsure) an honest fallback: never a complaint's apology.
    assert insurance["action"] in ("answer", "fallback") and insurance["handoff_id"] is None
    assert "不好的体验" not in insurance["reply"]
    [login] = talk(client, "手机银行登录不了")
    assert login["action"] in ("answer", "fallback") and "紧急" not in login["reply"]
    assert login["handoff_id"] is None or login["action"] == "fallback"  # never an urgent handoff


def test_english_questions_get_english_answers_and_titles(client: TestClient) -> None:
    first, second = talk(client, "What is the annual fee for a credit card?", "what about the platinum card?")
    for reply in (first, second):
        assert reply["action"] == "answer" and cited(reply) == ["faq-credit-card-annual-fee"]
        assert "RMB 800" in reply["reply"] and "年费" not in reply["reply"]
    assert first["citations"][0]["title"].startswith("What is the credit card annual fee")


def test_an_english_follow_up_about_a_card_we_do_not_issue_is_not_answered(client: TestClient) -> None:
    # No gold credit card in the base (青禾金卡 is a debit card): no annual-fee answer for it.
    _, gold = talk(client, "What is the annual fee for a credit card?", "what about the gold card?")
    assert gold["action"] == "fallback" and "faq-credit-card-annual-fee" not in cited(gold), gold


@pytest.fixture
def recording(services: Services) -> Iterator[RecordingChatModel]:
    model = RecordingChatModel(canned="白金卡的年费是多少？")
    original = services.agent.rewriter
    services.agent.rewriter = lambda vocabulary: LLMRewriter(model, SlotRewriter(vocabulary))
    yield model
    services.agent.rewriter = original


def test_the_llm_rewriter_sees_only_redacted_text(client: TestClient, recording: RecordingChatModel) -> None:
    first, second = talk(client, "我手机号13912345678，信用卡年费多少", "那白金卡呢")
    assert second["action"] == "answer" and cited(second) == ["faq-credit-card-annual-fee"]
    sent = recording.sent_text()
    assert "那白金卡呢" in sent and "<PHONE" in sent and "13912345678" not in sent


def test_a_rewritten_follow_up_is_stored_with_its_standalone_question(client: TestClient) -> None:
    first, _ = talk(client, "定期存款利率多少", "五年的呢")
    response = client.get(
        f"/v1/conversations/{first['conversation_id']}", headers={"X-Widget-Token": first["widget_token"]}
    )
    assert response.status_code == 200, response.text
    asked = [m for m in response.json()["messages"] if m["role"] == "customer"]
    assert [(m["text"], m["standalone"]) for m in asked] == [
        ("定期存款利率多少", None),
        ("五年的呢", "五年定期存款利率多少？"),
    ]


def test_a_near_tie_is_asked_about_and_the_customers_pick_is_answered(client: TestClient) -> None:
    asked, picked = talk(client, "提前还款要收费吗", "2")
    assert asked["action"] == "fallback" and not cited(asked) and asked["handoff_id"] is None
    choices = [line for line in asked["reply"].splitlines() if line[:2] in ("1.", "2.")]
    assert len(choices) == 2, asked["reply"]
    assert picked["action"] == "answer"
    assert picked["citations"][0]["title"] == choices[1].removeprefix("2.").strip()
