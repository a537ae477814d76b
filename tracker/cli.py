"""Flask commands: ``db-upgrade`` (alias ``init-db``), ``seed``, ``load-reference``, ``import-csv``, ``recompute``,
``draft``, ``check-alerts``, ``create-user``, ``backup``, ``restore``."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlmodel import Session

from tracker import board, csvio, watching
from tracker.api.schemas import DraftList
from tracker.api.views import draft_items
from tracker.clock import today
from tracker.csvio import RowError
from tracker.db import current_revision, get_engine, get_session, upgrade_database, write_lock
from tracker.importing import choices_from, count, import_rows, plan_file, read_file
from tracker.store import BatchError, InputError, backup, context, drafts, events, users, writes
from tracker.store.maintenance import tidy
from tracker.store.reference import ReferenceReport, load_reference

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
REFERENCE = SEEDS / "reference.csv"


@click.command("db-upgrade")
@click.option("--revision", default="head", show_default=True, help="The migration to upgrade to.")
@with_appcontext
def db_upgrade_command(revision: str) -> None:
    """Create the database if missing, apply its migrations (Alembic, db/migrations), tidy stored values."""
    engine = get_engine()
    before = current_revision(engine)
    upgrade_database(engine, revision)
    after = current_revision(engine)
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        click.echo(f"Database is up to date (migration {after}): {where}")
    else:
        click.echo(f"Database upgraded from {before or 'empty'} to migration {after}: {where}")
    if revision == "head":
        done = tidy(get_session())
        if done.countries or done.posts_merged or done.bounds or done.lanes:
            click.echo(f"Tidied: {done}.")


@click.command("recompute")
@with_appcontext
def recompute_command() -> None:
    """Work out again every event's date bounds and lane (after changing REPORTED_WINDOW_DAYS, say)."""
    click.echo(f"Recomputed: {tidy(get_session(), all_bounds=True)}.")


def _reference(session: Session, path: Path, *, commit: bool = True) -> ReferenceReport:
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows, errors = csvio.read_reference(f)
    if errors:
        raise click.ClickException(
            f"{path.name} is invalid, nothing loaded:\n" + "\n".join(str(e) for e in errors)
        )
    return load_reference(session, (r for _, r in rows), source=path.name, commit=commit)


@click.command("load-reference")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=REFERENCE)
@click.option("--if-new", is_flag=True, help="Only load into a database that holds no officials yet.")
@click.option("--verbose", is_flag=True, help="List what was left alone and why.")
@with_appcontext
def load_reference_command(file: Path, if_new: bool, verbose: bool) -> None:
    """Load offices, their holders and the wordings sources use from FILE (default: seeds/reference.csv).

    Idempotent; never overrides what is recorded, and says what it added or left alone.
    """
    session = get_session()
    from tracker.store.people import list_officials

    if if_new and list_officials(session):
        click.echo("The database already holds officials: reference not loaded.")
        return
    report = _reference(session, file)
    click.echo(f"Reference {file.name}: {report}")
    if verbose:
        for note in report.notes:
            click.echo(f"  {note}")


@click.command("seed")
@click.option("--if-empty", is_flag=True, help="Only load when the database holds no events.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=SEEDS,
    show_default=True,
    help="Folder with events.csv, context_events.csv and reference.csv.",
)
@with_appcontext
def seed_command(if_empty: bool, directory: Path) -> None:
    """Load the reference of offices and holders, then the seed events and context events; twice adds nothing."""
    session = get_session()
    if if_empty and events.count_events(session):
        click.echo("The database already holds events: seeds not loaded.")
        return
    with open(directory / "events.csv", encoding="utf-8-sig", newline="") as f:
        rows, errors = csvio.read_events(f)
    with open(directory / "context_events.csv", encoding="utf-8-sig", newline="") as f:
        context_rows, context_errors = csvio.read_context_events(f)
    problems = [f"events.csv {e}" for e in errors] + [f"context_events.csv {e}" for e in context_errors]
    if problems:
        raise click.ClickException("seed files are invalid:\n" + "\n".join(problems))
    # the reference and the events in one transaction: a bad event leaves nothing behind
    path = directory / "reference.csv"
    reference = _reference(session, path, commit=False) if path.exists() else None
    try:
        result = writes.add_events(session, [e for _, e in rows])
    except BatchError as exc:
        session.rollback()
        lines = [
            f"events.csv line {rows[index][0]}, column {column}: {message}"
            for index, error in exc.items.items()
            for column, message in error.errors.items()
        ]
        raise click.ClickException("seed events not loaded, nothing written:\n" + "\n".join(lines)) from None
    added_context = context.add_context_events(session, (c for _, c in context_rows), skip_existing=True)
    click.echo(
        f"Seeded {len(result.added)} event(s) ({result.skipped} already present) and "
        f"{added_context} context event(s)."
    )
    if reference is not None:
        click.echo(f"Reference: {reference}")


