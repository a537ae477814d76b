"""A first-time user's experience in a real Chromium: the chart, every page, phone and print, keyboard and labels."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PHONE, PageProblems, settled, snap, wait_for_chart

pytestmark = pytest.mark.e2e

MILLEY_GERASIMOV = "US Chairman of the Joint Chiefs of Staff – Russian Chief of the General Staff"

#: Pages a first-time user reaches from the navigation and the tables (a pair page is added from /pairs).
PAGES = {
    "timeline": "/",
    "timeline-filtered": "/?status=refused&from=2022-03-01&lanes=person",
    "pairs": "/pairs",
    "pairs-person": "/pairs?lanes=person",
    "event-new": "/events/new",
    "event": "/events/1",
    "event-edit": "/events/1/edit",
    "deleted": "/events/deleted",
    "context": "/context",
    "context-edit": "/context/1/edit",
    "officials": "/officials",
    "official": "/officials/1",
    "posts": "/posts",
}

#: Pages with forms a user fills in.
FORM_PAGES = [
    "/",
    "/events/new",
    "/events/1/edit",
    "/context",
    "/context/1/edit",
    "/officials",
    "/officials/1",
    "/posts",
]

# Elements sticking out past the right edge of the viewport, other than inside a scrolling table.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table-scroll, .visually-hidden, .skip-link')) continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1) {
      offenders.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
        ' right=' + Math.round(box.right));
    }
  }
  // content sticking out of its card, even where the page is wide enough
  const cards = [...document.querySelectorAll('main .card, main .empty-state')]
    .filter(card => card.scrollWidth > card.clientWidth + 1)
    .map(card => (card.id || card.className) + ' scrollWidth=' + card.scrollWidth + ' clientWidth=' + card.clientWidth);
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: width, cards: cards,
          offenders: offenders.slice(0, 8)};
}"""


def chart_points(page: Page, element_id: str = "timeline-chart") -> list[dict[str, Any]]:
    """The event markers drawn on the timeline: id, date, lane (y and label) and status of each."""
    return page.evaluate(
        """id => { const el = document.getElementById(id);
              const lanes = Object.fromEntries(el.layout.meta.lanes.map(l => [l.y, l.label]));
              return el.data.filter(t => t.meta && t.meta.kind === 'events')
                .flatMap(t => t.customdata.map((c, i) => ({id: c, x: t.x[i], y: t.y[i], lane: lanes[t.y[i]], status: t.name})))
                .sort((a, b) => a.id - b.id); }""",
        element_id,
    )


def x_range(page: Page, element_id: str = "timeline-chart") -> list[float]:
    """The timeline's x-axis range in milliseconds since the epoch."""
    return page.evaluate(
        "id => document.getElementById(id)._fullLayout.xaxis.range.map(v => new Date(v).getTime())",
        element_id,
    )


def point_on_screen(page: Page, x: str, y: str, element_id: str = "timeline-chart") -> tuple[float, float]:
    """Where the data point (x, y) is drawn, in page pixels, from the chart's own axes."""
    return tuple(
        page.evaluate(
            """([id, x, y]) => {
              const el = document.getElementById(id);
              const xa = el._fullLayout.xaxis, ya = el._fullLayout.yaxis;
              const box = el.getBoundingClientRect();
              return [box.left + xa._offset + xa.d2p(x), box.top + ya._offset + ya.d2p(y)];
            }""",
            [element_id, x, y],
        )
    )


def wait_for_charts(page: Page) -> None:
    """Wait until every chart on the page is drawn (none is fine)."""
    for element_id in page.eval_on_selector_all("[data-figure]", "els => els.map(e => e.id)"):
        wait_for_chart(page, element_id)


def pair_url(page: Page, base: str) -> str:
    """The address of the first pair page linked from /pairs."""
    page.goto(base + "/pairs")
    return base + (page.locator("#pair-stats tbody a").first.get_attribute("href") or "")


