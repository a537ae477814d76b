"""Issue 3 through HTTP: post pairs across personnel changes, alerts, filters, pair pages, context."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import CHAIRMAN, SECDEF, figure, lanes_of, table_rows, trace_named, valid_form
from tracker.db import get_session
from tracker.store.events import list_events

SECDEF_KEY_RE = re.compile(
    r'<tr data-pair="(p\d+-p\d+)"[^>]*>\s*<th scope="row"[^>]*><a[^>]*>US Secretary of Defense'
)


def add(client: FlaskClient, **fields: str) -> None:
    response = client.post("/events/new", data=valid_form(**fields))
    assert response.status_code == 302, response.get_data(as_text=True)


def later_defense_calls(client: FlaskClient) -> None:
    """Austin–Belousov (2024-06-25) and Hegseth–Belousov (2025-03-01, invented for the test)."""
    add(
        client,
        date="2024-06-25",
        official_b="Andrei Belousov",
        role_b="",
        country_b="",
        summary="Austin–Belousov",
    )
    add(
        client,
        date="2025-03-01",
        official_a="Pete Hegseth",
        role_a="",
        country_a="",
        official_b="Andrei Belousov",
        role_b="",
        country_b="",
        summary="Hegseth–Belousov",
    )


def test_post_pair_continues_across_personnel_changes(seeded: Flask, client: FlaskClient) -> None:
    later_defense_calls(client)
    page = client.get("/").get_data(as_text=True)
    fig = figure(page, "timeline-chart")
    held = trace_named(fig, "held")
    lanes = dict(zip(held["x"], lanes_of(fig, held), strict=True))
    assert lanes["2024-06-25"] == lanes["2025-03-01"] == lanes["2022-05-13"] == SECDEF
    # gaps run across holders: 2022-05-13 -> 2024-06-25 -> 2025-03-01
    assert {"774 days", "249 days", "84 days"} <= set(trace_named(fig, "gap length")["text"])
    changes = trace_named(fig, "change of holder label")
    assert sorted(changes["text"]) == ["Russia: Shoigu → Belousov", "US: Austin → Hegseth"]
    # dated by the tenures the reference records: Belousov from 2024-05-14, Hegseth from 2025-01-25
    assert sorted(changes["x"]) == ["2024-05-14", "2025-01-25"]
    # by person pair the three calls are three lanes
    person = figure(client.get("/?lanes=person").get_data(as_text=True), "timeline-chart")
    assert len(set(trace_named(person, "held")["y"])) == 4


def test_pair_page_has_timeline_stats_events_and_csv(seeded: Flask, client: FlaskClient) -> None:
    later_defense_calls(client)
    key = SECDEF_KEY_RE.search(client.get("/").get_data(as_text=True))
    assert key is not None
    page = client.get(f"/pairs/{key.group(1)}").get_data(as_text=True)
    assert f"<h1>{SECDEF}</h1>" in page
    assert "data-figure" in page
    assert "774 days" in page and "2022-05-13 → 2024-06-25" in page
    assert page.count('<tr id="event-') == 4
    # the current silence is the first row of every gap
    gaps = re.search(r'<table class="data" id="gaps">(.*?)</table>', page, re.S)
    assert gaps is not None
    first = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", gaps.group(1).split("</tr>")[1]))
    assert "2025-03-01 today" in first and "and counting" in first
    assert "Russia invades Ukraine" in page  # response to context events
    csv_link = re.search(r'href="(/events\.csv\?pair=[^"]+)"', page)
    assert csv_link is not None
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(csv_link.group(1).replace("&amp;", "&")).get_data(as_text=True))
        )
    )
    assert [r["date"] for r in rows] == ["2022-02-18", "2022-05-13", "2024-06-25", "2025-03-01"]


def test_unknown_pair_is_404(client: FlaskClient) -> None:
    response = client.get("/pairs/p98-p99")
    assert response.status_code == 404
    assert "No events for the pair" in response.get_data(as_text=True)


def test_overview_lists_pairs_most_alarming_first(seeded: Flask, client: FlaskClient) -> None:
    add(client, date="2022-06-01", summary="third call keeps the line warm")  # Austin–Shoigu: gaps 84, 19
    page = client.get("/pairs").get_data(as_text=True)
    rows = table_rows(page)
    assert rows[0].startswith(f"{CHAIRMAN} Alarm")
    assert rows[1].startswith(f"{SECDEF} Alarm")
    assert rows[-1].startswith("U.S. European Command – Russian Ministry of Defence No baseline")


def test_alert_thresholds_are_configurable_per_pair(seeded: Flask, client: FlaskClient) -> None:
    key = SECDEF_KEY_RE.search(client.get("/").get_data(as_text=True))
    assert key is not None
    url = f"/pairs/{key.group(1)}"
    bad = client.post(url + "/alert", data={"warn_factor": "-1", "alarm_days": "soon"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert 'id="warn_factor-error"' in html and 'id="alarm_days-error"' in html
    ok = client.post(url + "/alert", data={"warn_factor": "3", "alarm_days": "100000"})
    assert ok.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Alert thresholds saved: warn past 3 × the median gap, alarm after 100000 days." in page
    assert (
        "past 3 × the median gap" in page or "3 × the median gap" in page
    )  # the level comes from the new thresholds
    row = next(r for r in table_rows(client.get("/pairs").get_data(as_text=True)) if r.startswith(SECDEF))
    assert row.startswith(f"{SECDEF} Warning")


def test_filters_apply_to_chart_table_and_csv_link(seeded: Flask, client: FlaskClient) -> None:
    page = client.get("/?status=refused&from=2022-03-01").get_data(as_text=True)
    fig = figure(page, "timeline-chart")
    shown = sorted(
        i for t in fig["data"] if (t.get("meta") or {}).get("kind") == "events" for i in t["customdata"]
    )
    assert shown == [3]
    assert len(table_rows(page)) == 1
    link = re.search(r'id="csv-link" href="([^"]+)"', page)
    assert link is not None
    url = link.group(1).replace("&amp;", "&")
    assert "status=refused" in url and "from=2022-03-01" in url
    rows = list(csv.DictReader(io.StringIO(client.get(url).get_data(as_text=True))))
    assert [r["id"] for r in rows] == ["3"]


def test_filter_by_country_official_channel_and_dates(seeded: Flask, client: FlaskClient) -> None:
    add(
        client,
        date="2023-03-15",
        official_a="Lloyd Austin",
        official_b="Li Shangfu",
        role_b="China Minister of National Defense",
        country_b="China",
    )

    def ids(query: str) -> list[str]:
        text = client.get("/events.csv?" + query).get_data(as_text=True)
        return [r["id"] for r in csv.DictReader(io.StringIO(text))]

    assert ids("country=china") == ["6"]
    assert ids("official=Mark%20Milley") == ["2", "5"]
    assert ids("channel=hotline") == ["3"]
    assert ids("from=2022-05-01&to=2022-05-31") == ["3", "4", "5"]  # the hotline span reaches into May
    assert ids("channel=phone&channel=video&to=2022-02-28") == ["1", "2"]


def test_bad_filters_are_named_and_refused(seeded: Flask, client: FlaskClient) -> None:
    response = client.get("/?from=yesterday-ish&status=maybe")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="from-error"' in html and "unknown status maybe" in html
    csv_response = client.get("/events.csv?channel=pigeon")
    assert csv_response.status_code == 400
    assert "channel" in csv_response.get_data(as_text=True)


def test_frequency_by_quarter_and_by_status(seeded: Flask, client: FlaskClient) -> None:
    fig = figure(client.get("/?period=quarter").get_data(as_text=True), "frequency-chart")
    secdef = {t["name"]: t for t in fig["data"]}[SECDEF]
    assert (secdef["x"], secdef["y"]) == (["2022-01-01", "2022-04-01"], [1, 1])
    by_status = figure(client.get("/?freq=status&period=month").get_data(as_text=True), "frequency-chart")
    series = {t["name"]: dict(zip(t["x"], t["y"], strict=True)) for t in by_status["data"]}
    assert series == {"held": {"2022-02-01": 2, "2022-05-01": 2}, "refused": {"2022-03-01": 1}}
    assert client.get("/?period=decade").status_code == 400


def test_uncertain_gap_is_reported_with_bounds(seeded: Flask, client: FlaskClient) -> None:
    add(client, date="2022-08-01", date_precision="month", summary="a call some time in August")
    page = client.get("/").get_data(as_text=True)
    assert "at least 80, at most 110 days" in page
    fig = figure(page, "timeline-chart")
    assert "≥80, ≤110 days" in trace_named(fig, "gap length")["text"]
    # drawn as a fade with its marker in the middle, not as a fake exact day
    held = trace_named(fig, "held")
    assert "2022-08-16" in held["x"] and "2022-08-01" not in held["x"]
    fade = next(t for t in fig["data"] if t.get("legendgroup") == "uncertain")
    assert ["2022-08-01", "2022-08-31"] == [x for x in fade["x"] if x and x.startswith("2022-08")]


def test_context_events_can_be_added_edited_deleted_with_response_times(
    seeded: Flask, client: FlaskClient
) -> None:
    bad = client.post("/context", data={"date": "someday", "title": ""})
    assert bad.status_code == 400
    assert 'id="date-error"' in bad.get_data(as_text=True) and 'id="title-error"' in bad.get_data(
        as_text=True
    )
    ok = client.post(
        "/context", data={"date": "March 14, 2023", "title": "US MQ-9 drone downed over the Black Sea"}
    )
    assert ok.status_code == 302
    add(client, date="2023-03-15", summary="Austin–Shoigu call about the drone")
    page = client.get("/context").get_data(as_text=True)
    assert "US MQ-9 drone downed over the Black Sea" in page
    row = re.search(r'<tr id="context-2">(.*?)</tr>', page, re.S)
    assert row is not None and "1 d" in row.group(1)
    timeline = figure(client.get("/").get_data(as_text=True), "timeline-chart")
    assert "2023-03-14" in [s["x0"] for s in timeline["layout"]["shapes"]]
    edit = client.post("/context/2/edit", data={"date": "2023-03-14", "title": "MQ-9 Reaper downed"})
    assert edit.status_code == 302
    assert "MQ-9 Reaper downed" in client.get("/context").get_data(as_text=True)
    assert client.post("/context/2/delete").status_code == 302
    after = client.get("/context").get_data(as_text=True)
    assert "Deleted context event: MQ-9 Reaper downed (2023-03-14)." in after
    assert '<tr id="context-2">' not in after
    assert client.post("/context/99/delete").status_code == 404


def test_officials_posts_and_tenures_are_managed_in_the_ui(seeded: Flask, client: FlaskClient) -> None:
    page = client.get("/officials").get_data(as_text=True)
    assert "Pete Hegseth" in page and "US Secretary of Defense" in page
    created = client.post("/officials", data={"name": "Qian Weiping", "country": "China", "kind": "person"})
    assert created.status_code == 302
    official_url = created.headers["Location"]
    duplicate = client.post(
        "/officials", data={"name": "qian  weiping", "country": "China", "kind": "person"}
    )
    assert duplicate.status_code == 400 and "already recorded" in duplicate.get_data(as_text=True)
    # a spelling of a recorded official is taken too
    alias = client.post("/officials", data={"name": "Sergey Shoygu", "country": "Russia", "kind": "person"})
    assert alias.status_code == 400 and "another spelling of &#39;Sergei Shoigu&#39;" in alias.get_data(
        as_text=True
    )
    bad = client.post(
        official_url + "/tenures",
        data={"post": "", "country": "China", "start": "2023-12-29", "end": "2023-01-01"},
    )
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert 'id="post-error"' in html and 'id="end-error"' in html
    added = client.post(
        official_url + "/tenures",
        data={
            "post": "Vice Chairman of the Central Military Commission",
            "country": "China",
            "start": "Oct 23, 2025",
            "end": "",
        },
    )
    assert added.status_code == 302
    page = client.get(official_url).get_data(as_text=True)
    assert 'value="Vice Chairman of the Central Military Commission"' in page and 'value="2025-10-23"' in page
    posts = client.get("/posts").get_data(as_text=True)
    assert re.search(r"Lloyd Austin</a>\s*<span class=\"muted\">2021-01-22 – 2025-01-19", posts)
    edit = client.post(official_url, data={"name": "Qian Weiping", "country": "PRC", "kind": "person"})
    assert edit.status_code == 302


def test_tenure_dates_decide_the_post_of_an_event_without_a_role(seeded: Flask, client: FlaskClient) -> None:
    add(
        client,
        date="2023-06-01",
        official_a="Mark Milley",
        role_a="",
        country_a="",
        official_b="Valery Gerasimov",
        role_b="",
        country_b="",
    )
    add(
        client,
        date="2023-12-01",
        official_a="Charles Q. Brown Jr.",
        role_a="",
        country_a="",
        official_b="Valery Gerasimov",
        role_b="",
        country_b="",
    )
    with seeded.app_context():
        rows = list_events(get_session(), lanes="post")
    lanes = {r.date.isoformat(): r.pair_label for r in rows}
    assert lanes["2023-06-01"] == lanes["2023-12-01"] == lanes["2022-05-19"] == CHAIRMAN


def test_sources_spelling_countries_and_posts_differently_share_officials_and_lanes(
    seeded: Flask, client: FlaskClient
) -> None:
    add(
        client,
        date="2022-10-21",
        role_a="Secretary of Defense",
        country_a="United States",
        role_b="Minister of Defense",
        country_b="Russian Federation",
    )
    fig = figure(client.get("/").get_data(as_text=True), "timeline-chart")
    held = trace_named(fig, "held")
    lanes = dict(zip(held["x"], lanes_of(fig, held), strict=True))
    assert lanes["2022-10-21"] == lanes["2022-05-13"] == SECDEF
    rows = list(csv.DictReader(io.StringIO(client.get("/events.csv?country=USA").get_data(as_text=True))))
    assert len(rows) == 6  # every event has a US side, however the country was written
    assert {r["country_a"] for r in rows} == {"United States"}  # one canonical name, whatever was written


def test_country_and_post_keys() -> None:
    from tracker.countries import canonical_country
    from tracker.names import post_key

    assert canonical_country("U.S.") == canonical_country("United States") == canonical_country(" us ")
    assert canonical_country("USA") == canonical_country("America") == "United States"
    assert canonical_country("Russian Federation") == canonical_country("RU") == "Russia"
    assert canonical_country("PRC") == canonical_country("People's Republic of China") == "China"
    assert canonical_country("DPRK") == "North Korea" and canonical_country("Viet Nam") == "Vietnam"
    assert canonical_country("Narnia") == "Narnia"
    assert post_key("US Secretary of Defense", "US") == post_key("Secretary of Defense", "USA")
    assert post_key("Russian Minister of Defence", "Russia") == post_key("Minister of Defense", "RU")
    assert post_key("Minister of Defense", "Russia") != post_key("Minister of Defense", "Ukraine")
    assert post_key("US", "US") == ("us", "United States")  # a title that is only a country word stays whole


def test_post_wording_variants_same_titles_abroad_and_handovers(seeded: Flask, client: FlaskClient) -> None:
    # "Defence Minister", as the seed article words it, is the same post as "Minister of Defence"
    add(client, date="2022-10-21", role_b="Russian Defence Minister")
    # the same title in two countries: two posts, two lanes
    add(
        client,
        date="2023-01-01",
        official_a="Mark Milley",
        role_a="",
        country_a="",
        official_b="Valerii Zaluzhnyi",
        role_b="Chief of the General Staff",
        country_b="Ukraine",
    )
    add(
        client,
        date="2023-02-01",
        official_a="Mark Milley",
        role_a="",
        country_a="",
        official_b="Valery Gerasimov",
        role_b="Chief of the General Staff",
        country_b="",
    )
    # a handover between two holders of one post is a pair of persons
    add(
        client,
        date="2025-01-21",
        official_a="Lloyd Austin",
        official_b="Pete Hegseth",
        role_b="US Secretary of Defense",
        country_b="",
    )
    with seeded.app_context():
        lanes = {r.date.isoformat(): r.pair_label for r in list_events(get_session(), lanes="post")}
    assert lanes["2022-10-21"] == SECDEF
    assert lanes["2023-02-01"] == CHAIRMAN
    assert (
        lanes["2023-01-01"]
        == "US Chairman of the Joint Chiefs of Staff – Ukrainian Chief of the General Staff"
    )
    assert lanes["2025-01-21"] == "Lloyd Austin – Pete Hegseth"


def test_two_names_of_one_office_can_be_merged_and_the_merged_name_stays_an_alias(
    seeded: Flask, client: FlaskClient
) -> None:
    # a side with no dated tenure, in a wording no post has: a new post and a new lane
    add(
        client,
        date="2024-06-25",
        official_b="Kuzma Prutkov",
        role_b="Head of the Defence Ministry HQ",
        country_b="Russia",
        decide_role_b="new",  # the form asked: it is close to a recorded wording
    )
    with seeded.app_context():
        lanes = {r.date.isoformat(): r.pair_label for r in list_events(get_session(), lanes="post")}
    assert lanes["2024-06-25"] != SECDEF
    posts = client.get("/posts").get_data(as_text=True)
    merged = re.search(r'id="post-(\d+)-title">Head of the Defence Ministry HQ', posts)
    kept = re.search(r'id="post-(\d+)-title">Minister of Defence <span class="muted">\(Russia\)', posts)
    assert merged and kept
    response = client.post(f"/posts/{merged[1]}/merge", data={"into": kept[1]}, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "Merged “Head of the Defence Ministry HQ” into “Minister of Defence”: 1 tenure(s) moved." in text
    with seeded.app_context():
        lanes = {r.date.isoformat(): r.pair_label for r in list_events(get_session(), lanes="post")}
    assert lanes["2024-06-25"] == lanes["2022-05-13"] == SECDEF
    # the merged wording is kept: the next event using it lands in the kept post, not a new one
    add(
        client,
        date="2024-08-01",
        official_b="Oleg Ivanov",
        role_b="head of the defence ministry HQ",
        country_b="Russia",
    )
    with seeded.app_context():
        lanes = {r.date.isoformat(): r.pair_label for r in list_events(get_session(), lanes="post")}
    assert lanes["2024-08-01"] == SECDEF
    assert "Head of the Defence Ministry HQ" in client.get("/posts").get_data(as_text=True)
    assert (
        client.post(f"/posts/{kept[1]}/merge", data={"into": kept[1]}, follow_redirects=True).status_code
        == 200
    )
    assert client.post("/posts/9999/merge", data={"into": kept[1]}).status_code == 404
