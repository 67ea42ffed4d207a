"""A full 微信客服 session through our app: the real app, agent and console API; WeCom is the FAKE server
on loopback (a boundary we cannot reach). Callbacks are encrypted and signed as WeCom does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from channels.wecom.client import WeComClient
from channels.wecom.config import WeComSettings
from channels.wecom.kf_channel import CSAT_THANKS
from channels.wecom.kf_state import CSAT_QUESTION
from channels.wecom.runtime import WeComRuntime, build_wecom
from channels.wecom.sql_stores import SqlCursorStore
from core.wiring import Services
from events.dispatch import Dispatcher
from services.conversations import ConversationService
from services.handoffs import HandoffDesk
from storage.models import Handoff, Message
from tests.channels.wecom.conftest import FakeWeCom
from tests.channels.wecom.fake_wecom import AES_KEY, CALLBACK_TOKEN, CORP_ID, KF_ID, SECRET, signed_callback
from tests.conftest import StaffFactory, bearer


@dataclass
class KfApp:
    http: TestClient
    wecom: WeComRuntime
    services: Services
    fake: FakeWeCom

    def callback(self, event_token: str = "ENCcb") -> None:
        body, params = signed_callback(event_token)
        response = self.http.post("/v1/wecom/kf/callback", params=params, content=body)
        assert response.status_code == 200 and response.text == "success"
        assert self.wecom.worker.drain(timeout=60)

    def customer_says(self, user: str, text: str) -> None:
        self.fake.state.push_customer_text(user, text)
        self.callback()

    def conversation(self, user: str) -> str:
        conversation_id = self.wecom.contacts.conversation_of(KF_ID, user)
        assert conversation_id is not None
        return conversation_id

    def open_handoff(self, user: str) -> str:
        with self.services.sessions() as session:
            stmt = select(Handoff.id).where(
                Handoff.conversation_id == self.conversation(user), Handoff.status.in_(["open", "claimed"])
            )
            handoff_id = session.scalar(stmt)
        assert handoff_id is not None
        return handoff_id

    def wecom_state(self, user: str) -> tuple[int, str | None]:
        return self.fake.state.states.get((KF_ID, user), (0, None))

    def sent_to(self, user: str) -> list[str]:
        return [m["text"]["content"] for m in self.fake.state.sent if m["touser"] == user]


@pytest.fixture
def kf_app(services: Services, fake_wecom: FakeWeCom) -> Iterator[KfApp]:
    """The session's deployment with its own event dispatcher and the WeCom channel wired to the fake."""
    settings = WeComSettings.model_validate(
        {
            "corp_id": CORP_ID,
            "kf_secret": SECRET,
            "callback_token": CALLBACK_TOKEN,
            "encoding_aes_key": AES_KEY,
            "kf_account_ids": [KF_ID],
            "api_base_url": fake_wecom.base_url,
            "education_interval_s": 0,  # tests run the scheduler step themselves
        }
    )
    SqlCursorStore(services.sessions).set(KF_ID, "")  # each test's fake WeCom starts a fresh message feed
    dispatcher = Dispatcher()
    conversations = ConversationService(
        sessions=services.sessions,
        agent=services.agent,
        pseudonymizer=services.pseudonymizer,
        events=dispatcher,
    )
    client = WeComClient.from_settings(settings, sleep=lambda _: None)
    wecom = build_wecom(
        settings,
        sessions=services.sessions,
        conversations=conversations,
        pseudonymizer=services.pseudonymizer,
        redactor=services.redactor,
        events=dispatcher,
        client=client,
    )
    wired = replace(
        services,
        dispatcher=dispatcher,
        conversations=conversations,
        handoffs=HandoffDesk(dispatcher, services.redactor, services.vault),
        wecom=wecom,
    )
    with TestClient(create_app(services=wired)) as http:
        yield KfApp(http, wecom, wired, fake_wecom)
    client.close()


def test_url_verification_and_forged_callbacks(kf_app: KfApp) -> None:
    body, params = signed_callback()
    forged = kf_app.http.post(
        "/v1/wecom/kf/callback", params={**params, "msg_signature": "0" * 40}, content=body
    )
    assert forged.status_code == 400 and forged.json()["error"]["code"] == "wecom_bad_signature"
    assert kf_app.fake.state.sync_calls == []


