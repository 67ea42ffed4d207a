"""The console's group settings screen in Chromium: the real app on uvicorn (WeCom's servers are the FAKE
server on loopback, a boundary we cannot reach). An admin edits quiet hours, keyword alerts and the
education schedule; the settings land in SQL (audited); the analytics table counts the group's activity."""

from __future__ import annotations

from datetime import UTC, datetime, time

from playwright.sync_api import Page, expect
from sqlalchemy import select

from channels.wecom.drafts import DraftKind
from channels.wecom.group_rules import EducationSlot, GroupConfig
from channels.wecom.runtime import WeComRuntime
from core.wiring import Services
from storage.models import AuditRecord
from tests.channels.wecom.conftest import FakeWeCom, _fake_wecom_server, clock, fake_wecom  # noqa: F401
from tests.conftest import StaffFactory
from tests.web.conftest import screenshot
from tests.web.test_wecom_sidebar import sidebar  # noqa: F401

CHAT = "wrSettingsGroup1"
PASSWORD = "correct horse battery"


def test_an_admin_edits_group_settings_and_sees_the_analytics(
    sidebar: tuple[str, WeComRuntime],  # noqa: F811
    services: Services,
    make_staff: StaffFactory,
    new_page: object,  # noqa: F811
) -> None:
    url, wecom = sidebar
    wecom.configs.put(GroupConfig(chat_id=CHAT, name="青禾社区客户群", owner_userid="li.na.groups"))
    now = datetime.now(UTC)
    for kind, detail, member in (
        ("message", None, "Cmember1"), ("message", None, "Cmember1"), ("message", None, "Cmember2"),
        ("question", None, None), ("flag", "link", None),
    ):  # fmt: skip
        wecom.activity.record(CHAT, kind, detail=detail, member_ref=member, at=now)
    asked = wecom.drafts.create(CHAT, DraftKind.ANSWER, "年费规则见官网。", asker="wmMember1",
                                question_msgid="m1", question="年费怎么收", question_at=now)  # fmt: skip
    assert asked is not None  # nobody has sent it yet: an unanswered question
    username, _ = make_staff("admin")

    page: Page = new_page()  # type: ignore[operator]
    page.goto(url + "/console/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/console")
    page.goto(url + "/console/wecom/groups")
    page.get_by_label("客户群", exact=True).select_option(CHAT)
    expect(page.get_by_label("群主企业微信 ID")).to_have_value("li.na.groups")

    page.get_by_label("免打扰开始").fill("21:00")
    page.get_by_label("关键词提醒（逗号分隔）").fill("盗刷，被骗")
    page.get_by_label("金融知识推送计划（每行：星期1-7 时间 主题）").fill("3 10:00 防范电信诈骗")
    page.get_by_role("button", name="保存设置").click()
    expect(page.locator("#saved")).to_have_text("已保存")

    row = page.locator(f'#stats tr[data-chat="{CHAT}"]')
    expect(row).to_contain_text("青禾社区客户群")
    cells = row.locator("td")
    expect(cells.nth(1)).to_have_text("3")  # messages
    expect(cells.nth(2)).to_have_text("2")  # active members
    expect(cells.nth(6)).to_have_text("1")  # unanswered
    expect(cells.nth(8)).to_have_text("1")  # violations
    expect(cells.nth(9)).to_have_text("—")  # no rating yet
    screenshot(page, "wecom-group-settings")

    saved = wecom.configs.get(CHAT)
    assert saved is not None
    assert saved.quiet_start == time(21, 0) and saved.keyword_alerts == ["盗刷", "被骗"]
    assert saved.education_schedule == [EducationSlot(weekday=2, at=time(10, 0), topic="防范电信诈骗")]
    with services.sessions() as session:
        audited = session.scalars(
            select(AuditRecord.actor).where(
                AuditRecord.action == "wecom.group_settings", AuditRecord.target_id == CHAT
            )
        ).all()
    assert audited == [username]
