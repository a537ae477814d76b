"""Payloads through every entry point, read back in Chromium: no script runs, no markup is rendered.

Markup, script, ``javascript:`` addresses, Plotly's pseudo-HTML, template syntax and direction
controls go in through the event form (new and edit), the JSON API (POST, PATCH, further
sources), a CSV import, the officials' and posts' pages (names, spellings, merges, tenures),
context events, alert thresholds, an article pasted into the drafter, user names and token
labels, and query strings. Then every page that shows them is loaded in one browser context with the
Content-Security-Policy bypassed (``bypass_csp``): the policy forbids inline script, so with it
on, a payload that the templates let through would be stopped by the policy and the escaping
would go untested. A payload that ran would call ``alert`` (hooked to record the call, and
``page.on("dialog")`` to catch any that opened) or load ``/x`` (a failed request). Each page is
then read as the DOM Chromium built: no element or attribute a payload would make (an inline
handler, an ``<img src=x>``, a ``javascript:`` link, an inline script), and every text node that
holds a payload's marker still holds the payload's markup as text (``<b>xss-bold`` rather than
a bold ``xss-bold``), in HTML and in Plotly's SVG (lane titles, legends, the hover), and the
values show as typed where the page shows them.

The database is seeded once for the module (through HTTP: forms, API, as a user whose name is a
payload); each test that writes through the browser checks what it wrote itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, expect
from sqlmodel import select

from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    PageProblems,
    log_in_browser,
    serve,
    snap,
    wait_for_chart,
    watch,
)
from tests.helpers import EXAMPLE_EVENT, add_editor, log_in, make_csv, valid_form
from tracker.db import get_engine, get_session
from tracker.models import User
from tracker.store import events
from tracker.store import posts as stored_posts
from tracker.store.context import list_context_events

pytestmark = pytest.mark.e2e

#: name: (payload, the part of it that must show as typed wherever its marker ``xss-<name>`` shows)
PAYLOADS: dict[str, tuple[str, str]] = {
    "script": ("<script>alert('xss-script')</script>", "<script>alert('xss-script"),
    "img": ("<img src=x onerror=alert('xss-img')>", "onerror=alert('xss-img"),
    "svg": ("<svg onload=alert('xss-svg')>", "onload=alert('xss-svg"),
    "js": ("javascript:alert('xss-js')", "javascript:alert('xss-js"),
    "quote": ('"><b>xss-quote</b>', '"><b>xss-quote'),
    "bold": ("<b>xss-bold</b>", "<b>xss-bold"),
    "link": ('<a href="https://example.org">xss-link</a>', 'org">xss-link'),
    "br": ("xss<br>xss-br", "<br>xss-br"),
    "sub": ("H<sub>xss-sub</sub>", "<sub>xss-sub"),
    "template": ("{{7*7}}xss-template", "{{7*7}}xss-template"),
    "bidi": ("\u202exss-bidi\u202c", "\u202exss-bidi"),
    # a valid web address that would close an attribute and open a tag if it were not escaped
    "url": ("https://example.org/a?b=\"><img src=x onerror=alert('xss-url')>", "onerror=alert('xss-url"),
}
#: Payloads for names and titles (which refuse direction controls), in groups short enough for a
#: country (100 characters): the k-th record of an entry point gives field f the group (k + f) % 4,
#: so that over four records every name field carries every payload.
GROUPS = (("script", "link"), ("img", "svg", "bold"), ("js", "quote", "br"), ("sub", "template"))
#: Every payload, for the free-text fields (summaries, descriptions, article text).
EVERYTHING = " ".join(p for p, _ in PAYLOADS.values())
MARKERS = [f"xss-{name}" for name in PAYLOADS]
FRAGMENTS = [fragment.lower() for _, fragment in PAYLOADS.values()]

#: The admin the browser and the HTTP client act as: their name is shown on every page and in history.
ADMIN = "Ada <b>xss-bold</b> <img src=x onerror=alert('xss-img')>"
ADMIN_TOKEN = "ctt_payload-admin-token-0123456789abcdef"

#: Records every alert/confirm/prompt a payload would call (none should).
HOOK = """
window.__xss = [];
for (const name of ["alert", "confirm", "prompt"]) {
  window[name] = function (message) { window.__xss.push(name + ": " + message); return null; };
}
"""

#: What a page's DOM says: problems found, all its text, and the hooked calls.
INSPECT = """([markers, fragments]) => {
  const bad = [];
  const texts = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && parent.closest('script[type="application/json"]')) continue; // figure data, not shown
    const text = node.nodeValue;
    texts.push(text);
    const low = text.toLowerCase();
    markers.forEach(function (marker, i) {
      if (low.includes(marker) && !low.includes(fragments[i])) {
        bad.push("markup rendered around " + marker + " in <" + (parent ? parent.tagName : "?") + ">: " +
                 JSON.stringify(text.slice(0, 160)));
      }
    });
  }
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName.toLowerCase();
    for (const attr of el.attributes) {
      const value = attr.value;
      if (/^on/i.test(attr.name)) bad.push("<" + tag + "> has the handler " + attr.name + "=" + value);
      if (/(^|:)(href|src|action|formaction|data)$/i.test(attr.name) && /^\\s*javascript:/i.test(value)) {
        bad.push("<" + tag + "> has " + attr.name + "=" + value);
      }
      if (/(^|:)href$/i.test(attr.name) && value.replace(/\\/$/, "") === "https://example.org") {
        bad.push("<" + tag + "> links to the payload's https://example.org: " + el.textContent.slice(0, 80));
      }
    }
    if (tag === "img" && /(^|\\/)x$/.test(el.getAttribute("src") || "")) bad.push("an <img src=x> was made");
    if (tag === "script" && !el.src && el.type !== "application/json") {
      bad.push("an inline <script> was made: " + el.textContent.slice(0, 80));
    }
  }
  return { bad: bad, text: texts.join("\\n"), calls: window.__xss || ["the alert hook is missing"] };
}"""

#: Hover the points of a chart whose hover text holds a payload marker (one at a time: Plotly
#: throttles hovers), answering how many there are; ``HOVERED`` reads the hover label drawn.
HOVER_POINTS = """([id, n]) => {
  const el = document.getElementById(id);
  const points = [];
  el.data.forEach(function (trace, c) {
    const texts = Array.isArray(trace.hovertext) ? trace.hovertext : [];
    texts.forEach(function (text, p) { if (/xss-/.test(String(text))) points.push([c, p]); });
  });
  if (n < points.length) Plotly.Fx.hover(el, [{ curveNumber: points[n][0], pointNumber: points[n][1] }]);
  return points.length;
}"""
HOVERED = """(id) => {
  const layer = document.getElementById(id).querySelector(".hoverlayer");
  return layer ? { text: layer.textContent, links: layer.querySelectorAll("a").length } : { text: "", links: 0 };
}"""


def group(n: int) -> str:
    """The n-th group of name payloads, as one string."""
    return " ".join(PAYLOADS[name][0] for name in GROUPS[n % len(GROUPS)])


@dataclass
class Site:
    """The module's live server and what its seeding made."""

    url: str
    app: Flask
    http: FlaskClient
    admin_id: int
    events: dict[str, int] = field(default_factory=dict)
    event_values: dict[str, dict[str, str]] = field(default_factory=dict)
    pairs: dict[str, str] = field(default_factory=dict)
    officials: dict[str, int] = field(default_factory=dict)
    official_names: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    context_id: int = 0


