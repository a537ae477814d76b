"""Monthly assessments over HTTP (form from the suggestion, archive, history, CSV, JSON, feed), schedules, blind spots."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlmodel import select

from tests.helpers import CHAIRMAN, EDITOR, SECDEF, figure
from tracker.db import get_session
from tracker.models import Assessment, AuditEntry
from tracker.store import alert_log

A = "{http://www.w3.org/2005/Atom}"
EUCOM = "U.S. European Command – Russian Ministry of Defence"
DYAD = "dyad:United States – Russia"


def lane(client: FlaskClient, label: str) -> str:
    """The key of the post lane labelled ``label``."""
    items = client.get("/api/pairs?lanes=post").get_json()["items"]
    return next(p["pair_key"] for p in items if p["label"] == label)


def text(page: str) -> str:
    """A page's text without tags (and their spaces), entities read, spaces collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)))


def assess(client: FlaskClient, month: str, line: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(f"/assessments/{month}/assess", data={"line": line, **fields})


def audit_entries(app: Flask) -> list[AuditEntry]:
    with app.app_context():
        return list(get_session().exec(select(AuditEntry).where(AuditEntry.entity == "assessment")))


def assessments_of(app: Flask) -> list[Assessment]:
    with app.app_context():
        return list(get_session().exec(select(Assessment)))


def test_the_form_is_prefilled_with_the_suggestion_and_records_it(seeded: Flask, client: FlaskClient) -> None:
    key = lane(client, EUCOM)
    page = client.get(f"/assessments/2022-03/assess?line={key}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-arrow="deteriorated"' in html
    assert '<p id="suggested-reason">1 refusal and no contact held</p>' in html
    assert 'value="deteriorated" checked' in html
    assert 'value="1 refusal and no contact held"' in html  # the reason field holds it too
    saved = assess(client, "2022-03", key, arrow="deteriorated", reason="1 refusal and no contact held")
    assert saved.status_code == 303 and saved.headers["Location"].startswith("/assessments/2022-03#line-")
    archive = client.get("/assessments/2022-03").get_data(as_text=True)
    assert "Recorded the assessment of" in archive
    row = re.search(
        r'<tr id="line-\d+" data-line="' + re.escape(key) + r'" data-arrow="deteriorated">(.*?)</tr>',
        archive,
        re.S,
    )
    assert row and "1 refusal and no contact held" in row.group(1) and EDITOR in row.group(1)
    [stored] = assessments_of(seeded)
    assert (stored.signed_by, stored.suggested_arrow, stored.label) == (EDITOR, "deteriorated", EUCOM)


def test_one_assessment_per_line_and_month_every_write_audited(seeded: Flask, client: FlaskClient) -> None:
    key = lane(client, SECDEF)
    assert (
        assess(client, "2022-05", key, arrow="improved", reason="First call since the invasion").status_code
        == 303
    )
    form = client.get(f"/assessments/2022-05/assess?line={key}").get_data(as_text=True)
    assert 'value="First call since the invasion"' in form and 'value="improved" checked' in form
    assert "Save changes" in form
    again = assess(
        client, "2022-05", key, arrow="unchanged", reason="One call, no change", notes="Readout only."
    )
    assert again.status_code == 303
    [stored] = assessments_of(seeded)
    assert (stored.arrow, stored.reason, stored.notes) == (
        "unchanged",
        "One call, no change",
        "Readout only.",
    )
    entries = audit_entries(seeded)
    assert [e.action for e in entries] == ["created", "updated"]
    assert entries[1].changes["arrow"] == ["improved", "unchanged"] and entries[1].by == EDITOR
    assert "Updated the assessment" in client.get("/assessments/2022-05").get_data(as_text=True)


def test_the_archive_index_and_the_empty_month(
    seeded: Flask, client: FlaskClient, anonymous: FlaskClient
) -> None:
    empty = client.get("/assessments")
    assert empty.status_code == 200 and "No month assessed yet" in empty.get_data(as_text=True)
    month = client.get("/assessments/2026-11").get_data(as_text=True)
    assert "No line assessed for November 2026" in month
    assert (
        'href="/assessments/2026-10" rel="prev"' in month
        and 'href="/assessments/2026-12" rel="next"' in month
    )
    # every line waits to be assessed: the dyad and each post lane, with a link to the form
    assert 'data-line="dyad:United States – Russia"' in month
    assert f"/assessments/2026-11/assess?line={lane(client, CHAIRMAN)}" in month
    # an archived line is off the board: it waits for no assessment
    eucom = lane(client, EUCOM)
    client.post(f"/pairs/{eucom}/archive")
    assert f'data-line="{eucom}"' not in client.get("/assessments/2026-11").get_data(as_text=True)
    this_month = client.get("/assessments/2026-12").get_data(as_text=True)
    assert 'rel="next"' not in this_month  # no month after the current one
    key = lane(client, CHAIRMAN)
    assess(client, "2022-05", key, arrow="improved", reason="First call since the invasion")
    index = client.get("/assessments").get_data(as_text=True)
    assert 'href="/assessments/2022-05">May 2022</a>' in index
    # readers see the archive but no form links
    public = anonymous.get("/assessments/2022-05").get_data(as_text=True)
    assert "First call since the invasion" in public and "/assess?line=" not in public


def test_the_archive_as_csv_and_json(seeded: Flask, client: FlaskClient) -> None:
    key = lane(client, CHAIRMAN)
    assess(
        client, "2022-05", key, arrow="improved", reason='=HYPERLINK("https://evil.example")', notes="-1 @x"
    )
    answer = client.get("/assessments/2022-05.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"] == 'attachment; filename="assessments-2022-05.csv"'
    lines = answer.get_data(as_text=True).split("\r\n")
    assert lines[0] == (
        "month,line,label,arrow,reason,notes,signed_by,created_at,updated_at,suggested_arrow,suggested_reason"
    )
    [row] = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert row["reason"] == '\'=HYPERLINK("https://evil.example")' and row["notes"] == "'-1 @x"  # no formulas
    assert (row["month"], row["line"], row["label"], row["arrow"], row["signed_by"]) == (
        "2022-05",
        key,
        CHAIRMAN,
        "improved",
        EDITOR,
    )
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["updated_at"])
    assert client.get("/assessments/2022-05?format=csv").data == answer.data
    body = client.get("/assessments/2022-05.json").get_json()
    assert (
        body["month"] == "2022-05"
        and body["prev"] == "/assessments/2022-04"
        and body["next"] == "/assessments/2022-06"
    )
    [item] = body["items"]
    assert item["reason"] == '=HYPERLINK("https://evil.example")'  # JSON keeps the text as written
    assert item["updated_at"] == row["updated_at"] and item["id"] == 1
    assert client.get("/assessments/2022-05?format=json").get_json() == body
    assert client.get("/assessments/2022-06.json").get_json()["items"] == []


def test_a_pairs_history_on_its_page_and_as_csv_and_json(seeded: Flask, client: FlaskClient) -> None:
    key = lane(client, SECDEF)
    page = client.get(f"/pairs/{key}").get_data(as_text=True)
    assert "No month of this line assessed yet." in page
    assert f'href="/assessments/2026-12/assess?line={key}">Assess this month</a>' in page
    assess(client, "2022-05", key, arrow="improved", reason="First call since the invasion")
    assess(client, "2022-06", key, arrow="unchanged", reason="Silent, as usual")
    page = client.get(f"/pairs/{key}").get_data(as_text=True)
    history = re.findall(r'<tr id="line-\d+" data-line="[^"]+" data-arrow="(\w+)">', page)
    assert history == ["unchanged", "improved"]  # the latest month first
    csv_answer = client.get(f"/assessments/line/{key}.csv")
    assert csv_answer.headers["Content-Disposition"] == f'attachment; filename="assessments-{key}.csv"'
    assert [r["month"] for r in csv.DictReader(io.StringIO(csv_answer.get_data(as_text=True)))] == [
        "2022-06",
        "2022-05",
    ]
    body = client.get(f"/assessments/line/{key}.json").get_json()
    assert body["label"] == SECDEF and [i["arrow"] for i in body["items"]] == ["unchanged", "improved"]
    html = client.get(f"/assessments/line/{key}").get_data(as_text=True)
    assert "Silent, as usual" in html
    assert client.get("/assessments/line/p999-p998").status_code == 404


def test_a_dyad_is_a_line_of_its_own(seeded: Flask, client: FlaskClient) -> None:
    form = client.get("/assessments/2022-03/assess", query_string={"line": DYAD})
    assert form.status_code == 200
    assert 'data-arrow="deteriorated"' in form.get_data(as_text=True)  # the hotline's refusals
    assert (
        assess(client, "2022-03", DYAD, arrow="deteriorated", reason="Every channel refused").status_code
        == 303
    )
    archive = client.get("/assessments/2022-03").get_data(as_text=True)
    assert "Every channel refused" in archive and "countries</span>" in archive
    body = client.get("/assessments/line/" + DYAD + ".json").get_json()
    assert body["label"] == "United States – Russia" and body["items"][0]["reason"] == "Every channel refused"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"arrow": "improved", "reason": ""}, "reason", "is required"),
        ({"arrow": "improved", "reason": "x" * 201}, "reason", "at most 200 characters"),
        ({"arrow": "improved", "reason": "two\nlines"}, "reason", "one line"),
        ({"arrow": "better", "reason": "fine"}, "arrow", "'improved', 'unchanged' or 'deteriorated'"),
        ({"reason": "fine"}, "arrow", "is required"),
    ],
)
def test_bad_assessments_name_the_field_and_write_nothing(
    seeded: Flask, client: FlaskClient, fields: dict[str, str], field: str, message: str
) -> None:
    key = lane(client, SECDEF)
    answer = assess(client, "2022-05", key, **fields)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in html.unescape(page)
    assert 'id="suggestion"' in page  # the form again, with the suggestion beside it
    assert assessments_of(seeded) == [] and audit_entries(seeded) == []


