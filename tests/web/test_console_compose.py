"""Console composer and roles in a real browser: one send per click, empty boxes after it, editors sent on."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import StaffFactory, bearer
from tests.web.conftest import screenshot
from tests.web.test_console import sign_in

expect.set_options(timeout=20_000)


def _handoff(live_url: str, text: str) -> str:
    """A customer complaint through the widget API; the id of the handoff it opened."""
    with httpx.Client(base_url=live_url, timeout=60) as client:
        token = client.post("/v1/widget/sessions", json={}).json()["token"]
        r = client.post("/v1/widget/messages", json={"text": text}, headers={"x-widget-token": token})
        assert r.status_code == 200
        return str(r.text.split('"handoff_id": "')[1].split('"')[0])


def test_reply_and_note_boxes_are_emptied_and_a_double_click_sends_once(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    handoff_id = _handoff(live_url, "我要投诉，网点经理答应回电却一直没有回电！")
    username, _ = make_staff("agent")
    page = new_page()
    sign_in(page, live_url, username)
    page.locator(f".queue-item[data-id='{handoff_id}']").click()
    page.get_by_role("button", name="认领", exact=True).click()
    box = page.get_by_label("回复客户")
    expect(page.locator(".suggested-text")).to_contain_text("非常抱歉")
    page.get_by_role("button", name="填入回复框").click()
    expect(box).to_have_value(page.locator(".suggested-text").inner_text())
    box.fill("您好，我是客服专员，马上为您核实回电安排。")
    page.get_by_role("button", name="发送回复").dblclick()
    expect(page.locator(".tm.staff")).to_have_count(1)
    expect(box).to_have_value("")
    page.wait_for_timeout(1500)  # live events re-render the detail; the draft-restore must not refill it
    expect(page.get_by_label("回复客户")).to_have_value("")
    expect(page.locator(".tm.staff")).to_have_count(1)

    note = page.get_by_label("添加备注")
    note.fill("客户希望下午回电")
    note.press("Enter")
    note.press("Enter")
    expect(page.locator(".notes li")).to_have_count(1)
    expect(page.get_by_label("添加备注")).to_have_value("")
    screenshot(page, "console-after-send")


def test_a_second_agent_sees_who_claimed_the_case_and_no_claim_button(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    handoff_id = _handoff(live_url, "我要投诉，信用卡被重复扣了两次年费！")
    first, token = make_staff("agent")
    with httpx.Client(base_url=live_url) as client:
        claimed = client.post(f"/v1/handoffs/{handoff_id}/claim", json={}, headers=bearer(token))
        assert claimed.status_code == 200
    second, _ = make_staff("agent")
    page = new_page()
    sign_in(page, live_url, second)
    page.locator(f".queue-item[data-id='{handoff_id}']").click()
    expect(page.locator(".claimed-by")).to_contain_text(first)
    expect(page.get_by_role("button", name="认领", exact=True)).to_have_count(0)


def test_an_editor_opening_the_console_is_told_why_and_sent_to_admin(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    username, _ = make_staff("editor")
    page = new_page()
    page.goto(live_url + "/console/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("correct horse battery")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console")
    message = page.get_by_role("alert")
    expect(message).to_contain_text("仅供客服坐席使用")
    expect(page.locator("#queue")).to_be_hidden()
    screenshot(page, "console-editor")
    page.get_by_role("link", name="前往知识库管理").click()
    page.wait_for_url("**/admin")