def event_values(tag: str, k: int) -> dict[str, str]:
    """The fields of the k-th payload event of an entry point (``tag``), dated apart from the others."""
    return {
        **EXAMPLE_EVENT,
        "date": f"2023-{1 + k % 12:02d}-{10 + len(tag) % 9 + k:02d}",
        "official_a": f"{tag}{k} side a {group(k)}",
        "role_a": f"{tag}{k} post a {group(k + 1)}",
        "country_a": f"{tag}{k}a {group(k + 2)}",
        "official_b": f"{tag}{k} side b {group(k + 3)}",
        "role_b": f"{tag}{k} post b {group(k)}",
        "country_b": f"{tag}{k}b {group(k + 1)}",
        "initiated_by": f"{tag}{k} side a {group(k)}",
        "summary": f"{tag}{k} summary {EVERYTHING}",
        "source_url": PAYLOADS["url"][0] + f"&k={tag}{k}",
        "source_publisher": f"{tag}{k} publisher {group(k + 2)} {PAYLOADS['bidi'][0]}",
    }


def ok(response: Any, *statuses: int) -> Any:
    """``response`` after checking its status (201/302/303 by default)."""
    wanted = statuses or (200, 201, 302, 303)
    assert response.status_code in wanted, (response.status_code, response.get_data(as_text=True)[:2000])
    return response


