"""Browser fixtures: a live server on a fresh, seeded database and Debian's Chromium via Playwright.

Every test gets its own server on a fresh database. The servers of a session listen on one port,
one after the other, and the tests share one browser tab (cookies cleared, viewport, media and
network reset around each test): the tab's renderer then keeps plotly.js (4.6 MB, cached for a
year under a versioned URL) compiled from test to test, which saves about 1.3 s a test. The servers
close each connection after its answer, so no kept-alive connection reaches an earlier test's server.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    ViewportSize,
    sync_playwright,
)
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = os.environ.get("TRACKER_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}  # an iPhone 12 to 15

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


@pytest.fixture(scope="session")
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    """The session's browser context; ``page`` clears its cookies before each test."""
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    yield context
    context.close()


@pytest.fixture(scope="session")
def server_port() -> int:
    """The port every live server of the session listens on (one after the other)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class OneRequestPerConnection(WSGIRequestHandler):
    """HTTP/1.0: the server closes the connection after each answer."""

    protocol_version = "HTTP/1.0"


def serve(app: Flask, port: int = 0) -> Iterator[str]:
    """Serve ``app`` from a thread on ``port`` (or any free one) for as long as the generator is open."""
    try:
        server = make_server("127.0.0.1", port, app, threaded=True, request_handler=OneRequestPerConnection)
    except OSError:  # the port was taken meanwhile: any port will do, only slower
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=OneRequestPerConnection)
    # the standard library listens with a backlog of 5: a page's burst of requests on a busy machine
    # could find the queue full and be refused (net::ERR_CONNECTION_REFUSED in a test that was fine)
    server.socket.listen(128)
    # a short poll interval: shutdown() waits for the serving loop to notice, which is 0.5 s by default
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def log_in_browser(context: BrowserContext, app: Flask, base_url: str, user_id: int = 1) -> None:
    """Give the browser the session cookie a login as user ``user_id`` leaves (tests/e2e/test_accounts logs in by form)."""
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    value = serializer.dumps({"_user_id": str(user_id), "_fresh": True})
    context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": value, "url": base_url}])


@pytest.fixture
def live_server(
    seeded: Flask, server_port: int, page: Page, browser_context: BrowserContext
) -> Iterator[str]:
    """A live server on the seeds, the browser logged in as the editor (user 1)."""
    for url in serve(seeded, server_port):
        log_in_browser(browser_context, seeded, url)
        yield url


@pytest.fixture
def anonymous_server(seeded: Flask, server_port: int, page: Page) -> Iterator[str]:
    """A live server on the seeds, the browser logged in as nobody."""
    yield from serve(seeded, server_port)


@pytest.fixture
def empty_server(app: Flask, server_port: int, page: Page, browser_context: BrowserContext) -> Iterator[str]:
    """A live server on a fresh database with nothing recorded: the first-time user's view."""
    for url in serve(app, server_port):
        log_in_browser(browser_context, app, url)
        yield url


class PageProblems:
    """Console errors and failed requests seen by a page; ``expect`` excuses an error status the test wants."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.expected: list[tuple[int, str]] = []

    def expect(self, status: int, path: str) -> None:
        """Do not count ``status`` answers to URLs ending in ``path`` (nor the console line about them)."""
        self.expected.append((status, path))

    def _excused(self, status: int | None, url: str) -> bool:
        return any(
            (status is None or status == s) and url.split("?")[0].endswith(p) for s, p in self.expected
        )

    def console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "") if message.location else ""
        if message.text.startswith("Failed to load resource") and self._excused(None, url):
            return
        self.items.append(f"console: {message.text} ({url})")

    def failed(self, request: Request) -> None:
        # ERR_ABORTED: the browser dropped the request because the test moved on (a favicon, say)
        if request.failure != "net::ERR_ABORTED":
            self.items.append(f"failed request: {request.url} {request.failure}")

    def response(self, response: Response) -> None:
        if response.status >= 400 and not self._excused(response.status, response.url):
            self.items.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


def watch(page: Page, problems: PageProblems) -> Callable[[], None]:
    """Report the page's problems to ``problems``; returns the function that stops it."""
    handlers: dict[str, Callable[[Any], None]] = {
        "console": problems.console,
        "requestfailed": problems.failed,
        "response": problems.response,
        "pageerror": lambda exc: problems.items.append(f"page error: {exc}"),
    }
    for event, handler in handlers.items():
        page.on(event, handler)  # type: ignore[call-overload]

    def stop() -> None:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)

    return stop


@pytest.fixture
def page(
    browser_context: BrowserContext, problems: PageProblems, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """The session's tab, desktop-sized; a full-page screenshot is saved as test-artifacts/<test name>.png."""
    tab = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    browser_context.clear_cookies()
    tab.set_viewport_size(DESKTOP)
    stop = watch(tab, problems)
    yield tab
    stop()
    snap(tab, request.node.name)
    # leave no page running: its timers (a zoom's delayed fetch) would reach the next test's server
    # before it listens, and be counted as that test's failed requests
    tab.goto("about:blank")
    browser_context.set_offline(False)
    tab.emulate_media(media="null")


def snap(page: Page, name: str) -> None:
    """Save a full-page screenshot as test-artifacts/<name>.png."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def wait_for_chart(page: Page, element_id: str = "timeline-chart") -> None:
    """Wait until Plotly has drawn the chart (charts.js marks it after plotly_afterplot)."""
    page.wait_for_selector(f"#{element_id}[data-rendered='true']", timeout=15_000)


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus (keyboard only, no clicks)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector} in {limit} presses")


def settled(page: Page, element_id: str = "timeline-chart") -> None:
    """Wait until the timeline has drawn the events of the window shown (it fetches them after a zoom)."""
    page.wait_for_function(
        """id => { const el = document.getElementById(id), r = el._fullLayout.xaxis.range;
                   const day = v => String(v).slice(0, 10);
                   return !el.dataset.busy && el.dataset.window === day(r[0]) + '/' + day(r[1]); }""",
        arg=element_id,
    )
