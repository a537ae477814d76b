"""The timeline page: figures holding the events, the pair table, plotly.js served locally."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.helpers import AS_OF, CHAIRMAN, SECDEF, figure, lanes_of, table_rows, trace_named, valid_form
from tracker import create_app
from tracker.db import get_engine


def test_timeline_carries_the_seeded_events(seeded: Flask, client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    fig = figure(page, "timeline-chart")
    markers = [t for t in fig["data"] if (t.get("meta") or {}).get("kind") == "events"]
    ids = sorted(i for t in markers for i in t["customdata"])
    assert ids == [1, 2, 3, 4, 5]
    held = trace_named(fig, "held")
    assert sorted(held["x"]) == ["2022-02-18", "2022-02-18", "2022-05-13", "2022-05-19"]
    assert set(lanes_of(fig, held)) == {SECDEF, CHAIRMAN}
    assert sorted(trace_named(fig, "gap length")["text"]) == ["84 days", "90 days"]
    refused = trace_named(fig, "refused")
    assert "hotline · refused" in refused["hovertext"][0]
    assert "initiated by U.S. European Command" in refused["hovertext"][0]
    # the context event is a dashed line with a note above the plot
    line = next(s for s in fig["layout"]["shapes"] if s["x0"] == "2022-02-24")
    assert line["line"]["dash"] == "dash"
    assert any("Russia invades Ukraine" in n["text"] for n in fig["layout"]["annotations"])
    # the uncertain hotline span fades from its earliest to its latest day
    fade = next(t for t in fig["data"] if t.get("legendgroup") == "uncertain")
    assert fade["x"][:2] == ["2022-03-01", "2022-05-15"]
    # each lane runs on to today, and the axis covers today
    silences = [t for t in fig["data"] if str(t.get("name", "")).startswith("silence now")]
    assert {x for t in silences for x in t["x"] if x} >= {"2022-05-19", AS_OF.isoformat()}
    assert fig["layout"]["xaxis"]["range"][1] > AS_OF.isoformat()


def test_frequency_chart_counts_held_contacts_per_month(seeded: Flask, client: FlaskClient) -> None:
    fig = figure(client.get("/").get_data(as_text=True), "frequency-chart")
    by_name = {t["name"]: t for t in fig["data"]}
    assert by_name[SECDEF]["y"] == [1, 1] and by_name[SECDEF]["x"] == ["2022-02-01", "2022-05-01"]
    assert by_name[CHAIRMAN]["y"] == [1, 1]


def test_pair_table(seeded: Flask, client: FlaskClient) -> None:
    text = table_rows(client.get("/").get_data(as_text=True))
    since = (AS_OF - dt.date(2022, 5, 19)).days
    # most alarming first; within a level, the longest silent first
    assert text[0].startswith(f"{SECDEF} Alarm in alarm since 2022-08-06 United States – Russia")
    assert "84 days 2022-02-18 → 2022-05-13 84 days 84 days 2 / 0 / 0" in text[0]
    assert text[1].startswith(f"{CHAIRMAN} Alarm")
    assert f"{since} days" in text[1] and "0 attempts, 0 refusals since" in text[1]
    assert text[2].startswith("U.S. European Command – Russian Ministry of Defence No baseline")
    assert "no contact held" in text[2] and "0 / 0 / 1" in text[2]


def test_person_lanes(seeded: Flask, client: FlaskClient) -> None:
    page = client.get("/?lanes=person").get_data(as_text=True)
    fig = figure(page, "timeline-chart")
    assert set(lanes_of(fig, trace_named(fig, "held"))) == {
        "Lloyd Austin – Sergei Shoigu",
        "Mark Milley – Valery Gerasimov",
    }
    assert table_rows(page)[0].startswith("Lloyd Austin – Sergei Shoigu Alarm")


def test_new_event_appears_on_chart_and_table(seeded: Flask, client: FlaskClient) -> None:
    client.post("/events/new", data=valid_form(date="2023-03-15"))
    page = client.get("/").get_data(as_text=True)
    held = trace_named(figure(page, "timeline-chart"), "held")
    assert "2023-03-15" in held["x"]
    assert 'id="event-6"' in page
    assert "Discussed the MQ-9 drone downed over the Black Sea." in page
    assert "2022-05-13 → 2023-03-15" in page  # the new longest Austin–Shoigu gap


def test_plotly_js_is_served_by_the_app_once_per_page(seeded: Flask, client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    sources = re.findall(r'<script src="([^"]+)"', page)
    plotly_urls = [s for s in sources if "plotly" in s]
    assert len(plotly_urls) == 1
    assert not any(s.startswith(("http:", "https:", "//")) for s in sources)
    response = client.get(plotly_urls[0])
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert b"plotly.js" in response.get_data()[:2000]
    response.close()


def test_empty_state_says_what_to_do(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "No contact events recorded yet." in page
    assert 'href="/events/new"' in page
    assert "data-figure" not in page
    assert "plotly" not in page


def test_hover_text_escapes_markup(client: FlaskClient) -> None:
    client.post("/events/new", data=valid_form(summary="<img src=x onerror=alert(1)>"))
    fig = figure(client.get("/").get_data(as_text=True), "timeline-chart")
    held = trace_named(fig, "held")
    assert "&lt;img src=x" in held["hovertext"][0]
    assert "<img" not in held["hovertext"][0]


def test_figure_json_cannot_close_its_script_element(client: FlaskClient) -> None:
    client.post("/events/new", data=valid_form(summary="</script><script>alert(1)</script>"))
    page = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    held = trace_named(figure(page, "timeline-chart"), "held")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in held["hovertext"][0]


def _marker_ids(page: str) -> set[int]:
    fig = figure(page, "timeline-chart")
    return {i for t in fig["data"] if (t.get("meta") or {}).get("kind") == "events" for i in t["customdata"]}


def test_every_write_changes_what_the_timeline_shows_in_every_process(
    seeded: Flask, client: FlaskClient
) -> None:
    # a second app on the same database stands for a second gunicorn worker, with its own cache
    other = create_app({**seeded.config, "TESTING": True})
    reader = other.test_client()
    assert _marker_ids(reader.get("/").get_data(as_text=True)) == {1, 2, 3, 4, 5}
    assert _marker_ids(reader.get("/").get_data(as_text=True)) == {1, 2, 3, 4, 5}  # from its cache
    client.post("/events/new", data=valid_form(date="2023-03-14", source_date="2023-03-15"))
    assert _marker_ids(reader.get("/").get_data(as_text=True)) == {1, 2, 3, 4, 5, 6}
    client.post("/events/2/delete")
    assert _marker_ids(reader.get("/").get_data(as_text=True)) == {1, 3, 4, 5, 6}
    client.post("/events/2/restore")
    assert _marker_ids(reader.get("/").get_data(as_text=True)) == {1, 2, 3, 4, 5, 6}
    # a change that is not an event's: a context event and the thresholds of a pair
    talks = {"date": "2023-06-01", "title": "Talks resume in Geneva", "description": "", "source_url": ""}
    assert client.post("/context", data=talks).status_code == 302
    assert "Talks resume in Geneva" in reader.get("/").get_data(as_text=True)
    edited = {**talks, "title": "Talks resume in Vienna"}
    assert client.post("/context/2/edit", data=edited).status_code == 302
    page = reader.get("/").get_data(as_text=True)
    assert "Talks resume in Vienna" in page and "Talks resume in Geneva" not in page
    with other.app_context():
        get_engine().dispose()


def test_the_timeline_answers_304_while_unchanged(seeded: Flask, client: FlaskClient) -> None:
    first = client.get("/")
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    again = client.get("/", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    # another query, another user, or a write: the page again
    assert client.get("/?status=held", headers={"If-None-Match": tag}).status_code == 200
    assert seeded.test_client().get("/", headers={"If-None-Match": tag}).status_code == 200
    client.post("/events/new", data=valid_form(date="2023-03-14", source_date="2023-03-15"))
    changed = client.get("/", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert 6 in _marker_ids(changed.get_data(as_text=True))
