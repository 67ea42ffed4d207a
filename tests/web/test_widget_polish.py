"""Widget polish in a real browser: typing dots, one citation display, scrolled to the newest row, a short
PII notice, and the unread badge on the embed launcher when staff write while the panel is closed."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import StaffFactory, bearer
from tests.web.conftest import screenshot
from tests.web.test_widget import _host_site, ask

expect.set_options(timeout=20_000)

# Records, in order, whether the typing dots or a reply bubble with text appeared first.
_ORDER_PROBE = """
window.__order = [];
new MutationObserver(() => {
  const typing = !!document.querySelector('.msg.typing');
  const text = [...document.querySelectorAll('.msg.bot .bubble')]
    .some((b) => b.textContent && b.closest('[data-done]') === null && !b.closest('.typing'));
  const last = window.__order[window.__order.length - 1];
  const now = typing ? 'typing' : text ? 'text' : null;
  if (now && now !== last) window.__order.push(now);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def test_typing_dots_come_before_the_answer_which_shows_its_sources_once_and_scrolls_into_view(
    live_url: str, new_page: Callable[..., Page]
) -> None:
    page = new_page(mobile=True)
    page.add_init_script(_ORDER_PROBE)
    page.goto(live_url + "/")
    expect(page.locator("body[data-live='1']")).to_have_count(1)
    page.evaluate("window.__order = []")
    for question in ("跨行转账要手续费吗？", "信用卡年费多少？", "开户需要带什么？"):
        ask(page, question)
        expect(page.locator(".msg.bot[data-done='1']")).not_to_have_count(0)
        page.wait_for_function("!document.querySelector('.msg.typing')")
    order = page.evaluate("window.__order")
    assert order[:2] == ["typing", "text"], order
    answer = page.locator(".msg.bot[data-done='1']").last
    expect(answer.locator("a.source-link").first).to_be_visible()
    expect(page.locator(".msg.typing")).to_have_count(0)
    # The newest sources and feedback row is on screen, not below the fold.
    expect(answer.locator(".feedback")).to_be_in_viewport()
    log = page.locator("#log")
    assert log.evaluate("l => l.scrollHeight - l.scrollTop - l.clientHeight") <= 2
    # An urgent answer carries the source line mid-text, before the handoff notice: cut there too.
    ask(page, "信用卡丢了怎么办？")
    expect(page.locator(".msg.bot[data-done='1']")).to_have_count(4)
    for bubble in page.locator(".msg.bot[data-done='1'] .bubble").all_inner_texts():
        assert "参考来源" not in bubble  # the link row under it is the one display
    screenshot(page, "widget-polish-phone")


def test_the_pii_notice_names_what_was_hidden_and_never_shows_a_placeholder(
    live_url: str, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    page.goto(live_url + "/")
    ask(page, "我的身份证号11010519491231002X，开户需要带什么")
    expect(page.locator("#pii-preview .masked")).to_have_text("身份证号")
    page.get_by_role("button", name="仍然发送").click()
    mine = page.locator(".msg.customer").last
    expect(mine.locator(".stored")).to_have_text("已隐去您的身份证号，我们只保存隐去后的内容")
    expect(mine.locator(".bubble .masked")).to_have_text("身份证号")
    expect(page.locator(".msg.bot[data-done='1']").last).to_be_visible()
    assert "<" not in page.locator("#log").inner_text()
    screenshot(page, "widget-pii-notice")


def test_staff_reply_while_the_panel_is_closed_shows_an_unread_badge_and_title(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    host = (
        "<!doctype html><html><head><meta charset='utf-8'><title>青禾银行</title></head><body>"
        f"<h1>青禾银行 · 个人业务</h1><script src='{live_url}/widget.js' defer></script></body></html>"
    )
    page = new_page()
    with _host_site(host) as host_url:
        page.goto(host_url)
    launcher = page.locator("#qh-launcher")
    launcher.click()
    chat = page.frame_locator("#qh-panel")
    expect(chat.locator("body[data-live='1']")).to_have_count(1)
    chat.locator("#input").fill("我要投诉，柜员把我的挂失办错了！")
    chat.locator("#input").press("Enter")
    expect(chat.locator(".notice").last).to_contain_text("人工客服")
    chat.get_by_role("button", name="关闭").click()
    expect(page.locator("#qh-badge")).to_be_hidden()

    _, token = make_staff("agent")
    with httpx.Client(base_url=live_url, headers=bearer(token)) as staff:
        queue = staff.get("/v1/handoffs").json()
        case = next(h for h in queue if "挂失办错" in h["question"])
        assert staff.post(f"/v1/handoffs/{case['id']}/claim", json={}).status_code == 200
        reply = staff.post(f"/v1/handoffs/{case['id']}/reply", json={"text": "您好，我来为您处理挂失。"})
        assert reply.status_code == 201
    expect(page.locator("#qh-badge")).to_have_text("2")  # joined + the reply
    expect(page).to_have_title("(2) 客服新消息 · 青禾银行")
    screenshot(page, "widget-unread-badge")
    launcher.click()
    expect(page.locator("#qh-badge")).to_be_hidden()
    expect(page).to_have_title("青禾银行")
    expect(chat.locator(".msg.staff .bubble").last).to_have_text("您好，我来为您处理挂失。")