def test_bad_lines_and_months(seeded: Flask, client: FlaskClient) -> None:
    unknown = assess(client, "2022-05", "p999-p998", arrow="improved", reason="fine")
    assert unknown.status_code == 400 and "no recorded pair or dyad" in unknown.get_data(as_text=True)
    missing = client.get("/assessments/2022-05/assess")
    assert missing.status_code == 400 and 'id="line-error"' in missing.get_data(as_text=True)
    future = assess(client, "2027-01", lane(client, SECDEF), arrow="improved", reason="fine")
    assert future.status_code == 400 and "must not be after this month" in future.get_data(as_text=True)
    for bad in ("2026-13", "November", "2026-1"):
        answer = client.get(f"/assessments/{bad}")
        assert answer.status_code == 404 and "YYYY-MM" in answer.get_data(as_text=True)
    assert client.post("/assessments/2026-13/assess", data={"line": DYAD}).status_code == 404
    wrong = client.get("/assessments/2022-05?format=xml")
    assert wrong.status_code == 400 and "format" in wrong.get_data(as_text=True)
    assert assessments_of(seeded) == []


def test_only_editors_open_the_form(seeded: Flask, anonymous: FlaskClient) -> None:
    answer = anonymous.get("/assessments/2022-05/assess?line=" + DYAD)
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    posted = anonymous.post(
        "/assessments/2022-05/assess", data={"line": DYAD, "arrow": "improved", "reason": "x"}
    )
    assert posted.status_code == 302 and assessments_of(seeded) == []


