"""CSV import: the upload page with its preview, and `flask import-csv`; all or nothing."""

from __future__ import annotations

import hashlib
import io
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlmodel import SQLModel
from werkzeug.test import TestResponse

from benchmarks import synthetic
from tests.helpers import add_editor, event, make_csv, valid_form
from tracker import csvio, filerows, importing
from tracker.csvio import COLUMNS, RowError
from tracker.db import create_schema, get_engine, get_session, transaction
from tracker.forms import field_errors
from tracker.importing import CheckedFile, check_file, import_rows
from tracker.memo import Memo
from tracker.models import EventCreate, EventImport, LaneGap, LaneStat
from tracker.store import events as stored
from tracker.store import lanes, people, writes
from tracker.store.writes import plan_events


@pytest.fixture(autouse=True)
def upload_folder(app: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    app.config["IMPORT_FOLDER"] = str(folder)
    return folder


TWO_EVENTS = [
    event(),
    event(
        date="2023-03-16",
        official_b="Valery Gerasimov",
        role_b="Russian Chief of the General Staff",
        channel="video",
        status="attempted",
        initiated_by="",
    ),
]


def upload(client: FlaskClient, data: bytes, filename: str = "events.csv") -> TestResponse:
    return client.post(
        "/import", data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def confirm(client: FlaskClient, preview: TestResponse) -> TestResponse:
    html = preview.get_data(as_text=True)
    token = re.search(r'action="/import/([A-Za-z0-9_-]+)"', html)
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', html)
    assert token and fingerprint, html
    return client.post(f"/import/{token[1]}", data={"fingerprint": fingerprint[1]})


def counted(preview: TestResponse) -> dict[str, int]:
    html = preview.get_data(as_text=True)
    found = {name: int(n) for name, n in re.findall(r'<dd id="count-(\w+)">(\d+)</dd>', html)}
    return {name: found[name] for name in ("new", "existing", "officials") if name in found}


def problems(response: TestResponse) -> set[tuple[int, str]]:
    html = response.get_data(as_text=True)
    return {(int(line), col) for line, col in re.findall(r'data-line="(\d+)" data-column="([^"]*)"', html)}


def event_count(app: Flask) -> int:
    with app.app_context():
        return stored.count_events(get_session())


def official_names(app: Flask) -> list[str]:
    with app.app_context():
        return [o.name for o in people.list_officials(get_session())]


def test_upload_page_has_a_labelled_file_input_and_the_column_hint(client: FlaskClient) -> None:
    html = client.get("/import").get_data(as_text=True)
    assert '<label for="file">' in html
    assert re.search(r'<input id="file" name="file" type="file"', html)
    assert 'enctype="multipart/form-data"' in html
    assert 'href="/import/template.csv"' in html and 'href="/events.csv"' in html
    assert all(f"<code>{c}</code>" in html for c in COLUMNS)
    assert '<progress id="upload-progress"' in html and 'for="upload-progress"' in html
    assert "/static/import.js" in html


def test_template_is_the_header_of_the_contract(client: FlaskClient) -> None:
    response = client.get("/import/template.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.get_data(as_text=True) == ",".join(COLUMNS) + "\r\n"


def test_upload_previews_then_confirm_stores_the_events(
    app: Flask, client: FlaskClient, upload_folder: Path
) -> None:
    preview = upload(client, make_csv(TWO_EVENTS))
    assert preview.status_code == 200
    assert counted(preview) == {"new": 2, "existing": 0, "officials": 3}
    html = preview.get_data(as_text=True)
    assert "Valery Gerasimov" in html and "Confirm import" in html
    assert event_count(app) == 0  # the preview writes nothing
    assert len(list(upload_folder.glob("*.csv"))) == 1

    done = confirm(client, preview)
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert "Imported 2 events (0 already present)" in client.get("/").get_data(as_text=True)
    with app.app_context():
        events = stored.list_events(get_session())
    assert [(e.date.isoformat(), e.official_b, e.channel, e.status, e.initiated_by) for e in events] == [
        ("2023-03-15", "Sergei Shoigu", "phone", "held", "Lloyd Austin"),
        ("2023-03-16", "Valery Gerasimov", "video", "attempted", ""),
    ]
    assert list(upload_folder.glob("*")) == []


def test_preview_counts_what_confirm_adds(seeded: Flask, client: FlaskClient) -> None:
    export = client.get("/events.csv").get_data()
    before = official_names(seeded)
    new = make_csv(
        [event(official_a="lloyd austin", country_a="", official_b="Sergei Ryabkov", initiated_by="")]
    )
    preview = upload(client, export + new.split(b"\r\n", 1)[1])
    assert counted(preview) == {"new": 1, "existing": 5, "officials": 1}
    confirm(client, preview)
    assert "Imported 1 event (5 already present)" in client.get("/").get_data(as_text=True)
    assert event_count(seeded) == 6
    assert official_names(seeded) == sorted([*before, "Sergei Ryabkov"])


LATIN1 = make_csv([event(summary="Réunion")]).decode("utf-8").encode("latin-1")
HEADER_WITHOUT_STATUS = [c for c in COLUMNS if c != "status"]


@pytest.mark.parametrize(
    ("data", "expected", "says"),
    [
        pytest.param(
            make_csv([event(), event(date="19/05/2022")]),
            {(3, "date")},
            "'19/05/2022' is not a date: write it as YYYY-MM-DD",
            id="bad date",
        ),
        pytest.param(
            make_csv([event(channel="fax")]), {(2, "channel")}, "must be 'phone'", id="unknown channel"
        ),
        pytest.param(
            make_csv([event()], columns=HEADER_WITHOUT_STATUS),
            {(1, "status")},
            "missing column",
            id="missing column",
        ),
        pytest.param(
            make_csv([event()]) + b"2023-01-01,day,extra\r\n",
            {(3, "")},
            "has 3 cells, the header has 17",
            id="wrong cell count",
        ),
        pytest.param(
            make_csv([event(), event(date="2023-04-01", country_a="UK")]),
            {(3, "country_a")},
            "'Lloyd Austin' is recorded with country 'United States', not 'United Kingdom'",
            id="contradicting country",
        ),
        pytest.param(LATIN1, {(2, "summary")}, "not UTF-8 text (byte 0xE9)", id="not UTF-8"),
        pytest.param(
            make_csv([event(summary="two\r\nlines"), event(), event(date="2023-02-30")]),
            {(5, "date")},
            "is not a date",
            id="line after a multi-line cell",
        ),
        pytest.param(
            make_csv(
                [
                    event(channel="fax"),
                    event(),
                    event(date="soon"),
                    event(date="2023-05-01", country_b="China"),
                ]
            ),
            {(2, "channel"), (4, "date"), (5, "country_b")},
            "problems in events.csv",
            id="every bad row",
        ),
    ],
)
def test_bad_rows_are_reported_by_line_and_column_and_nothing_is_written(
    seeded: Flask,
    client: FlaskClient,
    upload_folder: Path,
    data: bytes,
    expected: set[tuple[int, str]],
    says: str,
) -> None:
    before = event_count(seeded), official_names(seeded)
    response = upload(client, data)
    assert response.status_code == 400
    assert problems(response) == expected
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert says in html and "nothing was imported" in html
    assert (event_count(seeded), official_names(seeded)) == before
    assert list(upload_folder.glob("*")) == []


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (None, "is required: choose the file to import"),
        (b"", "events.csv is empty"),
        (make_csv([]), "events.csv has the header line but no events below it"),
    ],
    ids=["no file", "empty file", "header only"],
)
def test_missing_or_empty_file_is_a_400_naming_the_field(
    app: Flask, client: FlaskClient, data: bytes | None, says: str
) -> None:
    if data is None:
        response = client.post("/import", data={}, content_type="multipart/form-data")
    else:
        response = upload(client, data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'<p class="error" id="file-error"><strong>CSV file</strong> ' + re.escape(says), html)
    assert 'aria-describedby="file-hint file-error" aria-invalid="true"' in html
    assert event_count(app) == 0


def test_file_over_the_size_limit_is_a_413(app: Flask, client: FlaskClient) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 2048
    response = upload(client, make_csv([event(date=f"2023-01-{d:02}") for d in range(1, 29)]))
    assert response.status_code == 413
    assert "<strong>CSV file</strong> is larger than the 2 KB limit" in response.get_data(as_text=True)
    assert event_count(app) == 0


@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_bom_and_either_line_end_are_tolerated(app: Flask, client: FlaskClient, newline: str) -> None:
    data = "\ufeff".encode() + make_csv(TWO_EVENTS, newline=newline)
    preview = upload(client, data)
    assert preview.status_code == 200, preview.get_data(as_text=True)
    assert counted(preview)["new"] == 2
    confirm(client, preview)
    assert event_count(app) == 2


def test_id_and_date_end_columns_may_be_absent(app: Flask, client: FlaskClient) -> None:
    columns = [c for c in COLUMNS if c not in ("id", "date_end")]
    preview = upload(client, make_csv(TWO_EVENTS, columns=columns))
    assert counted(preview)["new"] == 2
    confirm(client, preview)
    with app.app_context():
        assert [e.date_end for e in stored.list_events(get_session())] == [None, None]


def test_export_import_export_gives_the_same_file(seeded: Flask, client: FlaskClient) -> None:
    first = client.get("/events.csv").get_data()
    assert first.count(b"\r\n") == 6  # the header and the five seed events
    with seeded.app_context():
        engine = get_engine()
        SQLModel.metadata.drop_all(engine)
        create_schema(engine)
        add_editor(engine)
    assert event_count(seeded) == 0
    confirm(client, upload(client, first))
    assert client.get("/events.csv").get_data() == first


def test_importing_the_same_file_twice_adds_nothing(app: Flask, client: FlaskClient) -> None:
    data = make_csv(TWO_EVENTS)
    confirm(client, upload(client, data))
    again = upload(client, data)
    assert counted(again) == {"new": 0, "existing": 2, "officials": 0}
    assert "Confirm import" not in again.get_data(as_text=True)
    assert event_count(app) == 2
    assert len(official_names(app)) == 3


def test_repeated_rows_and_known_officials_are_not_duplicated(seeded: Flask, client: FlaskClient) -> None:
    row = event(
        official_a="LLOYD AUSTIN", country_a="", official_b="sergei shoigu", country_b="", initiated_by=""
    )
    before = official_names(seeded)
    preview = upload(client, make_csv([row, row]))
    assert counted(preview) == {"new": 1, "existing": 1, "officials": 0}
    confirm(client, preview)
    assert event_count(seeded) == 6
    assert official_names(seeded) == before
    with seeded.app_context():
        added = stored.list_events(get_session())[-1]
    assert (added.official_a, added.official_b, added.initiated_by) == ("Lloyd Austin", "Sergei Shoigu", "")


def test_a_new_official_needs_one_country(app: Flask, client: FlaskClient) -> None:
    data = make_csv(
        [event(country_a=""), event(country_b="Russia"), event(date="2023-04-01", country_b="Belarus")]
    )
    response = upload(client, data)
    assert response.status_code == 400
    assert problems(response) == {(2, "country_a"), (4, "country_b")}
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert "give the country of new official 'Lloyd Austin'" in html
    assert "'Sergei Shoigu' is given as of 'Russia' on another row, not 'Belarus'" in html
    assert event_count(app) == 0 and official_names(app) == []


def test_confirm_asks_again_when_the_database_changed_since_the_preview(
    app: Flask, client: FlaskClient
) -> None:
    preview = upload(client, make_csv(TWO_EVENTS))
    assert client.post("/events/new", data=valid_form()).status_code == 302  # the first row, stored meanwhile
    stale = confirm(client, preview)
    assert stale.status_code == 409
    assert "changed since this preview" in stale.get_data(as_text=True)
    assert counted(stale) == {"new": 1, "existing": 1, "officials": 1}
    assert event_count(app) == 1
    assert confirm(client, stale).status_code == 303
    assert event_count(app) == 2


def test_cancel_forgets_the_upload_and_confirm_then_writes_nothing(
    app: Flask, client: FlaskClient, upload_folder: Path
) -> None:
    preview = upload(client, make_csv(TWO_EVENTS))
    token = re.search(r'action="/import/([\w-]+)/cancel"', preview.get_data(as_text=True))
    assert token
    cancelled = client.post(f"/import/{token[1]}/cancel")
    assert cancelled.status_code == 303 and cancelled.headers["Location"] == "/import"
    assert list(upload_folder.glob("*")) == []
    late = confirm(client, preview)
    assert late.status_code == 303 and late.headers["Location"] == "/import"
    assert "no longer waiting" in client.get("/import").get_data(as_text=True)
    assert event_count(app) == 0


def test_confirming_twice_imports_once(app: Flask, client: FlaskClient) -> None:
    preview = upload(client, make_csv(TWO_EVENTS))
    assert confirm(client, preview).headers["Location"] == "/"
    assert confirm(client, preview).headers["Location"] == "/import"
    assert event_count(app) == 2


def test_import_rows_names_the_line_of_a_row_the_write_refused(app: Flask) -> None:
    ok = EventCreate.model_validate(event(id=None, date_end=None))
    contradicting = EventCreate.model_validate(
        event(id=None, date_end=None, date="2023-04-01", country_a="UK")
    )
    with app.app_context():
        session = get_session()
        checked = check_file(session, make_csv([event(), event(date="2023-04-01", country_a="UK")]))
        assert [(e.line, e.column) for e in checked.errors] == [(3, "country_a")]
        # a plan with refused rows is refused by line when applied, and writes nothing
        stale = CheckedFile([(2, ok), (7, contradicting)], [], plan_events(session, [ok, contradicting]))
        result, errors = import_rows(session, stale)
    assert result is None
    assert [(e.line, e.column) for e in errors] == [(7, "country_a")]
    assert isinstance(errors[0], RowError) and "is given as of 'United States'" in errors[0].message
    assert event_count(app) == 0  # the good row is not written either


# The command ------------------------------------------------------------------------------


def test_cli_imports_and_a_second_run_adds_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(make_csv(TWO_EVENTS))
    first = runner.invoke(args=["import-csv", str(path)])
    assert first.exit_code == 0, first.output
    assert (
        "Imported 2 events, 0 further sources of recorded contacts, skip 0 already present (3 new officials)."
        in first.output
    )
    second = runner.invoke(args=["import-csv", str(path)])
    assert (
        "Imported 0 events, 0 further sources of recorded contacts, skip 2 already present (0 new officials)."
        in second.output
    )
    assert event_count(app) == 2 and len(official_names(app)) == 3


def test_cli_dry_run_writes_nothing(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(make_csv(TWO_EVENTS))
    result = runner.invoke(args=["import-csv", "--dry-run", str(path)])
    assert result.exit_code == 0, result.output
    assert (
        "would import 2 events, 0 further sources of recorded contacts, skip 0 already present, "
        "and add 3 new officials" in result.output
    )
    assert event_count(app) == 0 and official_names(app) == []


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]], ids=["import", "dry run"])
def test_cli_reports_every_bad_row_and_exits_non_zero(
    seeded: Flask, runner: FlaskCliRunner, tmp_path: Path, dry_run: list[str]
) -> None:
    path = tmp_path / "bad.csv"
    rows = [event(channel="fax"), event(), event(date="2023-13-01"), event(date="2023-04-01", country_a="UK")]
    path.write_bytes(make_csv(rows))
    result = runner.invoke(args=["import-csv", *dry_run, str(path)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:3] == [
        "line 2, column channel: must be 'phone', 'video', 'in_person', 'hotline', 'letter' or 'other'",
        "line 4, column date: '2023-13-01' is not a date: write it as YYYY-MM-DD, e.g. 2022-05-19",
        "line 5, column country_a: 'Lloyd Austin' is recorded with country 'United States', not 'United Kingdom'",
    ]
    assert "3 problems in" in result.stderr and "nothing was imported" in result.stderr
    assert event_count(seeded) == 5


def test_round_trip_keeps_ids_when_events_were_deleted(seeded: Flask, client: FlaskClient) -> None:
    assert client.post("/events/1/delete").status_code == 302
    client.post("/events/new", data=valid_form(date="2023-03-15"))  # gets id 6
    first = client.get("/events.csv").get_data()
    assert first.splitlines()[1].startswith(b"2,2022-02-18")
    with seeded.app_context():
        engine = get_engine()
        SQLModel.metadata.drop_all(engine)
        create_schema(engine)
        add_editor(engine)
    confirm(client, upload(client, first))
    assert client.get("/events.csv").get_data() == first
    # the next event follows the largest id (PostgreSQL's sequence included)
    assert client.post("/events/new", data=valid_form(date="2023-04-01")).status_code == 302
    assert client.get("/events.csv").get_data(as_text=True).splitlines()[-1].startswith("7,2023-04-01")


def test_an_id_already_taken_gets_a_new_one(seeded: Flask, client: FlaskClient) -> None:
    data = make_csv([event(id="1", date="2023-03-15")])
    confirm(client, upload(client, data))
    rows = client.get("/events.csv").get_data(as_text=True).splitlines()
    assert rows[-1].startswith("6,2023-03-15")


@pytest.mark.parametrize("size", [3_000])
def test_importing_a_file_again_adds_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path, size: int
) -> None:
    """Every report is kept with a contact its dates can be, so a second import finds each one recorded.

    Synthetic data (benchmarks.synthetic) holds many reports of one contact at other precisions and
    reports without an address; before, a week-wide report could end up a source of a contact
    outside its week, and an address-less report was added again on every import.
    """
    from benchmarks.synthetic import write_csv

    path = tmp_path / "synthetic.csv"
    write_csv(path, size)
    first = runner.invoke(args=["import-csv", "--new-names", "new", str(path)])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["import-csv", "--new-names", "new", str(path)])
    assert again.exit_code == 0, again.output
    assert (
        f"Imported 0 events, 0 further sources of recorded contacts, skip {size} already present"
        in again.output
    )


