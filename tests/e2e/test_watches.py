"""Watching a line in the browser: from its page to a signed webhook and the delivery log."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from flask import Flask
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PageProblems, snap
from tests.receivers import running
from tracker import watching
from tracker.db import get_session


def test_watch_a_line_from_its_page_and_see_the_notice_delivered(
    page: Page, live_server: str, seeded: Flask, problems: PageProblems
) -> None:
    seeded.config["NOTIFY_AFTER_WRITES"] = False
    with running() as receiver:
        page.goto(live_server + "/pairs")
        page.locator("main table a").first.click()
        line = page.locator("h1").inner_text()
        page.get_by_role("link", name="Watch this line").click()
        expect(page.locator("#target-line option:checked")).to_have_text(line)
        page.check("input[name=new_events]")
        page.fill("#webhook_url", receiver.url)
        page.get_by_role("button", name="Watch", exact=True).click()
        secret = page.locator("#new-secret").inner_text()
        assert secret.startswith("whsec_")
        expect(page.locator("h1")).to_have_text(line)
        snap(page, "watch-created")
        watch_page = page.locator(".crumbs + .page-head form").get_attribute("action") or ""
        watch_page = watch_page.removesuffix("/delete")
        with seeded.app_context():
            result = watching.watch_pass(get_session(), as_of=dt.date(2026, 12, 2))
        assert result.sent.sent >= 1 and receiver.received
        request = receiver.received[0]
        signed = "sha256=" + hmac.new(secret.encode(), request["body"], hashlib.sha256).hexdigest()
        assert request["headers"]["X-Tracker-Signature"] == signed
        page.goto(live_server + watch_page)
        log = page.locator("section", has=page.get_by_role("heading", name="Delivery log"))
        expect(log.locator("tbody tr").first).to_contain_text("sent")
        expect(page.locator("#new-secret")).to_have_count(0)  # the secret is shown once
        page.goto(live_server + "/watches")
        expect(page.locator("main table")).to_contain_text(line)
    assert problems.items == []