def test_assessments_appear_in_the_alerts_feed_with_stable_ids(seeded: Flask, client: FlaskClient) -> None:
    key = lane(client, CHAIRMAN)
    assess(client, "2022-05", key, arrow="improved", reason="First call since the invasion")

    def feed() -> dict[str, dict[str, str]]:
        root = ET.fromstring(client.get("/feeds/alerts.atom").data)
        return {
            str(e.findtext(f"{A}id")): {
                "title": str(e.findtext(f"{A}title")),
                "summary": str(e.findtext(f"{A}summary")),
                "category": str(e.find(f"{A}category").get("term")),  # type: ignore[union-attr]
                "link": str(e.find(f"{A}link").get("href")),  # type: ignore[union-attr]
            }
            for e in root.findall(f"{A}entry")
        }

    first = feed()
    entry = first["tag:contact-timeline-tracker,2026:assessment/1"]
    assert entry["title"] == f"Improved: {CHAIRMAN} (May 2022)"
    assert "First call since the invasion" in entry["summary"] and f"Signed {EDITOR}." in entry["summary"]
    assert entry["category"] == "assessment-improved" and entry["link"] == "/assessments/2022-05#line-1"
    assert any(e["category"] == "alarm" for e in first.values())  # the changes of level are still there
    assess(client, "2022-05", key, arrow="unchanged", reason="On reflection, one call")
    edited = feed()["tag:contact-timeline-tracker,2026:assessment/1"]  # the same entry, updated
    assert edited["title"].startswith("Unchanged: ")
    assert len([k for k in feed() if "assessment/" in k]) == 1


