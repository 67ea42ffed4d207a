"""Effective-from / expires-on dates in the KB admin screen (Chromium): shown in the list, set in the
editor, applied at once (an expired FAQ is not answered)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
from playwright.sync_api import Page, expect

from tests.conftest import StaffFactory, bearer
from tests.web.conftest import screenshot

expect.set_options(timeout=20_000)


def test_an_editor_sets_and_sees_a_documents_validity(
    live_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    author, author_token = make_staff("editor", password="editor password")
    doc_id = f"faq-dates-{uuid.uuid4().hex[:6]}"
    question = "青禾银行的春晓定存年利率是多少？"
    body = {"id": doc_id, "kind": "faq", "category": "rate", "question": question,
            "answer": "春晓定存一年期年利率为1.65%，以办理当日公布为准。"}  # fmt: skip
    with httpx.Client(base_url=live_url, timeout=120) as client:
        assert client.post("/v1/kb/documents", json=body, headers=bearer(author_token)).status_code == 201
        r = client.post(f"/v1/kb/documents/{doc_id}/publish", headers=bearer(author_token))
        assert r.status_code == 200, r.text

    page = new_page()
    page.goto(f"{live_url}/admin")
    page.get_by_label("用户名").fill(author)
    page.get_by_label("密码").fill("editor password")
    page.get_by_role("button", name="登录").click()
    page.locator("#search").fill(doc_id)
    expect(page.locator("#doc-rows tr")).to_have_count(1)
    expect(page.locator("#doc-rows tr").first).to_contain_text("长期有效")

    page.locator("#doc-rows tr").first.click()
    dialog = page.locator("#editor")
    expect(dialog.locator("#validity")).to_be_visible()
    soon = (datetime.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    dialog.get_by_label("到期时间").fill(soon)
    dialog.get_by_role("button", name="保存有效期").click()
    expect(dialog.locator("#validity-now .badge")).to_contain_text("到期")
    expect(page.locator("#doc-rows tr").first.locator(".badge.validity-expiring")).to_be_visible()
    screenshot(page, "kb-admin-validity")

    dialog.get_by_label("到期时间").fill("2020-01-01T00:00")
    dialog.get_by_role("button", name="保存有效期").click()
    expect(dialog.locator("#validity-now .badge")).to_contain_text("已过期")
    dialog.get_by_role("button", name="关闭").click()
    expect(page.locator("#doc-rows tr").first.locator(".badge.validity-expired")).to_be_visible()
    with httpx.Client(base_url=live_url, timeout=120) as client:
        detail = client.get(f"/v1/kb/documents/{doc_id}", headers=bearer(author_token)).json()
        assert str(detail["expires_on"])[:4] in ("2019", "2020"), detail["expires_on"]
        answer = client.post("/v1/chat", json={"text": question}).json()
    assert doc_id not in [c["doc_id"] for c in answer["citations"]], "an expired rate is never quoted"
