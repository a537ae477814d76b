"""Atom feeds: /feeds/alerts.atom (every change of a line's alert level) and /feeds/events.atom (filters as on /)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, current_app, request, url_for
from sqlmodel import col

from tracker.db import get_session
from tracker.feeds import Entry, atom
from tracker.filters import parse_filters
from tracker.models import ContactEvent, LaneStat, utcnow
from tracker.pages import assessments
from tracker.store import alert_log, events
from tracker.vocabulary import LEVEL_WORDS

bp = Blueprint("feeds", __name__)
FEED_TYPE = "application/atom+xml; charset=utf-8"


def _aware(moment: dt.datetime) -> dt.datetime:
    """A moment as UTC (SQLite hands back naive datetimes, written as UTC), to order entries by."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _link(endpoint: str, **values: Any) -> str:
    """An address under PUBLIC_URL when set, else a path (resolved against the feed's own address)."""
    return str(current_app.config.get("PUBLIC_URL", "")).rstrip("/") + url_for(endpoint, **values)


@bp.get("/feeds/alerts.atom")
def alerts_feed() -> Response:
    """The latest 100 changes of alert level and monthly assessments, newest first.

    ``?pair=`` narrows to one line, ``?dyad=`` to one dyad's lines (and their assessments); each
    entry's id never changes.
    """
    pair, dyad = request.args.get("pair", "").strip() or None, request.args.get("dyad", "").strip() or None
    changes = alert_log.recent(get_session(), limit=100, key=pair, dyad=dyad)
    entries = [
        Entry(
            id=f"alert-change/{c.id}",
            title=f"{LEVEL_WORDS.get(c.level_to, c.level_to).capitalize()}: {c.label}",
            updated=c.recorded_at,
            summary=(
                f"{c.label}: {LEVEL_WORDS.get(c.level_from, c.level_from)} → {LEVEL_WORDS.get(c.level_to, c.level_to)}"
                f" as of {c.as_of.isoformat()}"
                + (f" (since {c.since.isoformat()})" if c.since else "")
                + f". {c.reason}"
            ),
            link=_link("timeline.pair", key=c.key),
            category=c.level_to,
        )
        for c in changes
    ]
    narrowed = {k: v for k, v in (("pair", pair), ("dyad", dyad)) if v}
    lines = {pair} if pair else set()
    if dyad:
        lines |= {f"dyad:{dyad}"} | set(
            get_session().execute(sa.select(col(LaneStat.key)).where(col(LaneStat.dyad) == dyad)).scalars()
        )
    judged = assessments.feed_entries(_link, lines=lines if narrowed else None)
    entries = sorted(entries + judged, key=lambda e: _aware(e.updated), reverse=True)[:100]
    body = atom(
        feed_id="alerts" + ("?" + urlencode(narrowed) if narrowed else ""),
        title="Contact Timeline Tracker: alert levels"
        + (f" ({changes[0].label})" if pair and changes else ""),
        self_link=_link("feeds.alerts_feed", **narrowed),
        alternate=_link("timeline.pairs"),
        entries=entries,
    )
    return Response(body, content_type=FEED_TYPE)


@bp.get("/feeds/events.atom")
def events_feed() -> Response | tuple[str, int, dict[str, str]]:
    """The 50 events changed last that the filters keep (the same query string as the timeline)."""
    flt, errors = parse_filters(request.args)
    if errors:
        message = "; ".join(f"{k}: {v}" for k, v in errors.items())
        return f"Bad filter: {message}\n", 400, {"Content-Type": "text/plain; charset=utf-8"}
    session = get_session()
    rows, _ = events.list_events_page(session, flt=flt, limit=50, sort="-updated")
    ids = [r.id for r in rows]
    stamps = dict(
        session.execute(
            sa.select(col(ContactEvent.id), col(ContactEvent.updated_at)).where(col(ContactEvent.id).in_(ids))
        ).all()
    )
    entries = [
        Entry(
            id=f"event/{r.id}",
            title=f"{r.date.isoformat()}: {r.official_a} – {r.official_b} ({r.channel}, {r.status})",
            updated=stamps.get(r.id) or utcnow(),
            summary=" ".join(
                part
                for part in (
                    r.summary,
                    f"Source: {r.source_publisher or r.source_url}" if r.source_url else "",
                )
                if part
            )
            or "No summary recorded.",
            link=_link("events.event_page", event_id=r.id),
            category=r.status,
        )
        for r in rows
    ]
    query = request.query_string.decode()
    body = atom(
        feed_id="events" + (f"?{query}" if query else ""),
        title="Contact Timeline Tracker: events" + (" (filtered)" if flt.active else ""),
        self_link=_link("feeds.events_feed", **request.args),
        alternate=_link("timeline.timeline", **request.args),
        entries=entries,
    )
    return Response(body, content_type=FEED_TYPE)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
