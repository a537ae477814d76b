"""Flask commands: ``db-upgrade`` (alias ``init-db``), ``seed`` and ``import-csv``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO

import click
from flask import Flask
from flask.cli import with_appcontext

from tracker import csvio
from tracker.csvio import RowError
from tracker.db import current_revision, get_engine, get_session, upgrade_database
from tracker.importing import check_file, count, import_rows
from tracker.models import TenureRow
from tracker.store import BatchError, context, events, people, writes

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@click.command("db-upgrade")
@click.option("--revision", default="head", show_default=True, help="The migration to upgrade to.")
@with_appcontext
def db_upgrade_command(revision: str) -> None:
    """Create the database if missing and apply its migrations (Alembic, db/migrations)."""
    engine = get_engine()
    before = current_revision(engine)
    upgrade_database(engine, revision)
    after = current_revision(engine)
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"Database is up to date (migration {after}): {where}")
    else:
        click.echo(f"Database upgraded from {before or 'empty'} to migration {after}: {where}")


@click.command("seed")
@click.option("--if-empty", is_flag=True, help="Only load when the database holds no events.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=SEEDS,
    show_default=True,
    help="Folder with events.csv, context_events.csv and tenures.csv.",
)
@with_appcontext
def seed_command(if_empty: bool, directory: Path) -> None:
    """Load the seed events and context events; loading twice adds nothing."""
    session = get_session()
    if if_empty and events.count_events(session):
        click.echo("The database already holds events: seeds not loaded.")
        return
    with open(directory / "events.csv", encoding="utf-8-sig", newline="") as f:
        rows, errors = csvio.read_events(f)
    with open(directory / "context_events.csv", encoding="utf-8-sig", newline="") as f:
        context_rows, context_errors = csvio.read_context_events(f)
    tenures: list[tuple[int, TenureRow]] = []
    tenure_errors: list[csvio.RowError] = []
    if (directory / "tenures.csv").exists():
        with open(directory / "tenures.csv", encoding="utf-8-sig", newline="") as f:
            tenures, tenure_errors = csvio.read_tenures(f)
    problems = (
        [f"events.csv {e}" for e in errors]
        + [f"context_events.csv {e}" for e in context_errors]
        + [f"tenures.csv {e}" for e in tenure_errors]
    )
    if problems:
        raise click.ClickException("seed files are invalid:\n" + "\n".join(problems))
    # tenures and events in one transaction: a bad event leaves no tenure behind
    added_tenures = people.load_tenures(
        session, ((t.official, t.post, t.country, t.start, t.end) for _, t in tenures), commit=False
    )
    try:
        result = writes.add_events(session, [e for _, e in rows], skip_existing=True)
    except BatchError as exc:
        lines = [
            f"events.csv line {rows[index][0]}, column {column}: {message}"
            for index, error in exc.items.items()
            for column, message in error.errors.items()
        ]
        raise click.ClickException("seeds not loaded, nothing written:\n" + "\n".join(lines)) from None
    added_context = context.add_context_events(session, (c for _, c in context_rows), skip_existing=True)
    click.echo(
        f"Seeded {len(result.added)} event(s) ({result.skipped} already present), "
        f"{added_context} context event(s) and {added_tenures} tenure(s)."
    )


def _fail(problems: Sequence[RowError], name: str) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    raise click.ClickException(f"{count(len(problems), 'problem')} in {name}: nothing was imported.")


@click.command("import-csv")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check the file and say what it would add; write nothing.")
@with_appcontext
def import_csv_command(file: IO[bytes], dry_run: bool) -> None:
    """Import contact events from FILE (the CSV contract), all or nothing.

    Every bad row is reported as "line L, column C: reason" and nothing is written. Events
    already stored are skipped, so importing a file twice adds nothing the second time.
    """
    name = getattr(file, "name", "FILE")
    session = get_session()
    checked = check_file(session, file.read())
    if checked.errors:
        _fail(checked.errors, name)
    officials = count(len(checked.plan.new_officials), "new official")
    if dry_run:
        click.echo(
            f"Dry run, nothing written: would import {count(len(checked.plan.new), 'event')}, "
            f"skip {len(checked.plan.existing)} already present, and add {officials}."
        )
        return
    result, problems = import_rows(session, checked.rows)
    if result is None:
        _fail(problems, name)
        return
    click.echo(
        f"Imported {count(len(result.added), 'event')}, skipped {result.skipped} already present "
        f"({officials})."
    )


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(db_upgrade_command)
    app.cli.add_command(db_upgrade_command, name="init-db")
    app.cli.add_command(seed_command)
    app.cli.add_command(import_csv_command)
