"""Two-person publishing in Chromium (a deployment with KB_TWO_PERSON_PUBLISH): the author is refused
with a clear message, another editor publishes; rolling back to one's own version is refused too."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
import uvicorn
from playwright.sync_api import Page, expect

from api.app import create_app
from core.wiring import Services
from tests.conftest import StaffFactory, bearer
from tests.web.conftest import screenshot

expect.set_options(timeout=20_000)
PASSWORD = "editor password"


@pytest.fixture(scope="module")
def checked_url(services: Services) -> Iterator[str]:
    """A second app on the shared services whose deployment turned maker-checker publishing on."""
    settings = services.settings.model_copy(update={"kb_two_person_publish": True})
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(settings=settings, services=services)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def open_document(page: Page, url: str, username: str, doc_id: str) -> None:
    page.goto(f"{url}/admin")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("#search").fill(doc_id)
    expect(page.locator("#doc-rows tr")).to_have_count(1)
    page.locator("#doc-rows tr").first.click()


def test_the_author_cannot_publish_or_roll_back_alone_a_reviewer_can(
    checked_url: str, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    author, author_token = make_staff("editor", password=PASSWORD)
    reviewer, reviewer_token = make_staff("editor", password=PASSWORD)
    doc_id = f"faq-maker-{uuid.uuid4().hex[:6]}"
    body = {"id": doc_id, "kind": "faq", "category": "fee", "question": "青禾银行跨行转账收手续费吗？",
            "answer": "通过手机银行跨行转账免收手续费，柜面办理按每笔2元收取。"}  # fmt: skip
    with httpx.Client(base_url=checked_url, timeout=120) as client:
        assert client.post("/v1/kb/documents", json=body, headers=bearer(author_token)).status_code == 201

    page = new_page()
    open_document(page, checked_url, author, doc_id)
    page.locator("#editor").get_by_role("button", name="发布草稿").click()
    expect(page.locator("#edit-error")).to_contain_text("不能发布自己写的草稿")
    screenshot(page, "kb-admin-two-person-refused")

    other = new_page()
    open_document(other, checked_url, reviewer, doc_id)
    other.locator("#editor").get_by_role("button", name="发布草稿").click()
    expect(other.locator("#doc-rows tr").first).to_contain_text("已发布")

    # v2 by the author, published by the reviewer: the author may not put their own v1 back alone.
    with httpx.Client(base_url=checked_url, timeout=120) as client:
        edit = {k: v for k, v in body.items() if k != "id"} | {"answer": "跨行转账按每笔5元收取。"}
        assert client.put(f"/v1/kb/documents/{doc_id}", json=edit, headers=bearer(author_token)).is_success
        r = client.post(f"/v1/kb/documents/{doc_id}/publish", headers=bearer(reviewer_token))
        assert r.status_code == 200, r.text
    page.reload()
    page.locator("#search").fill(doc_id)
    expect(page.locator("#doc-rows tr")).to_have_count(1)
    page.locator("#doc-rows tr").first.click()
    page.once("dialog", lambda d: d.accept())
    page.locator("#versions").get_by_role("button", name="回滚到此版本").click()
    expect(page.locator("#edit-error")).to_contain_text("不能独自回滚到自己写的版本")
    screenshot(page, "kb-admin-two-person-rollback-refused")
