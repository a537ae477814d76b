"""Journeys a first-time user takes, in a real Chromium against a live server."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PageProblems, tab_to, wait_for_chart

pytestmark = pytest.mark.e2e


def test_timeline_draws_the_seeded_contacts(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/")
    wait_for_chart(page)
    ids = page.evaluate(
        """() => document.getElementById('timeline-chart').data
              .filter(t => t.meta && t.meta.kind === 'events')
              .flatMap(t => t.customdata).sort()"""
    )
    assert ids == [1, 2, 3, 4, 5]
    assert page.locator("#timeline-chart .scatterlayer .point").count() >= 5
    # every lane runs to today, labelled with its silence
    expect(page.locator("#timeline-chart")).to_contain_text("days and counting")
    # the 2022 gaps are too short to label at this zoom; zoomed in, their lengths appear
    page.fill("#range-start", "2022-01-01")
    page.fill("#range-end", "2022-07-01")
    page.locator("#range-end").dispatch_event("change")
    expect(page.locator("#timeline-chart")).to_contain_text("90 days")
    expect(page.locator("#timeline-chart")).to_contain_text("84 days")
    wait_for_chart(page, "frequency-chart")
    assert problems.items == []


def test_add_contact_with_keyboard_then_see_it_everywhere(
    page: Page, live_server: str, problems: PageProblems
) -> None:
    page.goto(live_server + "/")
    wait_for_chart(page)
    # Keyboard only from here: Tab, typing and Enter, no clicks.
    tab_to(page, ".page-head .actions a.button:not(.secondary)")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/events/new")
    # The names of recorded officials are offered as the user types (a <datalist>).
    offered = page.eval_on_selector_all("#officials option", "os => os.map(o => o.value)")
    assert {"Lloyd Austin", "Sergei Shoigu", "Mark Milley", "Valery Gerasimov"} <= set(offered)
    assert page.get_attribute("#official_a", "list") == "officials"
    assert page.get_attribute("#role_a", "list") == "roles"
    tab_to(page, "#official_a")
    page.keyboard.type("Lloyd Austin")
    page.keyboard.press("Tab")  # leaving the name fills post and country from the recorded official
    expect(page.locator("#role_a")).to_be_focused()
    expect(page.locator("#role_a")).to_have_value("US Secretary of Defense")
    expect(page.locator("#country_a")).to_have_value("United States")
    tab_to(page, "#official_b")
    page.keyboard.type("Sergei Shoigu")
    page.keyboard.press("Tab")
    # Shoigu held two posts: the post is left to be worked out from the date
    expect(page.locator("#role_b")).to_have_value("")
    expect(page.locator("#country_b")).to_have_value("Russia")
    tab_to(page, "#date")
    page.keyboard.type("March 15, 2023")
    tab_to(page, "#initiated_by-none")
    page.keyboard.press("ArrowDown")  # radio group: "the first side"
    expect(page.locator("#initiated_by-a")).to_be_checked()
    tab_to(page, "#summary")
    page.keyboard.type("Keyboard-only entry: call after the MQ-9 incident.")
    tab_to(page, "#source_url")
    page.keyboard.type("https://www.defense.gov/News/")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/#event-6")
    expect(page.locator(".flash-success")).to_contain_text("Saved: Lloyd Austin – Sergei Shoigu")
    wait_for_chart(page)
    held = page.evaluate(
        """() => { const t = document.getElementById('timeline-chart').data.find(t => t.name === 'held');
                   return t.customdata.map((id, i) => [id, t.x[i].slice(0, 10)]); }"""
    )
    assert [6, "2023-03-15"] in held
    row = page.locator("#event-6")
    expect(row).to_contain_text("Keyboard-only entry")
    expect(row).to_contain_text("Initiated by Lloyd Austin")

    with page.expect_download() as info:
        page.locator("#csv-link").click()
    download = info.value
    assert download.suggested_filename.startswith("contact-events-") and download.suggested_filename.endswith(
        ".csv"
    )
    text = download.path().read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    [new] = [r for r in rows if r["id"] == "6"]
    assert new["date"] == "2023-03-15"
    assert (new["official_a"], new["role_a"], new["country_a"]) == (
        "Lloyd Austin",
        "US Secretary of Defense",
        "United States",
    )
    assert (new["official_b"], new["country_b"]) == ("Sergei Shoigu", "Russia")
    assert (new["channel"], new["status"], new["initiated_by"]) == ("phone", "held", "Lloyd Austin")
    assert new["summary"] == "Keyboard-only entry: call after the MQ-9 incident."
    assert new["source_url"] == "https://www.defense.gov/News/"
    assert problems.items == []


def test_bad_input_shows_the_message_next_to_the_field(
    page: Page, live_server: str, problems: PageProblems
) -> None:
    problems.expect(400, "/events/new")  # the form comes back with status 400, as it should
    page.goto(live_server + "/events/new")
    page.fill("#official_a", "Lloyd Austin")
    page.fill("#official_b", "Sergei Shoigu")
    page.fill("#date", "sometime in spring")
    page.click("button[type=submit]")
    field = page.locator(".field", has=page.locator("#date"))
    expect(field.locator("#date-error")).to_contain_text("is not a date we can read")
    expect(page.locator("#date")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#date")).to_have_attribute("aria-describedby", "date-hint date-error")
    expect(page.locator("#date")).to_have_value("sometime in spring")
    expect(page.locator("#official_a")).to_have_value("Lloyd Austin")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary a")).to_contain_text("Date: 'sometime in spring' is not a date")
    page.locator("#error-summary a").click()
    expect(page.locator("#date")).to_be_focused()
    assert problems.items == []
