"""Importing an events file: check it, preview what it adds, then import it all or nothing.

The upload pages (``tracker.pages.imports``) and ``flask import-csv FILE`` share ``read_file``, ``plan_file``
and ``import_rows``; both write through ``tracker.store.writes.add_events``, the one write path.
Uploads wait in a private folder between preview and confirmation.
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import io
import json
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from flask import Flask, current_app
from sqlmodel import Session

from tracker import csvio
from tracker.csvio import RowError
from tracker.filerows import EventRow, FileRows
from tracker.models import SourceRow
from tracker.store import BatchError, writes
from tracker.store import sources as stored_sources

Row = tuple[int, EventRow]


def count(n: int, word: str) -> str:
    """'1 event', '2 events'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


# Checking and importing ----------------------------------------------------------------------


@dataclass
class CheckedFile:
    """A file checked without writing: its valid rows, every problem, and the plan of what importing does.

    An events file (the CSV contract) plans events; a sources file (``/sources.csv``) adds
    further sources to recorded events.
    """

    rows: Sequence[Row]  # ``FileRows``: read back from disk as they are needed
    errors: list[RowError]
    plan: writes.Plan = field(default_factory=writes.Plan)
    sources: list[tuple[int, SourceRow]] = field(default_factory=list)
    #: SHA-256 of the file's bytes: a confirmation imports exactly the bytes that were previewed
    digest: str = ""

    @property
    def kind(self) -> str:
        return "sources" if self.sources else "events"

    def line(self, index: int) -> int:
        """The line of the file a row (by its place among the valid rows) is on."""
        return self.rows[index][0] if not isinstance(self.rows, FileRows) else self.rows.lines[index]

    @property
    def lines(self) -> Sequence[int]:
        """The line of each valid row."""
        return self.rows.lines if isinstance(self.rows, FileRows) else [line for line, _ in self.rows]

    def pick(self, indexes: Sequence[int]) -> Iterator[EventRow]:
        """The valid rows at ``indexes`` (ascending), in order."""
        rows = self.rows
        return rows.pick(indexes) if isinstance(rows, FileRows) else (rows[i][1] for i in indexes)

    @property
    def new_count(self) -> int:
        return len(self.plan.of("add"))

    def new_rows(self, limit: int | None = None) -> list[Row]:
        """The (first ``limit``) rows that importing would add as events, in file order."""
        return [self.rows[p.index] for p in self.plan.of("add")[:limit]]

    @property
    def corroborating_count(self) -> int:
        return len(self.plan.of("corroborate"))

    def corroborating(self, limit: int | None = None) -> list[tuple[Row, str]]:
        """The (first ``limit``) rows that are further reports of a contact: (row, "event N" or
        "line L of this file")."""
        found = []
        for p in self.plan.of("corroborate")[:limit]:
            target = (
                f"event {p.target_event}"
                if p.target_event is not None
                else f"line {self.line(p.target_item or 0)}"
            )
            found.append((self.rows[p.index], target))
        return found

    @property
    def skipped(self) -> int:
        return len(self.plan.of("skip"))

    @property
    def writes_something(self) -> bool:
        return bool(self.new_count or self.corroborating_count or self.sources)

    @property
    def fingerprint(self) -> str:
        """A digest of what importing would do, to tell whether it changed since a preview."""
        text = json.dumps(
            [
                self.digest,
                [p.index for p in self.plan.of("add")],
                [(p.index, p.target_event, p.target_item) for p in self.plan.of("corroborate")],
                [p.index for p in self.plan.of("skip")],
                [(n.key, n.decision) for n in (*self.plan.officials.values(), *self.plan.posts.values())],
                [(n, s.event_id) for n, s in self.sources],
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]


def _row_errors(checked: CheckedFile, exc: BatchError) -> list[RowError]:
    return [
        RowError(checked.line(index), column, message)
        for index, error in exc.items.items()
        for column, message in error.errors.items()
    ]


def choices_from(decisions: Mapping[str, str]) -> writes.Choices:
    """The decisions a preview's form (or a command's option) gives: a name's key -> "new" or the name to use."""
    new = frozenset(key for key, value in decisions.items() if value == "new")
    use = {key: value.removeprefix("use:") for key, value in decisions.items() if value.startswith("use:")}
    return writes.Choices(new=new, use=use)


_collector_lock = threading.Lock()
_collector_paused: list[tuple[int, int, int]] = []  # the thresholds to restore, while imports run


@contextmanager
def uncollected() -> Iterator[None]:
    """Collect only young objects while a large file is checked or imported.

    A file's rows live until it is imported, and the cycle collector's older generations would
    walk all of them again and again as the import allocates (a third of an import's time at
    100,000 rows); the youngest generation still frees short-lived cycles as usual. Imports in
    several threads at once restore the collector when the last one ends.
    """
    with _collector_lock:
        if not _collector_paused:
            thresholds = gc.get_threshold()
            gc.set_threshold(thresholds[0], 1_000_000_000, thresholds[2])
            _collector_paused.append(thresholds)
        else:
            _collector_paused.append(_collector_paused[0])
    try:
        yield
    finally:
        with _collector_lock:
            restore = _collector_paused.pop()
            if not _collector_paused:
                gc.set_threshold(*restore)


def check_file(session: Session, data: bytes, choices: writes.Choices | None = None) -> CheckedFile:
    """Check a file: the CSV columns row by row, then plan the import itself (nothing is written).

    Every problem comes with its line (the header is line 1) and column.
    """
    return plan_file(session, read_file(data), choices)


def read_file(source: bytes | IO[bytes]) -> CheckedFile:
    """Read and validate a file's rows without the database (``plan_file`` then plans them).

    ``source`` is the file's bytes or a binary file, read a part at a time (a large file is
    never held whole). Reading needs no lock and no transaction: a confirmation reads before it
    takes the write lock.
    """
    stream: IO[bytes] = io.BytesIO(source) if isinstance(source, bytes) else source
    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    start = stream.tell()
    digest, bad = _digest(stream)
    stream.seek(start)
    if bad is not None:
        data = stream.read()
        return CheckedFile([], [csvio.not_utf8(data, bad)], digest=digest)
    head = stream.read(len(csvio.BOM) + 8)
    stream.seek(start)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        with uncollected():
            if head.removeprefix(csvio.BOM).startswith(b"event_id"):
                sources, errors = csvio.read_sources(text)
                if not sources and not errors:
                    errors.append(RowError(2, "", "the file has the header line but no sources below it"))
                return CheckedFile([], errors, sources=sources, digest=digest)
            rows = FileRows()  # on disk, a chunk at a time: a large file's rows do not fill the memory
            problems: list[RowError] = []
            for found in csvio.iter_events(text):
                if isinstance(found, RowError):
                    problems.append(found)
                else:
                    rows.append(*found)
            return CheckedFile(rows.close_writing(), problems, digest=digest)
    finally:
        text.detach()  # the caller's file stays open


def _digest(stream: IO[bytes]) -> tuple[str, int | None]:
    """SHA-256 of the rest of ``stream``, and where its first byte that is not UTF-8 is (or None)."""
    sha = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    read = 0
    bad: int | None = None
    while True:
        part = stream.read(1 << 20)
        pending = len(decoder.getstate()[0])  # bytes of a character the last part cut
        try:
            if bad is None:
                decoder.decode(part, final=not part)
        except UnicodeDecodeError as exc:
            bad = read - pending + exc.start
        if not part:
            return sha.hexdigest(), bad
        sha.update(part)
        read += len(part)


def plan_file(session: Session, read: CheckedFile, choices: writes.Choices | None = None) -> CheckedFile:
    """What importing a file read by ``read_file`` would do, against what is recorded now (nothing is written).

    Returns a new ``CheckedFile``: ``read`` itself is left as it was, to plan again with other choices.
    """
    errors = list(read.errors)
    if read.sources:
        known = stored_sources.existing_events(session, [s.event_id for _, s in read.sources])
        for line, source in read.sources:
            if source.event_id not in known:
                errors.append(RowError(line, "event_id", f"there is no event {source.event_id}"))
        return CheckedFile([], errors, sources=read.sources, digest=read.digest)
    plan = writes.Plan()
    if read.rows:
        with uncollected():
            plan = writes.plan_events(
                session,
                _items(read),
                choices=choices,
                batch=True,
                keep_items=not isinstance(read.rows, FileRows),
            )
        if plan.problems:
            errors.extend(_row_errors(read, BatchError(plan.problems)))
    errors.sort(key=lambda e: e.line)
    return CheckedFile(read.rows, errors, plan, digest=read.digest)


def _items(checked: CheckedFile) -> Iterator[EventRow]:
    rows = checked.rows
    return rows.items() if isinstance(rows, FileRows) else (item for _, item in rows)


def import_rows(
    session: Session, checked: CheckedFile, choices: writes.Choices | None = None
) -> tuple[writes.AddResult | None, list[RowError]]:
    """Store a checked file, all or none: its plan (events), or its sources.

    Returns the result, or (None, problems) when the write refused rows (named by line).
    """
    if checked.sources:
        added = stored_sources.add_sources(session, [s for _, s in checked.sources])
        return writes.AddResult(corroborating=list(range(added))), []
    try:
        with uncollected():
            return writes.apply_plan(session, checked.plan, choices=choices, items=checked.pick), []
    except BatchError as exc:
        return None, _row_errors(checked, exc)


# Uploads waiting for confirmation --------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def upload_folder() -> Path:
    """The folder uploads wait in, private to this user (made so again if someone opened it up)."""
    folder = Path(current_app.config["IMPORT_FOLDER"])
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if folder.stat().st_mode & 0o077:
        folder.chmod(0o700)
    return folder


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


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
    _write_private(folder / f"{token}.json", json.dumps({"filename": filename}).encode())
    _write_private(folder / f"{token}.csv", data)
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
