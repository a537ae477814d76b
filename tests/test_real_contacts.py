"""Real reporting, 2013–2025, several outlets per contact: one lane per office pair, one event per contact.

``tests/data/real_contacts``: ``truth.csv`` holds 120 contacts as a careful analyst records them;
``reports.csv`` holds 281 rows as outlets wrote them (names, roles and countries spelt their own
way, channels and dates that disagree, three typos). Imported into the seeded tracker, every
office pair must be one lane, every contact one event, and every gap must hold the true gap.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

DATA = Path(__file__).resolve().parent / "data" / "real_contacts"
SEEDED_CONTACTS = 5  # the seed case's events; four of them are truth contacts too


def _read(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _bounds(row: dict[str, str]) -> tuple[dt.date, dt.date]:
    """The possible days of a truth row, worked out here without the tracker's code."""
    day = dt.date.fromisoformat(row["date"])
    end = dt.date.fromisoformat(row["date_end"]) if row["date_end"] else day
    precision = row["date_precision"]
    if precision == "reported":
        return day - dt.timedelta(days=30), day
    if precision == "approximate":
        return day - dt.timedelta(days=7), end + dt.timedelta(days=7)
    if precision == "week":
        return day, end + dt.timedelta(days=6)
    if precision == "month":
        first = day.replace(day=1)
        last_month = end.replace(day=28) + dt.timedelta(days=4)
        return first, last_month - dt.timedelta(days=last_month.day)
    return day, end


@pytest.fixture
def imported(seeded: Flask, runner: FlaskCliRunner, tmp_path: Path) -> tuple[Flask, str]:
    reports = _read("reports.csv")
    out = io.StringIO()
    columns = [c for c in reports[0] if c != "contact"]
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(reports)
    path = tmp_path / "reports.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    result = runner.invoke(args=["import-csv", str(path)])
    assert result.exit_code == 0, result.output + result.stderr
    return seeded, result.output


def _events(client: FlaskClient) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        body = client.get(f"/api/events?lanes=post&per_page=1000&page={page}").get_json()
        found += body["items"]
        if not body["next"]:
            return found
        page += 1


def _match(truth: dict[str, str], events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events of the truth row's two persons whose possible days overlap its own."""
    lo, hi = _bounds(truth)
    people = {truth["person_a"], truth["person_b"]}
    found = []
    for e in events:
        e_lo, e_hi = _bounds({k: e[k] or "" for k in ("date", "date_end", "date_precision")})
        if (
            {e["official_a"], e["official_b"]} == people
            and e_lo <= hi
            and e_hi >= lo
            and (e["status"] == truth["status"] or "unknown" in (e["status"], truth["status"]))
        ):
            found.append(e)
    return found


@pytest.mark.slow
def test_every_contact_is_one_event_and_every_office_pair_one_lane(
    imported: tuple[Flask, str], client: FlaskClient
) -> None:
    _, output = imported
    for line in (DATA / "typos.txt").read_text(encoding="utf-8").splitlines():
        typo, canonical = (part.strip() for part in line.split("->"))
        assert f"read official '{typo}' as '{canonical}'" in output
    truth = _read("truth.csv")
    events = _events(client)
    assert len(events) == SEEDED_CONTACTS + len(truth) - 4
    lanes: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in truth:
        matched = _match(row, events)
        assert len(matched) == 1, (row["contact"], matched)
        lanes[(row["office_a"], row["office_b"], row["country_b"])].add(matched[0]["pair_key"])
    for line, keys in lanes.items():
        assert len(keys) == 1, (line, keys)  # one lane per office pair, across holders and wordings
    assert len({next(iter(k)) for k in lanes.values()}) == len(lanes)  # and no two office pairs share one
    # no official was created from a spelling: the only new person is the one the reference lacks
    names = {o["name"] for o in client.get("/api/officials").get_json()["items"]}
    reported = {r["person_a"] for r in truth} | {r["person_b"] for r in truth}
    assert reported <= names
    assert not {"Lloyd Austn", "Valery Gerasimv", "Sergei Lavrv", "Sergey Shoygu", "Mike Milley"} & names


@pytest.mark.slow
def test_gaps_hold_the_true_gaps_and_alerts_are_computed_on_them(
    imported: tuple[Flask, str], client: FlaskClient
) -> None:
    truth = _read("truth.csv")
    events = _events(client)
    pairs = {p["pair_key"]: p for p in client.get("/api/pairs?lanes=post&gaps=true").get_json()["items"]}
    by_line: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for row in truth:
        by_line[(row["office_a"], row["office_b"], row["country_b"])].append(row)
    for line, rows in by_line.items():
        key = _match(rows[0], events)[0]["pair_key"]
        held = sorted((r for r in rows if r["status"] == "held"), key=lambda r: _bounds(r)[0])
        # seeded contacts that are not truth rows (none are held on these lines) would change nothing
        gaps = pairs[key]["gaps"]
        assert len(gaps) == max(0, len(held) - 1), (line, [g["label"] for g in gaps])
        for previous, following, gap in zip(held, held[1:], gaps, strict=False):
            true_lo = (_bounds(following)[0] - _bounds(previous)[1]).days
            true_hi = (_bounds(following)[1] - _bounds(previous)[0]).days
            # the tracker's bounds come from the first report; they must hold the truth's
            assert gap["min_days"] <= max(0, true_hi) and gap["max_days"] >= max(0, true_lo), (line, gap)
        assert pairs[key]["held"] == len(held)
