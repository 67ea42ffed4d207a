"""Transfer and typing in real browsers: the customer sees "正在输入…", then that the agent left and who
took over; the second agent finds the case claimed in their console."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import StaffFactory
from tests.web.conftest import screenshot
from tests.web.test_console import sign_in

expect.set_options(timeout=20_000)


def test_typing_shows_to_the_customer_and_a_transfer_hands_the_case_to_a_colleague(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    first, _ = make_staff("agent")
    second, _ = make_staff("agent")
    customer = new_page()
    customer.goto(live_url + "/")
    expect(customer.locator("body[data-live='1']")).to_have_count(1)
    customer.get_by_label("输入您的问题").fill("我要投诉，网点经理答应回电却一直没打来！")
    customer.get_by_label("输入您的问题").press("Enter")
    expect(customer.locator(".notice").last).to_contain_text("人工客服")

    staff = new_page()
    sign_in(staff, live_url, first)
    item = staff.locator(".queue-item", has_text="一直没打来")
    expect(item).to_contain_text("投诉处理")  # routed to the complaints team
    item.click()
    staff.get_by_role("button", name="认领", exact=True).click()
    expect(customer.locator(".notice", has_text="已加入对话")).to_be_visible()

    staff.get_by_label("回复客户").press_sequentially("您好", delay=50)
    expect(customer.locator(".staff-typing")).to_contain_text("正在输入")
    screenshot(customer, "widget-staff-typing")

    staff.locator("#transfer-to").select_option(label=second)
    staff.get_by_label("转交说明").fill("客户要网点经理回电，请跟进")
    staff.locator("#act-transfer").click()
    expect(customer.locator(".notice", has_text="已离开对话")).to_be_visible()
    expect(customer.locator(".notice", has_text=f"{second} 已加入对话")).to_be_visible()
    expect(staff.locator(".claimed-by")).to_contain_text(second)
    screenshot(staff, "console-after-transfer")

    colleague = new_page()
    sign_in(colleague, live_url, second)
    colleague.locator(".queue-item", has_text="一直没打来").click()
    expect(colleague.locator(".notes")).to_contain_text("请跟进")
    expect(colleague.get_by_label("回复客户")).to_be_visible()


def test_the_customer_rates_the_service_after_the_case_is_resolved(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    _, token = make_staff("agent")
    customer = new_page()
    customer.goto(live_url + "/")
    expect(customer.locator("body[data-live='1']")).to_have_count(1)
    customer.get_by_label("输入您的问题").fill("我要投诉，ATM吞卡后两天都没人联系我！")
    customer.get_by_label("输入您的问题").press("Enter")
    expect(customer.locator("#waiting")).to_be_visible()
    handoff_id = customer.locator("#waiting").get_attribute("data-handoff-id")
    assert handoff_id
    staff = {"authorization": f"Bearer {token}"}
    with httpx.Client(base_url=live_url, headers=staff, timeout=30) as api:
        assert api.post(f"/v1/handoffs/{handoff_id}/claim").status_code == 200
        api.post(f"/v1/handoffs/{handoff_id}/reply", json={"text": "您好，已为您联系网点处理。"})
        done = api.post(f"/v1/handoffs/{handoff_id}/resolve", json={"outcome": "answered"})
        assert done.status_code == 200
    survey = customer.locator(".csat")
    expect(survey).to_contain_text("满意")
    screenshot(customer, "widget-csat")
    survey.get_by_role("button", name="4 分").click()
    expect(survey).to_contain_text("感谢您的评价")
    customer.reload()
    expect(customer.locator("body[data-live='1']")).to_have_count(1)
    expect(customer.locator(".csat")).to_have_count(0)  # answered: not asked again