# The reader cleans each distinct cell once (``csvio._cleaner``): it must read every row exactly as
# validating its cells one by one as ``EventImport`` does.

_CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    role=_CELL,
    publisher=st.one_of(_CELL, st.text(min_size=81, max_size=120, alphabet="ab ")),
    summary=st.one_of(_CELL, st.sampled_from(["'=1+2", "  e\u0301t\u00e9  ", "\ttab", "''-x"])),
    spaces=st.sampled_from(["", " ", "  \t"]),
)
def test_the_reader_reads_rows_as_validating_each_cell_does(
    role: str, publisher: str, summary: str, spaces: str
) -> None:
    row = event(
        role_a=spaces + role + spaces,
        source_publisher=publisher,
        summary=summary,
        official_b=spaces + "Valery Gerasimov",
        date=spaces + "2023-03-16",
    )
    expected_errors: dict[str, str] = {}
    try:
        expected = EventImport.model_validate(
            {
                k: csvio.restore(v) or None if k in ("id", "date_end", "source_date") else csvio.restore(v)
                for k, v in row.items()
            }
        )
    except ValidationError as exc:
        expected = None
        expected_errors = field_errors(exc)
    rows, errors = csvio.read_events_file(make_csv([row, row]))
    if expected is None:
        assert {(e.line, e.column) for e in errors} == {(n, c) for n in (2, 3) for c in expected_errors}
        assert rows == []
    else:
        assert errors == []
        assert [line for line, _ in rows] == [2, 3]
        for _, read in rows:
            assert read.model_dump() == expected.model_dump()


