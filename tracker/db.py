"""The database engine, a session per request, and schema creation."""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlmodel import Session, SQLModel

from tracker import models  # noqa: F401  (registers the tables on SQLModel.metadata)
from tracker.memo import Memo

if TYPE_CHECKING:  # Alembic is imported where migrations run: a tenth of a second off every start
    from alembic.config import Config as AlembicConfig

DEFAULT_DATABASE_FILE = Path(__file__).resolve().parent.parent / "db" / "tracker.sqlite3"


def default_database_url() -> str:
    """The SQLite file under ``db/`` that the app uses unless told otherwise."""
    return f"sqlite:///{DEFAULT_DATABASE_FILE}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")  # a writer that finds the database busy waits, not fails
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _json_text(value: Any) -> str:
    """JSON columns' text: orjson (a tenth of ``json.dumps``'s time on an import's history rows)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and a busy timeout."""
    json_codec = {"json_serializer": _json_text, "json_deserializer": orjson.loads}
    if url.startswith("sqlite"):
        database = sa.make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False}, **json_codec)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True, **json_codec)


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

    Units of writing run one at a time across threads and workers (``write_lock``), so the
    checks a write makes (the same contact, a name already recorded) still hold when it stores:
    concurrent identical requests store one contact, not two, and never fail on a race.

    With ``commit=False`` the work is only flushed, for an enclosing caller to commit (or, on a
    dry run, to roll back).
    """
    with write_lock(session):
        try:
            yield session
            if commit:
                session.commit()
            else:
                session.flush()
        except BaseException:
            session.rollback()
            raise


#: The PostgreSQL advisory lock that serialises units of writing (any constant will do).
_PG_WRITE_LOCK = 7_460_311
_thread_locks: dict[str, threading.Lock] = {}


@contextmanager
def write_lock(session: Session) -> Iterator[None]:
    """Hold the database's write lock (re-entrant per session) for the enclosed unit of writing.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback. SQLite: an
    exclusive ``flock`` on a file beside the database, which serialises the writers of every
    process on the machine (SQLite's own lock would refuse a second writer mid-transaction).
    """
    depth = session.info.get("write_depth", 0)
    if depth:
        session.info["write_depth"] = depth + 1
        try:
            yield
        finally:
            session.info["write_depth"] = depth
        return
    bind = session.get_bind()
    # a read left open would keep an old snapshot: start the unit of writing on a fresh one
    fresh = not (session.new or session.dirty or session.deleted or session.info.get("flushed"))
    if session.in_transaction() and fresh:
        session.commit()
    session.info["write_depth"] = 1
    try:
        if bind.dialect.name == "postgresql":
            session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_WRITE_LOCK})
            yield
        else:
            with _file_lock(bind.engine.url):
                yield
    finally:
        session.info["write_depth"] = 0


def _flushed(session: Session, _context: object) -> None:
    session.info["flushed"] = True


def _ended(session: Session, *_args: object) -> None:
    session.info.pop("flushed", None)


# whether a session's transaction holds writes not yet committed (flushed by ``commit=False``)
sa.event.listen(sa.orm.Session, "after_flush", _flushed)
sa.event.listen(sa.orm.Session, "after_commit", _ended)
sa.event.listen(sa.orm.Session, "after_rollback", _ended)


@contextmanager
def _file_lock(url: sa.URL) -> Iterator[None]:
    database = url.database or ""
    if not database or database == ":memory:":
        lock = _thread_locks.setdefault(str(url), threading.Lock())
        with lock:
            yield
        return
    with open(f"{database}-writelock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


#: (dialect, date or time type) -> its values as bound, remembered: an import's rows share a few
#: thousand dates, each converted once instead of once per row.
_bound_dates: dict[tuple[str, str], Memo[Any, Any]] = {}


def insert_many(connection: sa.Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys) into ``table`` with one executemany of the driver.

    Values are converted as the columns' types convert them (dates, JSON), but each column's
    converter is looked up once and the driver gets plain tuples: SQLAlchemy's own executemany
    works out every row's parameters in Python, which was a large share of an import's time.
    """
    if not rows:
        return
    dialect = connection.dialect
    keys = list(rows[0])
    # the columns' own defaults for what the rows leave out (as SQLAlchemy's insert would give them)
    defaults: dict[str, Any] = {}
    for column in table.c:
        if column.key not in rows[0] and column.default is not None and not column.primary_key:
            default: Any = column.default
            defaults[column.key] = default.arg(None) if default.is_callable else default.arg
    if defaults:
        keys += list(defaults)
        rows = [{**row, **defaults} for row in rows]
    compiled = table.insert().compile(dialect=dialect, column_keys=keys)
    order = list(compiled.positiontup or []) if compiled.positional else keys
    columns: list[
        list[Any]
    ] = []  # converted column by column: a few list comprehensions, not a call per cell
    for key in order:
        column_type = table.c[key].type
        convert = column_type.dialect_impl(dialect).bind_processor(dialect)
        values = [row[key] for row in rows]
        if convert is None:
            columns.append(values)
        elif isinstance(column_type, sa.Date | sa.DateTime):
            memo = _bound_dates.get((dialect.name, repr(column_type)))
            if memo is None:
                memo = _bound_dates[(dialect.name, repr(column_type))] = Memo(convert, limit=100_000)
            columns.append([memo[v] for v in values])
        else:
            columns.append([convert(v) for v in values])
    if compiled.positional:
        params: list[Any] = list(zip(*columns, strict=True))
    else:
        params = [dict(zip(order, row, strict=True)) for row in zip(*columns, strict=True)]
    connection.exec_driver_sql(compiled.string, params)


def create_schema(engine: sa.Engine) -> None:
    """Create every table at once, without migrations (for tests that need a blank database)."""
    SQLModel.metadata.create_all(engine)


MIGRATIONS = Path(__file__).resolve().parent.parent / "db" / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    """The Alembic configuration of the migrations under ``db/migrations`` for ``url``."""
    from alembic.config import Config as AlembicConfig

    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(engine: sa.Engine, revision: str = "head") -> None:
    """Apply the migrations up to ``revision`` (the latest by default)."""
    from alembic import command

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
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()


def init_app(app: Flask) -> None:
    """Give the app its engine and close each request's session on teardown."""
    app.extensions["tracker_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)
