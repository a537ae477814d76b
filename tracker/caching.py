"""What an expensive page computes, kept in the process while the record is unchanged; its ETag.

The key of a computation is the record's version (``store.version.data_version``: one cheap
query, changed by every write, from any process), the day the tracker takes for today, the
request's query string and the settings that shape what is computed. A write in one gunicorn
worker changes the version every worker reads next, so no page is ever served from before a
write. ``flask recompute`` changes no log: it follows a change of settings, which a restart
(and so an empty cache) brings in. ``TIMELINE_CACHE = False`` turns it off (the benchmark measures both).

A page's ETag adds who is asking (pages show the user's menu and form tokens) and the half-hour
(form tokens expire after ``WTF_CSRF_TIME_LIMIT``): a browser that still holds the same page is
answered 304 without it being rendered again.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, current_app, request, session
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from tracker.clock import today
from tracker.db import get_session
from tracker.store.version import data_version

T = TypeVar("T")

#: How many computations each process keeps (the least recently used go first).
SIZE = 32
#: The settings that change what the pages compute.
SETTINGS = ("TIMELINE_DETAIL_LIMIT", "REPORTED_WINDOW_DAYS", "AS_OF")

_lock = threading.Lock()
_EXTENSION = "tracker_page_cache"


def _store() -> OrderedDict[tuple[Any, ...], Any]:
    found = current_app.extensions.get(_EXTENSION)
    if found is None:
        found = current_app.extensions[_EXTENSION] = OrderedDict()
    assert isinstance(found, OrderedDict)
    return found


def cached(kind: str, compute: Callable[[], T]) -> tuple[T, tuple[Any, ...]]:
    """``compute()`` for this request, from the cache while the record is unchanged; and its key."""
    key = (
        kind,
        data_version(get_session()),
        today().isoformat(),
        tuple(sorted(request.args.items(multi=True))),
        tuple(str(current_app.config.get(name)) for name in SETTINGS),
    )
    if not current_app.config.get("TIMELINE_CACHE", True):
        return compute(), key
    store = _store()
    with _lock:
        if key in store:
            store.move_to_end(key)
            return store[key], key
    value = compute()
    with _lock:
        store[key] = value
        while len(store) > SIZE:
            store.popitem(last=False)
    return value, key


def page_etag(key: tuple[Any, ...]) -> str:
    """The ETag of a page computed under ``key``, as the asking user sees it now."""
    limit = int(current_app.config.get("WTF_CSRF_TIME_LIMIT") or 3600)
    who = (
        current_user.get_id() if current_user.is_authenticated else "",
        str(session.get("csrf_token", "")),
        int(time.time() // max(60, limit // 2)),
    )
    return hashlib.sha256(repr((key, who)).encode()).hexdigest()[:32]


def not_modified(tag: str) -> bool:
    """Whether the browser already holds the page of ``tag`` (and has no message waiting to be shown)."""
    return request.if_none_match.contains_weak(tag) and not session.get("_flashes")


def not_modified_response(tag: str) -> BaseResponse:
    """A 304 for the page of ``tag``."""
    response = Response(status=304)
    mark(response, tag)
    return response


def mark(response: BaseResponse, tag: str) -> None:
    """Give a page its (weak) ETag and have browsers ask again before each use."""
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = "private, no-cache"