def _fail(problems: Sequence[RowError], name: str) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    raise click.ClickException(f"{count(len(problems), 'problem')} in {name}: nothing was imported.")


@click.command("import-csv")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check the file and say what it would do; write nothing.")
@click.option(
    "--new-names",
    type=click.Choice(["ask", "new", "closest"]),
    default="ask",
    show_default=True,
    help="New names close to recorded ones: stop and list them (ask), record them as new (new), "
    "or read each as its closest recorded name (closest).",
)
@with_appcontext
def import_csv_command(file: IO[bytes], dry_run: bool, new_names: str) -> None:
    """Import contact events (the CSV contract) or further sources (/sources.csv) from FILE, all or nothing.

    Every bad row is reported as "line L, column C: reason" and nothing is written. Events
    already stored are skipped and further reports of a recorded contact become its sources, so
    importing a file twice adds nothing the second time. A name that is surely a misspelling of
    a recorded one is read as it (and said so); other close names stop the import (see --new-names).
    """
    name = getattr(file, "name", "FILE")
    session = get_session()
    read = read_file(file)  # read a part at a time; reading needs no lock: other writes go on meanwhile
    # planned and imported under the write lock, so no other write makes the plan stale
    with write_lock(session):
        checked = plan_file(session, read)
        if checked.errors:
            _fail(checked.errors, name)
        choices = None
        if checked.plan.undecided:
            if new_names == "ask":
                for new in checked.plan.undecided:
                    lines = ", ".join(str(checked.line(i)) for i in new.items[:5])
                    click.echo(
                        f"line {lines}: new {new.kind} {new.name!r} ({new.country}) is close to recorded "
                        + " / ".join(repr(s.name) for s in new.suggestions),
                        err=True,
                    )
                raise click.ClickException(
                    f"{count(len(checked.plan.undecided), 'new name')} close to recorded ones: nothing was imported. "
                    "Fix the file, or run again with --new-names new (record them as new) or "
                    "--new-names closest (read each as its closest recorded name)."
                )
            decisions = {
                n.key: "new" if new_names == "new" else f"use:{n.closest}" for n in checked.plan.undecided
            }
            choices = choices_from(decisions)
            checked = plan_file(session, read, choices)
        plan = checked.plan
        for matched in plan.matched:
            click.echo(f"read {matched.kind} {matched.name!r} as {matched.decision!r}")
        for line_index, warning in plan.warnings:
            click.echo(f"line {checked.line(line_index)}: warning: {warning}")
        officials = count(len(plan.new_officials), "new official")
        if checked.sources:
            summary = f"{count(len(checked.sources), 'source')}"
        else:
            summary = (
                f"{count(checked.new_count, 'event')}, {count(checked.corroborating_count, 'further source')}"
                f" of recorded contacts, skip {checked.skipped} already present"
            )
        if dry_run:
            click.echo(f"Dry run, nothing written: would import {summary}, and add {officials}.")
            return
        result, problems = import_rows(session, checked, choices)
        if result is None:
            _fail(problems, name)
            return
        click.echo(f"Imported {summary} ({officials}).")


