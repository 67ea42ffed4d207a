"""The customer chat in a real browser: streamed answers with sources, PII warning, phone, embed script."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, expect

from tests.web.conftest import screenshot

# The first answer of a session warms the models; on a loaded 2-core machine that takes seconds.
expect.set_options(timeout=20_000)

ID_NUMBER = "11010519491231002X"


def ask(page: Page, text: str) -> None:
    """Type and send like a customer: after the previous reply has finished streaming (the send button is
    disabled until then and Enter is ignored, so a question asked mid-stream would never be sent)."""
    expect(page.locator("#send")).to_be_enabled()
    page.get_by_label("输入您的问题").fill(text)
    page.get_by_label("输入您的问题").press("Enter")


def test_faq_answer_streams_in_with_a_source_link_that_opens(
    live_url: str, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    page.goto(live_url + "/")
    expect(page.locator("h1")).to_have_text("青禾银行 在线客服")
    ask(page, "跨行转账要手续费吗？")
    answer = page.locator(".msg.bot[data-done='1']").last
    expect(answer).to_be_visible()
    link = answer.locator("a.source-link").first
    title = link.inner_text()
    assert link.get_attribute("href", timeout=1000).startswith("/v1/sources/")
    expect(answer.get_by_role("button", name="👍 有帮助")).to_be_visible()
    screenshot(page, "widget-desktop-answer")
    with page.context.expect_page() as popup:
        link.click()
    source = popup.value
    expect(source.locator("h1")).to_have_text(title)
    answer.get_by_role("button", name="👎 没帮助").click()
    answer.get_by_label("补充说明（可选）").fill("想知道到账时间")
    answer.get_by_role("button", name="提交").click()
    expect(answer.locator(".thanks")).to_have_text("感谢您的反馈")


def test_id_number_is_warned_about_and_only_the_redacted_form_is_shown(
    live_url: str, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    page.goto(live_url + "/")
    ask(page, f"我的身份证号{ID_NUMBER}，开户需要带什么")
    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_visible()
    expect(page.locator("#pii-preview .masked")).to_have_text("身份证号")
    screenshot(page, "widget-pii-warning")
    page.get_by_role("button", name="仍然发送").click()
    mine = page.locator(".msg.customer").last
    expect(mine.locator(".bubble .masked")).to_have_text("身份证号")
    expect(mine.locator(".stored")).to_be_visible()
    assert ID_NUMBER not in page.locator("#log").inner_text()


def test_phone_viewport_in_english(live_url: str, new_page: Callable[..., Page]) -> None:
    page = new_page(mobile=True, locale="en-US")
    page.goto(live_url + "/")
    expect(page.locator("#send")).to_have_text("Send")
    page.locator("#input").fill("How do I report a lost credit card?")
    page.locator("#input").press("Enter")
    expect(page.locator(".msg.bot[data-done='1']").last).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling on a phone"
    screenshot(page, "widget-phone-en")
    page.get_by_role("button", name="Switch language").click()
    expect(page.locator("#send")).to_have_text("发送")


def test_embed_script_opens_the_chat_on_a_plain_host_page(
    live_url: str, new_page: Callable[..., Page]
) -> None:
    host = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Bank home</title></head><body>"
        "<h1>青禾银行 · 个人业务</h1><p>A plain page of the bank's website.</p>"
        f"<script src='{live_url}/widget.js' defer></script></body></html>"
    )
    page = new_page()
    with _host_site(host) as host_url:  # another origin than the app's, as on a bank's website
        page.goto(host_url)

    launcher = page.get_by_role("button", name="在线客服")
    launcher.click()
    chat = page.frame_locator("#qh-panel")
    chat.locator("#input").fill("信用卡年费多少？")
    chat.locator("#input").press("Enter")
    expect(chat.locator(".msg.bot[data-done='1']").last).to_be_visible()
    screenshot(page, "widget-embedded")
    chat.get_by_role("button", name="关闭").click()
    expect(page.locator("#qh-panel")).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")


@contextmanager
def _host_site(html: str) -> Iterator[str]:
    """A plain static web server on another loopback port, standing for the bank's own website."""
    body = html.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
