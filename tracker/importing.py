"""Importing an events file: check it, preview what it adds, then import it all or nothing.

The upload pages (``tracker.pages.imports``) and ``flask import-csv FILE`` share ``check_file``
and ``import_rows``; both write through ``tracker.store.writes.add_events``, the one write path.
Uploads wait in a private folder between preview and confirmation.
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

from flask import Flask, current_app
from sqlmodel import Session

from tracker import csvio
from tracker.csvio import RowError
from tracker.models import EventCreate
from tracker.store import BatchError, writes

Row = tuple[int, EventCreate]


def count(n: int, word: str) -> str:
    """'1 event', '2 events'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


# Checking and importing ----------------------------------------------------------------------


@dataclass
class CheckedFile:
    """An events file checked without writing: its valid rows, every problem, and what it would add."""

    rows: list[Row]
    errors: list[RowError]
    plan: writes.AddResult = field(default_factory=writes.AddResult)

    @property
    def new_rows(self) -> list[Row]:
        """The rows that importing would add, in file order."""
        return [self.rows[i] for i in self.plan.new]

    @property
    def fingerprint(self) -> str:
        """A digest of what importing would do, to tell whether it changed since a preview."""
        text = json.dumps([self.plan.new, self.plan.existing, self.plan.new_officials])
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _row_errors(rows: Sequence[Row], exc: BatchError) -> list[RowError]:
    return [
        RowError(rows[index][0], column, message)
        for index, error in exc.items.items()
        for column, message in error.errors.items()
    ]


def check_file(session: Session, data: bytes) -> CheckedFile:
    """Check an events file: the CSV contract row by row, then a dry run of the import itself.

    Writes nothing. Every problem comes with its line (the header is line 1) and column.
    """
    rows, errors = csvio.read_events_file(data)
    plan = writes.AddResult()
    if rows:
        try:
            plan = writes.add_events(session, [item for _, item in rows], skip_existing=True, dry_run=True)
        except BatchError as exc:
            errors.extend(_row_errors(rows, exc))
    errors.sort(key=lambda e: e.line)
    return CheckedFile(rows, errors, plan)


def import_rows(session: Session, rows: Sequence[Row]) -> tuple[writes.AddResult | None, list[RowError]]:
    """Store checked rows with ``writes.add_events``, all or none, skipping events already stored.

    Returns the result, or (None, problems) when ``add_events`` refused rows (named by line).
    """
    try:
        return writes.add_events(session, [item for _, item in rows], skip_existing=True), []
    except BatchError as exc:
        return None, _row_errors(rows, exc)


# Uploads waiting for confirmation --------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def upload_folder() -> Path:
    folder = Path(current_app.config["IMPORT_FOLDER"])
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def stash_upload(data: bytes, filename: str) -> str:
    """Keep an uploaded file until it is confirmed or cancelled; returns its token."""
    folder = upload_folder()
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
    path = upload_folder() / f"{token}.csv"
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
            (upload_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def init_app(app: Flask) -> None:
    """Where uploads wait, and for how long."""
    app.config.setdefault("IMPORT_FOLDER", str(Path(tempfile.gettempdir()) / "contact-tracker-imports"))
    app.config.setdefault("IMPORT_MAX_AGE", 24 * 3600)