# The chart ---------------------------------------------------------------------------------------


def test_hover_a_marker_to_read_its_details(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/")
    wait_for_chart(page)
    [call] = [p for p in chart_points(page) if p["id"] == 5]
    assert (call["x"][:10], call["lane"], call["status"]) == ("2022-05-19", MILLEY_GERASIMOV, "held")
    page.locator("#timeline-chart").scroll_into_view_if_needed()
    x, y = point_on_screen(page, call["x"], call["y"])
    page.mouse.move(x, y - 40)
    page.mouse.move(x, y, steps=3)
    label = page.locator("#timeline-chart .hoverlayer .hovertext")
    expect(label).to_contain_text("2022-05-19 (exact day)")
    text = label.text_content() or ""
    for part in (
        "2022-05-19 (exact day)",
        "Mark Milley",
        "Valery Gerasimov",
        "phone · held",
        "Source: The Hill",
    ):
        assert part in text, text
    assert problems.items == []


def test_zoom_with_the_wheel_pan_by_dragging_and_use_the_range_buttons(
    page: Page, live_server: str, problems: PageProblems
) -> None:
    page.goto(live_server + "/")
    wait_for_chart(page)
    chart = page.locator("#timeline-chart")
    chart.scroll_into_view_if_needed()
    first = x_range(page)
    box = page.locator("#timeline-chart .nsewdrag").bounding_box()
    assert box is not None
    # the wheel zooms in around the pointer
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    for _ in range(3):
        page.mouse.wheel(0, -400)
    page.wait_for_function(
        "r => { const now = document.getElementById('timeline-chart')._fullLayout.xaxis.range;"
        " return new Date(now[1]).getTime() - new Date(now[0]).getTime() < 0.9 * (r[1] - r[0]); }",
        arg=first,
    )
    settled(page)
    zoomed = x_range(page)
    assert first[0] < zoomed[0] < zoomed[1] < first[1]
    # dragging pans: the same width of time, further on
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.6, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.3, y, steps=8)
    page.mouse.up()
    page.wait_for_function(
        "r => new Date(document.getElementById('timeline-chart')._fullLayout.xaxis.range[0]).getTime() > r[0] + 1000",
        arg=zoomed,
    )
    settled(page)
    panned = x_range(page)
    assert abs((panned[1] - panned[0]) - (zoomed[1] - zoomed[0])) < 0.02 * (zoomed[1] - zoomed[0])
    # the quick ranges: one year back from today, then everything
    page.get_by_role("button", name="1 y").click()
    page.wait_for_function(
        "() => { const r = document.getElementById('timeline-chart')._fullLayout.xaxis.range;"
        " return new Date(r[1]) - new Date(r[0]) < 400 * 86400000; }"
    )
    page.get_by_role("button", name="All").click()
    page.wait_for_function(
        "() => { const r = document.getElementById('timeline-chart')._fullLayout.xaxis.range;"
        " return new Date(r[0]).getFullYear() <= 2022; }"
    )
    expect(page.locator("#range-start")).to_have_value(re.compile(r"^2022-0[12]"))
    # the zoom buttons
    before = x_range(page)
    page.get_by_role("button", name="Zoom in").first.click()
    page.wait_for_function(
        "r => { const n = document.getElementById('timeline-chart')._fullLayout.xaxis.range;"
        " return new Date(n[1]) - new Date(n[0]) < 0.6 * (r[1] - r[0]); }",
        arg=before,
    )
    assert problems.items == []


