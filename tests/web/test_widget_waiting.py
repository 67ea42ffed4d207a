"""The customer's waiting status in a real browser: delivered, queue position, expected first response,
surviving a reload.

Interim: until the API returns the `waiting` object (issue 11, phase 2 wires it through the handoff
service), the test adds it to the real server's responses with Playwright routing, in exactly the shape
the API will return. Everything else is the real app.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, Route, expect

from tests.web.conftest import screenshot
from tests.web.test_widget import ask

expect.set_options(timeout=20_000)

WAITING: dict[str, Any] = {
    "handoff_id": "h-demo",
    "status": "open",
    "queue_position": 3,
    "first_response_due": None,
    "expected_first_response_s": 14 * 60,
    "staff_name": None,
}


def _with_waiting(route: Route) -> None:
    response = route.fetch()
    if route.request.url.endswith("/v1/widget/conversation"):
        body = response.json()
        body["waiting"] = WAITING if body["mode"] == "human" else None
        route.fulfill(response=response, json=body)
        return
    events = []
    for block in response.text().split("\n\n"):
        if block.startswith("event: meta\n"):
            data = json.loads(block.split("data: ", 1)[1])
            data["waiting"] = WAITING if data["action"] in ("handoff", "human_mode") else None
            block = "event: meta\ndata: " + json.dumps(data, ensure_ascii=False)
        events.append(block)
    route.fulfill(response=response, body="\n\n".join(events))


def test_waiting_status_shows_delivered_queue_and_eta_and_survives_a_reload(
    live_url: str, new_page: Callable[..., Page]
) -> None:
    page = new_page()
    page.route("**/v1/widget/messages", _with_waiting)
    page.route("**/v1/widget/conversation", _with_waiting)
    page.goto(live_url + "/")
    expect(page.locator("body[data-live='1']")).to_have_count(1)
    ask(page, "我要投诉，你们网银转账一直失败，耽误我交房租了！")
    status = page.get_by_role("status").filter(has_text="已送达")
    expect(status).to_have_text("已送达 · 排队第 3 位 · 预计 14 分钟内回复")
    ask(page, "请问大概还要等多久？")
    expect(page.locator(".msg.customer").nth(1).locator(".ack")).to_have_text("✓ 已送达")
    expect(page.locator(".msg.typing")).to_have_count(0)
    expect(page.locator("#send")).to_be_enabled()
    screenshot(page, "widget-waiting")

    page.reload()
    expect(page.locator(".notice", has_text="已为您转接人工客服")).to_be_visible()
    expect(page.locator("#waiting")).to_have_text("已送达 · 排队第 3 位 · 预计 14 分钟内回复")
    assert "<" not in page.locator("#log").inner_text()
