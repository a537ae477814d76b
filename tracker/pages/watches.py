"""Watches: a user's lines, dyads and saved filters, how they hear of changes, and the delivery log."""

from __future__ import annotations

import dataclasses
import datetime as dt
import urllib.parse
from typing import Any

import orjson
from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from tracker import board, notify
from tracker.auth import account, signed_in
from tracker.clock import today
from tracker.db import get_session
from tracker.filters import EventFilter
from tracker.models import Watch
from tracker.store import InputError
from tracker.store import watches as store
from tracker.vocabulary import LEVEL_WORDS

bp = Blueprint("watches", __name__)

FIELDS = (
    "kind",
    "line",
    "dyad",
    "query",
    "label",
    "levels",
    "new_events",
    "email_mode",
    "email",
    "webhook_url",
)


def _me_id() -> int:
    me = account()
    if me is None:  # the access rule lets only signed-in users here
        abort(403)
    return me.id


def _owned(watch_id: int) -> Watch:
    watch = store.get_watch(get_session(), watch_id)
    if watch is None or watch.user_id != _me_id():
        abort(404)
    return watch


def _targets() -> dict[str, Any]:
    """The lines and dyads a watch can name, for the form's choices."""
    rows = board.ordered(board.stored_rows(get_session(), "post", as_of=today()), "alarming")
    lines = sorted(((r.key, r.label) for r in rows), key=lambda kv: kv[1].casefold())
    return {"lines": lines, "dyads": board.dyads(rows)}


def _default_label(data: store.WatchInput) -> str:
    """A watch's name when none is given: the line's two posts, the dyad, or the filters."""
    flt = store.watch_filter(Watch(user_id=0, kind=data.kind, query=data.query))
    if data.kind == "pair":
        rows = board.stored_rows(get_session(), "post", as_of=today())
        return next((r.label for r in rows if r.key == flt.pair), data.query)[:300]
    if data.kind == "dyad":
        return f"{flt.dyad} (every line)"[:300]
    return data.query[:300]


def _feeds(watch: Watch) -> dict[str, str]:
    """The Atom feeds that carry what a watch watches."""
    flt = store.watch_filter(watch)
    alerts: dict[str, Any] = {}
    if watch.kind == "pair" and flt.pair:
        alerts = {"pair": flt.pair}
    elif watch.kind == "dyad" and flt.dyad:
        alerts = {"dyad": flt.dyad}
    return {
        "alerts": url_for("feeds.alerts_feed", **alerts),
        "events": url_for("feeds.events_feed") + "?" + watch.query,
    }


def _values(watch: Watch | None = None) -> dict[str, Any]:
    if watch is None:
        kind = request.args.get("kind", "pair")
        kind = kind if kind in store.KINDS else "pair"
        target = request.args.get("target", "")
        values: dict[str, Any] = {
            "kind": kind,
            "line": target if kind == "pair" else "",
            "dyad": target if kind == "dyad" else "",
            "query": request.args.get("query", ""),
            "levels": True,
            "new_events": False,
            "email_mode": "",
        }
        return values
    flt = store.watch_filter(watch)
    return {
        "kind": watch.kind,
        "line": flt.pair if watch.kind == "pair" else "",
        "dyad": flt.dyad if watch.kind == "dyad" else "",
        "query": watch.query,
        "label": watch.label,
        "levels": watch.levels,
        "new_events": watch.new_events,
        "email_mode": watch.email_mode,
        "email": watch.email,
        "webhook_url": watch.webhook_url,
    }


