"""A staff reply to a 微信客服 customer that WeCom refuses, in Chromium: the console shows it failed, and
"重新发送" delivers it — once. The real app on uvicorn with the WeCom channel; WeCom's servers are the FAKE
server on loopback (a boundary we cannot reach), told to fail `kf/send_msg`."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace

import httpx
import pytest
import uvicorn
from playwright.sync_api import Page, expect
from sqlalchemy import select

from api.app import create_app
from channels.wecom.client import WeComClient
from channels.wecom.config import WeComSettings
from channels.wecom.runtime import WeComRuntime, build_wecom
from channels.wecom.sql_stores import SqlCursorStore
from core.wiring import Services
from events.dispatch import Dispatcher
from services.conversations import ConversationService
from services.handoffs import HandoffDesk
from storage.models import Handoff
from tests.channels.wecom.conftest import FakeWeCom, _fake_wecom_server, clock, fake_wecom  # noqa: F401
from tests.channels.wecom.fake_wecom import AES_KEY, CALLBACK_TOKEN, CORP_ID, KF_ID, SECRET, signed_callback
from tests.conftest import StaffFactory
from tests.web.conftest import screenshot
from tests.web.test_console import sign_in

CUSTOMER = "wmDeliveryCust01"


@pytest.fixture
def kf_console(
    services: Services,
    fake_wecom: FakeWeCom,  # noqa: F811
) -> Iterator[tuple[str, WeComRuntime]]:
    """The app with the 微信客服 channel wired to the fake, its own event dispatcher, served on loopback."""
    settings = WeComSettings.model_validate(
        {
            "corp_id": CORP_ID,
            "kf_secret": SECRET,
            "callback_token": CALLBACK_TOKEN,
            "encoding_aes_key": AES_KEY,
            "kf_account_ids": [KF_ID],
            "api_base_url": fake_wecom.base_url,
            "education_interval_s": 0,
            "group_copilot_interval_s": 0,
            "outbox_interval_s": 3600,  # the background retry stays out of the way: staff retry here
        }
    )
    SqlCursorStore(services.sessions).set(KF_ID, "")  # this test's fake WeCom starts a fresh message feed
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
    wecom.outbox.max_attempts = 1  # one refused attempt and the reply is failed (the default is 8)
    wired = replace(
        services,
        dispatcher=dispatcher,
        conversations=conversations,
        handoffs=HandoffDesk(dispatcher, services.redactor, services.vault),
        wecom=wecom,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(services=wired), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", wecom
    server.should_exit = True
    thread.join(timeout=10)
    client.close()


def test_a_failed_reply_shows_failed_and_a_retry_delivers_it_once(
    kf_console: tuple[str, WeComRuntime],
    fake_wecom: FakeWeCom,  # noqa: F811
    services: Services,
    new_page: Callable[..., Page],
    make_staff: StaffFactory,
) -> None:
    url, wecom = kf_console
    fake_wecom.state.push_customer_text(CUSTOMER, "请帮我转人工客服")
    body, params = signed_callback("ENCdelivery")
    assert httpx.post(url + "/v1/wecom/kf/callback", params=params, content=body).text == "success"
    assert wecom.worker.drain(timeout=60)
    conversation_id = wecom.contacts.conversation_of(KF_ID, CUSTOMER)
    with services.sessions() as session:
        handoff_id = session.scalar(select(Handoff.id).where(Handoff.conversation_id == conversation_id))
    assert handoff_id is not None

    username, _ = make_staff("agent")
    page = new_page()
    sign_in(page, url, username)
    page.locator(f".queue-item[data-id='{handoff_id}']").click()
    page.get_by_role("button", name="认领", exact=True).click()

    fake_wecom.state.fail("kf/send_msg", "http500", times=20)  # WeCom is down: every quick retry fails too
    text = "您好，已为您登记，我们稍后回电，请留意来电。"
    page.get_by_label("回复客户").fill(text)
    page.get_by_role("button", name="发送回复").click()
    line = page.locator(".tm.staff").filter(has_text=text)
    expect(line.locator(".tm-delivery")).to_contain_text("发送失败")
    retry = line.get_by_role("button", name="重新发送")
    expect(retry).to_be_visible()
    assert [m for m in fake_wecom.state.sent if m.get("text", {}).get("content") == text] == []
    screenshot(page, "wecom-reply-failed")

    fake_wecom.state.faults.clear()  # WeCom is back
    retry.click()
    expect(line.locator(".tm-delivery")).to_have_text("已送达企业微信")
    expect(line.get_by_role("button", name="重新发送")).to_have_count(0)
    delivered = [m for m in fake_wecom.state.sent if m.get("text", {}).get("content") == text]
    assert [m["touser"] for m in delivered] == [CUSTOMER]  # delivered once, as typed
    [row] = wecom.outbox.for_conversation(conversation_id or "")
    assert row["status"] == "sent" and delivered[0]["msgid"] == row["message_id"]
