"""The analytics screen in Chromium: KPIs and SVG bars drawn from a scripted day's real numbers."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.api.test_analytics import scripted_day
from tests.conftest import StaffFactory
from tests.web.conftest import screenshot
from tests.web.test_console import sign_in

expect.set_options(timeout=20_000)


def test_analytics_charts_render_real_numbers(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    _, agent = make_staff("agent")
    admin, _ = make_staff("admin")
    with httpx.Client(base_url=live_url, timeout=60) as client:
        scripted_day(client, agent)  # type: ignore[arg-type]
    page = new_page()
    sign_in(page, live_url, admin)
    page.locator("#analytics-link").click()
    page.wait_for_url("**/console/analytics")
    expect(page.locator("body[data-loaded='1']")).to_have_count(1)
    expect(page.locator(".kpi", has_text="会话量")).to_be_visible()
    conversations = int(page.locator(".kpi", has_text="会话量").locator(".v").inner_text())
    assert conversations >= 4
    reasons = page.locator("#chart-reasons rect.bar")
    assert reasons.count() >= 2
    values = [int(reasons.nth(i).get_attribute("data-value") or 0) for i in range(reasons.count())]
    assert all(v > 0 for v in values)
    assert page.locator("#chart-days rect.bar-conv").count() >= 1
    expect(page.locator("#chart-csat text", has_text="4 分")).to_be_visible()
    expect(page.locator(".kpi", has_text="满意度")).to_contain_text("/ 5")
    screenshot(page, "console-analytics")