def _list_page(values: dict[str, Any], errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    session = get_session()
    mine = store.list_watches(session, user_id=_me_id())
    counts = store.delivery_counts(session, [w.id or 0 for w in mine])
    page = render_template(
        "watches.html",
        watches=mine,
        counts=counts,
        values=values,
        errors=errors,
        kinds=store.KINDS,
        email_modes=store.EMAIL_MODES,
        mail_ready=notify.mail_settings(current_app.config) is not None,
        **_targets(),
    )
    return page, status


@bp.get("/watches")
@signed_in
def watch_list() -> tuple[str, int]:
    """One's watches, and the form to add one (``?kind=pair&target=<key>`` fills it in)."""
    return _list_page(_values(), {})


@bp.post("/watches")
@signed_in
def create_watch() -> tuple[str, int] | BaseResponse:
    """Add a watch; a webhook's signing key is shown once, on the page this answers with."""
    values = {k: request.form.get(k, "") for k in FIELDS}
    try:
        data = store.check_watch(values)
        if not data.label:
            data = dataclasses.replace(data, label=_default_label(data))
        watch, secret = store.create_watch(get_session(), user_id=_me_id(), data=data)
    except InputError as exc:
        return _list_page(values, exc.errors, 400)
    flash(f"Watching {watch.label or watch.query}.", "success")
    if secret:
        return _watch_page(watch, new_secret=secret, status=201)
    return redirect(url_for("watches.watch_page", watch_id=watch.id))


def _watch_page(
    watch: Watch,
    *,
    new_secret: str = "",
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    page = render_template(
        "watch.html",
        watch=watch,
        new_secret=new_secret,
        values=values if values is not None else _values(watch),
        errors=errors or {},
        log=store.delivery_log(get_session(), watch.id or 0),
        feeds=_feeds(watch),
        email_modes=store.EMAIL_MODES,
        kinds=store.KINDS,
        mail_ready=notify.mail_settings(current_app.config) is not None,
        timeline=url_for("timeline.timeline") + "?" + watch.query,
        level_words=LEVEL_WORDS,
    )
    return page, status


@bp.get("/watches/<id:watch_id>")
@signed_in
def watch_page(watch_id: int) -> tuple[str, int]:
    """A watch: its settings, feeds and delivery log."""
    return _watch_page(_owned(watch_id))


@bp.post("/watches/<id:watch_id>")
@signed_in
def update_watch(watch_id: int) -> tuple[str, int] | BaseResponse:
    """Change how a watch is heard through."""
    watch = _owned(watch_id)
    values = {
        **_values(watch),
        **{k: request.form.get(k, "") for k in FIELDS if k not in ("kind", "line", "dyad", "query")},
    }
    try:
        data = store.check_watch(values)
        secret = store.update_watch(get_session(), watch, data)
    except InputError as exc:
        return _watch_page(watch, values=values, errors=exc.errors, status=400)
    flash("Saved the watch.", "success")
    if secret:
        return _watch_page(watch, new_secret=secret)
    return redirect(url_for("watches.watch_page", watch_id=watch.id))


@bp.post("/watches/<id:watch_id>/secret")
@signed_in
def rotate_secret(watch_id: int) -> tuple[str, int] | BaseResponse:
    """A new webhook signing key (the old one stops working at once)."""
    watch = _owned(watch_id)
    if not watch.webhook_url:
        flash("This watch has no webhook.", "error")
        return redirect(url_for("watches.watch_page", watch_id=watch.id))
    return _watch_page(watch, new_secret=store.rotate_secret(get_session(), watch))


@bp.post("/watches/<id:watch_id>/test")
@signed_in
def test_webhook(watch_id: int) -> BaseResponse:
    """POST a signed ping to the watch's webhook now and say how it went (not kept in the log)."""
    watch = _owned(watch_id)
    if not watch.webhook_url or not watch.webhook_secret:
        flash("This watch has no webhook.", "error")
        return redirect(url_for("watches.watch_page", watch_id=watch.id))
    body = orjson.dumps(
        {
            "type": "ping",
            "watch": {"id": watch.id, "filters": watch.query},
            "sent_at": dt.datetime.now(dt.UTC).isoformat(),
        }
    )
    try:
        status = notify.post_webhook(
            watch.webhook_url,
            body,
            secret=watch.webhook_secret,
            delivery_id=0,
            topic="ping",
            allow_private=notify.allow_private(current_app.config),
            timeout=5,
        )
    except notify.SendError as exc:
        flash(f"The test ping was not delivered: {exc}.", "error")
    else:
        flash(f"The test ping was delivered: the endpoint answered {status}.", "success")
    return redirect(url_for("watches.watch_page", watch_id=watch.id))


@bp.post("/watches/<id:watch_id>/delete")
@signed_in
def delete_watch(watch_id: int) -> BaseResponse:
    watch = _owned(watch_id)
    what = watch.label or watch.query
    store.delete_watch(get_session(), watch)
    flash(f"No longer watching {what}.", "success")
    return redirect(url_for("watches.watch_list"))


def watch_link(kind: str, target: str | EventFilter) -> str:
    """The address of the form that starts a watch of ``target`` (a key, a dyad, or the timeline's filters)."""
    if isinstance(target, EventFilter):
        target = urllib.parse.urlencode(target.query_args(), doseq=True)
    args: dict[str, Any] = {"query": target} if kind == "filter" else {"target": target}
    return url_for("watches.watch_list", kind=kind, **args)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["watch_link"] = watch_link