def _seed(site: Site) -> None:
    """Payloads through the HTTP entry points: event form, API, officials, posts, tenures, context, users."""
    http = site.http
    # the event form (the browser fills one too, in its own test)
    for k in range(len(GROUPS)):
        values = event_values("Form", k)
        form = valid_form(**{n: v for n, v in values.items() if n != "initiated_by"})
        form.update({f"decide_{n}": "new" for n in ("official_a", "official_b", "role_a", "role_b")})
        answer = ok(http.post("/events/new", data=form), 302)
        site.events[f"form{k}"] = int(answer.headers["Location"].rsplit("#event-", 1)[1])
        site.event_values[f"form{k}"] = values
    # the API: created, then changed (the history shows both)
    for k in range(len(GROUPS)):
        values = event_values("Api", k)
        body = {**values, "date_end": None, "confirm_new": True, "separate": True}
        created = ok(http.post("/api/events", json=body), 201).get_json()
        site.events[f"api{k}"] = created["id"]
        site.pairs[f"api{k}-person"] = created["pair_key"]
        site.event_values[f"api{k}"] = values
    changed = {"summary": f"Patched {EVERYTHING}", "source_publisher": f"Patched {group(1)}", "role_a": ""}
    ok(http.patch(f"/api/events/{site.events['api0']}", json=changed), 200)
    site.event_values["api0"] = {**site.event_values["api0"], **changed}
    # a further source of an event, with a quote
    source = {
        "source_url": PAYLOADS["url"][0] + "&further",
        "source_publisher": f"Further {group(3)} {PAYLOADS['bidi'][0]}",
        "quote": f"Quoted {EVERYTHING}",
        "channel": "video",
    }
    ok(http.post(f"/api/events/{site.events['api2']}/sources", json=source), 201)
    site.names.update(further=source["source_publisher"], quoted=source["quote"])
    # the edit form: the changes are in the history
    edited = {
        **site.event_values["form2"],
        "summary": f"Edited {EVERYTHING}",
        "role_b": f"Edited post {group(1)}",
    }
    form = valid_form(**{n: v for n, v in edited.items() if n != "initiated_by"}, decide_role_b="new")
    ok(http.post(f"/events/{site.events['form2']}/edit", data=form), 302)
    site.names["edited"] = edited["summary"]
    site.event_values["form2"] = edited
    with site.app.app_context():
        for key in ("form0", "api1"):
            row = events.get_event(get_session(), site.events[key], lanes="post")
            assert row is not None and row.post_pair_key, key
            site.pairs[f"{key}-post"] = row.post_pair_key
            site.pairs[f"{key}-person"] = row.person_pair_key
            site.labels[f"{key}-post"] = row.post_pair_label
            site.labels[f"{key}-person"] = row.person_pair_label
    # officials: added, renamed, given spellings and tenures, merged
    for k in range(len(GROUPS)):
        name, country = f"Official{k} {group(k)}", f"Land{k} {group(k + 1)}"
        answer = ok(http.post("/officials", data={"name": name, "country": country, "kind": "person"}), 302)
        official_id = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        site.officials[f"official{k}"] = official_id
        site.official_names[f"official{k}"] = name
        site.names[f"spelling{k}"] = f"Spelling{k} {group(k + 2)}"
        ok(http.post(f"/officials/{official_id}/aliases", data={"alias": site.names[f"spelling{k}"]}), 303)
        site.names[f"office{k}"] = f"Office{k} {group(k + 3)}"
        tenure = {"post": site.names[f"office{k}"], "country": country, "start": "2020-01-01", "end": ""}
        ok(http.post(f"/officials/{official_id}/tenures", data=tenure), 302)
    renamed = f"Renamed {group(2)}"
    ok(
        http.post(
            f"/officials/{site.officials['official0']}",
            data={"name": renamed, "country": "Landing", "kind": "person"},
        ),
        302,
    )
    site.official_names["official0"] = renamed
    ok(
        http.post(
            f"/officials/{site.officials['official3']}/merge", data={"into": str(site.officials["official2"])}
        ),
        303,
    )
    site.names["merged"] = site.official_names.pop("official3")  # now a spelling of official 2
    # posts: renamed, given wordings
    with site.app.app_context():
        listed_posts = {p.title: p.id for p in stored_posts.list_posts(get_session())}
    office = next(i for t, i in listed_posts.items() if t.startswith("Office1 "))
    retitled = f"Retitled office {group(0)}"
    ok(http.post(f"/posts/{office}", data={"title": retitled, "country": f"Realm {group(3)}"}), 303)
    site.names.update(retitled=retitled, realm=f"Realm {group(3)}")
    wording = f"Wording {group(1)}"
    ok(http.post(f"/posts/{office}/aliases", data={"alias": wording}), 303)
    site.names["wording"] = wording
    # a context event
    context = {
        "date": "2023-02-01",
        "date_end": "",
        "title": f"Context {group(2)}",
        "description": f"Described {EVERYTHING}",
        "source_url": PAYLOADS["url"][0],
        "countries": f"{site.event_values['form0']['country_a']}, {site.event_values['form0']['country_b']}",
    }
    ok(http.post("/context", data=context), 302)
    site.names.update(context=context["title"], described=context["description"])
    with site.app.app_context():
        site.context_id = next(
            c.id for c in list_context_events(get_session()) if c.title == context["title"]
        )
    # users and token labels (the admin is seeded with a payload name)
    for k in range(2):
        user = {
            "name": f"User{k} {group(k + 1)}"[:80],
            "password": "a long enough password",
            "role": "editor",
        }
        ok(http.post("/users", data=user), 302)
        site.names[f"user{k}"] = user["name"]
    label = f"Label {PAYLOADS['bold'][0]} {PAYLOADS['bidi'][0]} {PAYLOADS['template'][0]}"
    ok(http.post("/account/tokens", data={"label": label}), 200, 302)
    site.names["label"] = label
    # one event deleted (the deleted list shows it)
    ok(http.post(f"/events/{site.events['form3']}/delete"), 302)


@pytest.fixture(scope="module")
def site(seeded_module: Flask, server_port: int) -> Iterator[Site]:
    """The module's server on the seeds plus the payloads, the HTTP client logged in as the payload-named admin."""
    with seeded_module.app_context():
        add_editor(get_engine(), name=ADMIN, role="admin", token=ADMIN_TOKEN)
        admin_id = get_session().exec(select(User.id).where(User.name == ADMIN)).one()
    http = seeded_module.test_client()
    log_in(http, int(admin_id))
    http.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {ADMIN_TOKEN}"
    for url in serve(seeded_module, server_port):
        made = Site(url=url, app=seeded_module, http=http, admin_id=int(admin_id))
        _seed(made)
        yield made


