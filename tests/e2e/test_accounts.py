"""Accounts in the browser: nobody sees no write links, logging in by the form, names drawn as text."""

from __future__ import annotations

from flask import Flask
from playwright.sync_api import Dialog, Page, expect

from tests.e2e.conftest import PageProblems, snap, wait_for_chart
from tests.helpers import EDITOR, EDITOR_PASSWORD, EXAMPLE_EVENT
from tracker.db import get_session
from tracker.models import EventCreate
from tracker.store import writes

MARKUP_NAMES = [
    "<b>Bold Name</b>",
    '<a href="https://evil.example/">Link Name</a>',
    "<img src=x onerror=alert(1)>",
]


def test_log_in_by_the_form_then_write(page: Page, anonymous_server: str, problems: PageProblems) -> None:
    page.goto(anonymous_server + "/")
    nav = page.locator(".site-header nav")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()
    expect(nav.get_by_role("link", name="Add event")).to_have_count(0)
    page.goto(anonymous_server + "/events/new")  # a write page sends nobody to the login form
    expect(page).to_have_url(anonymous_server + "/login?next=/events/new")
    problems.expect(400, "/login")
    page.fill("#name", EDITOR)
    page.fill("#password", "not the password")
    page.click("main button[type=submit]")
    expect(page.locator("#password-error")).to_contain_text("do not match")
    page.fill("#password", EDITOR_PASSWORD)
    page.click("main button[type=submit]")
    expect(page).to_have_url(anonymous_server + "/events/new")
    expect(nav.get_by_role("link", name=EDITOR)).to_be_visible()
    expect(nav.get_by_role("link", name="Add event")).to_be_visible()
    snap(page, "logged-in-form")
    assert problems.items == []


def test_names_with_markup_are_drawn_as_text(
    page: Page, seeded: Flask, live_server: str, problems: PageProblems
) -> None:
    with seeded.app_context():
        for i, name in enumerate(MARKUP_NAMES):
            item = EventCreate.model_validate(
                {
                    **EXAMPLE_EVENT,
                    "date_end": None,
                    "date": f"2023-02-{10 + i}",
                    "official_b": name,
                    "role_b": "",
                    "country_b": "Russia",
                }
            )
            writes.add_event(get_session(), item, choices=writes.Choices(new=frozenset({"*"}), separate=True))
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)  # an alert() run from a name would open one
    page.goto(live_server + "/?lanes=person")
    wait_for_chart(page)
    chart = page.locator("#timeline-chart")
    assert chart.locator("a[href*='evil.example']").count() == 0
    assert chart.locator("img").count() == 0
    texts = " ".join(chart.locator("text").all_text_contents())
    assert "<b>Bold Name</b>" in texts or "<b>Bold" in texts  # shown as typed, not made bold
    page.remove_listener("dialog", dismiss)  # the tab is shared: later tests answer their own dialogs
    assert dialogs == []
    snap(page, "markup-names")
