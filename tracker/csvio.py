"""The CSV contract: one column list for export, import and seeds; a streaming writer; a validating reader."""

from __future__ import annotations

import csv
import io
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from pydantic import ValidationError
from sqlmodel import SQLModel

from tracker.forms import field_errors
from tracker.memo import Memo
from tracker.models import (
    EVENT_FIELDS,
    CleanedEventImport,
    ContextEventCreate,
    EventCreate,
    EventImport,
    ReferenceRow,
    SourceCreate,
    SourceRow,
    TenureRow,
    as_text,
    clean_text,
)

T = TypeVar("T")

COLUMNS = ("id", *EVENT_FIELDS)
#: Columns an import file may leave out.
OPTIONAL_COLUMNS = ("id", "date_end")
CONTEXT_COLUMNS = ("date", "title", "description", "source_url", "date_end", "countries")
CONTEXT_OPTIONAL = ("description", "source_url", "date_end", "countries")


#: The most columns and data rows a file may have (the contract has 17 columns).
MAX_COLUMNS = 200
MAX_ROWS = 500_000

#: A cell a spreadsheet would run as a formula (OWASP: = + - @, tab, CR), after any quotes already added.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")


def neutralise(text: str) -> str:
    """A cell made safe for spreadsheets: a leading ``'`` before = + - @ tab or CR (``restore`` undoes it)."""
    return "'" + text if _FORMULA.match(text) else text


def restore(text: str) -> str:
    """A cell as it was before ``neutralise``: exports read back unchanged."""
    return text[1:] if _NEUTRALISED.match(text) else text


#: About how many characters ``export_csv`` hands over at a time.
CHUNK = 64 * 1024


#: The first characters a cell that ``neutralise`` changes can start with.
_RISKY = frozenset("=+-@\t\r'")


def _safe(value: object) -> object:
    return neutralise(value) if isinstance(value, str) and value[:1] in _RISKY else value


def _cells(row: object, columns: tuple[str, ...]) -> Sequence[object]:
    """A row's cells in ``columns`` order (a sequence as it is, else by name), formulas neutralised."""
    if isinstance(row, Sequence):
        # csv writes None as empty and dates in ISO 8601, as ``as_text`` does
        return [_safe(v) for v in row]
    if isinstance(row, dict):
        return [_safe(as_text(row.get(c, ""))) for c in columns]
    return [_safe(as_text(getattr(row, c))) for c in columns]


