"""Responses are compressed for browsers that accept it; plotly.js is cached for good."""

from __future__ import annotations

import gzip
import re

import brotli
from flask import Flask
from flask.testing import FlaskClient

from tracker import streams
from tracker.pages.site import PLOTLY_JS

GZIP = {"Accept-Encoding": "gzip"}


def _plotly_url(client: FlaskClient) -> str:
    page = client.get("/").get_data(as_text=True)
    [url] = [s for s in re.findall(r'<script src="([^"]+)"', page) if "plotly" in s]
    return url


def test_timeline_page_is_gzipped_when_accepted(seeded: Flask, client: FlaskClient) -> None:
    plain = client.get("/")
    zipped = client.get("/", headers=GZIP)
    assert plain.headers.get("Content-Encoding") is None
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    raw = zipped.get_data()
    assert len(raw) < len(plain.get_data()) / 3
    text = gzip.decompress(raw).decode()
    # the page but for its per-request form tokens
    tokens = re.compile(r'name="csrf_token" [^>]*value="[^"]*"')
    assert tokens.sub("", text) == tokens.sub("", plain.get_data(as_text=True))


def test_api_json_is_gzipped_exactly(seeded: Flask, client: FlaskClient) -> None:
    plain = client.get("/api/pairs").get_data()
    zipped = client.get("/api/pairs", headers=GZIP)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain


def test_plotly_js_is_gzipped_and_immutable(seeded: Flask, client: FlaskClient) -> None:
    url = _plotly_url(client)
    response = client.get(url, headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.mimetype == "text/javascript"
    cache = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert cache == {"public", "max-age=31536000", "immutable"}
    body = response.get_data()
    assert len(body) < 1_600_000  # a first visit's cost over the wire
    assert gzip.decompress(body) == PLOTLY_JS.read_bytes()


def test_plotly_js_in_brotli_or_plain(seeded: Flask, client: FlaskClient) -> None:
    url = _plotly_url(client)
    br = client.get(url, headers={"Accept-Encoding": "br, gzip"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.get_data()) == PLOTLY_JS.read_bytes()
    plain = client.get(url)
    assert plain.headers.get("Content-Encoding") is None
    assert plain.get_data() == PLOTLY_JS.read_bytes()
    plain.close()


def test_csv_export_streams_gzipped_when_gzip_is_accepted(seeded: Flask, client: FlaskClient) -> None:
    plain = client.get("/events.csv", headers={"Accept-Encoding": "identity"})
    assert plain.headers.get("Content-Encoding") is None
    assert "Accept-Encoding" in plain.headers["Vary"]
    text = plain.get_data(as_text=True)
    assert text.startswith("id,date,date_end,") and text.count("\r\n") == 6  # header and five events
    response = client.get("/events.csv?status=held", headers={"Accept-Encoding": "br;q=1, gzip;q=0.5"})
    assert response.is_streamed
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Content-Disposition"].endswith('-filtered.csv"')
    held = client.get("/events.csv?status=held").get_data(as_text=True)
    assert gzip.decompress(response.get_data()).decode("utf-8") == held
    # gzip refused: as it is
    refused = client.get("/events.csv", headers={"Accept-Encoding": "gzip;q=0, br"})
    assert refused.headers.get("Content-Encoding") is None and refused.get_data(as_text=True) == text


def test_sources_csv_streams_gzipped_when_gzip_is_accepted(seeded: Flask, client: FlaskClient) -> None:
    plain = client.get("/sources.csv").get_data()
    zipped = client.get("/sources.csv", headers={"Accept-Encoding": "*"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain


def test_a_large_stream_is_compressed_in_pieces_with_flat_memory() -> None:
    rows = (f"{n},{'Шойгу «quoted», ' * (n % 7)}\r\n" for n in range(200_000))
    pieces = list(streams.gzip_chunks(rows))
    assert len(pieces) > 2 and all(len(p) <= streams.SEND_AT * 2 for p in pieces[:-1])
    expected = "".join(f"{n},{'Шойгу «quoted», ' * (n % 7)}\r\n" for n in range(200_000))
    assert gzip.decompress(b"".join(pieces)).decode("utf-8") == expected


def test_static_files_are_served_whole_and_closed(client: FlaskClient) -> None:
    response = client.get("/static/style.css", headers=GZIP)
    assert response.status_code == 200
    assert b"{" in response.get_data()
    response.close()