def test_a_full_session_bot_queue_human_bot_ended(kf_app: KfApp, make_staff: StaffFactory) -> None:
    user = "wmQingHeCust01"
    # 1. The bot answers a question from the knowledge base.
    kf_app.customer_says(user, "信用卡年费怎么收？")
    [answer] = kf_app.sent_to(user)
    assert "年费" in answer
    assert kf_app.wecom_state(user) == (0, None)  # the bot has it: no state change

    # 2. The customer asks for a person: the session joins WeCom's queue.
    kf_app.customer_says(user, "请帮我转人工客服")
    handoff_id = kf_app.open_handoff(user)
    assert kf_app.wecom_state(user) == (2, None)

    # 3. An agent claims it in our console: WeCom hands the session to their WeCom account.
    username, token = make_staff("agent")
    kf_app.wecom.directory.link(username, "zhang.wei")
    claimed = kf_app.http.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(token))
    assert claimed.status_code == 200
    assert kf_app.wecom_state(user) == (3, "zhang.wei")

    # 4. The agent's reply in our console reaches the customer.
    reply = kf_app.http.post(
        f"/v1/handoffs/{handoff_id}/reply",
        headers=bearer(token),
        json={"text": "您好，我是客服小张，请问有什么可以帮您？"},
    )
    assert reply.status_code == 201
    assert kf_app.sent_to(user)[-1] == "您好，我是客服小张，请问有什么可以帮您？"
    assert kf_app.fake.state.sent[-1]["msgid"] == reply.json()["id"]

    # 5. Staff reply from the WeCom client: it appears in our transcript, and is not sent twice.
    sent_before = len(kf_app.fake.state.sent)
    kf_app.fake.state.push_servicer_text(user, "zhang.wei", "已为您查询，年费将在账单日扣除。")
    kf_app.callback()
    with kf_app.services.sessions() as session:
        staff_lines = session.scalars(
            select(Message.text).where(
                Message.conversation_id == kf_app.conversation(user), Message.role == "staff"
            )
        ).all()
    assert "已为您查询，年费将在账单日扣除。" in staff_lines
    assert len(kf_app.fake.state.sent) == sent_before

    # 6. Hand-back: the bot has the session again.
    assert kf_app.http.post(f"/v1/handoffs/{handoff_id}/return", headers=bearer(token)).status_code == 200
    assert kf_app.wecom_state(user) == (1, None)

    # 7. A second request for a person, claimed and resolved: the session ends and the CSAT question goes out.
    kf_app.customer_says(user, "还是请人工帮我看一下")
    second = kf_app.open_handoff(user)
    assert kf_app.http.post(f"/v1/handoffs/{second}/claim", headers=bearer(token)).status_code == 200
    resolved = kf_app.http.post(
        f"/v1/handoffs/{second}/resolve", headers=bearer(token), json={"outcome": "answered"}
    )
    assert resolved.status_code == 200
    assert kf_app.wecom_state(user) == (4, None)
    assert kf_app.sent_to(user)[-1] == CSAT_QUESTION
    status = kf_app.http.get("/v1/wecom/status", headers=bearer(token)).json()
    assert status["outbound"]["failures"] == 0 and status["inbound"]["pulls"] == 4

    # 8. The customer answers the CSAT question: recorded on the case (1 满意 → 5 of 5) and thanked, once.
    kf_app.customer_says(user, "1")
    assert kf_app.sent_to(user)[-1] == CSAT_THANKS
    with kf_app.services.sessions() as session:
        case = session.get(Handoff, second)
        assert case is not None and case.csat_score == 5 and case.csat_at is not None
    kf_app.customer_says(user, "3")  # nothing left to rate: an ordinary message for the bot
    assert kf_app.sent_to(user).count(CSAT_THANKS) == 1
    with kf_app.services.sessions() as session:
        assert session.get(Handoff, second).csat_score == 5  # type: ignore[union-attr]


def test_duplicate_callbacks_and_msgids_are_handled_once(kf_app: KfApp) -> None:
    user = "wmQingHeCust02"
    kf_app.fake.state.push_customer_text(user, "借记卡挂失怎么办？")
    kf_app.callback()
    kf_app.callback()  # WeCom retried the callback
    entry = kf_app.fake.state.inbox[KF_ID][-1]
    kf_app.fake.state.push(KF_ID, dict(entry))  # and the feed repeats the msgid
    kf_app.callback()
    assert len(kf_app.sent_to(user)) == 1
    with kf_app.services.sessions() as session:
        customer_lines = session.scalars(
            select(Message.id).where(
                Message.conversation_id == kf_app.conversation(user), Message.role == "customer"
            )
        ).all()
    assert len(customer_lines) == 1


def test_a_claim_in_wecom_and_an_end_in_wecom_reach_the_console(
    kf_app: KfApp, make_staff: StaffFactory
) -> None:
    user = "wmQingHeCust03"
    kf_app.customer_says(user, "我要转人工")
    handoff_id = kf_app.open_handoff(user)
    username, token = make_staff("agent")
    kf_app.wecom.directory.link(username, "li.na")
    kf_app.fake.state.push_event(
        {
            "event_type": "session_status_change",
            "external_userid": user,
            "change_type": 1,
            "new_servicer_userid": "li.na",
        }
    )
    kf_app.callback()
    detail = kf_app.http.get(f"/v1/handoffs/{handoff_id}", headers=bearer(token)).json()
    assert detail["status"] == "claimed" and detail["claimed_by"] == username
    kf_app.fake.state.push_event(
        {
            "event_type": "session_status_change",
            "external_userid": user,
            "change_type": 3,
            "old_servicer_userid": "li.na",
            "msg_code": "END-CODE-1",
        }
    )
    kf_app.callback()
    detail = kf_app.http.get(f"/v1/handoffs/{handoff_id}", headers=bearer(token)).json()
    assert detail["status"] == "resolved"
    assert kf_app.fake.state.sent_on_event[-1]["code"] == "END-CODE-1"
    assert kf_app.fake.state.sent_on_event[-1]["text"]["content"] == CSAT_QUESTION