# Expected schedules -------------------------------------------------------------------------------


def test_a_missed_round_is_overdue_apart_from_the_silence(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner
) -> None:
    key = lane(client, SECDEF)
    saved = client.post(
        f"/pairs/{key}/schedule", data={"kind": "interval", "interval_days": "90", "note": "talks"}
    )
    assert saved.status_code == 303
    board = client.get("/pairs").get_data(as_text=True)
    row = re.search(r'<tr data-pair="' + re.escape(key) + r'".*?</tr>', board, re.S)
    assert row and 'class="overdue" title="round overdue: due by 2022-08-11 (every 90 days)' in row.group(0)
    other = re.search(r'<tr data-pair="' + re.escape(lane(client, CHAIRMAN)) + r'".*?</tr>', board, re.S)
    assert other and "overdue" not in other.group(0)
    page = text(client.get(f"/pairs/{key}").get_data(as_text=True))
    assert "Expected schedule: every 90 days (talks)." in page
    assert "The expected round is late: round overdue: due by 2022-08-11" in page
    item = next(p for p in client.get("/api/pairs?lanes=post").get_json()["items"] if p["pair_key"] == key)
    assert (
        item["overdue"] is True
        and item["overdue_due"] == "2022-08-11"
        and item["schedule"] == "every 90 days"
    )
    assert item["level"] == "alarm" and "round overdue" in item["alert_reason"]
    result = runner.invoke(args=["check-alerts", "--as-of", "2026-12-02"])
    assert f"1 round overdue: {SECDEF} (due by 2022-08-11)." in result.output
    assert result.output.count("\n") == 1  # one line
    yearly = client.post(f"/pairs/{key}/schedule", data={"kind": "yearly", "due_month": "12"})
    assert yearly.status_code == 303
    item = next(p for p in client.get("/api/pairs?lanes=post").get_json()["items"] if p["pair_key"] == key)
    assert item["schedule"] == "yearly, by the end of December" and item["overdue_due"] == "2025-12-31"
    cleared = client.post(f"/pairs/{key}/schedule", data={"clear": "1"})
    assert cleared.status_code == 303
    item = next(p for p in client.get("/api/pairs?lanes=post").get_json()["items"] if p["pair_key"] == key)
    assert item["schedule"] is None and item["overdue"] is False
    with seeded.app_context():
        actions = [
            e.action for e in get_session().exec(select(AuditEntry).where(AuditEntry.entity == "schedule"))
        ]
    assert actions == ["created", "updated", "deleted"]


