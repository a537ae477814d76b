"""Backing up everything the tracker holds to one file, and restoring it: ``flask backup`` / ``flask restore``.

The file is JSON Lines (gzipped when its name ends in ``.gz``): a header line (format, schema
revision, when), then one line per row of every table — events (deleted ones too), sources,
officials and their spellings, posts and their wordings, tenures, context events, alert
thresholds, expected schedules, unobserved periods, monthly assessments, history and audit
entries, users. Secrets stay out: users come without their password (an admin sets a new one),
API tokens are not kept, and watches come without their webhooks (address and secret: set them
again on the watch's page). The rows are read in one
transaction, so a backup taken while others write is consistent ("online"); on SQLite the
writers are not blocked meanwhile (WAL).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from tracker.db import current_revision, write_lock

FORMAT = "contact-tracker-backup"
VERSION = 1
#: Tables whose rows are secrets, or worked out again from the others.
SKIPPED = {"api_token", "login_failure", "alembic_version"}
#: Columns left out of a backup: secrets.
SECRET_COLUMNS = {("user", "password_hash"), ("watch", "webhook_secret"), ("watch", "webhook_url")}


class BackupError(Exception):
    """A file that is not a backup of this tracker, or one that does not fit this database."""


def _tables() -> list[sa.Table]:
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in SKIPPED]


def _open(path: Path, mode: str) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")  # type: ignore[return-value]
    return path.open(mode, encoding="utf-8", newline="\n")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def backup(session: Session, path: Path) -> dict[str, int]:
    """Write every table to ``path``; returns the rows written per table."""
    counts: dict[str, int] = {}
    engine = session.get_bind().engine
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            # one snapshot for every table, however long the backup takes
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin(), _open(path, "w") as out:
            header = {
                "format": FORMAT,
                "version": VERSION,
                "revision": current_revision(engine),
                "created": dt.datetime.now(dt.UTC).isoformat(),
                "tables": [t.name for t in _tables()],
            }
            out.write(json.dumps(header) + "\n")
            for table in _tables():
                counts[table.name] = 0
                columns = [c for c in table.c if (table.name, c.name) not in SECRET_COLUMNS]
                order = [c for c in table.primary_key.columns]
                rows = connection.execution_options(yield_per=2000).execute(
                    sa.select(*columns).order_by(*order)
                )
                for row in rows:
                    record = {k: _plain(v) for k, v in row._mapping.items()}
                    out.write(json.dumps({"t": table.name, "r": record}, ensure_ascii=False) + "\n")
                    counts[table.name] += 1
    return counts


def _read(path: Path) -> Iterator[dict[str, Any]]:
    with _open(path, "r") as source:
        for number, line in enumerate(source, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError as exc:
                    raise BackupError(f"line {number} is not JSON ({exc})") from None


def _typed(table: sa.Table, record: dict[str, Any]) -> dict[str, Any]:
    values = {}
    for name, value in record.items():
        if name not in table.c:
            raise BackupError(f"table {table.name} has no column {name}: a backup of another version")
        kind = table.c[name].type
        if value is not None and isinstance(kind, sa.DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(kind, sa.Date):
            value = dt.date.fromisoformat(value)
        values[name] = value
    if table.name == "user":
        values.setdefault("password_hash", "")
    if table.name == "watch":
        # a webhook's address can be a credential too (chat services): both are set again after a restore
        values.setdefault("webhook_secret", "")
        values.setdefault("webhook_url", "")
    return values


def restore(session: Session, path: Path, *, replace: bool = False) -> dict[str, int]:
    """Put a backup back, all or nothing; refuses a database that holds events unless ``replace``."""
    rows = _read(path)
    try:
        header = next(rows)
    except StopIteration:
        raise BackupError("the file is empty") from None
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise BackupError("not a backup of this tracker (flask --app tracker backup FILE writes one)")
    engine = session.get_bind().engine
    if header.get("revision") != current_revision(engine):
        raise BackupError(
            f"the backup is of schema {header.get('revision')}, this database is at "
            f"{current_revision(engine)}: run flask db-upgrade on the matching version first"
        )
    tables = {t.name: t for t in _tables()}
    counts = {name: 0 for name in tables}
    with write_lock(session):
        connection = session.connection()
        held = connection.execute(sa.select(sa.func.count()).select_from(tables["contact_event"])).scalar()
        if held and not replace:
            raise BackupError(
                f"this database holds {held} events: restore into an empty one, or pass --replace"
            )
        try:
            # every table empties, tokens too: they belonged to the users being replaced
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(table.delete())
            # the file holds whole tables in dependency order: a table's rows go in before the next's
            current: sa.Table | None = None
            batch: list[dict[str, Any]] = []
            for item in rows:
                table = tables.get(item.get("t", ""))
                if table is None:
                    raise BackupError(f"unknown table {item.get('t')!r} in the backup")
                if table is not current or len(batch) >= 2000:
                    if current is not None and batch:
                        connection.execute(current.insert(), batch)
                    current, batch = table, []
                batch.append(_typed(table, item["r"]))
                counts[table.name] += 1
            if current is not None and batch:
                connection.execute(current.insert(), batch)
            if engine.dialect.name == "postgresql":
                for table in tables.values():
                    if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                        connection.execute(
                            sa.text(
                                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                                f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
                            )
                        )
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return counts
