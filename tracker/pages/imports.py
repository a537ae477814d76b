"""The CSV import pages: upload a file, see its problems or a preview, confirm or cancel."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, flash, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from tracker import csvio
from tracker.auth import editors_only
from tracker.csvio import RowError
from tracker.db import get_session, write_lock
from tracker.importing import (
    CheckedFile,
    check_file,
    choices_from,
    count,
    drop_upload,
    import_rows,
    load_upload,
    plan_file,
    read_file,
    stash_upload,
)
from tracker.store.registry import registry
from tracker.store.writes import Plan
from tracker.vocabulary import Channel, Precision, Status

bp = Blueprint("imports", __name__)

#: How many of the events to add the preview lists.
PREVIEW_ROWS = 20
#: Further reports of recorded contacts listed in a preview.
PREVIEW_SOURCES = 50
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
    page = render_template(
        "import_preview.html",
        token=token,
        filename=filename,
        fingerprint=checked.fingerprint,
        row_count=len(checked.rows) or len(checked.sources),
        new_count=checked.new_count,
        existing_count=checked.skipped,
        corroborating=checked.corroborating(PREVIEW_SOURCES),
        corroborating_count=checked.corroborating_count,
        sources=checked.sources,
        plan=checked.plan,
        lines=checked.lines,
        tenures=[(_name(checked.plan, o), _title(checked.plan, p)) for o, p in checked.plan.tenures],
        rows=checked.new_rows(PREVIEW_ROWS),
        notice=notice,
        writes_something=checked.writes_something,
        decided=request.form if request.method == "POST" else {},
    )
    return page, status


def _name(plan: Plan, official: int) -> str:
    if official < 0:
        return plan.officials[official].name
    person = registry(get_session()).directory.people.get(official)
    return person.name if person else str(official)


def _title(plan: Plan, post: int) -> str:
    if post < 0:
        return plan.posts[post].name
    found = registry(get_session()).book.posts.get(post)
    return found.label if found else str(post)


@bp.get("/import")
@editors_only
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
    if not checked.rows and not checked.sources:
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
    read = read_file(data)  # reading needs no lock: other writes go on meanwhile
    del data
    # planned again and imported under the write lock: no other write can change the plan in between
    with write_lock(session):
        checked = plan_file(session, read)
        if checked.errors:
            drop_upload(token)
            return _form_page(problems=checked.errors, filename=filename, status=400)
        if checked.fingerprint != request.form.get("fingerprint", ""):
            notice = (
                "The stored events changed since this preview, so nothing was written yet: "
                "check the new numbers and confirm again."
            )
            return _preview_page(token, filename, checked, notice=notice, status=409)
        decisions = {
            k.removeprefix("name:"): v for k, v in request.form.items() if k.startswith("name:") and v
        }
        missing = [n for n in checked.plan.undecided if n.key not in decisions]
        if missing:
            notice = (
                f"Choose, for each of the {count(len(missing), 'name')} marked below, the recorded name to use or "
                "“record as new”: nothing was written yet."
            )
            return _preview_page(token, filename, checked, notice=notice, status=400)
        choices = choices_from(decisions)
        if decisions:
            checked = plan_file(session, read, choices)
        result, problems = import_rows(session, checked, choices)
        if result is None:
            drop_upload(token)
            return _form_page(problems=problems, filename=filename, status=400)
    drop_upload(token)
    further = (
        f", {count(len(result.corroborating), 'further source')} of recorded contacts"
        if result.corroborating
        else ""
    )
    flash(
        f"Imported {count(len(result.added), 'event')}{further} ({result.skipped} already present) from {filename}.",
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
