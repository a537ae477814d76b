"""Fixtures: an app on a fresh database per test (a real SQLite file, or PostgreSQL when asked).

On SQLite each test has a file of its own, and a test that wants the seeds gets a copy of a file
seeded once a session. On PostgreSQL the tables are emptied before each test (``TRUNCATE``) and
the seeds are put back from rows read once a session.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from hypothesis import settings
from sqlmodel import SQLModel

from tests.helpers import AS_OF, EDITOR_TOKEN, POSTGRES_URL, add_editor, log_in
from tracker import create_app
from tracker.db import create_schema, get_engine

# Machines here are shared: a property test is judged by what it finds, not by how fast a case ran.
settings.register_profile("shared-machine", deadline=None)
settings.load_profile("shared-machine")


def database_url(tmp_path: Path) -> str:
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'tracker.sqlite3'}"


def _config(url: str) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test",
        "AS_OF": AS_OF,
    }


def _empty_postgres(engine: sa.Engine) -> None:
    """Every table of the models there and empty, ids from 1."""
    tables = SQLModel.metadata.sorted_tables
    if {t.name for t in tables} <= set(sa.inspect(engine).get_table_names()):
        names = ", ".join(f'"{t.name}"' for t in tables)
        with engine.begin() as connection:
            connection.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        SQLModel.metadata.drop_all(engine)
        create_schema(engine)


def _fresh_app(directory: Path) -> Flask:
    """An app on an empty database (a SQLite file in ``directory``, or PostgreSQL) holding the editor."""
    app = create_app(_config(database_url(directory)))
    with app.app_context():
        engine = get_engine()
        if POSTGRES_URL:
            _empty_postgres(engine)
        else:
            create_schema(engine)
        add_editor(engine)
    return app


def _close(app: Flask) -> None:
    with app.app_context():
        get_engine().dispose()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = _fresh_app(tmp_path)
    yield app
    _close(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A client logged in as an editor (user 1), who also sends that editor's API token."""
    client = app.test_client()
    log_in(client)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {EDITOR_TOKEN}"
    return client


@pytest.fixture
def anonymous(app: Flask) -> FlaskClient:
    """A client of nobody: no login, no token."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


Seeds = Path | dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="session")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Seeds:
    """The seeded database made once a session: a SQLite file, or (PostgreSQL) the rows of every table."""
    path = tmp_path_factory.mktemp("seeded") / "tracker.sqlite3"
    template = create_app(_config(POSTGRES_URL or f"sqlite:///{path}"))
    with template.app_context():
        engine = get_engine()
        if POSTGRES_URL:
            _empty_postgres(engine)
        else:
            create_schema(engine)
    result = template.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with template.app_context():
        engine = get_engine()
        rows: dict[str, list[dict[str, Any]]] = {}
        if POSTGRES_URL:
            with engine.connect() as connection:
                for table in SQLModel.metadata.sorted_tables:
                    rows[table.name] = [dict(r._mapping) for r in connection.execute(table.select())]
        engine.dispose()
    return rows if POSTGRES_URL else path


def _put_seeds(app: Flask, seeds: Seeds, directory: Path) -> Flask:
    """Give ``app`` (fresh, on a database in ``directory``) the seeds, and the editor back."""
    with app.app_context():
        engine = get_engine()
        if isinstance(seeds, dict):
            with engine.begin() as connection:
                for table in SQLModel.metadata.sorted_tables:
                    if seeds[table.name]:
                        connection.execute(table.insert(), seeds[table.name])
                        if "id" in table.c:
                            connection.execute(
                                sa.text(
                                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                    f'(SELECT MAX(id) FROM "{table.name}"))'
                                )
                            )
            add_editor(engine)
            return app
        engine.dispose()
    for suffix in ("-wal", "-shm"):
        (directory / f"tracker.sqlite3{suffix}").unlink(missing_ok=True)
    shutil.copyfile(seeds, directory / "tracker.sqlite3")
    with app.app_context():
        add_editor(get_engine())
    return app


@pytest.fixture
def seeded(app: Flask, seeds: Seeds, tmp_path: Path) -> Flask:
    """The app on a database holding the seeds (the reference of offices, the seed events)."""
    return _put_seeds(app, seeds, tmp_path)


@pytest.fixture(scope="module")
def seeded_module(seeds: Seeds, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """Like ``seeded``, but one database for a whole test module (for suites that seed once, then only read)."""
    directory = tmp_path_factory.mktemp("module")
    app = _put_seeds(_fresh_app(directory), seeds, directory)
    yield app
    _close(app)
