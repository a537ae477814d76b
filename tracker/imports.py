"""CSV import: check a file, preview what it adds, then import it all or nothing.

The upload page (``/import``) and ``flask import-csv FILE`` share ``check_file`` and
``import_rows``; both write through ``queries.add_events``, the one write path.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import click
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.cli import with_appcontext
from sqlmodel import Session
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from tracker import csvio, queries
from tracker.csvio import RowError
from tracker.db import get_session
from tracker.models import CHANNELS, PRECISIONS, STATUSES, EventCreate

bp = Blueprint("imports", __name__)

#: How many of the events to add the preview lists.
PREVIEW_ROWS = 20
#: How many problems the upload page lists (the command lists them all).
LISTED_PROBLEMS = 1000

Row = tuple[int, EventCreate]


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# Checking and importing ----------------------------------------------------------------------


@dataclass
class CheckedFile:
    """An events file checked without writing: its valid rows, every problem, and what it would add."""

    rows: list[Row]
    errors: list[RowError]
    plan: queries.AddResult = field(default_factory=queries.AddResult)

    @property
    def new_rows(self) -> list[Row]:
        """The rows that importing would add, in file order."""
        return [self.rows[i] for i in self.plan.new]

    @property
    def fingerprint(self) -> str:
        """A digest of what importing would do, to tell whether it changed since a preview."""
        text = json.dumps([self.plan.new, self.plan.existing, self.plan.new_officials])
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _row_errors(rows: Sequence[Row], exc: queries.BatchError) -> list[RowError]:
    return [
        RowError(rows[index][0], column, message)
        for index, fields in exc.items.items()
        for column, message in fields.items()
    ]


def check_file(session: Session, data: bytes) -> CheckedFile:
    """Check an events file: the CSV contract row by row, then a dry run of the import itself.

    Writes nothing. Every problem comes with its line (the header is line 1) and column.
    """
    rows, errors = csvio.read_events_file(data)
    plan = queries.AddResult()
    if rows:
        try:
            plan = queries.add_events(session, [item for _, item in rows], skip_existing=True, dry_run=True)
        except queries.BatchError as exc:
            errors.extend(_row_errors(rows, exc))
    errors.sort(key=lambda e: e.line)
    return CheckedFile(rows, errors, plan)


def import_rows(session: Session, rows: Sequence[Row]) -> tuple[queries.AddResult | None, list[RowError]]:
    """Store checked rows with ``queries.add_events``, all or none, skipping events already stored.

    Returns the result, or (None, problems) when ``add_events`` refused rows (named by line).
    """
    try:
        return queries.add_events(session, [item for _, item in rows], skip_existing=True), []
    except queries.BatchError as exc:
        return None, _row_errors(rows, exc)


# Uploads waiting for confirmation --------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _upload_folder() -> Path:
    folder = Path(current_app.config["IMPORT_FOLDER"])
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def stash_upload(data: bytes, filename: str) -> str:
    """Keep an uploaded file until it is confirmed or cancelled; returns its token."""
    folder = _upload_folder()
    cutoff = time.time() - current_app.config["IMPORT_MAX_AGE"]
    for old in folder.glob("*.*"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.json").write_text(json.dumps({"filename": filename}), encoding="utf-8")
    (folder / f"{token}.csv").write_bytes(data)
    return token


def load_upload(token: str) -> tuple[bytes, str] | None:
    """The bytes and file name of a stashed upload, or None when there is none (or it expired)."""
    if not _TOKEN.fullmatch(token):
        return None
    path = _upload_folder() / f"{token}.csv"
    try:
        if path.stat().st_mtime < time.time() - current_app.config["IMPORT_MAX_AGE"]:
            return None
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        return path.read_bytes(), str(meta.get("filename", ""))
    except (OSError, ValueError):
        return None


def drop_upload(token: str) -> None:
    """Forget a stashed upload."""
    if _TOKEN.fullmatch(token):
        for suffix in (".csv", ".json"):
            (_upload_folder() / f"{token}{suffix}").unlink(missing_ok=True)


# Pages ------------------------------------------------------------------------------------------


def _size(n: int) -> str:
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def _form_page(
    *, problems: Sequence[RowError] = (), file_error: str = "", filename: str = "", status: int = 200
) -> tuple[str, int]:
    max_bytes = current_app.config.get("MAX_CONTENT_LENGTH")
    page = render_template(
        "import.html",
        problems=problems[:LISTED_PROBLEMS],
        problem_count=len(problems),
        file_error=file_error,
        filename=filename,
        max_bytes=max_bytes or "",
        max_label=_size(max_bytes) if max_bytes else "",
        channels=CHANNELS,
        statuses=STATUSES,
        precisions=PRECISIONS,
    )
    return page, status


def _preview_page(
    token: str, filename: str, checked: CheckedFile, *, notice: str = "", status: int = 200
) -> tuple[str, int]:
    new_rows = checked.new_rows
    page = render_template(
        "import_preview.html",
        token=token,
        filename=filename,
        fingerprint=checked.fingerprint,
        row_count=len(checked.rows),
        new_count=len(new_rows),
        existing_count=len(checked.plan.existing),
        new_officials=checked.plan.new_officials,
        rows=new_rows[:PREVIEW_ROWS],
        notice=notice,
    )
    return page, status


@bp.get("/import")
def import_form() -> tuple[str, int]:
    """The upload form, with the columns a file needs."""
    return _form_page()


@bp.post("/import")
def upload() -> tuple[str, int]:
    """Check an uploaded file: its problems (status 400, nothing written) or a preview to confirm."""
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        return _form_page(file_error="is required: choose the file to import", status=400)
    filename = Path(sent.filename).name[:200]
    data = sent.read()
    if not data.strip():
        return _form_page(
            file_error=f"{filename} is empty: it needs the header line and one line per event",
            filename=filename,
            status=400,
        )
    checked = check_file(get_session(), data)
    if checked.errors:
        return _form_page(problems=checked.errors, filename=filename, status=400)
    if not checked.rows:
        return _form_page(
            file_error=f"{filename} has the header line but no events below it",
            filename=filename,
            status=400,
        )
    return _preview_page(stash_upload(data, filename), filename, checked)


@bp.post("/import/<token>")
def confirm(token: str) -> tuple[str, int] | BaseResponse:
    """Import the previewed file, checking it again; if what it would do changed, preview again."""
    stashed = load_upload(token)
    if stashed is None:
        flash(
            "That upload is no longer waiting (imported, cancelled or expired): nothing was written. "
            "Upload the file again.",
            "error",
        )
        return redirect(url_for("imports.import_form"), 303)
    data, filename = stashed
    session = get_session()
    checked = check_file(session, data)
    if checked.errors:
        drop_upload(token)
        return _form_page(problems=checked.errors, filename=filename, status=400)
    if checked.fingerprint != request.form.get("fingerprint", ""):
        notice = (
            "The stored events changed since this preview, so nothing was written yet: "
            "check the new numbers and confirm again."
        )
        return _preview_page(token, filename, checked, notice=notice, status=409)
    result, problems = import_rows(session, checked.rows)
    if result is None:
        drop_upload(token)
        return _form_page(problems=problems, filename=filename, status=400)
    drop_upload(token)
    flash(
        f"Imported {_count(len(result.added), 'event')} ({result.skipped} already present) from {filename}.",
        "success",
    )
    return redirect(url_for("views.timeline"), 303)


@bp.post("/import/<token>/cancel")
def cancel(token: str) -> BaseResponse:
    """Drop a previewed upload without importing it."""
    drop_upload(token)
    flash("Import cancelled: nothing was written.", "info")
    return redirect(url_for("imports.import_form"), 303)


@bp.get("/import/template.csv")
def template_csv() -> Response:
    """An empty events file: the header line of the CSV contract."""
    return Response(
        "".join(csvio.export_csv([])),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="contact-events-template.csv"'},
    )


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_exc: RequestEntityTooLarge) -> tuple[str, int]:
    """An upload over ``MAX_CONTENT_LENGTH``: the form again, saying so (nothing was read)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return _form_page(
        file_error=f"is larger than the {_size(limit)} limit: split it and import the parts one by one",
        status=413,
    )


# Command ----------------------------------------------------------------------------------------


def _fail(problems: Sequence[RowError], name: str) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    raise click.ClickException(f"{_count(len(problems), 'problem')} in {name}: nothing was imported.")


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
    officials = _count(len(checked.plan.new_officials), "new official")
    if dry_run:
        click.echo(
            f"Dry run, nothing written: would import {_count(len(checked.plan.new), 'event')}, "
            f"skip {len(checked.plan.existing)} already present, and add {officials}."
        )
        return
    result, problems = import_rows(session, checked.rows)
    if result is None:
        _fail(problems, name)
        return
    click.echo(
        f"Imported {_count(len(result.added), 'event')}, skipped {result.skipped} already present "
        f"({officials})."
    )


def init_app(app: Flask) -> None:
    """Register the upload pages and the ``import-csv`` command."""
    app.config.setdefault("IMPORT_FOLDER", str(Path(tempfile.gettempdir()) / "contact-tracker-imports"))
    app.config.setdefault("IMPORT_MAX_AGE", 24 * 3600)
    app.register_blueprint(bp)
    app.cli.add_command(import_csv_command)
