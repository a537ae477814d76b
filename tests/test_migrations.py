"""Alembic migrations: the latest matches the models, and upgrades keep every row."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlmodel import SQLModel

from tests.helpers import POSTGRES_URL
from tracker.db import alembic_config, current_revision, get_engine, upgrade_database

HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _reset(engine: sa.Engine) -> None:
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


def test_latest_migration_matches_the_models(app: Flask) -> None:
    with app.app_context():
        engine = get_engine()
        _reset(engine)
        upgrade_database(engine)
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert diff == []


def test_upgrade_from_first_migration_keeps_every_row(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        engine = get_engine()
        _reset(engine)
        upgrade_database(engine, "0001")
        assert current_revision(engine) == "0001"
        assert "event_change" not in sa.inspect(engine).get_table_names()
        with engine.begin() as c:
            c.execute(
                sa.text(
                    "INSERT INTO official (id, name, country, kind, created_at) VALUES "
                    "(1, 'Lloyd Austin', 'US', 'person', '2022-01-01 00:00:00'), "
                    "(2, 'Sergei Shoigu', 'Russia', 'person', '2022-01-01 00:00:00')"
                )
            )
            c.execute(
                sa.text(
                    "INSERT INTO contact_event (id, date, date_precision, official_a_id, official_b_id, role_a, role_b, "
                    "pair_key, channel, status, summary, source_url, source_publisher, created_at, updated_at) VALUES "
                    "(1, '2022-02-18', 'day', 1, 2, '', '', '1:2', 'phone', 'held', 'before', '', '', "
                    "'2022-02-18 00:00:00', '2022-02-18 00:00:00'), "
                    "(2, '2022-05-13', 'day', 2, 1, '', '', '1:2', 'phone', 'held', 'after, \"quoted\"', '', '', "
                    "'2022-05-13 00:00:00', '2022-05-13 00:00:00')"
                )
            )
            c.execute(
                sa.text(
                    "INSERT INTO context_event (id, date, title, description, source_url) VALUES "
                    "(1, '2022-02-24', 'Invasion', '', '')"
                )
            )
        if POSTGRES_URL:
            with engine.begin() as c:
                c.execute(sa.text("SELECT setval(pg_get_serial_sequence('contact_event', 'id'), 2)"))
                c.execute(sa.text("SELECT setval(pg_get_serial_sequence('official', 'id'), 2)"))
    # `flask db-upgrade` applies the migrations, then works out what the new columns hold
    result = runner.invoke(args=["db-upgrade"])
    assert result.exit_code == 0, result.output
    assert "Tidied:" in result.output
    with app.app_context():
        engine = get_engine()
        assert current_revision(engine) == HEAD != "0001"
        with engine.connect() as c:
            events = c.execute(
                sa.text("SELECT id, date, summary, pair_key FROM contact_event ORDER BY id")
            ).all()
            officials = c.execute(sa.text("SELECT name FROM official ORDER BY id")).scalars().all()
            context = c.execute(sa.text("SELECT title FROM context_event")).scalars().all()
    assert [(e[0], str(e[1]), e[2], e[3]) for e in events] == [
        (1, "2022-02-18", "before", "1:2"),
        (2, "2022-05-13", 'after, "quoted"', "1:2"),
    ]
    assert officials == ["Lloyd Austin", "Sergei Shoigu"]
    assert context == ["Invasion"]
    # the upgraded database works through the app: the gap reads 84 days, new events get history
    client = app.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "84 days" in page
    csv_text = client.get("/events.csv").get_data(as_text=True)
    assert (
        '2,2022-05-13,,day,Sergei Shoigu,,Russia,Lloyd Austin,,United States,phone,held,,"after, ""quoted"""'
        in csv_text
    )


def test_db_upgrade_command_is_idempotent(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        _reset(get_engine())
    first = runner.invoke(args=["db-upgrade"])
    assert first.exit_code == 0, first.output
    assert f"upgraded from empty to migration {HEAD}" in first.output
    second = runner.invoke(args=["db-upgrade"])
    assert f"up to date (migration {HEAD})" in second.output
