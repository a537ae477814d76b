"""Attacks through files and names: spreadsheet formulas, absurd headers, markup in names, the import stash."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import SQLModel

from tests.helpers import EXAMPLE_EVENT, add_editor
from tracker.csvio import neutralise, restore
from tracker.db import create_schema, get_engine

FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "'=already quoted",
    "''+twice",
]


def api_event(**overrides: Any) -> dict[str, Any]:
    return {**EXAMPLE_EVENT, "date_end": None, **overrides}


@pytest.mark.parametrize("text", [*FORMULAS, "plain", "", "2022-05-19", "'just a quote"])
def test_neutralised_cells_read_back_as_they_were(text: str) -> None:
    assert restore(neutralise(text)) == text
    assert not re.match(r"[=+\-@\t\r]", neutralise(text))


def test_formula_cells_are_exported_harmless_and_imported_back_unchanged(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    for i, payload in enumerate(FORMULAS):
        body = api_event(date=f"2023-01-{10 + i}", summary=payload, source_publisher=payload)
        assert client.post("/api/events", json=body).status_code == 201, payload
    exported = client.get("/events.csv").get_data(as_text=True)
    cells = [c for row in csv.reader(io.StringIO(exported)) for c in row]
    assert not [c for c in cells if re.match(r"[=+\-@\t\r]", c)]
    assert "'=HYPERLINK" in exported and "'''+twice" in exported
    # into an empty database and out again: the same file, the same stored text
    with app.app_context():
        engine = get_engine()
        SQLModel.metadata.drop_all(engine)
        create_schema(engine)
        add_editor(engine)
    app.config["IMPORT_FOLDER"] = str(tmp_path / "uploads")
    preview = client.post(
        "/import", data={"file": (io.BytesIO(exported.encode()), "e.csv")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    token = re.search(r'action="/import/([A-Za-z0-9_-]+)"', preview)
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', preview)
    assert token and fingerprint, preview
    assert client.post(f"/import/{token[1]}", data={"fingerprint": fingerprint[1]}).status_code == 303
    assert client.get("/events.csv").get_data(as_text=True) == exported
    summaries = [e["summary"] for e in client.get("/api/events").get_json()["items"]]
    assert summaries == FORMULAS


def test_a_header_of_sixty_thousand_columns_is_refused_at_once(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    app.config["IMPORT_FOLDER"] = str(tmp_path / "uploads")
    # 60,000 columns (the count() check was quadratic: 3.6e9 steps); a bigger body makes the test
    # client spool to a temporary file it never closes
    header = ",".join(f"c{i}" for i in range(60_000))
    answer = client.post(
        "/import",
        data={"file": (io.BytesIO((header + "\r\n").encode()), "wide.csv")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    assert "60,000 columns; a file may have at most 200" in answer.get_data(as_text=True)


def test_duplicate_columns_are_named_once_each(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    app.config["IMPORT_FOLDER"] = str(tmp_path / "uploads")
    columns = list(EXAMPLE_EVENT) + ["summary", "summary", "channel"]
    answer = client.post(
        "/import",
        data={"file": (io.BytesIO((",".join(columns) + "\r\n").encode()), "twice.csv")},
        content_type="multipart/form-data",
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert page.count("the header names this column more than once") == 2


MARKUP = ["<b>Bold Name</b>", '<a href="https://evil.example/">Link Name</a>']


def test_names_with_markup_reach_the_charts_as_text(app: Flask, client: FlaskClient) -> None:
    for i, name in enumerate(MARKUP):
        body = api_event(
            date=f"2023-02-{10 + i}", official_b=name, role_b="", country_b="Russia", confirm_new=True
        )
        assert client.post("/api/events", json=body).status_code == 201
    page = client.get("/").get_data(as_text=True)
    figure_json = re.search(r'id="timeline-chart-figure">(.*?)</script>', page, re.S)
    assert figure_json
    drawn = _drawn_text(json.loads(figure_json[1]))
    assert not [t for t in drawn if "<b>Bold" in t or "<a href" in t]
    assert any("&lt;b&gt;Bold Name&lt;/b&gt;" in t for t in drawn)
    assert any("&lt;a href=" in t for t in drawn)
    window = client.get("/timeline.json?start=2023-01-01&end=2023-03-31").get_json()
    assert not [t for t in _drawn_text(window) if "<a href" in t or "<b>Bold" in t]


def _drawn_text(value: Any, key: str = "") -> list[str]:
    """Every string Plotly draws (not ``meta``, which the page's script only ever sets as plain text)."""
    if key in ("meta", "customdata"):
        return []
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in _drawn_text(v, k)]
    if isinstance(value, list):
        return [t for v in value for t in _drawn_text(v, key)]
    return [value] if isinstance(value, str) else []


def test_the_import_stash_is_private_and_bound_to_the_previewed_bytes(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    folder = tmp_path / "uploads"
    folder.mkdir(mode=0o777)
    os.chmod(folder, 0o777)
    app.config["IMPORT_FOLDER"] = str(folder)
    header = ",".join(["id", *EXAMPLE_EVENT])
    good = header + "\r\n," + ",".join(f'"{v}"' for v in EXAMPLE_EVENT.values()) + "\r\n"
    preview = client.post(
        "/import", data={"file": (io.BytesIO(good.encode()), "e.csv")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    token = re.search(r'action="/import/([A-Za-z0-9_-]+)"', preview)
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', preview)
    assert token and fingerprint
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    stash = folder / f"{token[1]}.csv"
    assert stat.S_IMODE(stash.stat().st_mode) == 0o600
    # someone with access to the folder swaps the file for another with the same plan
    stash.write_bytes(good.replace("Discussed the MQ-9", "Swapped text").encode())
    answer = client.post(f"/import/{token[1]}", data={"fingerprint": fingerprint[1]})
    assert answer.status_code in (400, 409)
    assert client.get("/api/events").get_json()["total"] == 0
