"""The staff console in a real browser, with a customer in a second browser context."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from core.wiring import Services
from services import audit
from tests.conftest import StaffFactory
from tests.web.conftest import screenshot

# The first answer of a session warms the models; on a loaded 2-core machine that takes seconds.
expect.set_options(timeout=20_000)

PASSWORD = "correct horse battery"
PHONE = "13987654321"


def sign_in(page: Page, live_url: str, username: str) -> None:
    page.goto(live_url + "/console/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console")
    expect(page.locator("body[data-live='1']")).to_have_count(1)


def test_handoff_appears_live_then_the_agent_claims_and_the_customer_reads_the_reply(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    username, _ = make_staff("agent")
    staff = new_page()
    sign_in(staff, live_url, username)
    screenshot(staff, "console-queue-before")

    customer = new_page()
    customer.goto(live_url + "/")
    expect(customer.locator("body[data-live='1']")).to_have_count(1)
    customer.get_by_label("输入您的问题").fill("我要投诉，你们柜台办业务排了两个小时队，态度还很差！")
    customer.get_by_label("输入您的问题").press("Enter")
    expect(customer.locator(".notice").last).to_contain_text("人工客服")

    item = staff.locator(".queue-item", has_text="排了两个小时队")
    expect(item).to_be_visible()  # arrived over SSE: the console page was never reloaded
    item.click()
    expect(staff.locator(".detail-head h2")).to_contain_text("排了两个小时队")
    staff.get_by_role("button", name="认领", exact=True).click()
    expect(customer.locator(".notice", has_text="已加入对话")).to_be_visible()
    staff.get_by_label("回复客户").fill("您好，非常抱歉让您久等，我是客服专员，已为您登记投诉。")
    staff.get_by_role("button", name="发送回复").click()
    expect(customer.locator(".msg.staff .bubble").last).to_have_text(
        "您好，非常抱歉让您久等，我是客服专员，已为您登记投诉。"
    )
    expect(staff.locator(".tm.staff")).to_have_count(1)
    screenshot(staff, "console-claimed-detail")
    screenshot(customer, "widget-staff-reply")
    staff.locator("#outcome").select_option("complaint_registered")
    staff.get_by_role("button", name="标记解决").click()
    expect(customer.locator(".notice", has_text="人工服务已完成")).to_be_visible()


def _handoff_with_phone(live_url: str) -> str:
    with httpx.Client(base_url=live_url) as client:
        token = client.post("/v1/widget/sessions", json={}).json()["token"]
        r = client.post(
            "/v1/widget/messages",
            json={"text": f"我要投诉！你们乱扣我年费，回电{PHONE}"},
            headers={"x-widget-token": token},
        )
        assert r.status_code == 200
        handoff = [line for line in r.text.splitlines() if '"handoff_id"' in line][0]
        return handoff.split('"handoff_id": "')[1].split('"')[0]


def test_reveal_is_refused_without_permission_and_audited_with_it(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory, services: Services
) -> None:
    handoff_id = _handoff_with_phone(live_url)
    plain, _ = make_staff("agent")
    trusted, _ = make_staff("agent", can_reveal=True)

    page = new_page()
    sign_in(page, live_url, plain)
    page.locator(f".queue-item[data-id='{handoff_id}']").click()
    expect(page.locator(".transcript")).to_contain_text("<PHONE_1>")
    page.get_by_label("查看原因").fill("回电核实身份")
    page.get_by_role("button", name="查看原文").click()
    expect(page.locator("#reveal-out")).to_contain_text("无权查看原文")
    assert PHONE not in page.content()

    page = new_page()
    sign_in(page, live_url, trusted)
    page.locator(f".queue-item[data-id='{handoff_id}']").click()
    page.get_by_role("button", name="认领", exact=True).click()  # only the agent on the case may reveal
    # The claim re-renders the case panel: type the reason into the panel that shows the case as ours.
    expect(page.get_by_role("button", name="标记解决")).to_be_visible()
    page.get_by_label("查看原因").fill("回电核实身份")
    page.get_by_role("button", name="查看原文").click()
    expect(page.locator("#reveal-out")).to_contain_text(PHONE)
    screenshot(page, "console-reveal")
    with services.sessions() as session:
        records = audit.list_records(session, action="pii.reveal", target_id=handoff_id)
        assert [(r.actor, r.detail["reason"]) for r in records] == [(trusted, "回电核实身份")]