@pytest.fixture(scope="module")
def payload_context(browser: Browser, site: Site) -> Iterator[BrowserContext]:
    """One browser context for the module: CSP bypassed, alert hooked, logged in as the payload-named admin."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    context.add_init_script(HOOK)
    log_in_browser(context, site.app, site.url, site.admin_id)
    yield context
    context.close()


@dataclass
class Tab:
    """The module's tab, the dialogs it saw and the problems of the current test."""

    page: Page
    dialogs: list[str]
    problems: PageProblems


@pytest.fixture(scope="module")
def module_tab(payload_context: BrowserContext) -> Iterator[tuple[Page, list[str]]]:
    page = payload_context.new_page()
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    yield page, dialogs
    page.close()


@pytest.fixture
def tab(module_tab: tuple[Page, list[str]], request: pytest.FixtureRequest) -> Iterator[Tab]:
    """The module's tab, watched for console errors and failed requests during this test."""
    page, dialogs = module_tab
    problems = PageProblems()
    stop = watch(page, problems)
    yield Tab(page, dialogs, problems)
    stop()
    if "[" not in request.node.name:  # a screenshot of each page test; the many error pages need none
        snap(page, request.node.name)


def inert(tab: Tab, where: str, shown: Sequence[str] = ()) -> str:
    """Check the page loaded: no payload ran or made markup, and each of ``shown`` shows as typed; its text."""
    found = tab.page.evaluate(INSPECT, [MARKERS, FRAGMENTS])
    assert found["bad"] == [], f"{where}: {found['bad']}"
    assert found["calls"] == [], f"{where}: a payload ran: {found['calls']}"
    assert tab.dialogs == [], f"{where}: a dialog opened: {tab.dialogs}"
    missing = [value for value in shown if value not in found["text"]]
    assert missing == [], f"{where}: not shown as typed: {missing}"
    text: str = found["text"]
    return text


def visit(tab: Tab, url: str, shown: Sequence[str] = (), status: int = 200) -> str:
    """Load ``url`` (expecting ``status``), check it with ``inert``, and return its text."""
    if status >= 400:
        tab.problems.expect(status, urlsplit(url).path)
    response = tab.page.goto(url)
    if response is None:  # only the #fragment changed: load the page again
        response = tab.page.reload()
    assert response is not None and response.status == status, (url, response and response.status)
    if tab.page.locator("[data-figure]").count():
        for element in tab.page.locator("[data-figure]").all():
            wait_for_chart(tab.page, element.get_attribute("id") or "timeline-chart")
    return inert(tab, url, shown)


def hover_payloads(tab: Tab, chart: str, most: int = 6) -> int:
    """Hover up to ``most`` points whose hover holds a payload; check each label drawn; how many were hovered."""
    count = int(tab.page.evaluate(HOVER_POINTS, [chart, 10_000]))
    for n in range(min(count, most)):
        tab.page.wait_for_timeout(60)  # past Plotly's hover throttle
        tab.page.evaluate(HOVER_POINTS, [chart, n])
        tab.page.wait_for_function(
            "id => document.getElementById(id).querySelector('.hoverlayer text')", arg=chart
        )
        hovered = tab.page.evaluate(HOVERED, chart)
        assert hovered["links"] == 0, hovered
        text = hovered["text"].lower()
        for marker, fragment in zip(MARKERS, FRAGMENTS, strict=True):
            assert marker not in text or fragment in text, (marker, hovered["text"])
        inert(tab, f"{chart} hover {n}")
    return min(count, most)


def no_problems(tab: Tab) -> None:
    assert tab.problems.items == [], tab.problems.items


# The pages ---------------------------------------------------------------------------------------


def test_timeline_and_board(tab: Tab, site: Site) -> None:
    form0 = site.event_values["form0"]
    visit(tab, site.url + "/", [site.labels["api1-post"], site.labels["form0-post"]])
    # Plotly drew the names as text: lane titles (notes), dyad headers, the frequency chart's legend
    drawn = tab.page.evaluate(
        """() => ({notes: [...document.querySelectorAll('#timeline-chart .annotation text')].map(t => t.textContent),
                   legend: [...document.querySelectorAll('.legend text')].map(t => t.textContent)})"""
    )
    assert any("<b>xss-bold" in t for t in drawn["notes"]), drawn["notes"]
    assert any("<B>XSS-BOLD" in t for t in drawn["notes"]), drawn["notes"]  # a dyad header, upper case
    assert any("xss-" in t for t in drawn["legend"]), drawn["legend"]
    assert hover_payloads(tab, "timeline-chart") > 0
    # the list of events in view, and one opened in the panel beside the chart
    button = tab.page.locator("#in-view button", has_text="Form0 side a").first
    expect(button).to_contain_text(form0["official_a"])
    button.click()
    expect(tab.page.locator("#detail-body")).to_contain_text(form0["summary"][:60])
    inert(tab, "the event panel", [form0["official_a"], form0["summary"], form0["source_publisher"]])
    visit(tab, site.url + "/?lanes=person", [site.labels["api1-person"]])
    hover_payloads(tab, "timeline-chart", most=2)
    visit(tab, site.url + "/pairs", [site.labels["api1-post"], site.labels["form0-post"]])
    visit(tab, site.url + "/pairs?lanes=person", [site.labels["api1-person"]])
    # a phone draws lane names and legends otherwise (charts.js wraps them)
    tab.page.set_viewport_size(PHONE)
    try:
        visit(tab, site.url + "/")
        visit(tab, f"{site.url}/pairs/{site.pairs['api1-post']}")
    finally:
        tab.page.set_viewport_size(DESKTOP)
    no_problems(tab)