def test_a_click_on_a_marker_shows_the_event_beside_the_chart(
    page: Page, live_server: str, problems: PageProblems
) -> None:
    page.goto(live_server + "/")
    wait_for_chart(page)
    [call] = [p for p in chart_points(page) if p["id"] == 5]
    page.locator("#timeline-chart").scroll_into_view_if_needed()
    before = page.evaluate("() => window.scrollY")
    x, y = point_on_screen(page, call["x"], call["y"])
    page.mouse.click(x, y)
    panel = page.locator("#detail-panel")
    expect(panel.locator("h3")).to_have_text("Event 5")
    expect(panel).to_contain_text("Mark Milley – Valery Gerasimov")
    expect(panel).to_contain_text("agreed to keep the lines of communication open")
    expect(panel.get_by_role("link", name="The Hill")).to_have_attribute("href", re.compile("thehill.com"))
    expect(panel.get_by_role("link", name="Open the event's page")).to_have_attribute("href", "/events/5")
    assert abs(page.evaluate("() => window.scrollY") - before) < 300  # the page did not jump to a table
    # the same from the keyboard: the list of events in view
    page.locator("#in-view button").first.focus()
    page.keyboard.press("Enter")
    expect(panel.locator("h3")).to_have_text(re.compile(r"^Event \d+$"))
    assert problems.items == []


