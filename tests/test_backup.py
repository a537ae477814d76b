"""Backups: everything out to one file while the app runs, and back in, all or nothing."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from tests.helpers import EDITOR, EXAMPLE_EVENT
from tracker.db import get_session
from tracker.store import users


def rows_of(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as source:  # type: ignore[operator]
        lines = source.read().splitlines()
    return sorted(lines[1:])  # every row; the header says when it was taken


def test_a_backup_restores_everything_into_an_empty_database(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    # something of every kind: a deleted event, history, a source, a threshold, a context event
    created = client.post(
        "/api/events", json={**EXAMPLE_EVENT, "date_end": None, "summary": 'Ünïcode ‘quotes’, "commas"'}
    )
    assert created.status_code == 201
    client.delete(f"/api/events/{created.get_json()['id']}")
    key = client.get("/api/pairs").get_json()["items"][0]["pair_key"]
    assert (
        client.post(f"/pairs/{key}/alert", data={"warn_factor": "3", "alarm_days": "100"}).status_code == 302
    )
    client.post("/context", data={"date": "2023-03-14", "title": "Drone downed"})
    out = tmp_path / "backup.jsonl.gz"
    made = runner.invoke(args=["backup", str(out)])
    assert made.exit_code == 0, made.output
    before = rows_of(out)
    tables = {json.loads(line)["t"] for line in before}
    assert {
        "contact_event",
        "event_change",
        "official",
        "official_alias",
        "post",
        "post_alias",
        "tenure",
    } <= tables
    assert {"context_event", "pair_alert", "audit_entry", "user"} <= tables
    assert not [line for line in before if "password_hash" in line or "ctt_" in line]  # no secrets
    # another, empty database
    refused = runner.invoke(args=["restore", str(out)])
    assert refused.exit_code != 0 and "holds" in refused.output and "nothing was changed" in refused.output
    restored = runner.invoke(args=["restore", str(out), "--replace"])
    assert restored.exit_code == 0, restored.output
    again = tmp_path / "again.jsonl"
    assert runner.invoke(args=["backup", str(again)]).exit_code == 0
    assert rows_of(again) == before
    del client.environ_base["HTTP_AUTHORIZATION"]  # tokens are not restored: the old one opens nothing
    assert client.get("/api/events").get_json()["total"] == 5
    assert client.get("/events/deleted").status_code == 200
    with seeded.app_context():
        # users come back, without a password until an admin sets one
        assert users.authenticate(get_session(), EDITOR, "correct horse battery") is None
        assert [u.name for u in users.list_users(get_session())] == [EDITOR]


def test_a_file_that_is_not_a_backup_changes_nothing(
    seeded: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "something else"}\n', encoding="utf-8")
    answer = runner.invoke(args=["restore", str(bad), "--replace"])
    assert answer.exit_code != 0 and "not a backup of this tracker" in answer.output
    good = tmp_path / "good.jsonl"
    assert runner.invoke(args=["backup", str(good)]).exit_code == 0
    broken = tmp_path / "broken.jsonl"
    broken.write_text(
        good.read_text(encoding="utf-8") + '{"t": "contact_event", "r": {"nope": 1}}\n', encoding="utf-8"
    )
    answer = runner.invoke(args=["restore", str(broken), "--replace"])
    assert answer.exit_code != 0 and "has no column nope" in answer.output
    again = tmp_path / "again.jsonl"
    assert runner.invoke(args=["backup", str(again)]).exit_code == 0
    assert rows_of(again) == rows_of(good)  # all or nothing
