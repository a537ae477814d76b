"""Journeys a first-time user takes, in a real Chromium against a live server."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PageProblems, wait_for_chart

pytestmark = pytest.mark.e2e


def test_timeline_draws_the_seeded_contacts(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/")
    wait_for_chart(page)
    ids = page.evaluate(
        """() => document.getElementById('timeline-chart').data
              .filter(t => t.mode === 'markers' && t.customdata)
              .flatMap(t => t.customdata).sort()"""
    )
    assert ids == [1, 2, 3, 4, 5]
    assert page.locator("#timeline-chart .scatterlayer .point").count() >= 5
    expect(page.locator("#timeline-chart")).to_contain_text("90 days")
    wait_for_chart(page, "frequency-chart")
    assert problems.items == []


def test_add_contact_with_keyboard_then_see_it_everywhere(
    page: Page, live_server: str, problems: PageProblems
) -> None:
    page.goto(live_server + "/events/new")
    page.focus("#official_a")
    page.keyboard.type("Lloyd Austin")
    page.keyboard.press("Tab")  # role_a: filled from the recorded official on change
    expect(page.locator("#role_a")).to_have_value("US Secretary of Defense")
    expect(page.locator("#country_a")).to_have_value("US")
    page.focus("#official_b")
    page.keyboard.type("Sergei Shoigu")
    page.keyboard.press("Tab")
    page.focus("#date")
    page.keyboard.type("March 15, 2023")
    page.focus("#summary")
    page.keyboard.type("Keyboard-only entry: call after the MQ-9 incident.")
    page.focus("#source_url")
    page.keyboard.type("https://www.defense.gov/News/")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/#event-6")
    expect(page.locator(".flash-success")).to_contain_text("Saved: Lloyd Austin – Sergei Shoigu")
    wait_for_chart(page)
    xs = page.evaluate("() => document.getElementById('timeline-chart').data.find(t => t.name === 'held').x")
    assert "2023-03-15" in xs
    expect(page.locator("#event-6")).to_contain_text("Keyboard-only entry")

    with page.expect_download() as info:
        page.locator(".actions a", has_text="Download CSV").click()
    text = info.value.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert any(r["date"] == "2023-03-15" and r["summary"].startswith("Keyboard-only") for r in rows)
    assert problems.items == []


def test_bad_input_shows_the_message_next_to_the_field(page: Page, live_server: str) -> None:
    page.goto(live_server + "/events/new")
    page.fill("#official_a", "Lloyd Austin")
    page.fill("#official_b", "Sergei Shoigu")
    page.fill("#date", "sometime in spring")
    page.click("button[type=submit]")
    expect(page.locator("#date-error")).to_contain_text("is not a date we can read")
    expect(page.locator("#date")).to_have_value("sometime in spring")
    expect(page.locator("#official_a")).to_have_value("Lloyd Austin")
    expect(page.locator("#error-summary")).to_be_focused()
