"""The CSV import pages: upload a file, see its problems or a preview, confirm or cancel."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from tracker import csvio
from tracker.csvio import RowError
from tracker.db import get_session
from tracker.importing import (
    CheckedFile,
    check_file,
    count,
    drop_upload,
    import_rows,
    load_upload,
    stash_upload,
)
from tracker.vocabulary import Channel, Precision, Status

bp = Blueprint("imports", __name__)

#: How many of the events to add the preview lists.
PREVIEW_ROWS = 20
#: How many problems the upload page lists (the command lists them all).
LISTED_PROBLEMS = 1000


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
        channels=tuple(Channel),
        statuses=tuple(Status),
        precisions=tuple(Precision),
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
        f"Imported {count(len(result.added), 'event')} ({result.skipped} already present) from {filename}.",
        "success",
    )
    return redirect(url_for("timeline.timeline"), 303)


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


def init_app(app: Flask) -> None:
    """Register the upload pages."""
    app.register_blueprint(bp)
