"""Watching lines: the state log of alert levels (flask check-alerts, after writes) and the Atom feeds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.helpers import EXAMPLE_EVENT
from tracker.db import get_session
from tracker.store import alert_log

A = "{http://www.w3.org/2005/Atom}"


def entries(xml: bytes) -> list[dict[str, Any]]:
    """The entries of an Atom feed, after checking what RFC 4287 requires of the feed and each entry."""
    root = ET.fromstring(xml)
    assert root.tag == f"{A}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{A}{required}") is not None and root.find(f"{A}{required}").text  # type: ignore[union-attr]
    assert root.find(f"{A}author/{A}name") is not None
    found = []
    for entry in root.findall(f"{A}entry"):
        item = {name: entry.findtext(f"{A}{name}") for name in ("id", "title", "updated", "summary")}
        assert all(item.values()), item
        link = entry.find(f"{A}link")
        assert link is not None and link.get("href")
        category = entry.find(f"{A}category")
        item["category"] = category.get("term") if category is not None else ""
        found.append(item)
    return found


def test_check_alerts_records_each_change_once(seeded: Flask, runner: FlaskCliRunner) -> None:
    early = runner.invoke(args=["check-alerts", "--as-of", "2022-05-20"])
    assert early.exit_code == 0, early.output
    assert early.output.startswith("Checked ") and "0 in alarm" in early.output
    late = runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    assert late.exit_code == 1  # some line is in alarm: scripts can tell
    assert "→ alarm" in late.output
    again = runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    assert again.exit_code == 1 and "0 changes" in again.output
    with seeded.app_context():
        changes = alert_log.recent(get_session())
        alarms = [c for c in changes if c.level_to == "alarm"]
        assert alarms and all(c.as_of.isoformat() == "2026-12-02" and c.reason for c in alarms)
        assert len({(c.key, c.level_to) for c in changes}) == len(changes)  # nothing recorded twice
    bad = runner.invoke(args=["check-alerts", "--as-of", "yesterday"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_the_alerts_feed_is_atom_with_stable_ids(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    runner.invoke(args=["check-alerts", "--as-of", "2022-05-20"])
    runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    answer = client.get("/feeds/alerts.atom")
    assert answer.status_code == 200 and answer.content_type.startswith("application/atom+xml")
    first = entries(answer.data)
    assert [e for e in first if e["category"] == "alarm" and e["title"].startswith("Alarm: ")]
    assert entries(client.get("/feeds/alerts.atom").data) == first  # the same ids and times when read again
    assert len({e["id"] for e in first}) == len(first)


def test_a_write_records_the_changes_of_level_it_makes(app: Flask, client: FlaskClient) -> None:
    assert entries(client.get("/feeds/alerts.atom").data) == []
    body = {**EXAMPLE_EVENT, "date_end": None}
    assert client.post("/api/events", json=body).status_code == 201
    made = entries(client.get("/feeds/alerts.atom").data)
    assert len(made) == 1 and made[0]["category"] == "none"  # one contact: no baseline yet
    assert client.patch("/api/events/1", json={"summary": "changed"}).status_code == 200
    assert len(entries(client.get("/feeds/alerts.atom").data)) == 1  # the level did not change


def test_the_events_feed_takes_the_timelines_filters(seeded: Flask, client: FlaskClient) -> None:
    every = entries(client.get("/feeds/events.atom").data)
    assert len(every) == 5
    refused = entries(client.get("/feeds/events.atom?status=refused").data)
    assert [e["category"] for e in refused] == ["refused"]
    assert refused[0]["id"].startswith("tag:contact-timeline-tracker,2026:event/")
    bad = client.get("/feeds/events.atom?status=maybe")
    assert bad.status_code == 400 and "status" in bad.get_data(as_text=True)