def test_pair_pages(tab: Tab, site: Site) -> None:
    api1 = site.event_values["api1"]
    visit(tab, f"{site.url}/pairs/{site.pairs['api1-post']}", [site.labels["api1-post"], api1["summary"]])
    hover_payloads(tab, "timeline-chart", most=2)
    visit(tab, f"{site.url}/pairs/{site.pairs['form0-person']}", [site.labels["form0-person"]])
    no_problems(tab)


def test_event_pages_and_history(tab: Tab, site: Site) -> None:
    for key in ("form0", "form1", "api0", "api2"):
        values = site.event_values[key]
        shown = [values[n] for n in ("official_a", "official_b", "summary", "source_publisher", "source_url")]
        shown += [values[n] for n in ("role_a", "role_b", "country_a", "country_b") if values[n]]
        visit(tab, f"{site.url}/events/{site.events[key]}", shown)
    # the API's change is in the history: the old summary and the new
    visit(
        tab,
        f"{site.url}/events/{site.events['api0']}",
        [event_values("Api", 0)["summary"], f"Patched {EVERYTHING}"],
    )
    form2 = site.event_values["form2"]
    visit(
        tab,
        f"{site.url}/events/{site.events['form2']}",
        [event_values("Form", 2)["summary"], form2["summary"], form2["role_b"]],
    )
    visit(
        tab, f"{site.url}/events/{site.events['api2']}", [site.names["further"], site.names["quoted"][:250]]
    )
    visit(tab, f"{site.url}/events/{site.events['form1']}/edit")
    for name in ("official_a", "role_b", "country_a", "source_publisher", "source_url"):
        expect(tab.page.locator(f"#{name}")).to_have_value(site.event_values["form1"][name])
    expect(tab.page.locator("#summary")).to_have_value(site.event_values["form1"]["summary"])
    visit(tab, site.url + "/events", [site.event_values["api2"]["official_b"]])
    visit(tab, site.url + "/events/deleted", [site.event_values["form3"]["official_a"]])
    no_problems(tab)


def test_officials_posts_and_context(tab: Tab, site: Site) -> None:
    names = site.names
    visit(tab, site.url + "/officials", [site.official_names["official0"], site.official_names["official1"]])
    for k, key in enumerate(("official0", "official1", "official2")):
        office = names["retitled"] if k == 1 else names[f"office{k}"]  # office 1 was renamed
        shown = [site.official_names[key], names[f"spelling{k}"], office]
        visit(
            tab, f"{site.url}/officials/{site.officials[key]}", shown + ([names["merged"]] if k == 2 else [])
        )
    shown = [names["retitled"], names["realm"], names["wording"], names["office2"]]
    visit(tab, site.url + "/posts", shown)
    visit(tab, site.url + "/context", [names["context"], names["described"]])
    visit(tab, f"{site.url}/context/{site.context_id}/edit")
    expect(tab.page.locator("#title")).to_have_value(names["context"])
    expect(tab.page.locator("#description")).to_have_value(names["described"])
    no_problems(tab)


def test_accounts_pages(tab: Tab, site: Site) -> None:
    visit(tab, site.url + "/users", [ADMIN, site.names["user0"], site.names["user1"]])
    visit(tab, site.url + "/account", [ADMIN, site.names["label"]])
    no_problems(tab)


#: A feed read as a feed reader reads it: parsed as XML, every element Atom's, and the text of its summaries.
READ_FEED = """(xml) => {
  const doc = new DOMParser().parseFromString(xml, "application/xml");
  const foreign = [...doc.getElementsByTagName("*")]
    .filter(e => e.namespaceURI !== "http://www.w3.org/2005/Atom").map(e => e.tagName);
  const summaries = [...doc.getElementsByTagName("summary")];
  return {
    foreign: foreign,
    types: [...new Set(summaries.map(e => e.getAttribute("type")))],
    text: [...doc.getElementsByTagName("title"), ...summaries].map(e => e.textContent).join("\\n"),
  };
}"""


def test_feeds(tab: Tab, site: Site) -> None:
    api1 = site.event_values["api1"]
    tab.problems.expect(404, "/favicon.ico")  # asked for by Chromium's view of a non-HTML page
    for path, shown in (
        ("/feeds/events.atom", [api1["summary"], api1["official_a"], api1["official_b"]]),
        ("/feeds/alerts.atom", []),
    ):
        response = tab.page.goto(site.url + path)
        assert response is not None and response.status == 200
        # Chromium shows the feed's source as text (escaped, so the markup check of text does not apply)
        found = tab.page.evaluate(INSPECT, [MARKERS, FRAGMENTS])
        assert [b for b in found["bad"] if not b.startswith("markup rendered")] == [], found["bad"]
        assert found["calls"] == [] and tab.dialogs == []
        read = tab.page.evaluate(READ_FEED, response.text())
        assert read["foreign"] == [], f"{path}: elements outside Atom: {read['foreign']}"
        assert set(read["types"]) <= {"text"}, read["types"]  # a reader shows summaries as text, not HTML
        assert [v for v in shown if v not in read["text"]] == []
    no_problems(tab)


