"""Team management in Chromium: a supervisor (admin) creates a team with members and routing rules, then
edits it; other roles are told the screen is not theirs."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import StaffFactory, bearer
from tests.web.conftest import screenshot
from tests.web.test_console import sign_in

expect.set_options(timeout=20_000)


def test_a_supervisor_creates_and_edits_a_team(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    admin, token = make_staff("admin")
    agent, _ = make_staff("agent")
    team_id = f"mortgage_{uuid.uuid4().hex[:6]}"
    page = new_page()
    sign_in(page, live_url, admin)
    page.locator("#teams-link").click()
    page.wait_for_url("**/console/teams")
    expect(page.locator("body[data-loaded='1']")).to_have_count(1)
    expect(page.locator("#team-rows")).to_contain_text("投诉处理")  # the default teams are listed

    page.get_by_role("button", name="新建团队").click()
    form = page.locator("#team-form")
    form.get_by_label("编号").fill(team_id)
    form.get_by_label("名称").fill("房贷专席")
    form.get_by_label("关键词").fill("房贷，按揭")
    form.get_by_label("投诉").check()
    form.get_by_label(f"（{agent}）").check()
    form.get_by_role("button", name="保存").click()
    row = page.locator(f"#team-rows tr[data-id='{team_id}']")
    expect(row).to_contain_text("房贷专席")
    expect(row).to_contain_text("按揭")
    expect(row).to_contain_text("投诉")
    expect(row).to_contain_text(agent)  # the member's display name (the username for a new account)
    screenshot(page, "console-teams")

    row.get_by_role("button", name="编辑").click()
    expect(form.get_by_label("编号")).to_have_attribute("readonly", "")
    form.get_by_label("名称").fill("房贷与按揭专席")
    form.get_by_label(f"（{agent}）").uncheck()
    form.get_by_role("button", name="保存").click()
    expect(row).to_contain_text("房贷与按揭专席")
    with httpx.Client(base_url=live_url, timeout=30) as client:
        saved = {t["id"]: t for t in client.get("/v1/teams", headers=bearer(token)).json()}
    assert saved[team_id]["name"] == "房贷与按揭专席"
    assert saved[team_id]["keywords"] == ["房贷", "按揭"] and saved[team_id]["categories"] == ["complaint"]
    assert saved[team_id]["members"] == []


def test_an_agent_is_told_team_management_is_for_supervisors(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    agent, _ = make_staff("agent")
    page = new_page()
    sign_in(page, live_url, agent)
    expect(page.locator("#teams-link")).to_have_count(0)
    page.goto(live_url + "/console/teams")
    expect(page.locator("#not-admin")).to_contain_text("仅供管理员")
    expect(page.locator("#teams-panel")).to_be_hidden()
