"""Browser tests: the real app on a real uvicorn (loopback) and Debian's Chromium driven by Playwright.

`scripts/test` installs `chromium` (apt) when it is missing; Playwright's Python package drives it through
`executable_path`, so no browser download is needed. Screenshots land in `test-output/screenshots/`.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from api.app import create_app
from core.wiring import Services

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def live_url(services: Services) -> Iterator[str]:
    """The app served by uvicorn in a thread on a free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(services=services), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """`page = new_page(mobile=True, locale="en-US")`; every context is closed after the test."""
    contexts: list[BrowserContext] = []

    def make(*, mobile: bool = False, locale: str = "zh-CN") -> Page:
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 860}
        # bypass_csp: the tests evaluate script strings in the page (wait_for_function); the CSP headers
        # themselves are asserted in tests/api/test_security*.py.
        context = browser.new_context(
            viewport=viewport, locale=locale, is_mobile=mobile, has_touch=mobile, bypass_csp=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot for people to look at (not compared automatically)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