def test_chart_downloads_as_png_offline(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/")
    wait_for_chart(page)
    page.context.set_offline(True)
    page.locator("#timeline-chart").hover()
    # nothing in the modebar sends the data elsewhere ("Share chart..." would upload it to Plotly's cloud)
    titles = page.eval_on_selector_all("#timeline-chart .modebar-btn", "bs => bs.map(b => b.dataset.title)")
    assert not [t for t in titles if "Share" in t or "cloud" in t.lower()], titles
    with page.expect_download() as info:
        page.locator('#timeline-chart .modebar-btn[data-title^="Download plot"]').click()
    download = info.value
    assert download.suggested_filename == "timeline-chart.png"
    data = download.path().read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
    page.context.set_offline(False)
    assert problems.items == []


def test_status_is_told_by_text_and_symbol_not_only_colour(
    page: Page, live_server: str, problems: PageProblems
) -> None:
    page.goto(live_server + "/?lanes=person")
    wait_for_chart(page)
    symbols = page.evaluate(
        """() => Object.fromEntries(document.getElementById('timeline-chart').data
              .filter(t => t.meta && t.meta.kind === 'events').map(t => [t.name, t.marker.symbol]))"""
    )
    assert set(symbols["held"]) == {"circle"}  # filled
    assert set(symbols["refused"]) == {"star-open-dot"}  # open with a dot, whatever the channel's shape
    key = page.locator(".timeline-key").text_content() or ""
    assert "held" in key and "refused" in key and "silence now: alarm" in key
    badges = page.evaluate(
        """() => [...document.querySelectorAll('#events .status, .alert')].map(el => [
              el.textContent.trim(), getComputedStyle(el, '::before').content])"""
    )
    assert ["refused", '"⊙"'] in badges and ["held", '"●"'] in badges
    assert ["Alarm", '"▲"'] in badges and ["No baseline", '"○"'] in badges
    assert problems.items == []


# Filters -----------------------------------------------------------------------------------------


def test_filter_then_reload_and_share_the_url(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/")
    page.locator("details.filters summary").click()
    page.get_by_label("refused").check()
    page.fill("#f-from", "2022-03-01")
    page.get_by_label("by person pair").check()
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/?*status=refused*")
    url = page.url
    assert "from=2022-03-01" in url and "lanes=person" in url

    def same_view(p: Page) -> None:
        wait_for_chart(p)
        assert [(e["id"], e["status"]) for e in chart_points(p)] == [(3, "refused")]
        expect(p.locator(".lede").first).to_contain_text("1 person pair with events matching the filters")
        expect(p.locator("#events tbody tr")).to_have_count(1)
        expect(p.locator("#event-3")).to_contain_text("hotline")
        expect(p.locator("#f-from")).to_have_value("2022-03-01")
        expect(p.get_by_label("refused")).to_be_checked()
        expect(p.get_by_label("held")).not_to_be_checked()
        expect(p.get_by_label("by person pair")).to_be_checked()
        expect(p.locator("#csv-link")).to_have_attribute("href", "/events.csv?from=2022-03-01&status=refused")

    same_view(page)
    page.reload()
    same_view(page)
    page.context.clear_cookies()
    page.goto(url)  # as someone given only the address
    same_view(page)

    page.goto(live_server + "/?from=2030-01-01")
    expect(page.locator(".empty-state")).to_contain_text("clear the filters")
    assert problems.items == []


# Pages -------------------------------------------------------------------------------------------


def test_pairs_overview_and_a_pair_page(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/pairs")
    expect(page.locator("h1")).to_have_text("Pairs, most alarming first")
    expect(page.locator("#pair-stats tbody tr")).to_have_count(3)
    snap(page, "pairs")
    page.locator("#pair-stats tbody a", has_text="US Secretary of Defense").click()
    expect(page.locator("h1")).to_have_text("US Secretary of Defense – Russian Minister of Defence")
    wait_for_chart(page)
    assert [p["x"][:10] for p in chart_points(page)] == ["2022-02-18", "2022-05-13"]
    expect(page.locator(".stat-cards")).to_contain_text("84 days")
    expect(page.locator("#events tbody tr")).to_have_count(2)
    page.locator(".crumbs a").click()
    page.get_by_role("link", name="Show person pairs").click()
    expect(page.locator("#pair-stats")).to_contain_text("Lloyd Austin – Sergei Shoigu")
    assert problems.items == []


def test_officials_an_official_and_posts(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/officials")
    expect(page.locator("#officials")).to_contain_text("Valery Gerasimov")
    page.get_by_role("link", name="Lloyd Austin").click()
    expect(page.locator("h1")).to_have_text("Lloyd Austin")
    expect(page.locator("#tenures input[name=post]").first).to_have_value("Secretary of Defense")
    snap(page, "official")
    # a tenure row is a form whose inputs sit in the table's columns (form="…")
    page.locator("#tenures input[name=end]").fill("20 January 2025")
    page.get_by_role("button", name="Save Secretary of Defense").click()
    expect(page.locator(".flash-success")).to_have_text(
        "Saved: Secretary of Defense (2021-01-22 to 2025-01-20)."
    )
    page.get_by_role("link", name="Their contacts on the timeline").click()
    wait_for_chart(page)
    assert {p["x"][:10] for p in chart_points(page)} == {"2022-02-18", "2022-05-13"}
    page.goto(live_server + "/posts")
    post = page.locator("#post-1")
    expect(post.locator("h2")).to_have_text("Secretary of Defense (United States)")
    expect(post.locator(".holders")).to_contain_text("Lloyd Austin")
    expect(post.locator(".holders")).to_contain_text("Pete Hegseth")
    assert problems.items == []


def test_context_events_list_and_add(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/context")
    expect(page.locator("#context-1")).to_contain_text("Russia invades Ukraine")
    page.fill("#date", "14 March 2023")
    page.fill("#title", "US MQ-9 drone downed over the Black Sea")
    page.get_by_role("button", name="Add context event").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved context event: US MQ-9 drone downed")
    expect(page.locator("#context-events tbody tr")).to_have_count(2)
    page.get_by_role("link", name="Edit Russia invades Ukraine").click()
    expect(page.locator("#title")).to_have_value("Russia invades Ukraine")
    expect(page.locator("#date")).to_have_value("2022-02-24")
    page.goto(live_server + "/")
    wait_for_chart(page)
    for title in ("Russia invades Ukraine", "US MQ-9 drone downed over the Black Sea"):
        expect(page.locator("#timeline-chart .annotation", has_text=title)).to_have_count(1)
    assert problems.items == []


def test_event_page_edit_delete_and_restore(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/events/1")
    expect(page.locator("h1")).to_have_text("Lloyd Austin – Sergei Shoigu, 2022-02-18")
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.locator("h1")).to_have_text("Edit event 1")
    expect(page.locator("#date")).to_have_value("2022-02-18")
    page.fill("#source_publisher", "The Hill (Ellen Mitchell)")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".flash-success")).to_contain_text("Saved changes to Publisher of event 1")
    expect(page.locator(".history")).to_contain_text("The Hill (Ellen Mitchell)")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    expect(page.locator(".flash-success")).to_contain_text("Deleted: Lloyd Austin – Sergei Shoigu")
    expect(page.locator("#event-1")).to_have_count(0)
    wait_for_chart(page)
    page.get_by_role("link", name="Deleted events").click()
    expect(page.locator("#deleted #event-1")).to_contain_text("Lloyd Austin – Sergei Shoigu")
    snap(page, "deleted-one")
    page.get_by_role("button", name="Restore event 1").click()
    expect(page.locator(".flash-success")).to_contain_text("Restored: Lloyd Austin – Sergei Shoigu")
    expect(page.locator(".badge-deleted")).to_have_count(0)
    page.goto(live_server + "/events/deleted")
    expect(page.locator(".empty-state")).to_contain_text("Nothing deleted")
    assert problems.items == []


def test_dismissing_the_delete_dialog_keeps_the_event(
    page: Page, live_server: str, problems: PageProblems
) -> None:
    page.goto(live_server + "/events/2")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Delete").click()
    expect(page.locator(".badge-deleted")).to_have_count(0)
    assert page.url == live_server + "/events/2"
    assert problems.items == []


def test_missing_event_shows_the_error_page(page: Page, live_server: str, problems: PageProblems) -> None:
    problems.expect(404, "/events/999")
    response = page.goto(live_server + "/events/999")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("404 · Not Found")
    expect(page.locator(".empty-state")).to_contain_text("There is no event 999.")
    snap(page, "error-404")
    page.get_by_role("link", name="Back to the timeline").click()
    wait_for_chart(page)
    assert problems.items == []


def test_empty_states_say_what_to_do_next(page: Page, empty_server: str, problems: PageProblems) -> None:
    for path, says, link in [
        ("/", "Start your first timeline", "Add the first event"),
        ("/pairs", "No pairs yet", "Add an event"),
        ("/context", "No context events yet", None),
        ("/officials", "No officials yet", "event you record"),
        ("/posts", "No posts yet", "official's page"),
        ("/events/deleted", "Nothing deleted", "Back to the timeline"),
    ]:
        page.goto(empty_server + path)
        expect(page.locator(".empty-state")).to_contain_text(says)
        if link:
            expect(page.locator(".empty-state").get_by_role("link", name=link)).to_be_visible()
        snap(page, "empty" + path.replace("/", "-").rstrip("-"))
    assert problems.items == []


# Every page: phone, desktop, print ---------------------------------------------------------------


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_page_fits_the_screen(page: Page, live_server: str, problems: PageProblems, size: str) -> None:
    if size == "phone":
        page.set_viewport_size(PHONE)
    pages = dict(PAGES, pair=pair_url(page, live_server).removeprefix(live_server))
    nav = page.eval_on_selector_all(".site-header nav a", "links => links.map(a => a.getAttribute('href'))")
    pages.update({f"nav{href.replace('/', '-')}": href for href in nav if href not in pages.values()})
    overflowing = {}
    for name, path in pages.items():
        page.goto(live_server + path)
        wait_for_charts(page)
        page.wait_for_timeout(50)  # let responsive charts settle to the viewport
        found = page.evaluate(OVERFLOW)
        if name == "timeline":
            # the lanes get the width of the screen: their names are not beside them on a phone
            plot_width = page.evaluate("() => document.getElementById('timeline-chart')._fullLayout._size.w")
            assert plot_width > (250 if size == "phone" else 750), plot_width
        if found["scrollWidth"] > found["innerWidth"] + 1 or found["cards"]:
            overflowing[path] = found
        snap(page, f"{size}-{name}")
    assert overflowing == {}, json.dumps(overflowing, indent=1)
    assert problems.items == []


def test_print_hides_navigation_and_actions(page: Page, live_server: str, problems: PageProblems) -> None:
    page.goto(live_server + "/")
    wait_for_chart(page)
    screen = page.evaluate("() => document.getElementById('timeline-chart')._fullLayout.width")
    assert screen > 700
    page.emulate_media(media="print")
    for selector in (".site-header nav", ".page-head .actions", "details.filters", ".modebar-container"):
        expect(page.locator(selector).first).to_be_hidden()
    expect(page.locator("#timeline-chart .main-svg").first).to_be_visible()
    expect(page.locator("#events")).to_be_visible()
    expect(page.locator(".brand")).to_be_visible()
    # the chart is redrawn to fit the paper, and back to the screen afterwards
    page.wait_for_function("() => document.getElementById('timeline-chart')._fullLayout.width <= 680")
    page.set_viewport_size({"width": 760, "height": 1000})
    snap(page, "print-timeline")
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function(
        "w => document.getElementById('timeline-chart')._fullLayout.width === w", arg=screen
    )
    assert problems.items == []


# Accessibility -----------------------------------------------------------------------------------

UNLABELLED = """() => [...document.querySelectorAll('main input, main select, main textarea')]
  .filter(el => el.type !== 'hidden' && el.checkVisibility({visibilityProperty: true}))
  .filter(el => ![...(el.labels || [])].some(l => l.textContent.trim())
                && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.id || el.name)"""

RECORD_FOCUS = """() => {
  window.focusSeen = [];
  document.addEventListener('focusin', e => {
    const el = e.target, style = getComputedStyle(el);
    el.dataset.tabbed = 'yes';
    window.focusSeen.push({
      what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[' + el.name + ']' : ''),
      visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none',
    });
  });
}"""

TABBABLE = """() => [...document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])')]
  .filter(el => el.checkVisibility({visibilityProperty: true}) && !el.disabled).length"""

UNREACHED = """() => [...document.querySelectorAll(
    'main button[type=submit], main input:not([type=hidden]):not([type=radio]):not([type=checkbox]), main select, main textarea')]
  .filter(el => el.checkVisibility({visibilityProperty: true}) && !el.disabled && el.dataset.tabbed !== 'yes')
  .map(el => el.id || el.name || el.textContent.trim())"""


def test_forms_are_labelled_keyboard_reachable_with_visible_focus(
    page: Page, live_server: str, problems: PageProblems
) -> None:
    for path in [*FORM_PAGES, pair_url(page, live_server).removeprefix(live_server)]:
        page.goto(live_server + path)
        wait_for_charts(page)
        page.evaluate("() => document.querySelectorAll('main details').forEach(d => { d.open = true; })")
        assert page.evaluate(UNLABELLED) == [], path
        page.evaluate(RECORD_FOCUS)
        # round the page (twice: a date input takes three stops, one for each of day, month and year)
        for _ in range(2 * page.evaluate(TABBABLE) + 1):
            page.keyboard.press("Tab")
        assert page.evaluate(UNREACHED) == [], path
        seen = page.evaluate("() => window.focusSeen")
        assert any(s["what"].startswith("button") for s in seen), path
        assert any(s["what"].startswith(("input", "textarea")) for s in seen), path
        assert [s["what"] for s in seen if not s["visible"]] == [], path
    assert problems.items == []


# Navigation and links that once were missing ----------------------------------------------------


def test_api_docs_page_has_the_site_navigation(page: Page, live_server: str) -> None:
    page.goto(live_server + "/api/docs")
    assert page.locator(".site-header nav a").count() >= 6


def test_event_page_links_its_post_pair(page: Page, live_server: str) -> None:
    page.goto(live_server + "/events/1")
    assert (
        page.locator("dl.fields a", has_text="US Secretary of Defense – Russian Minister of Defence").count()
        == 1
    )
