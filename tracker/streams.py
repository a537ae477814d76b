"""Streamed downloads, gzip-compressed as they go for clients that accept gzip.

Flask-Compress compresses whole responses; a download that is streamed (``/events.csv``) is
compressed here instead, chunk by chunk with one ``zlib`` compressor, so memory stays that of a
chunk whatever the file's size.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Mapping

from flask import Request, Response

#: zlib's window bits for a gzip member (header and trailer included).
GZIP_WBITS = 16 + zlib.MAX_WBITS
#: Compressed bytes gathered before they are sent (fewer, larger writes to the socket).
SEND_AT = 64 * 1024


def accepts_gzip(request: Request) -> bool:
    """Whether the request's ``Accept-Encoding`` allows gzip (a quality above 0, named or by ``*``)."""
    return request.accept_encodings.quality("gzip") > 0


def gzip_chunks(chunks: Iterable[str | bytes], level: int = 6) -> Iterator[bytes]:
    """The gzip stream of ``chunks`` (text as UTF-8), in pieces of about ``SEND_AT`` bytes."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, GZIP_WBITS)
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:
        data = compressor.compress(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
        if data:
            pending.append(data)
            size += len(data)
            if size >= SEND_AT:
                yield b"".join(pending)
                pending, size = [], 0
    pending.append(compressor.flush())
    yield b"".join(pending)


def download(
    request: Request,
    chunks: Iterable[str],
    *,
    mimetype: str,
    headers: Mapping[str, str],
    level: int = 6,
) -> Response:
    """A streamed response of ``chunks``: gzip-compressed when the request accepts gzip, else as they are.

    Either way it says ``Vary: Accept-Encoding``, so caches keep the two apart.
    """
    all_headers = {**headers, "Vary": "Accept-Encoding"}
    if accepts_gzip(request):
        all_headers["Content-Encoding"] = "gzip"
        return Response(gzip_chunks(chunks, level), mimetype=mimetype, headers=all_headers)
    return Response(chunks, mimetype=mimetype, headers=all_headers)
