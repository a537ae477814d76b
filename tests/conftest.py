"""Fixtures: an app on a fresh database per test (a real SQLite file, or PostgreSQL when asked)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlmodel import SQLModel

from tests.helpers import AS_OF, POSTGRES_URL
from tracker import create_app
from tracker.db import create_schema, get_engine


def database_url(tmp_path: Path) -> str:
    return POSTGRES_URL or f"sqlite:///{tmp_path / 'tracker.sqlite3'}"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url(tmp_path),
            "WTF_CSRF_ENABLED": False,
            "SECRET_KEY": "test",
            "AS_OF": AS_OF,
        }
    )
    with app.app_context():
        engine = get_engine()
        if POSTGRES_URL:
            SQLModel.metadata.drop_all(engine)
        create_schema(engine)
    yield app
    with app.app_context():
        get_engine().dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def seeded(app: Flask, runner: FlaskCliRunner) -> Flask:
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return app
