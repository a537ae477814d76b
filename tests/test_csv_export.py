"""/events.csv: the contract of DOMAIN.md, exactly."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import parse_qsl

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session
from werkzeug.datastructures import MultiDict

from tests.helpers import EXAMPLE_EVENT, valid_form
from tracker.csvio import CHUNK, COLUMNS, csv_cell, export_csv, export_joined, neutralise
from tracker.db import get_engine
from tracker.filters import parse_filters
from tracker.store import events
from tracker.vocabulary import Channel, Precision, Status

HILL = "https://thehill.com/policy/defense/3494706-milley-speaks-with-russian-counterpart-for-first-time-since-start-of-war/"

EXPECTED_SEED_CSV = (
    "id,date,date_end,date_precision,official_a,role_a,country_a,official_b,role_b,country_b,"
    "channel,status,initiated_by,summary,source_url,source_publisher,source_date\r\n"
    "1,2022-02-18,,day,Lloyd Austin,US Secretary of Defense,United States,Sergei Shoigu,Russian Minister of Defence,"
    "Russia,phone,held,,Previous Austin–Shoigu conversation before the invasion of Ukraine; the next was not "
    f"until May 13.,{HILL},The Hill,2022-05-19\r\n"
    "2,2022-02-18,,day,Mark Milley,US Chairman of the Joint Chiefs of Staff,United States,Valery Gerasimov,"
    'Russian Chief of the General Staff,Russia,phone,held,,"Last Milley–Gerasimov conversation before the war, '
    f'six days before Russia attacked Ukraine.",{HILL},The Hill,2022-05-19\r\n'
    "3,2022-03-01,2022-05-09,week,U.S. European Command,,United States,Russian Ministry of Defence,,Russia,hotline,refused,"
    'U.S. European Command,"The Pentagon consistently tried to reach Russian defense officials through the '
    '""deconfliction"" hotline at U.S. European Command headquarters in Stuttgart; until the week before '
    f'May 19 the outreach was repeatedly rebuffed.",{HILL},The Hill,2022-05-19\r\n'
    "4,2022-05-13,,day,Lloyd Austin,US Secretary of Defense,United States,Sergei Shoigu,Russian Minister of Defence,"
    'Russia,phone,held,,"First Austin–Shoigu call since February 18 (""less than one week"" before May 19; '
    f'the Pentagon dated it May 13).",{HILL},The Hill,2022-05-19\r\n'
    "5,2022-05-19,,day,Mark Milley,US Chairman of the Joint Chiefs of Staff,United States,Valery Gerasimov,"
    "Russian Chief of the General Staff,Russia,phone,held,,Discussed several security-related issues of "
    "concern and agreed to keep the lines of communication open (readout by Joint Staff spokesperson Col. Dave "
    f"Butler). First conversation since the invasion.,{HILL},The Hill,2022-05-19\r\n"
)


def test_seed_export_is_exactly_the_contract(seeded: Flask, client: FlaskClient) -> None:
    response = client.get("/events.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="contact-events-')
    assert response.is_streamed
    assert response.get_data().decode("utf-8") == EXPECTED_SEED_CSV


def test_empty_database_exports_the_header_only(client: FlaskClient) -> None:
    assert client.get("/events.csv").get_data(as_text=True) == ",".join(COLUMNS) + "\r\n"


def test_export_sorted_by_date_and_quoting_survives_a_round_trip(seeded: Flask, client: FlaskClient) -> None:
    tricky = 'Said "no", then:\nline two, with commas; and unicode — Шойгу'
    client.post("/events/new", data=valid_form(date="2021-06-01", summary=tricky, initiated_by=""))
    rows = list(csv.DictReader(io.StringIO(client.get("/events.csv").get_data(as_text=True), newline="")))
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert rows[0]["summary"] == tricky
    assert rows[0]["initiated_by"] == ""
    assert list(rows[0]) == list(COLUMNS)


def test_export_csv_streams_whole_lines_in_chunks() -> None:
    class Row:
        def __init__(self, n: int) -> None:
            for column in COLUMNS:
                setattr(self, column, "")
            self.id = n

    def rows():  # type: ignore[no-untyped-def]
        n = 0
        while True:  # endless: the export must not read ahead of what it hands over
            yield Row(n)
            n += 1

    chunks = export_csv(rows())
    assert next(chunks) == ",".join(COLUMNS) + "\r\n"
    first, second = next(chunks), next(chunks)
    for chunk in (first, second):
        assert CHUNK <= len(chunk) < CHUNK + 200
        assert chunk.endswith("\r\n")
    lines = (first + second).split("\r\n")[:-1]
    assert lines[0] == "0" + "," * (len(COLUMNS) - 1)
    assert [int(line.split(",")[0]) for line in lines] == list(range(len(lines)))


def test_export_csv_writes_dicts_objects_and_sequences_alike() -> None:
    day = dt.date(2022, 5, 19)
    values = {c: "" for c in COLUMNS} | {"id": 7, "date": day, "summary": 'say "hi", then\nleave'}
    as_object = type("Row", (), values)()
    as_sequence = tuple(None if v == "" else v for v in values.values())
    texts = {"".join(export_csv([row])) for row in (values, as_object, as_sequence)}
    line = "7,2022-05-19" + "," * 12 + '"say ""hi"", then\nleave"' + ",,,\r\n"
    assert texts == {",".join(COLUMNS) + "\r\n" + line}


def test_timeline_links_to_csv(seeded: Flask, client: FlaskClient) -> None:
    assert 'href="/events.csv"' in client.get("/").get_data(as_text=True)


def api_event(**overrides: object) -> dict[str, object]:
    return {**EXAMPLE_EVENT, "date_end": None, **overrides}


def _written_by_csv_writer(text: str) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([neutralise(text), "x"])
    return out.getvalue().removesuffix(",x\r\n")


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")))
def test_a_text_cell_is_written_as_csv_writer_writes_it_neutralised(text: str) -> None:
    assert csv_cell(text) == _written_by_csv_writer(text)


@pytest.mark.parametrize(
    "text", ["", "a,b", 'say "hi"', "two\nlines", "cr\ronly", "=1+1", "'=x", "@here", "-5", "Шойгу"]
)
def test_text_cells_that_need_care(text: str) -> None:
    assert csv_cell(text) == _written_by_csv_writer(text)


def test_the_columns_joined_by_the_database_never_need_quoting_or_neutralising() -> None:
    words = [str(w) for vocabulary in (Channel, Precision, Status) for w in vocabulary]
    assert words and all(csv_cell(w) == w for w in words)
    assert events.VERBATIM_COLUMNS <= set(COLUMNS)
    assert {"id", "date", "date_end", "source_date"} <= events.VERBATIM_COLUMNS


def test_export_joined_streams_whole_lines_in_chunks() -> None:
    def rows():  # type: ignore[no-untyped-def]
        n = 0
        while True:  # endless: the export must not read ahead of what it hands over
            yield (f"{n},2022-05-19", 'a "quoted", name')
            n += 1

    chunks = export_joined(rows(), [True, False], ("id,date", "name"))
    assert next(chunks) == '"id,date",name\r\n'
    first, second = next(chunks), next(chunks)
    for chunk in (first, second):
        assert CHUNK <= len(chunk) < CHUNK + 200
        assert chunk.endswith("\r\n")
    lines = (first + second).split("\r\n")[:-1]
    assert lines[0] == '0,2022-05-19,"a ""quoted"", name"'
    assert [int(line.split(",")[0]) for line in lines] == list(range(len(lines)))


TRICKY = [
    '=HYPERLINK("https://evil.example")',
    "'already quoted",
    "+ plus, and a comma",
    'Said "no", then:\nline two',
    "carriage\rreturn",
    "—Шойгу 国防部",
    "@mention",
    "-minus",
]


def test_the_download_is_what_the_csv_writer_makes_of_the_same_rows(app: Flask, client: FlaskClient) -> None:
    """The database-joined export (fast path) writes exactly the bytes of ``export_csv`` of the plain select."""
    for i, text in enumerate(TRICKY):
        body = api_event(
            date=f"2023-{1 + i:02d}-10",
            summary=text,
            source_publisher=text,
            role_a=text.replace("\n", " ").replace("\r", " ")[:200],
            date_end=f"2023-{1 + i:02d}-12" if i % 2 else None,
            source_date=None if i % 3 else "2023-03-01",
        )
        assert client.post("/api/events", json=body).status_code == 201, text
    for query in ("", "?status=held", "?q=Said"):
        downloaded = client.get(f"/events.csv{query}").get_data(as_text=True)
        flt, errors = parse_filters(MultiDict(parse_qsl(query.removeprefix("?"))))
        assert not errors
        with app.app_context():
            with Session(get_engine()) as session:
                expected = "".join(export_csv(session.execute(events.export_select(flt))))
        assert downloaded == expected, query
        assert downloaded.count("\r\n") > 1
    assert "'=HYPERLINK" in client.get("/events.csv").get_data(as_text=True)