def export_csv(rows: Iterable[object], columns: tuple[str, ...] = COLUMNS) -> Iterator[str]:
    """The CSV text of ``rows`` (RFC 4180, CRLF): the header line, then whole lines about ``CHUNK`` characters at a time.

    A row is an object with the columns as attributes, a dict by column, or a sequence of
    values in ``columns`` order.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    yield out.getvalue()
    out.seek(0)
    out.truncate()
    for row in rows:
        writer.writerow(_cells(row, columns))
        if out.tell() >= CHUNK:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    if out.tell():
        yield out.getvalue()


def csv_cell(text: str) -> str:
    """A text cell as ``export_csv`` writes it: neutralised, then quoted where ``csv.writer`` would quote it."""
    if text[:1] in _RISKY:
        text = neutralise(text)
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def export_joined(
    rows: Iterable[Sequence[str]], verbatim: Sequence[bool], columns: tuple[str, ...] = COLUMNS
) -> Iterator[str]:
    """The text ``export_csv`` writes, from rows of text whose ``verbatim`` values are already CSV.

    A verbatim value is a run of cells that never need quoting or neutralising (ids, dates,
    words of the vocabulary) joined by commas in the database; the other values are text cells.
    Python touches only the free text, so a large export costs little more than reading it.
    """
    yield ",".join(csv_cell(c) for c in columns) + "\r\n"
    cells = Memo(csv_cell, limit=20_000)  # the same names, roles and countries fill most cells
    lines: list[str] = []
    size = 0
    for row in rows:
        line = ",".join([value if keep else cells[value] for value, keep in zip(row, verbatim, strict=True)])
        lines.append(line)
        size += len(line) + 2
        if size >= CHUNK:
            lines.append("")
            yield "\r\n".join(lines)
            lines, size = [], 0
    if lines:
        lines.append("")
        yield "\r\n".join(lines)


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one cell (or a whole row, when ``column`` is empty) of an import file."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


def _iter_rows(
    stream: IO[str],
    model: type[SQLModel],
    columns: tuple[str, ...],
    optional: tuple[str, ...],
    *,
    read_only: bool = False,
    cleaned: type[SQLModel] | None = None,
) -> Iterator[tuple[int, Any] | RowError]:
    """The valid rows of a file (with their lines) and every problem, in file order, as they are read;
    ``read_only`` rows are never changed.

    Read-only rows share one frozen set of the fields they set (assigning to one raises). With
    ``cleaned`` (``model`` without its cleaning of every field) the reader cleans the cells itself,
    each distinct short text once, and validates rows as ``cleaned``; a row with a cell that
    cannot be cleaned is validated as ``model``, whose messages name the field.
    """
    reader = csv.reader(stream)
    try:
        header = next(reader)
    except StopIteration:
        yield RowError(1, "", "the file is empty: the first line must be the header")
        return
    except csv.Error as exc:
        yield RowError(1, "", f"not readable as CSV ({exc})")
        return
    if len(header) > MAX_COLUMNS:
        yield RowError(
            1, "", f"the header has {len(header):,} columns; a file may have at most {MAX_COLUMNS}"
        )
        return
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    header = [h.strip() for h in header]
    errors: list[RowError] = []
    for c in columns:
        if c not in header and c not in optional:
            errors.append(RowError(1, c, "missing column: the header line must name it"))
    for h in header:
        if h not in columns:
            reason = "unknown column" if h else "a column without a name"
            errors.append(RowError(1, h, f"{reason}; the columns are {','.join(columns)}"))
    for h in sorted(h for h, n in Counter(header).items() if h and n > 1):
        errors.append(RowError(1, h, "the header names this column more than once"))
    if errors:
        yield from errors
        return
    count = 0  # rows so far (blank ones aside)
    line = reader.line_num
    keep = [k != "id" or "id" in model.model_fields for k in header]
    blank_is_none = [k in _BLANK_IS_NONE for k in header]
    share = [k not in _UNIQUE_COLUMNS for k in header]
    # pydantic's validator itself: SQLModel's ``model_validate`` copies each row's fields into a
    # second dict, which only table models need
    validate = (
        model.model_validate if hasattr(model, "__table__") else model.__pydantic_validator__.validate_python
    )
    # the same few names, roles, countries, dates and words fill most cells: one string each
    # (a row holds references instead of copies, so a large file takes far less memory)
    shared: dict[str, str] = {}
    fields_sets: dict[frozenset[str], frozenset[str]] = {}

    def shared_fields(valid: Any) -> Any:
        """``valid`` with the one frozen set of the fields it set that its like share (pydantic keeps
        a set per instance, larger than the row)."""
        given = frozenset(valid.__pydantic_fields_set__)
        object.__setattr__(valid, "__pydantic_fields_set__", fields_sets.setdefault(given, given))
        return valid

    fast = _cleaner(header, keep, blank_is_none, share) if cleaned is not None else None
    validate_cleaned = cleaned.__pydantic_validator__.validate_python if cleaned is not None else validate
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield RowError(start, "", f"not readable as CSV ({exc})")
            break
        line = reader.line_num
        if not "".join(cells).strip():  # a blank row (joined: one C call, not one per cell)
            continue
        if count >= MAX_ROWS:
            yield RowError(start, "", f"the file has more than {MAX_ROWS:,} rows: split it")
            break
        count += 1
        if len(cells) != len(header):
            yield RowError(start, "", f"has {len(cells)} cells, the header has {len(header)}")
            continue
        if fast is not None:
            try:
                data = fast(cells)
                valid = validate_cleaned(data)
            except ValueError:  # a cell that cannot be cleaned, or a field pydantic refuses
                pass
            else:
                yield start, shared_fields(valid) if read_only else valid
                continue
        data = {}
        for k, v, kept, none, shareable in zip(header, cells, keep, blank_is_none, share, strict=True):
            if not kept:
                continue
            if v[:1] == "'":
                v = restore(v)
            if none and not v.strip():
                data[k] = None
            elif shareable and len(v) <= _SHARED_LENGTH:
                data[k] = shared.setdefault(v, v)
            else:
                data[k] = v
        try:
            valid = validate(data)
        except ValidationError as exc:
            record = {k: restore(v) for k, v in zip(header, cells, strict=True)}
            for column, message in field_errors(exc).items():
                if column in _DATE_COLUMNS and message.startswith(_PYDANTIC_DATE_MESSAGES):
                    message = f"{record[column]!r} is not a date: write it as YYYY-MM-DD, e.g. 2022-05-19"
                yield RowError(start, column, message)
            continue
        yield start, shared_fields(valid) if read_only else valid


def _read(
    stream: IO[str],
    model: type[SQLModel],
    columns: tuple[str, ...],
    optional: tuple[str, ...],
    *,
    read_only: bool = False,
) -> tuple[list[tuple[int, Any]], list[RowError]]:
    """The valid rows of a file (with their lines) and every problem (``_iter_rows``)."""
    return _collect(_iter_rows(stream, model, columns, optional, read_only=read_only))


def _collect(found: Iterable[tuple[int, T] | RowError]) -> tuple[list[tuple[int, T]], list[RowError]]:
    """What a reader found, as the valid rows and the problems."""
    items: list[tuple[int, T]] = []
    errors: list[RowError] = []
    for one in found:
        if isinstance(one, RowError):
            errors.append(one)
        else:
            items.append(one)
    return items, errors


def _cleaner(
    header: Sequence[str], keep: Sequence[bool], blank_is_none: Sequence[bool], share: Sequence[bool]
) -> Callable[[Sequence[str]], dict[str, str | None]]:
    """A row's cells as a model's fields, restored (``restore``) and cleaned (``clean_text``): the
    short texts of the columns that repeat (names, roles, countries, dates, words) through a memo,
    so that each is cleaned once and the rows share one string of it. ``ValueError`` names no
    field: the caller validates such a row again, as the model does, for its message."""
    memo: Memo[str, str] = Memo(lambda v: clean_text(restore(v)), limit=20_000, longest=_SHARED_LENGTH)
    repeated = [i for i, (k, s) in enumerate(zip(keep, share, strict=True)) if k and s]
    each = [(header[i], i) for i, (k, s) in enumerate(zip(keep, share, strict=True)) if k and not s]
    names = [header[i] for i in repeated]
    pick: Callable[[Sequence[str]], Sequence[str]] = (
        operator.itemgetter(*repeated) if len(repeated) > 1 else (lambda cells: [cells[i] for i in repeated])
    )
    blanks = [header[i] for i, (k, n) in enumerate(zip(keep, blank_is_none, strict=True)) if k and n]
    lookup = memo.__getitem__

    def fields(cells: Sequence[str]) -> dict[str, str | None]:
        data: dict[str, str | None] = dict(zip(names, map(lookup, pick(cells)), strict=True))
        for name, i in each:
            data[name] = clean_text(restore(cells[i]))
        for name in blanks:
            if not data[name]:
                data[name] = None
        return data

    return fields


#: Cells up to this long are shared between rows (names, roles, countries, dates, channels)...
_SHARED_LENGTH = 80
#: ... except in columns whose cells are all different.
_UNIQUE_COLUMNS = ("id", "summary", "source_url", "description", "quote")


_DATE_COLUMNS = ("date", "date_end", "source_date", "start", "end")
_ID_COLUMNS = ("id", "event_id", "seats")
_BLANK_IS_NONE = (*_ID_COLUMNS, *_DATE_COLUMNS)
_PYDANTIC_DATE_MESSAGES = ("Input should be a valid date", "Datetimes provided to dates")


def read_events(stream: IO[str]) -> tuple[list[tuple[int, EventCreate]], list[RowError]]:
    """Validate every row of an events file in the CSV contract.

    Returns the valid rows with their line numbers, and every problem found; callers write
    nothing unless the problems are none.
    """
    items, errors = _collect(iter_events(stream))
    return list(items), errors


def iter_events(stream: IO[str]) -> Iterator[tuple[int, EventImport] | RowError]:
    """The rows of an events file as they are read: (line, the validated row) or a problem."""
    return _iter_rows(
        stream, EventImport, COLUMNS, OPTIONAL_COLUMNS, read_only=True, cleaned=CleanedEventImport
    )


def read_context_events(stream: IO[str]) -> tuple[list[tuple[int, ContextEventCreate]], list[RowError]]:
    """Validate every row of a context events file (``date,title`` and optional ``description,
    source_url,date_end,countries``)."""
    items, errors = _read(stream, ContextEventCreate, CONTEXT_COLUMNS, CONTEXT_OPTIONAL)
    return [(n, e) for n, e in items if isinstance(e, ContextEventCreate)], errors


#: The byte order mark some editors put before UTF-8 text.
BOM = b"\xef\xbb\xbf"


def decode(data: bytes) -> IO[str]:
    """Text of an uploaded file: UTF-8 with or without a BOM, CRLF or LF line ends.

    ``UnicodeDecodeError`` (at once) when it is not UTF-8; the text is then read as it is
    needed, so a large file is not held twice over as a string.
    """
    data.decode("utf-8-sig")  # raises at the first byte that is not UTF-8; the string is dropped
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")


def read_events_file(data: bytes) -> tuple[list[tuple[int, EventCreate]], list[RowError]]:
    """Validate an uploaded events file like ``read_events``; text that is not UTF-8 is a problem too."""
    try:
        stream = decode(data)
    except UnicodeDecodeError as exc:
        return [], [not_utf8(data, exc.start)]
    return read_events(stream)


def not_utf8(data: bytes, position: int) -> RowError:
    """Where the first byte that is not UTF-8 sits (line, and column when the header says)."""
    line = data.count(b"\n", 0, position) + 1
    message = (
        f"not UTF-8 text (byte 0x{data[position]:02X}); save the file as UTF-8 "
        "(in Excel: “CSV UTF-8”) and try again"
    )
    column = ""
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig", errors="replace"), newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        for cells in reader if line > 1 else ():
            if reader.line_num >= line:
                bad = [i for i, cell in enumerate(cells) if "\ufffd" in cell]
                if bad and bad[0] < len(header):
                    column = header[bad[0]]
                break
    except csv.Error:
        pass
    return RowError(line, column, message)


TENURE_COLUMNS = ("official", "post", "country", "start", "end")


def read_tenures(stream: IO[str]) -> tuple[list[tuple[int, TenureRow]], list[RowError]]:
    """Validate every row of a tenures file (``official,post,country,start,end``)."""
    items, errors = _read(stream, TenureRow, TENURE_COLUMNS, ("start", "end"))
    return [(n, t) for n, t in items if isinstance(t, TenureRow)], errors


REFERENCE_COLUMNS = tuple(ReferenceRow.model_fields)


def read_reference(stream: IO[str]) -> tuple[list[tuple[int, ReferenceRow]], list[RowError]]:
    """Validate every line of a reference file (offices, people, tenures; see ``seeds/README.md``)."""
    optional = tuple(c for c in REFERENCE_COLUMNS if c not in ("record", "country", "source_url"))
    items, errors = _read(stream, ReferenceRow, REFERENCE_COLUMNS, optional)
    return [(n, r) for n, r in items if isinstance(r, ReferenceRow)], errors


#: The columns of ``/sources.csv``: the event a source reports, then the source.
SOURCE_COLUMNS = ("event_id", *SourceCreate.model_fields)


def read_sources(stream: IO[str]) -> tuple[list[tuple[int, SourceRow]], list[RowError]]:
    """Validate every line of a sources file (``/sources.csv``)."""
    optional = tuple(c for c in SOURCE_COLUMNS if c != "event_id")
    items, errors = _read(stream, SourceRow, SOURCE_COLUMNS, optional)
    return [(n, r) for n, r in items if isinstance(r, SourceRow)], errors
