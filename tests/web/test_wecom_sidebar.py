"""The group owner's sidebar in Chromium: the real app on uvicorn; WeCom's servers are the FAKE server on
loopback and WeCom's in-client JS-SDK (`wx`) is a FAKE script served in place of res.wx.qq.com — the two
boundaries we cannot reach. Drafts shown, one edited and sent (sendChatMessage gets the edited text),
one dismissed; both outcomes recorded."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
import uvicorn
from playwright.sync_api import Page

from api.app import create_app
from channels.wecom.client import WeComClient
from channels.wecom.config import WeComSettings
from channels.wecom.drafts import DraftKind, DraftSource, DraftStatus
from channels.wecom.group_rules import GroupConfig
from channels.wecom.runtime import WeComRuntime, build_wecom
from core.wiring import Services
from tests.channels.wecom.conftest import FakeWeCom, _fake_wecom_server, clock, fake_wecom  # noqa: F401
from tests.channels.wecom.fake_wecom import AES_KEY, CALLBACK_TOKEN, CORP_ID, KF_ID, SECRET
from tests.conftest import StaffFactory
from tests.web.conftest import screenshot

CHAT = "wrSidebarGroup1"
FAKE_WX = """
window.__wxCalls = [];
window.wx = {
  config(c) { window.__wxConfig = c; },
  ready(fn) { setTimeout(fn, 0); },
  error(fn) {},
  agentConfig(c) { window.__wxAgentConfig = c; setTimeout(() => c.success({}), 0); },
  invoke(name, args, cb) {
    window.__wxCalls.push({ name, args });
    const answers = { getContext: { entry: "group_chat_tools" }, getCurExternalChat: { chatId: CHAT_ID } };
    setTimeout(() => cb(Object.assign({ err_msg: name + ":ok" }, answers[name] || {})), 0);
  },
};
""".replace("CHAT_ID", json.dumps(CHAT))


@pytest.fixture
def sidebar(services: Services, fake_wecom: FakeWeCom) -> Iterator[tuple[str, WeComRuntime]]:  # noqa: F811
    settings = WeComSettings.model_validate(
        {
            "corp_id": CORP_ID,
            "kf_secret": SECRET,
            "callback_token": CALLBACK_TOKEN,
            "encoding_aes_key": AES_KEY,
            "kf_account_ids": [KF_ID],
            "agent_id": "1000005",
            "api_base_url": fake_wecom.base_url,
            "education_interval_s": 0,  # tests run the scheduler step themselves
        }
    )
    client = WeComClient.from_settings(settings, sleep=lambda _: None)
    wecom = build_wecom(
        settings,
        sessions=services.sessions,
        conversations=services.conversations,
        pseudonymizer=services.pseudonymizer,
        redactor=services.redactor,
        events=services.dispatcher,
        client=client,
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(services=replace(services, wecom=wecom))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", wecom
    server.should_exit = True
    thread.join(timeout=10)
    client.close()


def test_owner_edits_and_sends_a_draft_and_dismisses_another(
    sidebar: tuple[str, WeComRuntime],
    fake_wecom: FakeWeCom,  # noqa: F811
    make_staff: StaffFactory,
    new_page: object,  # noqa: F811
) -> None:
    url, wecom = sidebar
    username, _ = make_staff("agent")
    wecom.directory.link(username, "li.na.sidebar")
    wecom.configs.put(GroupConfig(chat_id=CHAT, name="青禾理财交流群", owner_userid="li.na.sidebar"))
    fake_wecom.state.oauth_codes["OAUTH-CODE-1"] = "li.na.sidebar"
    answer = wecom.drafts.create(
        CHAT,
        DraftKind.ANSWER,
        "信用卡年费以卡种为准，首年一般免年费。",
        asker="wmMemberA",
        question="信用卡年费怎么收？",
        sources=(DraftSource("信用卡产品", "/v1/sources/credit-card-products"),),
    )
    chatter = wecom.drafts.create(CHAT, DraftKind.REMINDER, "温馨提示：本群用于青禾银行客户交流与咨询。")
    assert answer is not None and chatter is not None

    page: Page = new_page()  # type: ignore[operator]
    page.route(
        "https://res.wx.qq.com/**",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body=FAKE_WX),
    )
    page.goto(f"{url}/wecom/sidebar?code=OAUTH-CODE-1")
    cards = page.locator("li.draft")
    cards.first.wait_for()
    assert cards.count() == 2
    first = page.locator(f'li.draft[data-id="{answer.id}"]')
    assert "信用卡年费怎么收？" in first.locator(".question").inner_text()
    assert first.locator(".sources a").inner_text() == "来源：信用卡产品"
    screenshot(page, "wecom-sidebar-drafts")

    edited = "信用卡年费以卡种为准，首年免年费，详情请看官网收费标准。"
    first.locator("textarea").fill(edited)
    first.locator("button.send").click()
    first.wait_for(state="detached")
    calls = page.evaluate("window.__wxCalls")
    sends = [c for c in calls if c["name"] == "sendChatMessage"]
    assert sends == [
        {
            "name": "sendChatMessage",
            "args": {"msgtype": "text", "enterChat": False, "text": {"content": edited}},
        }
    ]
    assert page.evaluate("window.__wxAgentConfig.agentid") == "1000005"

    page.locator(f'li.draft[data-id="{chatter.id}"] button.dismiss').click()
    page.locator("#empty").wait_for(state="visible")
    sent, dismissed = wecom.drafts.store.get(answer.id), wecom.drafts.store.get(chatter.id)
    assert sent is not None and sent.status is DraftStatus.SENT and sent.edited and sent.final_text == edited
    assert sent.decided_by == username
    assert dismissed is not None and dismissed.status is DraftStatus.DISMISSED
    assert len([c for c in page.evaluate("window.__wxCalls") if c["name"] == "sendChatMessage"]) == 1