def test_a_control_character_is_named_by_line_and_column_with_the_rows_other_problems() -> None:
    rows, errors = csvio.read_events_file(
        make_csv(
            [
                event(),
                event(official_a="Lloyd\x07Austin", initiated_by="", date="2023-02-30"),
                event(role_b="x\x1b"),
            ]
        )
    )
    assert [line for line, _ in rows] == [2]
    assert {(e.line, e.column) for e in errors} == {(3, "official_a"), (3, "date"), (4, "role_b")}
    assert all("control characters" in e.message for e in errors if e.column != "date")


def _stored_lanes(session: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    stats = session.execute(
        sa.select(
            LaneStat.mode, LaneStat.key, LaneStat.dyad, LaneStat.last_event, LaneStat.stats, LaneStat.changes
        )
    ).all()
    gaps = session.execute(
        sa.select(*(c for c in LaneGap.__table__.c if c.name != "id"))  # type: ignore[attr-defined]
    ).all()
    key = repr
    return sorted((tuple(r) for r in stats), key=key), sorted((tuple(r) for r in gaps), key=key)


def test_lanes_an_import_works_out_from_its_rows_equal_those_read_back_from_the_events(
    seeded: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    # new lanes (worked out from the rows in hand), lanes with recorded events (read back), and a
    # lane with a deleted event (read back: the deleted event counts among its rows, not its stats)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    synthetic.write_csv(first, 1200, seed=7)
    synthetic.write_csv(second, 1500, seed=8)
    with seeded.app_context():
        writes.delete_event(get_session(), 1)
    for path in (first, second):
        result = runner.invoke(args=["import-csv", "--new-names", "new", str(path)])
        assert result.exit_code == 0, result.output
        with seeded.app_context():
            session = get_session()
            after_import = _stored_lanes(session)
            assert len(after_import[0]) > 20 and len(after_import[1]) > 500
            with transaction(session):
                lanes.refresh(session, post=None, person=None)
            assert _stored_lanes(session) == after_import


def test_a_more_exact_later_row_becomes_the_event_and_the_earlier_row_its_source(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = [
        event(
            date="2023-03-01",
            date_precision="month",
            summary="A call in March, says one outlet.",
            source_url="https://example.org/march",
            source_publisher="Outlet A",
        ),
        event(summary="Another story."),  # a contact of its own, between them
        event(
            date="2023-03-15",
            summary="The call was on 15 March.",
            source_url="https://example.org/15-march",
            source_publisher="Outlet B",
        ),
    ]
    rows[1].update(date="2021-06-01")
    path = tmp_path / "reports.csv"
    path.write_bytes(make_csv(rows))
    result = runner.invoke(args=["import-csv", "--new-names", "new", str(path)])
    assert result.exit_code == 0 and "2 events, 1 further source" in result.output, result.output
    listed = sorted(client.get("/api/events").get_json()["items"], key=lambda e: e["date"])
    assert [(e["date"], e["date_precision"]) for e in listed] == [
        ("2021-06-01", "day"),
        ("2023-03-15", "day"),
    ]
    call = listed[1]
    got = client.get(f"/api/events/{call['id']}").get_json()
    assert [s["source_url"] for s in got["sources"]] == ["https://example.org/march"]
    with app.app_context():
        actions = [c.action for c in stored.event_history(get_session(), call["id"])]
    assert actions == ["created", "corroborated"]


def test_fresh_ids_come_after_the_ids_a_file_gives_and_a_later_event_after_both(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = [event(date="2021-01-05"), event(id="500", date="2021-02-05"), event(date="2021-03-05")]
    path = tmp_path / "ids.csv"
    path.write_bytes(make_csv(rows))
    assert runner.invoke(args=["import-csv", "--new-names", "new", str(path)]).exit_code == 0
    listed = sorted(client.get("/api/events").get_json()["items"], key=lambda e: e["date"])
    assert [e["id"] for e in listed] == [501, 500, 502]
    response = client.post("/events/new", data=valid_form(date="2021-04-05"))
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    assert max(e["id"] for e in client.get("/api/events").get_json()["items"]) == 503


def test_rows_kept_on_disk_read_back_as_they_were_validated(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    synthetic.write_csv(path, 2 * filerows.CHUNK + 345, seed=3)
    validated, errors = csvio.read_events_file(path.read_bytes())
    assert errors == [] and len(validated) > 2 * filerows.CHUNK
    kept = filerows.FileRows()
    for line, row in validated:
        kept.append(line, row)
    kept.close_writing()
    expected = [
        (
            line,
            filerows.EventRow(
                **{k: str(v) if isinstance(v, StrEnum) else v for k, v in row.__dict__.items()}
            ),
        )
        for line, row in validated
    ]
    assert list(kept) == expected
    assert len(kept) == len(expected) and kept[-1] == expected[-1] and kept[2001] == expected[2001]
    chosen = [0, 5, filerows.CHUNK - 1, filerows.CHUNK, len(expected) - 1]
    assert list(kept.pick(chosen)) == [expected[i][1] for i in chosen]
    assert list(kept.lines) == [line for line, _ in validated]
    assert filerows.EventRow._fields == tuple(EventImport.model_fields)
    with pytest.raises(IndexError):
        kept[len(expected)]


@pytest.mark.parametrize("bom", [b"", csvio.BOM])
def test_a_byte_that_is_not_utf8_far_into_a_file_is_named_by_its_line(bom: bytes) -> None:
    # rows of multi-byte text, so that the parts the file is read in cut characters in two
    good = event(summary="Переговоры по телефону — 会谈 " * 20)
    body = make_csv([good] * 900)
    assert len(body) > 2 * (1 << 20) // 3
    bad_row = make_csv([event(summary="caf\xe9")]).split(b"\r\n", 1)[1].replace(b"caf\xc3\xa9", b"caf\xe9")
    data = bom + body + bad_row + make_csv([good] * 300).split(b"\r\n", 1)[1]
    checked = importing.read_file(io.BytesIO(data))
    assert [(e.line, e.column) for e in checked.errors] == [(902, "summary")]
    assert "byte 0xE9" in checked.errors[0].message
    assert checked.digest == hashlib.sha256(data).hexdigest()
    clean = importing.read_file(bom + body)
    assert clean.errors == [] and len(clean.rows) == 900


def test_the_memo_remembers_short_texts_only() -> None:
    made: list[str] = []

    def make(text: str) -> str:
        made.append(text)
        return text.strip()

    memo: Memo[str, str] = Memo(make, limit=3, longest=5)
    assert [memo[t] for t in (" a ", " a ", "long text ", "long text ")] == [
        "a",
        "a",
        "long text",
        "long text",
    ]
    assert made == [" a ", "long text ", "long text "] and list(memo) == [" a "]
    for text in ("b", "c", "d"):
        memo[text]
    assert list(memo) == ["d"]  # past the limit it forgets them all


def test_a_long_cell_in_a_column_that_repeats_is_read_as_it_is() -> None:
    role = "  Special Envoy " + "of the President " * 8 + " "
    rows, errors = csvio.read_events_file(
        make_csv([event(role_a=role), event(role_a=role, date="2022-05-20")])
    )
    assert errors == [] and [r.role_a for _, r in rows] == [role.strip()] * 2