def test_a_round_due_in_the_month_feeds_the_suggestion(seeded: Flask, client: FlaskClient) -> None:
    key = lane(client, SECDEF)
    client.post(f"/pairs/{key}/schedule", data={"kind": "interval", "interval_days": "90"})
    august = client.get(f"/assessments/2022-08/assess?line={key}").get_data(as_text=True)
    assert 'data-arrow="deteriorated"' in august and "round overdue: due by 2022-08-11" in august
    later = client.get(f"/assessments/2022-09/assess?line={key}").get_data(as_text=True)
    assert 'data-arrow="unchanged"' in later  # still late, but nothing new happened


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "interval"}, "interval_days", "required"),
        ({"kind": "interval", "interval_days": "often"}, "interval_days", "valid integer"),
        ({"kind": "interval", "interval_days": "0"}, "interval_days", "greater than or equal to 1"),
        ({"kind": "yearly"}, "due_month", "required"),
        ({"kind": "yearly", "due_month": "13"}, "due_month", "less than or equal to 12"),
        ({"kind": "weekly", "interval_days": "7"}, "kind", "'interval' or 'yearly'"),
    ],
)
def test_bad_schedules_name_the_field(
    seeded: Flask, client: FlaskClient, fields: dict[str, str], field: str, message: str
) -> None:
    key = lane(client, SECDEF)
    answer = client.post(f"/pairs/{key}/schedule", data=fields)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in html.unescape(page)
    item = next(p for p in client.get("/api/pairs?lanes=post").get_json()["items"] if p["pair_key"] == key)
    assert item["schedule"] is None


# Unobserved periods --------------------------------------------------------------------------------


def test_gaps_and_silences_overlapping_unobserved_periods_say_so(seeded: Flask, client: FlaskClient) -> None:
    key = lane(client, SECDEF)
    page = client.get(f"/pairs/{key}").get_data(as_text=True)
    assert "Partly unobserved" not in page
    # the first write records every line's level in the state log: with the reason that says so
    client.post(
        f"/pairs/{key}/unobserved", data={"start": "2025-01-01", "note": "Russia stopped disclosing contacts"}
    )
    with seeded.app_context():
        reasons = [c.reason for c in alert_log.recent(get_session(), key=key)]
    assert len(reasons) == 1 and reasons[0].startswith("silence partly unobserved (701 of ")
    item = next(p for p in client.get("/api/pairs?lanes=post").get_json()["items"] if p["pair_key"] == key)
    assert item["unobserved"] is True
    assert item["alert_reason"].startswith(
        "silence partly unobserved (701 of 1664 days: Russia stopped disclosing contacts): silent at least"
    )
    board = client.get("/pairs").get_data(as_text=True)
    row = re.search(r'<tr data-pair="' + re.escape(key) + r'".*?</tr>', board, re.S)
    assert row and "Partly unobserved" in row.group(0)
    # an assessment of a month inside it says so too
    form = client.get(f"/assessments/2025-03/assess?line={key}").get_data(as_text=True)
    assert "partly unobserved (Russia stopped disclosing contacts)" in form
    added = client.post(
        f"/pairs/{key}/unobserved", data={"start": "2022-03-01", "end": "2022-04-30", "note": "no readouts"}
    )
    assert added.status_code == 303
    gaps = re.search(
        r'<table class="data" id="gaps">.*?</table>', client.get(f"/pairs/{key}").get_data(as_text=True), re.S
    )
    assert gaps and 'class="partly-unobserved"' in gaps.group(0)
    assert "silence partly unobserved (61 of 83 days: no readouts)" in gaps.group(0)
    # a confirmed silence says nothing of blind spots
    other = lane(client, CHAIRMAN)
    item = next(p for p in client.get("/api/pairs?lanes=post").get_json()["items"] if p["pair_key"] == other)
    assert item["unobserved"] is False and "unobserved" not in item["alert_reason"]