# Entry points driven from the browser ------------------------------------------------------------


def answer_questions(tab: Tab, button: str = "Continue") -> None:
    """Where the form asks about names close to recorded ones, record each as new, and go on."""
    for _ in range(3):
        question = tab.page.locator("#question")
        if not question.count():
            return
        inert(tab, "the form's question")
        for radio in question.locator("input[type=radio][value=new], input[value=separate]").all():
            radio.check()
        question.get_by_role("button", name=button).click()
        tab.page.wait_for_load_state()


def test_event_form_in_the_browser(tab: Tab, site: Site) -> None:
    values = {**event_values("Browser", 1), "date": "2024-06-03"}
    tab.page.goto(site.url + "/events/new")
    refused = {"official_b": f"Browser1 side b {PAYLOADS['bidi'][0]}", "source_url": PAYLOADS["js"][0]}
    typed = ("date", "official_a", "role_a", "country_a", "official_b", "role_b", "country_b")
    for name in (*typed, "source_url", "source_publisher"):
        tab.page.fill(f"#{name}", refused.get(name, values[name]))
    tab.page.fill("#summary", values["summary"])
    tab.page.check("#initiated_by-a")
    tab.problems.expect(400, "/events/new")
    tab.page.get_by_role("button", name="Save event").click()
    # refused: a direction control in a name, a javascript: address; the values stay as typed
    expect(tab.page.locator("#official_b-error")).to_contain_text("direction control")
    expect(tab.page.locator("#source_url-error")).to_contain_text("http")
    inert(tab, "the refused form", [values["summary"]])
    for name, typed in refused.items():
        expect(tab.page.locator(f"#{name}")).to_have_value(typed)
    expect(tab.page.locator("#official_a")).to_have_value(values["official_a"])
    tab.page.fill("#official_b", values["official_b"])
    tab.page.fill("#source_url", values["source_url"])
    tab.page.get_by_role("button", name="Save event").click()
    tab.page.wait_for_load_state()
    answer_questions(tab)
    flash = tab.page.locator(".flash-success")
    expect(flash).to_contain_text("Saved: ")
    wait_for_chart(tab.page)
    inert(
        tab,
        "the timeline after saving",
        [f"Saved: {values['official_a']} – {values['official_b']}, phone contact"],
    )
    event_id = int(tab.page.url.rsplit("#event-", 1)[1])
    visit(
        tab,
        f"{site.url}/events/{event_id}",
        [
            values[n]
            for n in ("official_a", "role_a", "country_b", "summary", "source_publisher", "source_url")
        ],
    )
    assert tab.page.locator("a[href*='example.org/a']").first.get_attribute("href") == values["source_url"]
    assert [p for p in tab.problems.items if "400" not in p] == []


def test_csv_import_preview_and_confirm(
    tab: Tab, site: Site, tmp_path_factory: pytest.TempPathFactory
) -> None:
    site.app.config["IMPORT_FOLDER"] = str(tmp_path_factory.mktemp("uploads"))
    rows = [{"id": "", **event_values("Csv", k), "date_end": ""} for k in range(len(GROUPS))]
    filename = f"{PAYLOADS['img'][0]} {PAYLOADS['template'][0]}.csv"  # a "/" would end at the folder
    tab.page.goto(site.url + "/import")
    tab.page.set_input_files(
        "#file", files=[{"name": filename, "mimeType": "text/csv", "buffer": make_csv(rows)}]
    )
    tab.page.get_by_role("button", name="Upload and preview").click()
    expect(tab.page.get_by_role("heading", level=1)).to_contain_text("Preview the import of")
    expect(tab.page.locator("#count-new")).to_have_text(str(len(rows)))
    names = [rows[0][n] for n in ("official_a", "official_b", "role_a", "country_a")]
    inert(tab, "the import preview", [f"Preview the import of {filename}", *names])
    for radio in tab.page.locator("#new-names input[type=radio][value=new]").all():
        radio.check()
    tab.page.get_by_role("button", name="Confirm import").click()
    tab.page.wait_for_url(site.url + "/")
    wait_for_chart(tab.page)
    expect(tab.page.locator(".flash-success")).to_contain_text(f"Imported {len(rows)} events")
    inert(tab, "the timeline after the import", [f"from {filename}."])
    visit(tab, site.url + "/events?q=Csv2", [rows[2]["official_a"], rows[2]["official_b"]])
    no_problems(tab)


