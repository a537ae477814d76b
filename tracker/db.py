"""The database engine, a session per request, and schema creation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from flask import Flask, current_app, g
from sqlmodel import Session, SQLModel

from tracker import models  # noqa: F401  (registers the tables on SQLModel.metadata)

DEFAULT_DATABASE_FILE = Path(__file__).resolve().parent.parent / "db" / "tracker.sqlite3"


def default_database_url() -> str:
    """The SQLite file under ``db/`` that the app uses unless told otherwise."""
    return f"sqlite:///{DEFAULT_DATABASE_FILE}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        database = sa.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def get_engine() -> sa.Engine:
    """The current app's engine."""
    engine: sa.Engine = current_app.extensions["tracker_engine"]
    return engine


def get_session() -> Session:
    """The session of the current request, opened on first use and closed on teardown."""
    if "db_session" not in g:
        g.db_session = Session(get_engine(), expire_on_commit=False)
    session: Session = g.db_session
    return session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def transaction(session: Session, *, commit: bool = True) -> Iterator[Session]:
    """One unit of writing: committed at the end, rolled back entirely on any error.

    With ``commit=False`` the work is only flushed, for an enclosing caller to commit (or, on a
    dry run, to roll back).
    """
    try:
        yield session
        if commit:
            session.commit()
        else:
            session.flush()
    except BaseException:
        session.rollback()
        raise


def create_schema(engine: sa.Engine) -> None:
    """Create every table at once, without migrations (for tests that need a blank database)."""
    SQLModel.metadata.create_all(engine)


MIGRATIONS = Path(__file__).resolve().parent.parent / "db" / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    """The Alembic configuration of the migrations under ``db/migrations`` for ``url``."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(engine: sa.Engine, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` (the latest by default)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # SQLite alters a table by copying it, which foreign keys would refuse mid-way; the
            # pragma only takes effect outside a transaction.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def current_revision(engine: sa.Engine) -> str | None:
    """The migration the database is at, or None for a database without migrations."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def init_app(app: Flask) -> None:
    """Give the app its engine and close each request's session on teardown."""
    app.extensions["tracker_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)