def test_the_timeline_shades_unobserved_periods_on_their_lane(seeded: Flask, client: FlaskClient) -> None:
    key = lane(client, SECDEF)
    client.post(f"/pairs/{key}/unobserved", data={"start": "2025-01-01", "note": "no readouts"})
    fig = figure(client.get(f"/pairs/{key}").get_data(as_text=True), "timeline-chart")
    [y] = [lane["y"] for lane in fig["layout"]["meta"]["lanes"] if lane["key"] == key]
    bands = [s for s in fig["layout"]["shapes"] if s.get("yref") == "y" and s["x0"] == "2025-01-01"]
    assert len(bands) == 1 and bands[0]["x1"] == "2026-12-02" and bands[0]["y0"] < y < bands[0]["y1"]
    notes = [a for a in fig["layout"]["annotations"] if a.get("name") == "unobserved"]
    assert [n["hovertext"] for n in notes] == ["unobserved 2025-01-01 – 2026-12-02: no readouts"]
    # the board's timeline too, on that lane only; and the window the browser asks for when zooming
    board = figure(client.get("/").get_data(as_text=True), "timeline-chart")
    assert len([s for s in board["layout"]["shapes"] if s.get("yref") == "y"]) == 1
    zoomed = client.get(f"/timeline.json?key={key}&start=2024-06-01&end=2026-12-02").get_json()
    assert [a["text"] for a in zoomed["layout"]["annotations"] if a.get("name") == "unobserved"] == [
        "unobserved"
    ]


def test_removing_an_unobserved_period(seeded: Flask, client: FlaskClient) -> None:
    key = lane(client, SECDEF)
    client.post(f"/pairs/{key}/unobserved", data={"start": "2025-01-01", "note": "no readouts"})
    page = client.get(f"/pairs/{key}").get_data(as_text=True)
    period = re.search(rf"/pairs/{key}/unobserved/(\d+)/delete", page)
    assert period
    assert client.post(f"/pairs/{key}/unobserved/999/delete").status_code == 404
    assert client.post(period.group(0)).status_code == 303
    assert 'id="unobserved-periods"' not in client.get(f"/pairs/{key}").get_data(as_text=True)
    with seeded.app_context():
        actions = [
            e.action for e in get_session().exec(select(AuditEntry).where(AuditEntry.entity == "unobserved"))
        ]
    assert actions == ["created", "deleted"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"start": "", "note": "x"}, "start", "is required"),
        ({"start": "soon", "note": "x"}, "start", "is not a date we can read"),
        ({"start": "2025-01-01", "end": "2024-01-01", "note": "x"}, "end", "must not be before the start"),
        ({"start": "2025-01-01", "note": ""}, "note", "is required"),
    ],
)
def test_bad_unobserved_periods_name_the_field(
    seeded: Flask, client: FlaskClient, fields: dict[str, str], field: str, message: str
) -> None:
    key = lane(client, SECDEF)
    answer = client.post(f"/pairs/{key}/unobserved", data=fields)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert f'id="period-{field}-error"' in page and message in page
    assert 'id="unobserved-periods"' not in page


