"""Browser fixtures: a live server on a fresh, seeded database and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}: run 'make test' (it installs Debian's chromium) "
            "or 'sudo apt-get install chromium'."
        )
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    )
    yield browser
    browser.close()


@pytest.fixture
def live_server(seeded: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, seeded, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


class PageProblems:
    """Console errors and failed requests seen by a page."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.items.append(f"console: {message.text}")

    def failed(self, request: Request) -> None:
        self.items.append(f"failed request: {request.url} {request.failure}")

    def response(self, response: object) -> None:
        status = getattr(response, "status", 200)
        if status >= 400:
            self.items.append(f"HTTP {status}: {getattr(response, 'url', '')}")


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def page(browser: Browser, problems: PageProblems, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.on("console", problems.console)
    page.on("requestfailed", problems.failed)
    page.on("response", problems.response)
    page.on("pageerror", lambda exc: problems.items.append(f"page error: {exc}"))
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def wait_for_chart(page: Page, element_id: str = "timeline-chart") -> None:
    """Wait until Plotly has drawn the chart (charts.js marks it after plotly_afterplot)."""
    page.wait_for_selector(f"#{element_id}[data-rendered='true']", timeout=15_000)
