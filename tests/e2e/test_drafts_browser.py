"""Drafting contacts from an article in a real Chromium: paste, draft, edit, drop, save, see the events."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ARTIFACTS, PageProblems

pytestmark = pytest.mark.e2e

ARTICLE = (
    "Defense Secretary Lloyd Austin spoke by phone with Chinese Defense Minister Wei Fenghe on Wednesday, "
    "the Pentagon said.\n\n"
    "Gen. Mark Milley, the chairman of the Joint Chiefs of Staff, held a video call with Gen. Li Zuocheng "
    "last week."
)
SEED = Path(__file__).resolve().parents[1] / "data" / "drafting" / "000_seed_thehill.txt"


def test_paste_draft_edit_drop_save(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/")
    page.get_by_role("link", name="Draft from article").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft contacts from an article")
    page.get_by_label("Article text").fill(ARTICLE)
    page.get_by_label("Published (YYYY-MM-DD)").fill("2022-04-20")
    page.get_by_label("Publisher").fill("Example Wire")
    page.get_by_label("Article URL").fill("https://wire.example/austin-wei")
    page.get_by_role("button", name="Draft contacts").click()

    candidates = page.locator("li.candidate")
    expect(candidates).to_have_count(2)
    expect(candidates.nth(0).locator("mark[data-field='date']")).to_have_text("on Wednesday")
    expect(page.locator("#c0-official_b")).to_have_value("Wei Fenghe")
    expect(page.locator("#c1-date")).to_have_value("2022-04-11")
    page.locator("#c0-channel").select_option("video")  # edit one field
    page.get_by_label("Keep candidate 2").uncheck()  # drop one candidate
    page.get_by_role("button", name="Save kept candidates").click()

    expect(page.locator(".flash-success")).to_contain_text("Saved 1 new event")
    page.goto(live_server + "/events?q=Wei")
    expect(page.locator("main")).to_contain_text("Wei Fenghe")
    expect(page.locator("main")).not_to_contain_text("Li Zuocheng")
    assert problems.items == []


def test_drafts_page_with_candidates_at_desktop_width(
    page: Page, live_server: str, problems: PageProblems
) -> None:
    page.goto(live_server + "/drafts")
    page.get_by_label("Article text").fill(SEED.read_text(encoding="utf-8"))
    page.get_by_label("Published (YYYY-MM-DD)").fill("2022-05-19")
    page.get_by_label("Publisher").fill("The Hill")
    page.get_by_role("button", name="Draft contacts").click()
    expect(page.locator("li.candidate")).to_have_count(5)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "drafts.png"), full_page=True)
    assert problems.items == []