def test_draft_from_a_pasted_article(tab: Tab, site: Site) -> None:
    about = f"{PAYLOADS['img'][0]} {PAYLOADS['template'][0]} {PAYLOADS['link'][0]} {PAYLOADS['bidi'][0]}"
    text = (
        "Defense Secretary Lloyd Austin spoke by phone with Russian Defense Minister Sergei Shoigu on Friday "
        f"about {about}, the Pentagon said. {EVERYTHING}"
    )
    publisher = f"Publisher {group(2)} {PAYLOADS['bidi'][0]}"
    tab.page.goto(site.url + "/drafts")
    tab.page.fill("#text", text)
    tab.page.fill("#published", "2024-09-09")
    tab.page.fill("#publisher", publisher)
    tab.page.fill("#url", PAYLOADS["url"][0])
    tab.page.get_by_role("button", name="Draft contacts").click()
    candidate = tab.page.locator("li.candidate").first
    expect(candidate).to_be_visible()
    # the sentence beside the candidate, its deciding words marked, the payloads in it shown as typed
    expect(candidate.locator("blockquote mark").first).to_be_visible()
    expect(candidate.locator("blockquote")).to_contain_text(about)
    inert(tab, "the drafted candidates", [publisher, PAYLOADS["url"][0], about])
    expect(tab.page.locator("#text")).to_have_value(text)
    tab.page.check("input[name=confirm_new]")
    tab.page.get_by_role("button", name="Save kept candidates").click()
    tab.page.wait_for_url(site.url + "/events")
    expect(tab.page.locator(".flash-success")).to_contain_text("from the article")
    inert(tab, "the events after saving the draft")
    saved = tab.page.request.get(
        site.url + "/api/events?official=Lloyd%20Austin&from=2024-09-01&to=2024-09-09"
    )
    (event,) = saved.json()["items"]
    visit(tab, f"{site.url}/events/{event['id']}", [publisher, PAYLOADS["url"][0]])
    no_problems(tab)


def posted(tab: Tab, site: Site, path: str, form: dict[str, str], shown: Sequence[str] = ()) -> str:
    """POST ``form`` with the browser's session (its flash is the browser's), load where it leads, check that."""
    response = tab.page.request.post(site.url + path, form=form, max_redirects=0)
    assert response.status in (302, 303), (path, response.status, response.text()[:500])
    location = response.headers["location"]
    return visit(tab, location if location.startswith("http") else site.url + location, shown)


