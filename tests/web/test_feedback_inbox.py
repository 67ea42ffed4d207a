"""The feedback inbox in /admin: a customer's 👎 with a comment appears (redacted) with the question and
source, and an editor marks it handled."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.api.widget_client import send, start
from tests.conftest import StaffFactory
from tests.web.conftest import screenshot

expect.set_options(timeout=20_000)


def test_editor_reads_and_handles_a_thumbs_down(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    username, _ = make_staff("editor", password="editor password")
    with httpx.Client(base_url=live_url, timeout=60) as api:
        token, _ = start(api)  # type: ignore[arg-type]
        answered = send(api, token, "跨行转账要手续费吗？")  # type: ignore[arg-type]
        message_id = answered["done"]["reply_message_id"]
        fb = api.post(
            f"/v1/widget/messages/{message_id}/feedback",
            json={"helpful": False, "comment": "没写手机银行收不收费，回电13912345678"},
            headers={"x-widget-token": token},
        )
        assert fb.status_code == 204, fb.text

    page = new_page()
    page.goto(f"{live_url}/admin")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("editor password")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("button", name="客户反馈").click()
    row = page.locator(f"#fb-rows tr[data-message-id='{message_id}']")
    expect(row).to_contain_text("跨行转账要手续费吗")
    expect(row).to_contain_text("<PHONE_1>")
    expect(row).not_to_contain_text("13912345678")
    screenshot(page, "kb-admin-feedback-inbox")
    row.get_by_role("button", name="标记已处理").click()
    expect(page.locator(f"#fb-rows tr[data-message-id='{message_id}']")).to_have_count(0)
    page.locator("#fb-handled").select_option("true")
    expect(page.locator(f"#fb-rows tr[data-message-id='{message_id}']")).to_contain_text("已处理")
