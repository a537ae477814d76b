"""What every page needs: today's date, ids in URLs, error pages, and plotly.js served by the app."""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import brotli
import plotly
from flask import Blueprint, Flask, Response, render_template, request, send_file, url_for
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response as BaseResponse

from tracker.clock import today
from tracker.models import MAX_ID, field_label
from tracker.timeline import key_items

bp = Blueprint("site", __name__)

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_VERSION = plotly.__version__


#: plotly.js compressed once per process, by content coding: (br, quality 9) and gzip (level 9).
_ENCODINGS = ("br", "gzip")


@functools.cache
def _plotly_encoded(encoding: str) -> bytes:
    data = PLOTLY_JS.read_bytes()
    return brotli.compress(data, quality=9) if encoding == "br" else gzip.compress(data, 9, mtime=0)


@bp.get("/vendor/plotly-<version>.min.js")
def plotly_js(version: str) -> BaseResponse:
    """plotly.js from the installed ``plotly`` package, compressed when the browser accepts it.

    Cached for a year and never revalidated (``immutable``): the URL has its version.
    """
    encoding = next((e for e in _ENCODINGS if request.accept_encodings[e]), None)
    if encoding is None:
        response = send_file(PLOTLY_JS, mimetype="text/javascript")
    else:
        response = Response(_plotly_encoded(encoding), mimetype="text/javascript")
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    if version == PLOTLY_VERSION:
        response.cache_control.public = True
        response.cache_control.max_age = 365 * 24 * 3600
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = 0
    return response


def query_with(**changes: object) -> str:
    """This page's address with some query-string arguments changed (None or "" removes one)."""
    args = request.args.copy()
    for name, value in changes.items():
        args.pop(name, None)
        if value not in (None, ""):
            for item in value if isinstance(value, list | tuple) else [value]:
                args.add(name, str(item))
    text = urlencode(list(args.items(multi=True)))
    return f"{request.path}?{text}" if text else request.path


def _error_page(error: Any) -> tuple[str, int]:
    code = getattr(error, "code", 500) or 500
    return render_template("error.html", code=code, name=getattr(error, "name", "Error"), error=error), code


class IdConverter(IntegerConverter):
    """A database id in a URL: a positive integer small enough for every database (else 404)."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=MAX_ID)


def init_app(app: Flask) -> None:
    """Register ids in URLs, the error pages, plotly.js and what every template needs."""
    app.url_map.converters["id"] = IdConverter
    app.register_blueprint(bp)
    for code in (400, 404, 405, 413):
        app.register_error_handler(code, _error_page)

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {
            "query_with": query_with,
            "field_label": field_label,
            "timeline_key": key_items(),
            "plotly_js_url": url_for("site.plotly_js", version=PLOTLY_VERSION),
            "today_iso": today().isoformat(),
            "nav_endpoints": app.view_functions,
        }
