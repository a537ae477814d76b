"""Large imports through the web, and other writes while one runs (#11 rows 7 and 8, #12).

A large synthetic file (``benchmarks.synthetic``) is previewed and confirmed over HTTP; while a
confirmation holds the write lock, single events posted by another client wait for it and then
succeed: no "database is locked", no 500, nothing lost, the import complete.
"""

from __future__ import annotations

import fcntl
import gc
import io
import re
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse, encode_multipart

from benchmarks import synthetic
from tests.helpers import EDITOR_TOKEN, EXAMPLE_EVENT, POSTGRES_URL, log_in
from tracker.db import get_engine, get_session
from tracker.importing import uncollected
from tracker.store import events as stored


@pytest.fixture(autouse=True)
def upload_folder(app: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    app.config["IMPORT_FOLDER"] = str(folder)
    return folder


def synthetic_file(tmp_path: Path, rows: int) -> bytes:
    path = tmp_path / f"events-{rows}.csv"
    synthetic.write_csv(path, rows)
    return path.read_bytes()


def preview(client: FlaskClient, data: bytes) -> TestResponse:
    # encoded here in memory: the test client would spool a large body to a file it never closes
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "events.csv")})
    response = client.post("/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response


def confirmation(response: TestResponse) -> tuple[str, dict[str, str]]:
    """Where the preview's confirm form posts, and what it sends (every close name recorded as new)."""
    html = response.get_data(as_text=True)
    token = re.search(r'action="/import/([A-Za-z0-9_-]+)"', html)
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', html)
    assert token and fingerprint, html[:2000]
    form = {"fingerprint": fingerprint[1]}
    for key in set(re.findall(r'name="(name:[^"]+)" value="new"', html)):
        form[key.replace("&#39;", "'").replace("&amp;", "&")] = "new"
    return f"/import/{token[1]}", form


def counted(response: TestResponse, name: str) -> int:
    found = re.search(rf'<dd id="count-{name}">(\d+)</dd>', response.get_data(as_text=True))
    assert found, name
    return int(found[1])


def event_count(app: Flask) -> int:
    with app.app_context():
        return stored.count_events(get_session())


def editor(app: Flask) -> FlaskClient:
    client = app.test_client()
    log_in(client)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {EDITOR_TOKEN}"
    return client


def write_lock_held(app: Flask) -> bool:
    """Whether some unit of writing holds the database's write lock right now (``tracker.db.write_lock``)."""
    with app.app_context():
        engine = get_engine()
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                held = connection.execute(
                    sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 7460311")
                ).scalar()
                return bool(held)
        database = engine.url.database or ""
    with open(f"{database}-writelock", "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


@pytest.mark.slow
def test_a_large_file_imports_through_the_web(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    data = synthetic_file(tmp_path, 20_000)
    shown = preview(client, data)
    new = counted(shown, "new")
    assert new > 10_000
    assert event_count(app) == 0  # a preview writes nothing
    path, form = confirmation(shown)
    done = client.post(path, data=form)
    assert done.status_code == 303, done.get_data(as_text=True)[:2000]
    assert event_count(app) == new
    assert "Imported" in client.get("/").get_data(as_text=True)


def test_single_writes_during_an_import_wait_for_it_and_succeed(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    data = synthetic_file(tmp_path, 4_000)
    shown = preview(client, data)
    new = counted(shown, "new")
    path, form = confirmation(shown)
    outcome: dict[str, int] = {}

    def run_import() -> None:
        outcome["status"] = editor(app).post(path, data=form).status_code

    importer = threading.Thread(target=run_import)
    importer.start()
    deadline = time.monotonic() + 60
    while not write_lock_held(app) and importer.is_alive() and time.monotonic() < deadline:
        time.sleep(0.005)
    during = write_lock_held(app)
    writer = editor(app)
    statuses = []
    for i in range(6):
        body = {
            **EXAMPLE_EVENT,
            "date_end": None,
            "date": f"20{10 + i}-01-15",
            "source_date": f"20{10 + i}-01-15",
            "official_a": "Concurrent Writer",
            "official_b": "Other Side",
            "initiated_by": "",
            "confirm_new": True,
        }
        statuses.append(writer.post("/api/events", json=body).status_code)
    form_write = writer.post(
        "/events/new",
        data={
            **EXAMPLE_EVENT,
            "date": "2019-05-05",
            "source_date": "2019-05-05",
            "official_a": "Concurrent Writer",
            "official_b": "Other Side",
            "initiated_by": "",
        },
    )
    importer.join(timeout=300)
    assert not importer.is_alive()
    assert during, "the import was over before the writes began: nothing was tested"
    assert statuses == [201] * 6
    assert form_write.status_code in (302, 303), form_write.get_data(as_text=True)[:2000]
    assert outcome["status"] == 303
    assert event_count(app) == new + 7  # the whole import, and every single write


@pytest.mark.skipif(bool(POSTGRES_URL), reason="the SQLite lock file")
def test_sqlite_waits_rather_than_failing_on_a_busy_database(app: Flask) -> None:
    with app.app_context():
        engine = get_engine()
        with engine.connect() as connection:
            timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert timeout is not None and timeout >= 30_000


def test_the_collector_is_restored_when_the_last_of_overlapping_imports_ends() -> None:
    before = gc.get_threshold()
    first, second = uncollected(), uncollected()
    first.__enter__()
    second.__enter__()
    assert gc.get_threshold()[1] > before[1]
    first.__exit__(None, None, None)  # the first import ends while the second still runs
    assert gc.get_threshold()[1] > before[1]
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