@click.command("check-alerts")
@click.option(
    "--as-of", "as_of", default=None, help="Measure silences to this day (YYYY-MM-DD); default today (UTC)."
)
@with_appcontext
def check_alerts_command(as_of: str | None) -> None:
    """Record every line whose alert level changed, notify the watchers, send what is due (cron-safe: idempotent).

    Each change and new event is sent once to each watch (webhook, email, digest); failed
    notices are retried by later runs with backoff. Prints one line (with the rounds of expected
    schedules that are overdue). Exit code 0: no line in alarm; 1: some line is in alarm; 2: the
    check failed.
    """
    try:
        day = dt.date.fromisoformat(as_of) if as_of else today()
    except ValueError:
        raise click.BadParameter("give a date as YYYY-MM-DD", param_hint="--as-of") from None
    try:
        result = watching.watch_pass(get_session(), as_of=day)
    except Exception as exc:  # noqa: BLE001 (cron reads the exit code: 2 is "the check failed", not "alarm")
        click.echo(f"The check failed: {type(exc).__name__}: {exc}", err=True)
        raise SystemExit(2) from None
    late = [r for r in board.stored_rows(get_session(), "post", as_of=day) if r.overdue and not r.archived]
    overdue = (
        f" {len(late)} round{'' if len(late) == 1 else 's'} overdue: "
        + "; ".join(f"{r.label} (due by {r.overdue.due.isoformat()})" for r in late[:5] if r.overdue)
        + (f" and {len(late) - 5} more" if len(late) > 5 else "")
        + "."
        if late
        else ""
    )
    click.echo(result.summary(day) + overdue)
    for error in result.sent.errors[:5]:
        click.echo(f"  not sent: {error}", err=True)
    if result.check.alarms:
        raise SystemExit(1)


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write everything (events, deleted ones, sources, officials, posts, tenures, context, thresholds,
    history, users without their passwords) to FILE (JSON Lines; gzipped if it ends in .gz), while the app runs."""
    counts = backup.backup(get_session(), file)
    click.echo(
        f"Backed up {counts.get('contact_event', 0)} events and {sum(counts.values())} rows in all to {file}."
    )


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--replace", is_flag=True, help="Replace what the database holds (else it must hold no events)."
)
@with_appcontext
def restore_command(file: Path, replace: bool) -> None:
    """Put a backup written by `flask backup` back into this database, all or nothing."""
    try:
        counts = backup.restore(get_session(), file, replace=replace)
    except backup.BackupError as exc:
        raise click.ClickException(f"{file}: {exc}; nothing was changed") from exc
    click.echo(
        f"Restored {counts.get('contact_event', 0)} events and {sum(counts.values())} rows in all from {file}. "
        "Users come back without passwords: set them on /users, or add an admin with flask create-user."
    )


@click.command("create-user")
@click.argument("name")
@click.option("--role", type=click.Choice(users.ROLES), default="editor", show_default=True)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input (for scripts) instead of asking.",
)
@with_appcontext
def create_user_command(name: str, role: str, password_stdin: bool) -> None:
    """Add a user who can log in (editor: changes the record; admin: also manages users)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password (10 characters or more)", hide_input=True, confirmation_prompt=True)
    try:
        added = users.create_user(
            get_session(), name=name, password=password, role=role, by="flask create-user"
        )
    except InputError as exc:
        raise click.ClickException("; ".join(f"{k}: {v}" for k, v in exc.errors.items())) from exc
    click.echo(f"Added {added.role} {added.name}: log in at /login.")


@click.command("draft")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--published", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD")
@click.option("--url", default="", help="The article's address (the source of the events).")
@click.option("--publisher", default="", help="Who published the article.")
@click.option("--json", "as_json", is_flag=True, help="Print what POST /api/drafts answers.")
@with_appcontext
def draft_command(file: Path, published: dt.datetime, url: str, publisher: str, as_json: bool) -> None:
    """Propose the contact events the article in FILE reports (its text), writing nothing."""
    day = published.date()
    source = drafts.ArticleSource(url, publisher, day)
    proposals = drafts.propose(get_session(), file.read_text(encoding="utf-8"), day, source)
    items = draft_items(proposals, source)
    if as_json:
        click.echo(DraftList(items=items).model_dump_json(indent=2))
        return
    if not items:
        click.echo("No candidate contacts found.")
    for n, item in enumerate(items, start=1):
        span = f" to {item.date_end}" if item.date_end else ""
        match = f"  [another report of event {item.matches_event}]" if item.matches_event else ""
        click.echo(
            f"{n}. {item.date}{span} ({item.date_precision}) {item.official_a} – {item.official_b}: "
            f"{item.channel.label}, {item.status.label}{match}"
        )
        click.echo(f"   date from: {item.date_phrase or '(none: reported by the publication date)'}")
        click.echo(f"   {item.evidence}")
    for a, b, _ in proposals.third_party:
        click.echo(f"(third party, not proposed: {a} – {b})")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(create_user_command)
    app.cli.add_command(check_alerts_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(db_upgrade_command)
    app.cli.add_command(db_upgrade_command, name="init-db")
    app.cli.add_command(recompute_command)
    app.cli.add_command(load_reference_command)
    app.cli.add_command(seed_command)
    app.cli.add_command(import_csv_command)
    app.cli.add_command(draft_command)
