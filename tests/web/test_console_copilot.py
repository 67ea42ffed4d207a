"""The staff copilot's suggestion panel in a real browser: accept sends the suggestion to the customer as
written, discard hides it and sends nothing. The suggestion is drafted by the real copilot step (the test
runs it, as the background loop would) from the sample knowledge base; no fakes.

The copilot drafting here reads its own copy of the sample knowledge base (the session's is edited by
the knowledge-base admin tests, so an answer it gave alone could be gone in the full suite) and takes
every waiting handoff in one step (earlier tests leave more than one batch of open handoffs)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from core.wiring import Services
from knowledge import KnowledgeBase, build_store
from services.copilot import StaffCopilot
from tests.conftest import StaffFactory
from tests.web.conftest import screenshot
from tests.web.test_console import sign_in
from tests.web.test_console_compose import _handoff

expect.set_options(timeout=20_000)


def _open_claimed(page: Page, live_url: str, handoff_id: str, username: str) -> None:
    sign_in(page, live_url, username)
    page.locator(f".queue-item[data-id='{handoff_id}']").click()
    page.get_by_role("button", name="认领", exact=True).click()
    expect(page.get_by_label("回复客户")).to_be_visible()


@pytest.fixture(scope="module")
def copilot(services: Services, tmp_path_factory: pytest.TempPathFactory) -> StaffCopilot:
    """The session's copilot, over a knowledge base of its own: the sample, as shipped."""
    settings = services.settings
    knowledge = KnowledgeBase(
        build_store(path=tmp_path_factory.mktemp("copilot-chroma"), collection="copilot-sample"),
        services.embedder,
        dense_weight=settings.dense_weight,
        threshold=settings.answer_confidence,
    )
    knowledge.ingest_folder(settings.kb_dir)
    return StaffCopilot(
        services.sessions,
        knowledge,
        services.responder,
        services.classifier,
        k=settings.retrieval_k,
        batch=10_000,
    )


def test_accepting_a_suggestion_sends_it_and_discarding_hides_it(
    live_url: str, copilot: StaffCopilot, new_page: Callable[..., Page], make_staff: StaffFactory
) -> None:
    accepted = _handoff(live_url, "我要投诉，网点经理答应回电却一直没有回电！请问怎么投诉？")
    discarded = _handoff(live_url, "我要投诉，网点经理答应回电却一直没有回电！请问怎么投诉？")
    username, _ = make_staff("agent")
    page = new_page()

    _open_claimed(page, live_url, accepted, username)
    made = copilot.run_once()  # what the background loop does every COPILOT_INTERVAL_S
    assert made >= 1
    page.reload()
    page.locator(f".queue-item[data-id='{accepted}']").click()
    suggestion = page.locator("#copilot-text")
    expect(suggestion).to_be_visible()
    text = suggestion.input_value()
    assert text.strip()
    expect(page.locator(".tm.staff")).to_have_count(0)
    page.locator("#act-copilot-accept").click()
    expect(page.locator(".tm.staff")).to_have_count(1)
    expect(page.locator(".tm.staff")).to_contain_text(text.strip()[:20])
    expect(page.locator("#copilot-text")).to_have_count(0)
    expect(page.locator("#copilot")).to_contain_text("暂无新的建议回复")
    screenshot(page, "console-copilot-accepted")

    _open_claimed(page, live_url, discarded, username)
    copilot.run_once()
    page.reload()
    page.locator(f".queue-item[data-id='{discarded}']").click()
    expect(page.locator("#copilot-text")).to_be_visible()
    page.locator("#act-copilot-discard").click()
    expect(page.locator("#copilot-text")).to_have_count(0)
    expect(page.locator("#copilot")).to_contain_text("暂无新的建议回复")
    page.wait_for_timeout(1000)  # a live re-render must not bring it back, and nothing was sent
    expect(page.locator("#copilot-text")).to_have_count(0)
    expect(page.locator(".tm.staff")).to_have_count(0)
