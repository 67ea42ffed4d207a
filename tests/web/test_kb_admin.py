"""The knowledge-base admin screen in a real browser: sign in, upload an FAQ, watch progress, publish,
try the question, and see the customer widget answer it only once published; screenshots land in
test-output/screenshots/ for people to look at."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from core.wiring import Services
from tests.conftest import StaffFactory
from tests.kb_files import seed_questions
from tests.web.conftest import screenshot


def ask_widget(page: Page, question: str) -> Locator:
    """Ask on the customer chat page; returns the bot's finished reply."""
    before = page.locator(".msg.bot[data-done='1']").count()
    page.get_by_label("输入您的问题").fill(question)
    page.get_by_label("输入您的问题").press("Enter")
    expect(page.locator(".msg.bot[data-done='1']")).to_have_count(before + 1)
    return page.locator(".msg.bot[data-done='1']").last


def test_editor_uploads_publishes_and_tries_an_faq(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory, services: Services
) -> None:
    username, _ = make_staff("editor", password="editor password")
    doc_id = f"faq-web-{uuid.uuid4().hex[:8]}"
    question = "青禾银行的晨露定存可以提前支取吗？"
    csv = (
        "id,question,answer,category,tags\n"
        f"{doc_id},{question},晨露定存可以提前支取一次，提前支取部分按活期利率计息，其余部分按原利率继续存放。,rate,定存\n"
    )
    page = new_page()
    page.goto(f"{live_url}/admin")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("editor password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#doc-rows tr").first).to_be_visible()
    screenshot(page, "kb-admin-documents")

    page.get_by_role("button", name="上传").first.click()
    page.set_input_files(
        "#upload-file", files=[{"name": "morning-dew.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    page.locator("#upload-form").get_by_role("button", name="上传").click()
    expect(page.locator("#job-count")).to_have_text("1 / 1")
    expect(page.locator("#job-note")).to_contain_text("处理完成")
    screenshot(page, "kb-admin-upload-progress")

    page.get_by_role("button", name="检索试用").click()
    page.locator("#try-question").fill(question)
    page.get_by_role("button", name="检索", exact=True).click()
    expect(page.locator("#try-result .hit").first).to_be_visible()
    expect(page.locator("#try-result")).not_to_contain_text(doc_id)  # published scope: the draft is hidden
    widget = new_page()
    widget.goto(live_url)
    draft_reply = ask_widget(widget, question)
    expect(draft_reply).not_to_contain_text("晨露定存可以提前支取一次")  # customers never see drafts

    page.get_by_role("button", name="上传").first.click()
    page.get_by_role("button", name="审核完毕，全部发布").click()
    expect(page.locator("#job-note")).to_contain_text("已发布 1 条")

    page.get_by_role("button", name="检索试用").click()
    page.get_by_role("button", name="检索", exact=True).click()
    expect(page.locator("#try-result .hit").first).to_contain_text(doc_id)
    expect(page.locator("#try-result .verdict")).to_contain_text("可以回答")
    screenshot(page, "kb-admin-try-it")
    published_reply = ask_widget(widget, question)
    expect(published_reply).to_contain_text("晨露定存可以提前支取一次")
    expect(published_reply.locator("a.source-link").first).to_have_attribute("href", f"/v1/sources/{doc_id}")
    screenshot(widget, "widget-answers-newly-published-faq")

    page.get_by_role("button", name="文档与问答").click()
    page.locator("#search").fill(doc_id)
    expect(page.locator("#doc-rows tr")).to_have_count(1)
    page.locator("#doc-rows tr").first.click()
    expect(page.locator("#versions")).to_contain_text("v1")
    screenshot(page, "kb-admin-editor")
    page.get_by_role("button", name="关闭").click()

    seed_questions(services, ["金条可以回购吗", "你们卖的金条能卖回给银行吗", "保险箱怎么租"])
    page.get_by_role("button", name="知识缺口").click()
    expect(page.locator("#gap-rows")).to_contain_text("金条")
    screenshot(page, "kb-admin-gaps")


def test_agents_cannot_use_the_admin_screen(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    username, _ = make_staff("agent", password="agent password")
    page = new_page()
    page.goto(f"{live_url}/admin")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("agent password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#login-error")).to_contain_text("不是编辑或管理员")
    expect(page.locator("#app-view")).to_be_hidden()
