"""The valid rows of an events file, kept on disk a chunk at a time: an import's memory stays flat in N.

A large file's rows, held as validated models until they are written, took about 1 KB each (a
100,000-row import peaked near 300 MB). ``FileRows`` keeps each row as a plain tuple of its
validated values, marshalled into a private temporary file in chunks of ``CHUNK`` rows, and
reads them back as ``EventRow`` (the fields of ``EventImport``, with the vocabulary as text)
chunk by chunk when the import is planned and written.
"""

from __future__ import annotations

import datetime as dt
import marshal
import tempfile
import weakref
from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple, overload

from tracker.memo import Memo
from tracker.models import EventImport

#: Rows per chunk written to (and read back from) the file.
CHUNK = 2000


class EventRow(NamedTuple):
    """A validated row of an events file (``EventImport``'s fields in its order; vocabulary as text)."""

    official_a: str
    country_a: str
    official_b: str
    country_b: str
    initiated_by: str
    date: dt.date
    date_end: dt.date | None
    date_precision: str
    role_a: str
    role_b: str
    channel: str
    status: str
    summary: str
    source_url: str
    source_publisher: str
    source_date: dt.date | None
    id: int | None


def _packed(row: EventImport) -> tuple[Any, ...]:
    """A row as marshal stores it: dates as ordinals, the vocabulary as text."""
    d = row.__dict__
    end, published = d["date_end"], d["source_date"]
    return (
        d["official_a"],
        d["country_a"],
        d["official_b"],
        d["country_b"],
        d["initiated_by"],
        d["date"].toordinal(),
        end.toordinal() if end is not None else None,
        str(d["date_precision"]),
        d["role_a"],
        d["role_b"],
        str(d["channel"]),
        str(d["status"]),
        d["summary"],
        d["source_url"],
        d["source_publisher"],
        published.toordinal() if published is not None else None,
        d["id"],
    )


def _unpacked(t: tuple[Any, ...], days: Memo[int, dt.date]) -> EventRow:
    return EventRow._make(
        (
            *t[:5],
            days[t[5]],
            None if t[6] is None else days[t[6]],
            *t[7:15],
            None if t[15] is None else days[t[15]],
            t[16],
        )
    )


class FileRows(Sequence[tuple[int, EventRow]]):
    """(line, row) pairs of a file, in file order, read back from a private temporary file.

    Append the rows, then ``close_writing``; iterating reads the chunks in order, indexing reads
    the one chunk that holds the row (the last one read is kept).
    """

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="tracker-import-")
        # the file goes (closed, then gone from the disk) with the rows, or with the interpreter
        self.close = weakref.finalize(self, self._file.close)
        self._offsets: list[tuple[int, int]] = []  # (offset, length) of each chunk
        self.lines = array("q")  # the line of each row
        self._pending: list[tuple[Any, ...]] = []
        self._cached: tuple[int, list[tuple[Any, ...]]] = (-1, [])
        self._days: Memo[int, dt.date] = Memo(dt.date.fromordinal)  # rows share their dates

    def append(self, line: int, row: EventImport) -> None:
        self.lines.append(line)
        self._pending.append(_packed(row))
        if len(self._pending) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            blob = marshal.dumps(self._pending)
            self._file.seek(0, 2)
            self._offsets.append((self._file.tell(), len(blob)))
            self._file.write(blob)
            self._pending = []

    def close_writing(self) -> FileRows:
        self._flush()
        return self

    def _chunk(self, number: int) -> list[tuple[Any, ...]]:
        """A chunk's rows as marshal stored them (the last chunk read is kept)."""
        if self._cached[0] != number:
            offset, length = self._offsets[number]
            self._file.seek(offset)
            self._cached = (number, marshal.loads(self._file.read(length)))
        return self._cached[1]

    def __len__(self) -> int:
        return len(self.lines)

    @overload
    def __getitem__(self, index: int) -> tuple[int, EventRow]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, EventRow]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, EventRow] | list[tuple[int, EventRow]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.lines[index], _unpacked(self._chunk(index // CHUNK)[index % CHUNK], self._days)

    def __iter__(self) -> Iterator[tuple[int, EventRow]]:
        return zip(self.lines, self.items(), strict=True)

    def items(self) -> Iterator[EventRow]:
        """The rows alone, in file order."""
        days = self._days
        for number in range(len(self._offsets)):
            for packed in self._chunk(number):
                yield _unpacked(packed, days)

    def pick(self, indexes: Iterable[int]) -> Iterator[EventRow]:
        """The rows at ``indexes`` (ascending), reading only the chunks that hold them."""
        days = self._days
        for index in indexes:
            yield _unpacked(self._chunk(index // CHUNK)[index % CHUNK], days)
