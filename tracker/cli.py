"""Flask commands: ``db-upgrade`` (alias ``init-db``) and ``seed``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from tracker import csvio, queries
from tracker.db import current_revision, get_engine, get_session, upgrade_database
from tracker.models import TenureRow

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
    if if_empty and queries.count_events(session):
        click.echo("The database already holds events: seeds not loaded.")
        return
    with open(directory / "events.csv", encoding="utf-8-sig", newline="") as f:
        events, errors = csvio.read_events(f)
    with open(directory / "context_events.csv", encoding="utf-8-sig", newline="") as f:
        context, context_errors = csvio.read_context_events(f)
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
    added_tenures = queries.load_tenures(
        session, ((t.official, t.post, t.country, t.start, t.end) for _, t in tenures), commit=False
    )
    try:
        result = queries.add_events(session, [e for _, e in events], skip_existing=True)
    except queries.BatchError as exc:
        lines = [
            f"events.csv line {events[index][0]}, column {column}: {message}"
            for index, fields in exc.items.items()
            for column, message in fields.items()
        ]
        raise click.ClickException("seeds not loaded, nothing written:\n" + "\n".join(lines)) from None
    added_context = queries.add_context_events(session, (c for _, c in context), skip_existing=True)
    click.echo(
        f"Seeded {len(result.added)} event(s) ({result.skipped} already present), "
        f"{added_context} context event(s) and {added_tenures} tenure(s)."
    )


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(db_upgrade_command)
    app.cli.add_command(db_upgrade_command, name="init-db")
    app.cli.add_command(seed_command)