def test_backups_keep_assessments_schedules_and_unobserved_periods(
    seeded: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    key = lane(client, SECDEF)
    assess(client, "2022-05", key, arrow="improved", reason="First call since the invasion", notes="Ünïcode")
    client.post(f"/pairs/{key}/schedule", data={"kind": "yearly", "due_month": "11", "note": "annual"})
    client.post(f"/pairs/{key}/unobserved", data={"start": "2025-01-01", "note": "no readouts"})
    out = tmp_path / "backup.jsonl"
    assert runner.invoke(args=["backup", str(out)]).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines()[1:]
    tables = {json.loads(line)["t"] for line in lines}
    assert {"assessment", "pair_schedule", "unobserved_period"} <= tables
    restored = runner.invoke(args=["restore", str(out), "--replace"])
    assert restored.exit_code == 0, restored.output
    again = tmp_path / "again.jsonl"
    assert runner.invoke(args=["backup", str(again)]).exit_code == 0
    assert sorted(again.read_text(encoding="utf-8").splitlines()[1:]) == sorted(lines)
    body = client.get("/assessments/2022-05.json").get_json()
    assert [i["notes"] for i in body["items"]] == ["Ünïcode"]
    page = text(client.get(f"/pairs/{key}").get_data(as_text=True))
    assert "Expected schedule: yearly, by the end of November (annual)." in page
    assert "no readouts" in page


# The JSON API ----------------------------------------------------------------------------------------


def test_the_api_records_lists_and_updates_assessments(seeded: Flask, client: FlaskClient) -> None:
    body = {"line": DYAD, "month": "2022-05", "arrow": "improved", "reason": "Both defence lines spoke again"}
    created = client.post("/api/assessments", json=body)
    assert created.status_code == 201, created.get_data(as_text=True)
    item = created.get_json()
    assert created.headers["Location"] == f"/api/assessments/{item['id']}"
    assert (item["label"], item["signed_by"], item["arrow"]) == ("United States – Russia", EDITOR, "improved")
    assert item["suggested_arrow"] in ("improved", "unchanged", "deteriorated") and item["suggested_reason"]
    assert client.get(created.headers["Location"]).get_json() == item
    updated = client.post("/api/assessments", json={**body, "arrow": "unchanged", "notes": "On reflection"})
    assert updated.status_code == 200 and updated.get_json()["id"] == item["id"]
    listed = client.get("/api/assessments?month=2022-05").get_json()["items"]
    assert [(i["line"], i["arrow"], i["notes"]) for i in listed] == [(DYAD, "unchanged", "On reflection")]
    assert client.get("/api/assessments", query_string={"line": DYAD}).get_json()["items"] == listed
    assert client.get("/api/assessments?month=2022-06").get_json()["items"] == []
    assert client.get("/api/assessments/999").status_code == 404
    assert len(audit_entries(seeded)) == 2
    # and the page shows what the API wrote
    assert "On reflection" in client.get("/assessments/2022-05").get_data(as_text=True)


def test_the_api_refuses_bad_assessments_naming_the_field(
    seeded: Flask, client: FlaskClient, anonymous: FlaskClient
) -> None:
    good = {"line": DYAD, "month": "2022-05", "arrow": "improved", "reason": "fine"}
    for change, field in [
        ({"reason": ""}, "reason"),
        ({"reason": "x" * 201}, "reason"),
        ({"arrow": "better"}, "arrow"),
        ({"month": "2022-5"}, "month"),
        ({"month": "2027-01"}, "month"),
        ({"line": "p999-p998"}, "line"),
    ]:
        answer = client.post("/api/assessments", json={**good, **change})
        assert answer.status_code == 422, change
        assert field in answer.get_json()["fields"], (change, answer.get_json())
    assert client.get("/api/assessments?month=May").status_code == 422
    assert anonymous.post("/api/assessments", json=good).status_code == 401
    assert assessments_of(seeded) == []


def test_a_person_pair_can_be_assessed_from_its_page(seeded: Flask, client: FlaskClient) -> None:
    person = next(
        p for p in client.get("/api/pairs").get_json()["items"] if p["label"].startswith("Lloyd Austin")
    )
    key = person["pair_key"]
    page = client.get(f"/pairs/{key}").get_data(as_text=True)
    assert f"/assessments/2026-12/assess?line={key}" in page
    form = client.get(f"/assessments/2022-05/assess?line={key}").get_data(as_text=True)
    assert "ended a silence of 84 days, median gap 84" in form
    assert (
        assess(client, "2022-05", key, arrow="improved", reason="First call since February").status_code
        == 303
    )
    assert client.get(f"/assessments/line/{key}.json").get_json()["items"][0]["label"] == person["label"]


def test_the_cached_timeline_shows_a_new_unobserved_period(seeded: Flask, client: FlaskClient) -> None:
    key = lane(client, SECDEF)
    before = client.get("/").get_data(as_text=True)
    assert client.get("/").get_data(as_text=True) == before  # served from the cache while nothing changed
    assert "Russia stopped disclosing contacts" not in before
    client.post(
        f"/pairs/{key}/unobserved", data={"start": "2025-01-01", "note": "Russia stopped disclosing contacts"}
    )
    assert "Russia stopped disclosing contacts" in client.get("/").get_data(as_text=True)
