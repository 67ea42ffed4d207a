"""The customer's waiting status in a real browser: delivered, queue position and expected first response
from the SLA policy, surviving a reload; then the staff member's display name once they join."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import StaffFactory, bearer
from tests.web.conftest import screenshot
from tests.web.test_widget import ask

expect.set_options(timeout=20_000)

WAITING = re.compile(r"^已送达 · 排队第 \d+ 位 · 预计.+回复$")


def test_waiting_status_shows_delivered_queue_and_eta_survives_a_reload_then_names_the_agent(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    page = new_page()
    page.goto(live_url + "/")
    expect(page.locator("body[data-live='1']")).to_have_count(1)
    ask(page, "我要投诉，你们网银转账一直失败，耽误我交房租了！")
    expect(page.locator("#waiting")).to_have_text(WAITING)
    ask(page, "请问大概还要等多久？")
    expect(page.locator(".msg.customer").nth(1).locator(".ack")).to_have_text("✓ 已送达")
    expect(page.locator("#send")).to_be_enabled()
    screenshot(page, "widget-waiting")

    page.reload()
    expect(page.locator(".notice", has_text="已为您转接人工客服")).to_be_visible()
    expect(page.locator("#waiting")).to_have_text(WAITING)

    username, token = make_staff("agent")
    with httpx.Client(base_url=live_url, headers=bearer(token)) as staff:
        case = next(h for h in staff.get("/v1/handoffs").json() if "交房租" in h["question"])
        assert staff.post(f"/v1/handoffs/{case['id']}/claim", json={}).status_code == 200
        name = staff.get("/v1/auth/me").json()["display_name"]
        reply = staff.post(f"/v1/handoffs/{case['id']}/reply", json={"text": "您好，马上为您查询。"})
        assert reply.status_code == 201
    expect(page.locator("#waiting")).to_have_text(f"人工客服 {name} 正在为您服务")
    page.reload()
    expect(page.locator("#waiting")).to_have_text(f"人工客服 {name} 正在为您服务")
    expect(page.locator(".msg.staff .who").last).to_have_text(name)
    assert "<" not in page.locator("#log").inner_text()
