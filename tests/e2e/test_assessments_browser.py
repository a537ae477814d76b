"""Monthly assessments in the browser: record one from the tracker's suggestion, find it in the month's archive."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, PageProblems, snap, wait_for_chart
from tests.helpers import EDITOR

pytestmark = pytest.mark.e2e

EUCOM = "U.S. European Command – Russian Ministry of Defence"


def test_record_an_assessment_from_its_suggestion(
    page: Page, live_server: str, problems: PageProblems
) -> None:
    page.goto(live_server + "/pairs")
    page.get_by_role("link", name=EUCOM).click()
    wait_for_chart(page)
    assess = page.get_by_role("link", name="Assess this month")
    expect(assess).to_have_attribute("href", f"/assessments/2026-12/assess?line={page.url.rsplit('/', 1)[1]}")
    # March 2022: the hotline's outreach refused, no contact held
    page.goto(live_server + "/assessments/2022-03")
    expect(page.locator(".empty-state")).to_contain_text("No line assessed for March 2022")
    page.locator("#waiting li", has_text=EUCOM).get_by_role("link", name="Assess").click()
    suggestion = page.locator("#suggestion")
    expect(suggestion).to_contain_text("The data suggests: ▼ Deteriorated")
    expect(page.locator("#suggested-reason")).to_have_text("1 refusal and no contact held")
    expect(page.get_by_role("radio", name="▼ Deteriorated")).to_be_checked()
    expect(page.locator("#reason")).to_have_value("1 refusal and no contact held")
    page.fill("#notes", "Outreach through the deconfliction line rebuffed.")
    snap(page, "assessment-form-desktop")
    page.get_by_role("button", name="Record assessment").click()
    expect(page).to_have_url(f"{live_server}/assessments/2022-03#line-1")
    expect(page.locator(".flash-success")).to_contain_text("Recorded the assessment")
    row = page.locator("#assessments-table tr#line-1")
    expect(row).to_contain_text(EUCOM)
    expect(row).to_contain_text("Deteriorated")
    expect(row).to_contain_text("1 refusal and no contact held")
    expect(row).to_contain_text(EDITOR)
    snap(page, "assessment-month-desktop")
    # the index lists the month, and the phone shows the archive without sideways scrolling
    page.goto(live_server + "/assessments")
    expect(page.get_by_role("link", name="March 2022")).to_be_visible()
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/assessments/2022-03")
    expect(page.locator("#assessments-table")).to_contain_text("Deteriorated")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    snap(page, "assessment-month-phone")
    page.goto(live_server + "/assessments/2022-03/assess?line=dyad:United%20States%20%E2%80%93%20Russia")
    expect(page.locator("#suggestion")).to_contain_text("Deteriorated")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    snap(page, "assessment-form-phone")
    assert problems.items == []


SECDEF = "US Secretary of Defense – Russian Minister of Defence"


def test_a_schedule_and_a_blind_spot_on_the_pair_page(
    page: Page, live_server: str, problems: PageProblems
) -> None:
    page.goto(live_server + "/pairs")
    page.get_by_role("link", name=SECDEF).click()
    wait_for_chart(page)
    page.get_by_label("once a year, by the end of a month").check()
    page.select_option("#due_month", label="December")
    page.fill("#schedule-note", "annual defence talks")
    page.get_by_role("button", name="Save schedule").click()
    expect(page.locator(".flash-success")).to_contain_text(
        "Expected schedule saved: yearly, by the end of December"
    )
    expect(page.locator(".page-head")).to_contain_text("round overdue: due by 2025-12-31")
    page.fill("#period-start", "2025-01-01")
    page.fill("#period-note", "Russia stopped disclosing contacts")
    page.get_by_role("button", name="Add period").click()
    expect(page.locator("#unobserved-periods")).to_contain_text(
        "2025-01-01 → now: Russia stopped disclosing contacts"
    )
    expect(page.locator("#gaps tr.current-silence")).to_contain_text("Partly unobserved")
    expect(page.locator(".lede").first).to_contain_text("silence partly unobserved")
    wait_for_chart(page)
    snap(page, "pair-rhythm-desktop")
    page.goto(live_server + "/pairs")
    row = page.locator("tr", has_text=SECDEF)
    expect(row.locator(".overdue")).to_have_text("Overdue")
    expect(row.locator(".unobserved")).to_have_text("Partly unobserved")
    snap(page, "pairs-overdue-desktop")
    page.set_viewport_size(PHONE)
    page.goto(live_server + "/pairs")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    snap(page, "pairs-overdue-phone")
    page.get_by_role("link", name=SECDEF).click()
    wait_for_chart(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    snap(page, "pair-rhythm-phone")
    assert problems.items == []
