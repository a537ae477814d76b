"""The timeline as a status board (#10): windows of the timeline, the board of pairs, the event
browser, context spans and the countries a context event concerns."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.helpers import AS_OF, CHAIRMAN, SECDEF, event, figure, make_csv, valid_form
from tracker import board
from tracker.db import get_session
from tracker.models import EVENT_FIELDS
from tracker.store import events

EUCOM = "U.S. European Command – Russian Ministry of Defence"


def marker_ids(fig: dict[str, Any]) -> set[int]:
    return {i for t in fig["data"] if (t.get("meta") or {}).get("kind") == "events" for i in t["customdata"]}


def board_rows(page: str) -> dict[str, str]:
    """The rows of the board on a page: pair key -> alert level."""
    return dict(re.findall(r'<tr data-pair="([^"]+)" data-level="([^"]+)"', page))


def pair_key(client: FlaskClient, label: str, lanes: str = "post") -> str:
    items = client.get(f"/api/pairs?lanes={lanes}").get_json()["items"]
    return next(p["pair_key"] for p in items if p["label"] == label)


def summary(page: str) -> str:
    found = re.search(r'<p class="level-summary" id="level-summary">(.*?)</p>', page, re.S)
    assert found, "no level summary on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


# /timeline.json: the figure of any window ---------------------------------------------------------


def test_timeline_json_draws_the_events_of_the_window_asked_for(seeded: Flask, client: FlaskClient) -> None:
    whole = client.get("/timeline.json").get_json()
    assert marker_ids(whole) == {1, 2, 3, 4, 5}
    spring = client.get("/timeline.json?start=2022-04-01&end=2022-06-30&width=700").get_json()
    meta = spring["layout"]["meta"]
    assert (meta["window"]["start"], meta["window"]["end"], meta["detail"]) == (
        "2022-04-01",
        "2022-06-30",
        True,
    )
    assert marker_ids(spring) == {3, 4, 5}  # the February calls fall outside, the hotline span overlaps
    # the filters of / apply: refused only
    assert marker_ids(client.get("/timeline.json?status=refused").get_json()) == {3}
    # one lane alone (the pair page asks so)
    key = pair_key(client, CHAIRMAN)
    one = client.get(f"/timeline.json?key={key}").get_json()
    assert marker_ids(one) == {2, 5}
    assert [lane["key"] for lane in one["layout"]["meta"]["lanes"]] == [key]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("width=wide", "width"),
        ("start=2022-06-01&end=2022-01-01", "end"),
        ("key=../etc", "key"),
        ("start=soon", "start"),
    ],
)
def test_timeline_json_names_a_bad_parameter(
    seeded: Flask, client: FlaskClient, query: str, field: str
) -> None:
    response = client.get(f"/timeline.json?{query}")
    assert response.status_code == 400
    assert field in response.get_json()["fields"]


def test_a_crowded_window_is_counted_per_stretch_of_days_until_zoomed_in(
    seeded: Flask, client: FlaskClient
) -> None:
    seeded.config["TIMELINE_DETAIL_LIMIT"] = 3
    crowded = client.get("/timeline.json").get_json()
    assert crowded["layout"]["meta"]["detail"] is False and marker_ids(crowded) == set()
    bins = [t for t in crowded["data"] if (t.get("meta") or {}).get("kind") == "bins"]
    counted = sum(int(re.search(r"(\d+) events?:", h).group(1)) for t in bins for h in t["hovertext"])  # type: ignore[union-attr]
    assert counted == 5
    # zoomed in on May 2022, three events: one by one again
    near = client.get("/timeline.json?start=2022-04-01&end=2022-05-31").get_json()
    assert near["layout"]["meta"]["detail"] is True and marker_ids(near) == {3, 4, 5}


def _counted(fig: dict[str, Any]) -> int:
    bins = [t for t in fig["data"] if (t.get("meta") or {}).get("kind") == "bins"]
    return sum(int(re.search(r"(\d+) events?:", h).group(1)) for t in bins for h in t["hovertext"])  # type: ignore[union-attr]


def test_a_wide_crowded_window_is_counted_per_calendar_months_from_the_stored_counts(
    seeded: Flask, client: FlaskClient
) -> None:
    seeded.config["TIMELINE_DETAIL_LIMIT"] = 3
    wide = client.get("/timeline.json?start=1990-01-01&end=2026-11-30").get_json()
    assert wide["layout"]["meta"]["detail"] is False
    assert wide["layout"]["meta"]["bin_label"] == "4 months"
    spans = [
        tuple(c[1:])
        for t in wide["data"]
        if (t.get("meta") or {}).get("kind") == "bins"
        for c in t["customdata"]
    ]
    assert spans and all(lo[8:] == "01" and int(lo[5:7]) % 4 == 1 for lo, _ in spans)
    assert ("2022-01-01", "2022-04-30") in spans and ("2022-05-01", "2022-08-31") in spans
    assert _counted(wide) == 5
    # a write brings the stored counts up to date at once
    client.post("/events/new", data=valid_form(date="2024-06-01", source_date="2024-06-02"))
    assert _counted(client.get("/timeline.json?start=1990-01-01&end=2026-11-30").get_json()) == 6
    client.post("/events/1/delete")
    assert _counted(client.get("/timeline.json?start=1990-01-01&end=2026-11-30").get_json()) == 5


def test_the_held_contacts_per_month_from_stored_counts_match_a_count_of_the_events(
    seeded: Flask, client: FlaskClient
) -> None:
    client.post("/events/new", data=valid_form(date="2022-05-30", source_date="2022-06-02"))
    with seeded.app_context():
        session = get_session()
        counted = events.counts_per_month(session, flt=None, lanes="post")
    chart = figure(client.get("/").get_data(as_text=True), "frequency-chart")
    drawn: dict[str, int] = {}
    for trace in chart["data"]:
        for x, n in zip(trace["x"], trace["y"], strict=True):
            if n:
                drawn[x[:7]] = drawn.get(x[:7], 0) + n
    per_month: dict[str, int] = {}
    for _, year, month, n in counted:
        per_month[f"{year:04d}-{month:02d}"] = per_month.get(f"{year:04d}-{month:02d}", 0) + n
    assert drawn == per_month
    assert drawn["2022-05"] == 3


def test_the_page_carries_the_address_of_its_windows_with_its_filters(
    seeded: Flask, client: FlaskClient
) -> None:
    page = client.get("/?status=held&lanes=person").get_data(as_text=True)
    found = re.search(r'data-timeline="([^"]+)"', page)
    assert found
    url = found.group(1).replace("&amp;", "&")
    assert url.startswith("/timeline.json?") and "status=held" in url and "lanes=person" in url
    fig = client.get(url).get_json()
    assert marker_ids(fig) == {1, 2, 4, 5}


# /pairs: the status board ----------------------------------------------------------------------------


def test_board_sums_up_levels_and_says_since_when_each_pair_is_in_alarm(
    seeded: Flask, client: FlaskClient
) -> None:
    page = client.get("/pairs").get_data(as_text=True)
    assert summary(page) == "2 alarm · 0 warning · 0 normal · 1 no baseline"
    levels = board_rows(page)
    assert sorted(levels.values()) == ["alarm", "alarm", "none"]
    # Austin–Shoigu: 84 days was the longest gap, so past 2022-05-13 + 84 days the line is in alarm
    assert "in alarm since 2022-08-06" in page
    # derived from the events: a new call ends the alarm at once
    client.post("/events/new", data=valid_form(date="2026-11-20", source_date="2026-11-20"))
    page = client.get("/pairs").get_data(as_text=True)
    assert board_rows(page)[pair_key(client, SECDEF)] == "ok"
    assert summary(page) == "1 alarm · 0 warning · 1 normal · 1 no baseline"
    assert "in alarm since 2022-08-06" not in page


def test_board_narrows_to_one_dyad_and_one_level(seeded: Flask, client: FlaskClient) -> None:
    client.post(
        "/events/new",
        data=valid_form(
            official_b="Dong Jun",
            role_b="Chinese Minister of National Defense",
            country_b="China",
            date="2024-05-31",
            source_date="2024-05-31",
            summary="Met in Singapore.",
        ),
    )
    everything = board_rows(client.get("/pairs").get_data(as_text=True))
    assert len(everything) == 4
    china = client.get("/pairs?dyad=United States – China").get_data(as_text=True)
    assert list(board_rows(china)) == [
        pair_key(client, "US Secretary of Defense – Chinese Minister of National Defense")
    ]
    russia = board_rows(client.get("/pairs?dyad=United States – Russia").get_data(as_text=True))
    assert len(russia) == 3
    none = board_rows(client.get("/pairs?level=none").get_data(as_text=True))
    assert set(none.values()) == {"none"} and len(none) == 2
    bad = client.get("/pairs?level=purple")
    assert bad.status_code == 400 and "level" in bad.get_data(as_text=True)
    # the API narrows the same way and carries the level
    items = client.get("/api/pairs?lanes=post&dyad=United States – Russia&level=alarm").get_json()["items"]
    assert {p["label"] for p in items} == {SECDEF, CHAIRMAN}
    assert {(p["level"], p["level_label"]) for p in items} == {("alarm", "Alarm")}
    assert {p["level_since"] for p in items} == {"2022-08-06", "2022-08-18"}


def test_an_archived_line_leaves_the_board_and_the_counts_but_keeps_its_data(
    seeded: Flask, client: FlaskClient
) -> None:
    key = pair_key(client, EUCOM)
    response = client.post(f"/pairs/{key}/archive", data={"next": "/pairs?lanes=post"})
    assert response.status_code == 303 and response.headers["Location"] == "/pairs?lanes=post"
    page = client.get("/pairs").get_data(as_text=True)
    assert key not in board_rows(page)
    assert summary(page) == "2 alarm · 0 warning · 0 normal · 0 no baseline"
    assert "archived lines (1)" in page
    shelved = client.get("/pairs?archived=1").get_data(as_text=True)
    assert board_rows(shelved) == {key: "archived"}
    assert [p["pair_key"] for p in client.get("/api/pairs?lanes=post&archived=true").get_json()["items"]] == [
        key
    ]
    assert key not in {p["pair_key"] for p in client.get("/api/pairs?lanes=post").get_json()["items"]}
    # its events stay, and so does its page
    assert client.get(f"/events.csv?pair={key}").get_data(as_text=True).count("\n") == 2
    assert client.get(f"/pairs/{key}").status_code == 200
    # back on the board; an address elsewhere is not followed
    response = client.post(f"/pairs/{key}/archive", data={"restore": "1", "next": "//evil.example/"})
    assert response.headers["Location"] == "/pairs"
    assert key in board_rows(client.get("/pairs").get_data(as_text=True))
    assert client.post("/pairs/p999999-p999998/archive").status_code == 404


def test_pair_page_lists_the_current_silence_first_with_the_refusals_inside(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Any
) -> None:
    # two refused calls after the last Austin–Shoigu contact
    rows = [
        event(date="2023-03-15", status="refused", initiated_by="Lloyd Austin", summary="Shoigu declined."),
        event(date="2024-10-01", status="attempted", initiated_by="Lloyd Austin", summary="No answer."),
    ]
    path = tmp_path / "more.csv"
    path.write_bytes(make_csv(rows))
    assert runner.invoke(args=["import-csv", str(path)]).exit_code == 0
    key = pair_key(client, SECDEF)
    page = client.get(f"/pairs/{key}").get_data(as_text=True)
    table = page[page.index('id="gaps"') :]
    first = re.search(r"<tr[^>]*>(.*?)</tr>", table[table.index("<tbody") :], re.S)
    assert first
    text = " ".join(re.sub(r"<[^>]+>", " ", first.group(1)).split())
    silent = (AS_OF - dt.date(2022, 5, 13)).days
    assert text == f"2022-05-13 today ({AS_OF.isoformat()}) {silent} days and counting Alarm 1 1", text
    # and the board says it beside the silence
    assert "1 attempt, 1 refusal since" in client.get("/pairs").get_data(as_text=True)


def test_the_board_read_from_stored_statistics_equals_the_board_worked_out_from_the_events(
    seeded: Flask, client: FlaskClient
) -> None:
    client.post(
        "/events/new", data=valid_form(date="2023-01-10", date_precision="month", source_date="2023-02-01")
    )
    client.post("/events/new", data=valid_form(date="2024-06-01", status="refused", source_date="2024-06-02"))
    client.post("/events/1/delete")

    def project(rows: list[board.PairRow]) -> list[tuple[Any, ...]]:
        return sorted(
            (
                r.key,
                r.label,
                r.dyad,
                r.alert.level,
                r.alert.since,
                r.callout,
                r.stats.held,
                r.stats.attempts,
                r.stats.refusals,
                r.stats.total,
                r.stats.last_contact,
                r.stats.silence_min_days,
                r.stats.silence_max_days,
                r.stats.longest_gap,
                r.stats.median_gap_min,
                r.stats.median_gap_max,
                r.stats.p90_gap_min,
                r.stats.p90_gap_max,
                r.stats.first_contact,
                r.stats.last_event,
                r.stats.attempts_since_last,
                r.stats.refusals_since_last,
            )
            for r in rows
        )

    with seeded.app_context():
        session = get_session()
        for mode in ("post", "person"):
            stored = board.stored_rows(session, mode, as_of=AS_OF)
            worked_out = board.rows_from_events(session, events.list_events(session, lanes=mode), as_of=AS_OF)
            assert project(stored) == project(worked_out), mode


# /events: the data browser -----------------------------------------------------------------------


def dates_listed(page: str) -> list[str]:
    return re.findall(r'<td class="nowrap"><a href="/events/\d+">(\d{4}-\d\d-\d\d)', page)


def test_event_browser_sorts_searches_and_counts_facets(seeded: Flask, client: FlaskClient) -> None:
    newest = client.get("/events").get_data(as_text=True)
    assert dates_listed(newest) == ["2022-05-19", "2022-05-13", "2022-03-01", "2022-02-18", "2022-02-18"]
    oldest = client.get("/events?sort=date").get_data(as_text=True)
    assert dates_listed(oldest)[0] == "2022-02-18" and dates_listed(oldest)[-1] == "2022-05-19"
    by_channel = client.get("/events?sort=-channel").get_data(as_text=True)
    assert dates_listed(by_channel)[-1] == "2022-03-01"  # hotline before phone, reversed
    assert client.get("/events?sort=colour").status_code == 400
    # words in names, roles and summaries
    assert len(dates_listed(client.get("/events?q=gerasimov").get_data(as_text=True))) == 2
    assert len(dates_listed(client.get("/events?q=deconfliction").get_data(as_text=True))) == 1
    assert len(dates_listed(client.get("/events?q=Chief of the General Staff").get_data(as_text=True))) == 2
    # facet counts beside the filters
    facets = re.search(r'id="facet-status">(.*?)</ul>', newest, re.S)
    assert facets
    counts = dict(re.findall(r">(\w+)</a> <span class=\"count\">(\d+)</span>", facets.group(1)))
    assert counts == {"held": "4", "refused": "1"}
    # this view as CSV and as JSON carry the same query
    page = client.get("/events?q=gerasimov&status=held").get_data(as_text=True)
    links = {
        m.group(2): m.group(1).replace("&amp;", "&")
        for m in re.finditer(r'href="([^"]+)"[^>]*>This view as (CSV|JSON)', page)
    }
    assert set(links) == {"CSV", "JSON"}
    assert client.get(links["CSV"]).get_data(as_text=True).count("\n") == 3  # header and two events
    assert client.get(links["JSON"]).get_json()["total"] == 2


def test_event_browser_pages_through_many_events(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Any
) -> None:
    rows = [
        event(date=f"2023-{m:02d}-{d:02d}", source_date=f"2023-{m:02d}-{d:02d}")
        for m in range(1, 13)
        for d in (3, 9, 15, 21, 27)
    ]
    path = tmp_path / "many.csv"
    path.write_bytes(make_csv(rows))
    assert runner.invoke(args=["import-csv", str(path)]).exit_code == 0
    first = client.get("/events").get_data(as_text=True)
    assert len(dates_listed(first)) == 50 and "Page 1 of 2" in first
    second = client.get("/events?page=2").get_data(as_text=True)
    assert len(dates_listed(second)) == 15 and "Page 2 of 2" in second
    assert set(dates_listed(first)).isdisjoint({"2022-02-18"}) and "2022-02-18" in dates_listed(second)
    past = client.get("/events?page=40").get_data(as_text=True)
    assert "Page 2 of 2" in past and len(dates_listed(past)) == 15
    assert client.get("/events?page=two").status_code == 400


def test_history_names_fields_as_the_form_does(seeded: Flask, client: FlaskClient) -> None:
    stored = client.get("/api/events/1").get_json()
    values = {k: "" if stored.get(k) is None else str(stored[k]) for k in EVENT_FIELDS}
    values.update(source_publisher="The Hill (Ellen Mitchell)", role_b="Russian Defence Minister")
    response = client.post("/events/1/edit", data=values, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Publisher" in page and "Second side&#39;s post" in page
    history = page[page.index('class="history"') :]
    assert "source_publisher" not in history and "role_b" not in history


# Context events: spans and the countries they concern --------------------------------------------


def test_a_context_event_with_an_end_is_a_span_and_counts_only_for_the_pairs_it_concerns(
    seeded: Flask, client: FlaskClient
) -> None:
    response = client.post(
        "/context",
        data={
            "date": "2022-03-01",
            "date_end": "2022-04-15",
            "title": "Sanctions round",
            "countries": "US, Russia",
        },
    )
    assert response.status_code == 302
    client.post(
        "/context",
        data={"date": "2022-04-20", "title": "Taiwan Strait exercise", "countries": "China, Taiwan"},
    )
    page = client.get("/context").get_data(as_text=True)
    assert "2022-03-01 –<br>2022-04-15" in page and "Concerns United States, Russia" in page
    taiwan = page[page.index("Taiwan Strait exercise</strong>") :].split("</tr>")[0]
    assert taiwan.count(">n/a<") == 3  # three US–Russia pairs: not concerned
    sanctions = page[page.index("Sanctions round</strong>") :].split("</tr>")[0]
    assert ">n/a<" not in sanctions
    assert "<td>73 d</td> <td>79 d</td>" in " ".join(sanctions.split())  # from its start to May 13 and May 19
    fig = figure(client.get("/").get_data(as_text=True), "timeline-chart")
    spans = [s for s in fig["layout"]["shapes"] if s["type"] == "rect"]
    assert [(s["x0"], s["x1"]) for s in spans] == [("2022-03-01", "2022-04-15")]
    notes = " ".join(n["text"] for n in fig["layout"]["annotations"])
    assert "Sanctions round" in notes and "Taiwan Strait" not in notes  # no lane of China or Taiwan shown
    # the edit form keeps both new fields
    link = re.search(r'href="(/context/\d+/edit)">Edit<span class="visually-hidden"> Sanctions round', page)
    assert link
    edit = client.get(link.group(1)).get_data(as_text=True)
    assert 'value="2022-04-15"' in edit and 'value="United States, Russia"' in edit
    bad = client.post("/context", data={"date": "2022-05-01", "date_end": "2022-04-01", "title": "Backwards"})
    assert bad.status_code == 400 and "date_end" in bad.get_data(as_text=True)
    assert "Backwards" not in client.get("/context").get_data(as_text=True).split("Add a context event")[0]


def test_one_lane_draws_no_more_events_one_by_one_than_it_has_room_for(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    start = dt.date(2010, 1, 1)
    rows = [
        event(date=(start + dt.timedelta(days=3 * n)).isoformat(), source_date="2024-01-01")
        for n in range(120)
    ]
    path = tmp_path / "many.csv"
    path.write_bytes(make_csv(rows))
    assert runner.invoke(args=["import-csv", str(path)]).exit_code == 0
    key = pair_key(client, SECDEF)
    # 200 pixels hold at most 100 markers: 122 events are counted per stretch of days
    narrow = client.get(f"/timeline.json?key={key}&width=200").get_json()
    assert narrow["layout"]["meta"]["detail"] is False
    assert _counted(narrow) == 122
    # a wider chart has room for them one by one
    wide = client.get(f"/timeline.json?key={key}&width=1100").get_json()
    assert wide["layout"]["meta"]["detail"] is True and len(marker_ids(wide)) == 122
