"""Importing a CSV file through the upload page, in a real Chromium against a live server."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, PageProblems
from tests.helpers import event, make_csv

pytestmark = pytest.mark.e2e

WATCH_STATUS = """() => {
  window.statuses = [];
  const status = document.getElementById('import-status');
  new MutationObserver(() => window.statuses.push(status.textContent))
    .observe(status, {childList: true, characterData: true, subtree: true});
}"""


@pytest.fixture(autouse=True)
def upload_folder(seeded: Flask, tmp_path: Path) -> Path:
    seeded.config["IMPORT_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def choose_file(page: Page, data: bytes, name: str = "events.csv") -> None:
    page.set_input_files("#file", files=[{"name": name, "mimeType": "text/csv", "buffer": data}])


def test_upload_preview_confirm(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/import")
    page.evaluate(WATCH_STATUS)
    ryabkov = event(date="2023-03-16", official_b="Sergei Ryabkov", role_b="Russian Deputy Foreign Minister")
    choose_file(page, make_csv([event(), ryabkov]))
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preview the import of events.csv")
    assert page.url == live_server + "/import"  # shown by import.js, not by a page load
    statuses = page.evaluate("window.statuses")
    assert any(s.startswith("Uploading events.csv") for s in statuses), statuses
    assert "Validating 2 rows…" in statuses, statuses
    expect(page.locator("#count-new")).to_have_text("2")
    expect(page.locator("#count-existing")).to_have_text("0")
    expect(page.locator("#count-officials")).to_have_text("1")  # Ryabkov; Austin and Shoigu are seeded
    expect(page.locator("table.import-rows tbody tr")).to_have_count(2)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import_preview.png"), full_page=True)

    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_url(live_server + "/")
    expect(page.locator(".flash-success")).to_contain_text("Imported 2 events (0 already present)")
    assert problems.items == []


def test_bad_rows_are_listed_on_the_page(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/import")
    choose_file(page, make_csv([event(channel="fax"), event(date="2023-02-30")]), name="bad.csv")
    page.get_by_role("button", name="Upload and preview").click()

    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("2 problems in bad.csv: nothing was imported")
    expect(summary).to_be_focused()
    rows = summary.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("2 channel must be 'phone'")
    expect(rows.nth(1)).to_contain_text("3 date '2023-02-30' is not a date")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import_problems.png"), full_page=True)
    # the 400 of the upload, and Chromium's console note about it; nothing else
    assert problems.items[0] == f"HTTP 400: {live_server}/import"
    assert [p for p in problems.items[1:] if "status of 400 (BAD REQUEST)" not in p] == []

    # the form shown with the problems works again
    choose_file(page, make_csv([event()]))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#count-new")).to_have_text("1")