def test_flash_messages_of_the_management_forms(tab: Tab, site: Site) -> None:
    tab.page.goto(site.url + "/officials")
    first, second = f"Flash one {group(0)}", f"Flash two {group(2)}"
    country = f"Flashland {group(3)}"
    posted(
        tab,
        site,
        "/officials",
        {"name": first, "country": country, "kind": "person"},
        [f"Added {first} ({country})."],
    )
    one = int(tab.page.url.rsplit("/", 1)[1])
    posted(
        tab,
        site,
        "/officials",
        {"name": second, "country": country, "kind": "organization"},
        [f"Added {second}"],
    )
    two = int(tab.page.url.rsplit("/", 1)[1])
    spelling = f"Flash spelling {group(1)}"
    posted(
        tab, site, f"/officials/{one}/aliases", {"alias": spelling}, [f"“{spelling}” now finds this official"]
    )
    post = f"Flash office {group(1)}"
    tenure = {"post": post, "country": country, "start": "2021-01-01", "end": ""}
    posted(tab, site, f"/officials/{one}/tenures", tenure, [f"Recorded: {post} (2021-01-01 to now)."])
    posted(
        tab,
        site,
        f"/officials/{one}/merge",
        {"into": str(two)},
        [f"Merged {first} into {second}", f"“{first}” is now a spelling of {second}."],
    )
    with site.app.app_context():
        office = next(p.id for p in stored_posts.list_posts(get_session()) if p.title == post)
    title, wording = f"Flash title {group(2)}", f"Flash wording {group(3)}"
    posted(
        tab,
        site,
        f"/posts/{office}",
        {"title": title, "country": country},
        [f"Saved post: {title} ({country})."],
    )
    posted(tab, site, f"/posts/{office}/aliases", {"alias": wording}, [f"“{wording}” now names this post"])
    context = {
        "date": "2023-05-05",
        "title": f"Flash context {group(0)}",
        "description": EVERYTHING,
        "countries": country,
        "source_url": PAYLOADS["url"][0],
    }
    posted(tab, site, "/context", context, [f"Saved context event: {context['title']} (2023-05-05)."])
    user = f"Flash user {group(3)}"[:80]
    posted(
        tab,
        site,
        "/users",
        {"name": user, "password": "a long enough password", "role": "viewer"},
        [f"Added {user}"],
    )
    # deleting and restoring an event names its sides in the flash
    values = event_values("Flash", 2)
    created = tab.page.request.post(
        site.url + "/api/events",
        data={**values, "date_end": None, "confirm_new": True, "separate": True},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert created.status == 201, created.text()
    event_id = created.json()["id"]
    sides = f"{values['official_a']} – {values['official_b']}"
    tab.page.goto(f"{site.url}/events/{event_id}")
    posted(tab, site, f"/events/{event_id}/delete", {}, [f"Deleted: {sides}"])
    posted(tab, site, f"/events/{event_id}/restore", {}, [f"Restored: {sides}"])
    no_problems(tab)


def test_thresholds_token_labels_and_refusals(tab: Tab, site: Site) -> None:
    key = site.pairs["form0-post"]
    tab.page.goto(f"{site.url}/pairs/{key}")
    wait_for_chart(tab.page)
    tab.problems.expect(400, f"/pairs/{key}/alert")
    tab.page.fill("#warn_factor", PAYLOADS["img"][0])
    tab.page.fill("#alarm_days", PAYLOADS["quote"][0])
    tab.page.locator("form[action$='/alert'] button[type=submit]").click()
    expect(tab.page.locator(".flash-error")).to_contain_text("thresholds were not saved")
    wait_for_chart(tab.page)
    inert(tab, "the refused thresholds")
    expect(tab.page.locator("#warn_factor")).to_have_value(PAYLOADS["img"][0])
    expect(tab.page.locator("#alarm_days")).to_have_value(PAYLOADS["quote"][0])
    # a token label is shown on the account page (its creation page shows the token once)
    label = f"Browser label {PAYLOADS['svg'][0]} {PAYLOADS['quote'][0]}"
    tab.page.goto(site.url + "/account")
    tab.page.fill("#label", label)
    tab.page.get_by_role("button", name="Create a token").click()
    expect(tab.page.locator("#new-token")).to_be_visible()
    inert(tab, "the new token", [label])
    assert [p for p in tab.problems.items if "400" not in p] == []


#: Query strings and paths that pages may reflect: filters, search words, sorting, dates, keys.
REFLECTED = [
    (
        "/?q={img}&from={svg}&to={template}&country={quote}&channel={js}&lanes={bold}&order={script}&period={br}",
        400,
    ),
    ("/?official={link}&dyad={sub}&pair={bidi}&freq={img}", 400),
    ("/events?q={script}&sort={img}&page={quote}&status={template}", 400),
    ("/events?q={bold}", 200),
    ("/pairs?level={svg}&order={quote}&countries={img}", 400),
    ("/pairs/{img}", 404),
    ("/pairs/{template}", 404),
    ("/no-such-page/{svg}?{script}", 404),
    ("/events/{img}", 404),
    ("/login?next={quote}", 200),
    ("/timeline.json?start={img}&end={script}", 400),
    ("/events.csv?from={img}", 400),
    ("/feeds/events.atom?q={bold}", 200),
    ("/api/events?q={script}", 200),
]


@pytest.mark.parametrize(("path", "status"), REFLECTED, ids=[p.split("?")[0] for p, _ in REFLECTED])
def test_query_strings_and_error_pages(tab: Tab, site: Site, path: str, status: int) -> None:
    url = site.url + path.format(**{k: quote(p, safe="") for k, (p, _) in PAYLOADS.items()})
    tab.problems.expect(status, "")
    tab.problems.expect(404, "/favicon.ico")
    response = tab.page.goto(url)
    assert response is not None and response.status == status, (url, response and response.status)
    kind = response.headers.get("content-type", "")
    if kind.startswith("text/html"):
        if tab.page.locator("[data-figure]").count():
            wait_for_chart(tab.page, tab.page.locator("[data-figure]").first.get_attribute("id") or "")
        inert(tab, path)
    else:  # JSON, CSV, a feed or a plain-text message: never a page a payload could run in
        assert kind.split(";")[0] in ("application/json", "text/plain", "text/csv", "application/atom+xml"), (
            kind
        )
        found = tab.page.evaluate(INSPECT, [MARKERS, FRAGMENTS])
        assert [b for b in found["bad"] if not b.startswith("markup rendered")] == [] and found["calls"] == []
    assert tab.dialogs == []
    no_problems(tab)


def test_refusals_name_the_field_and_write_nothing(site: Site) -> None:
    """Where a payload is not accepted (direction controls in names, ``javascript:`` addresses): 4xx naming the field."""
    http = site.http
    before = ok(http.get("/api/events"), 200).get_json()["total"]
    bidi, js = PAYLOADS["bidi"][0], PAYLOADS["js"][0]
    for name, value, answer in (
        ("official_a", f"Refused {bidi}", "direction control"),
        ("role_b", f"Refused {bidi}", "direction control"),
        ("source_url", js, "http"),
        ("source_url", "data:text/html,<script>alert('xss-data')</script>", "http"),
    ):
        body = {**event_values("Refused", 0), name: value, "date_end": None, "confirm_new": True}
        refused = ok(http.post("/api/events", json=body), 422).get_json()
        assert answer in refused["fields"][name], refused
        form = valid_form(**{n: v for n, v in body.items() if n in EXAMPLE_EVENT and n != "initiated_by"})
        page = ok(http.post("/events/new", data=form), 400).get_data(as_text=True)
        assert f'id="{name}-error"' in page and "<script>alert" not in page
    patched = http.patch(f"/api/events/{site.events['api1']}", json={"source_url": js})
    assert ok(patched, 422).get_json()["fields"]["source_url"], patched.get_json()
    context = {"date": "2023-02-02", "title": "Refused context", "source_url": js}
    assert 'id="source_url-error"' in ok(http.post("/context", data=context), 400).get_data(as_text=True)
    user = {"name": f"Eve {bidi}", "password": "a long enough password", "role": "viewer"}
    assert "direction control" in ok(http.post("/users", data=user), 400).get_data(as_text=True)
    alias = ok(
        http.post(f"/officials/{site.officials['official1']}/aliases", data={"alias": f"x {bidi}"}), 303
    )
    assert "direction control" in ok(http.get(alias.headers["Location"]), 200).get_data(as_text=True)
    assert ok(http.get("/api/events"), 200).get_json()["total"] == before
    assert (
        ok(http.get(f"/api/events/{site.events['api1']}"), 200)
        .get_json()["source_url"]
        .startswith("https://")
    )
