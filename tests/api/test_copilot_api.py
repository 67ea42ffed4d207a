"""The staff copilot: suggestions drafted by its loop step on the real sample KB, and staff accepting,
editing and discarding them through the console API (recorded and audited)."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import select

from agent.state import IncomingMessage
from core.wiring import Services
from knowledge import Retrieval
from services.copilot import StaffCopilot, SuggestionKind
from storage.models import AuditRecord, Conversation, Message
from storage.wecom_models import CopilotSuggestion
from tests.conftest import StaffFactory, bearer


def web(services: Services, text: str, conversation_id: str | None = None) -> tuple[str, str | None]:
    reply = services.conversations.handle(
        IncomingMessage(text=text, channel="web", conversation_id=conversation_id, sender_id=uuid.uuid4().hex)
    )
    return reply.conversation_id, reply.handoff_id


def waiting_customer(services: Services, question: str) -> tuple[str, str]:
    conversation_id, handoff_id = web(services, "转人工")
    assert handoff_id is not None
    web(services, question, conversation_id)
    return conversation_id, handoff_id


def suggestions(services: Services, handoff_id: str) -> list[CopilotSuggestion]:
    with services.sessions() as session:
        stmt = select(CopilotSuggestion).where(CopilotSuggestion.handoff_id == handoff_id)
        return list(session.scalars(stmt.order_by(CopilotSuggestion.created_at)))


def test_the_loop_drafts_one_cited_suggestion_per_customer_message(services: Services) -> None:
    assert services.copilot is not None
    _, handoff_id = waiting_customer(services, "信用卡年费怎么收？")
    services.copilot.run_once()
    services.copilot.run_once()  # a second pass drafts nothing new for the same message
    [suggestion] = suggestions(services, handoff_id)
    assert suggestion.kind == "answer" and suggestion.status == "pending"
    assert "年费" in suggestion.text
    assert suggestion.citations and suggestion.citations[0]["source"].startswith("/v1/sources/")
    assert suggestion.checks["compliance_blocked"] is False


def test_staff_edit_accept_and_discard_are_recorded(
    client: TestClient, services: Services, make_staff: StaffFactory
) -> None:
    assert services.copilot is not None
    conversation_id, handoff_id = waiting_customer(services, "借记卡挂失怎么办？")
    services.copilot.run_once()
    _, token = make_staff("agent")
    listed = client.get(f"/v1/copilot/handoffs/{handoff_id}/suggestions", headers=bearer(token))
    assert listed.status_code == 200
    [offered] = [s for s in listed.json() if s["status"] == "pending"]

    # Not claimed yet: a reply is refused, and the suggestion stays pending.
    early = client.post(f"/v1/copilot/suggestions/{offered['id']}/accept", headers=bearer(token), json={})
    assert early.status_code == 409
    assert client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(token)).status_code == 200

    # An edit that promises returns is refused with a code.
    bad = client.post(
        f"/v1/copilot/suggestions/{offered['id']}/accept",
        headers=bearer(token),
        json={"text": "这款理财保证收益，零风险。"},
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "suggestion_not_compliant"

    edited_text = offered["text"] + "\n如需帮助，请随时联系我们。"
    done = client.post(
        f"/v1/copilot/suggestions/{offered['id']}/accept", headers=bearer(token), json={"text": edited_text}
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "edited" and done.json()["final_text"].endswith("请随时联系我们。")
    again = client.post(f"/v1/copilot/suggestions/{offered['id']}/discard", headers=bearer(token))
    assert again.status_code == 409  # decided once

    with services.sessions() as session:
        staff_lines = session.scalars(
            select(Message.text).where(Message.conversation_id == conversation_id, Message.role == "staff")
        ).all()
        audited = session.scalars(
            select(AuditRecord.action).where(AuditRecord.target_id == offered["id"])
        ).all()
    assert staff_lines == [done.json()["final_text"]]
    assert audited == ["copilot.edited"]

    # The customer writes again: a new suggestion; staff discard it.
    web(services, "挂失后补卡要多久？", conversation_id)
    services.copilot.run_once()
    pending = [s for s in suggestions(services, handoff_id) if s.status == "pending"]
    assert len(pending) == 1 and pending[0].id != offered["id"]
    dropped = client.post(f"/v1/copilot/suggestions/{pending[0].id}/discard", headers=bearer(token))
    assert dropped.status_code == 200 and dropped.json()["status"] == "discarded"
    assert dropped.json()["decided_by"]


def test_a_suggestion_the_conversation_moved_past_is_superseded(services: Services) -> None:
    assert services.copilot is not None
    conversation_id, handoff_id = waiting_customer(services, "信用卡年费怎么收？")
    services.copilot.run_once()
    web(services, "还有，信用卡怎么分期？", conversation_id)
    services.copilot.run_once()
    first, second = suggestions(services, handoff_id)
    assert first.status == "superseded" and second.status == "pending"


def _conversation(channel: str, language: str = "zh") -> Conversation:
    return Conversation(id="conv_test", channel=channel, customer_ref="ref", language=language)


def test_in_a_group_account_matters_are_followed_up_privately(services: Services) -> None:
    assert services.copilot is not None
    draft = services.copilot.draft(_conversation("group"), "我的卡<BANK_CARD_1>怎么被扣了两次钱？")
    assert draft.kind is SuggestionKind.PRIVATE_FOLLOWUP
    assert "<BANK_CARD_1>" not in draft.text and "私聊" in draft.text
    web_draft = services.copilot.draft(_conversation("web"), "信用卡年费怎么收？")
    assert web_draft.kind is SuggestionKind.ANSWER


def test_wealth_suggestions_carry_the_risk_notice(services: Services) -> None:
    assert services.copilot is not None
    draft = services.copilot.draft(_conversation("web"), "理财产品的风险等级是什么意思？")
    if draft.kind is SuggestionKind.ANSWER:
        assert "风险提示" in draft.text and draft.checks["risk_notice"] is True
    else:  # the sample KB may not answer it; then nothing is suggested at all
        assert draft.text == ""


class PromisingModel:
    """FAKE at the remote-LLM boundary: a model that slips and promises returns."""

    name = "fake-llm"

    def respond(self, question: str, retrieval: Retrieval, language: str) -> str | None:
        return "放心，这款理财保本保息，稳赚不赔。"


def test_a_draft_that_promises_returns_is_never_suggested(services: Services) -> None:
    copilot = StaffCopilot(services.sessions, services.knowledge, PromisingModel())
    draft = copilot.draft(_conversation("web"), "信用卡年费怎么收？")
    assert draft.kind is SuggestionKind.NONE and draft.checks == {"compliance_blocked": True}
