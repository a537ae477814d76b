"""Fixtures: an app on a fresh database per test (a real SQLite file, or PostgreSQL when asked)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlmodel import SQLModel

from tracker import create_app
from tracker.db import create_schema, get_engine

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

#: Set to a postgresql+psycopg:// URL to run the suite on PostgreSQL instead of SQLite files.
POSTGRES_URL = os.environ.get("TRACKER_TEST_DATABASE_URL", "")


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


#: A complete, valid event in the field names of the CSV contract (without ``id``).
EXAMPLE_EVENT: dict[str, str] = {
    "date": "2023-03-15",
    "date_end": "",
    "date_precision": "day",
    "official_a": "Lloyd Austin",
    "role_a": "US Secretary of Defense",
    "country_a": "US",
    "official_b": "Sergei Shoigu",
    "role_b": "Russian Minister of Defence",
    "country_b": "Russia",
    "channel": "phone",
    "status": "held",
    "initiated_by": "Lloyd Austin",
    "summary": "Discussed the MQ-9 drone downed over the Black Sea.",
    "source_url": "https://www.defense.gov/News/Releases/",
    "source_publisher": "U.S. Department of Defense",
    "source_date": "2023-03-15",
}


def valid_form(**overrides: str) -> dict[str, str]:
    """A complete, valid add-event form (the initiator given as side "a"); ``overrides`` replace fields."""
    return {**EXAMPLE_EVENT, "initiated_by": "a", **overrides}
