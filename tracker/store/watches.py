"""Watches and their deliveries: who watches which lines, and the notices owed to them.

A watch is a user's saved filter (a post pair is ``pair=<key>``, a dyad ``dyad=<A – B>``, or any
query string of the timeline) with the channels it is heard through. ``gather`` turns what
happened since a watch last looked (changes of alert level recorded in the state log, new
events) into one ``Delivery`` per channel; a unique constraint and the watch's cursors make that
happen once, however often it runs. Senders claim due deliveries (``claim_due``) so that two
workers never send the same notice twice.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select
from werkzeug.datastructures import MultiDict

from tracker.db import transaction
from tracker.filters import FILTER_PARAMS, EventFilter, parse_filters
from tracker.models import AlertChange, ContactEvent, Delivery, LaneStat, User, Watch
from tracker.posts import is_post_pair_key
from tracker.store import events
from tracker.store.errors import InputError
from tracker.store.registry import audit

KINDS = {"pair": "A line (post pair)", "dyad": "A dyad (two countries)", "filter": "A saved filter"}
EMAIL_MODES = {"": "No email", "immediate": "One email per change", "daily": "A daily digest"}
SECRET_PREFIX = "whsec_"
#: After this many failed attempts a delivery is given up (and shown so in the log): about a day of trying.
MAX_ATTEMPTS = 12
#: Seconds to wait after the first failure; doubled after each further one, up to ``MAX_BACKOFF``.
FIRST_BACKOFF = 60
MAX_BACKOFF = 6 * 3600
#: How often a notice that waits for email to be set up looks again.
WAIT_FOR_SETUP = dt.timedelta(hours=1)
#: A claimed delivery not finished within this long is claimed again (its sender died); far above
#: the longest a send can take.
CLAIM_TIMEOUT = dt.timedelta(minutes=30)
#: More new events than this for one watch in one pass go as one notice listing the first of them.
EVENT_BATCH = 25
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


@dataclass(frozen=True)
class WatchInput:
    """A watch as the form or the API give it, validated."""

    kind: str
    query: str
    label: str
    levels: bool
    new_events: bool
    email_mode: str
    email: str
    webhook_url: str


def canonical_query(query: str) -> tuple[str, EventFilter, dict[str, str]]:
    """The filters of a query string, written one way (known names, sorted), and any errors."""
    text = query.strip().lstrip("?")
    if "=" not in text and text:
        raise InputError({"query": "give the filters as on the timeline's address, for example pair=1:2"})
    pairs = urllib.parse.parse_qsl(text, keep_blank_values=False)
    unknown = sorted({k for k, _ in pairs if k not in FILTER_PARAMS})
    if unknown:
        raise InputError({"query": f"unknown filter {', '.join(unknown)}: use {', '.join(FILTER_PARAMS)}"})
    args: MultiDict[str, str] = MultiDict(pairs)
    flt, errors = parse_filters(args)
    kept = sorted((k, v.strip()) for k, v in pairs if v.strip())
    return urllib.parse.urlencode(kept), flt, errors


def check_watch(data: Mapping[str, Any]) -> WatchInput:
    """A ``WatchInput`` from form or JSON fields; ``InputError`` naming each bad field."""
    errors: dict[str, str] = {}
    kind = str(data.get("kind", "")).strip()
    if kind not in KINDS:
        errors["kind"] = f"choose what to watch: {', '.join(KINDS)}"
    target = str(
        data.get("target") or data.get({"pair": "line", "dyad": "dyad"}.get(kind, "target")) or ""
    ).strip()
    query = str(data.get("query", "")).strip()
    if kind == "pair":
        query = urllib.parse.urlencode({"pair": target}) if target else ""
        if not target:
            errors["target"] = "choose the line to watch"
    elif kind == "dyad":
        query = urllib.parse.urlencode({"dyad": target}) if target else ""
        if not target:
            errors["target"] = "choose the dyad to watch"
    canonical = ""
    if kind in KINDS and query:
        try:
            canonical, flt, problems = canonical_query(query)
        except InputError as exc:
            errors.update({"target" if kind != "filter" else "query": m for m in exc.errors.values()})
        else:
            if problems:
                errors["query"] = "; ".join(f"{k}: {v}" for k, v in problems.items())
            elif not flt.active:
                errors["query"] = (
                    "a saved filter needs at least one filter: watch everything with date_from=1900-01-01"
                )
    elif kind == "filter":
        errors["query"] = "give the filters to watch, as on the timeline's address (pair=1:2&status=refused)"
    if len(canonical) > 2000:
        errors["query"] = "the filters can have at most 2000 characters"
    label = " ".join(str(data.get("label", "")).split())[:300]
    levels, new_events = _flag(data.get("levels")), _flag(data.get("new_events"))
    if not levels and not new_events:
        errors["levels"] = "choose at least one thing to hear about: changes of alert level or new events"
    email_mode = str(data.get("email_mode", "")).strip()
    email = str(data.get("email", "")).strip()
    if email_mode not in EMAIL_MODES:
        errors["email_mode"] = f"choose one of: {', '.join(m or 'none' for m in EMAIL_MODES)}"
    elif email_mode and not email:
        errors["email"] = "give the address to send the emails to"
    if email and (len(email) > 320 or not _EMAIL.match(email)):
        errors["email"] = "give one email address, like analyst@example.org"
    webhook_url = str(data.get("webhook_url", "")).strip()
    if webhook_url:
        try:
            parts = urllib.parse.urlsplit(webhook_url)
            host = parts.hostname
        except ValueError:
            parts, host = urllib.parse.urlsplit(""), None
        if parts.scheme not in ("http", "https") or not host:
            errors["webhook_url"] = "a webhook address starts with http:// or https:// and names a host"
        elif len(webhook_url) > 2000:
            errors["webhook_url"] = "a webhook address can have at most 2000 characters"
    if errors:
        raise InputError(errors)
    return WatchInput(kind, canonical, label, levels, new_events, email_mode, email, webhook_url)


def _flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in ("1", "true", "on", "yes", "y")


def new_secret() -> str:
    """A fresh webhook signing key."""
    return SECRET_PREFIX + secrets.token_urlsafe(24)


def _newest(session: Session, column: Any) -> int:
    return int(session.execute(sa.select(sa.func.coalesce(sa.func.max(column), 0))).scalar_one())


def _known(session: Session, where: Any) -> bool:
    return session.execute(sa.select(col(LaneStat.key)).where(where).limit(1)).first() is not None


def create_watch(session: Session, *, user_id: int, data: WatchInput) -> tuple[Watch, str]:
    """Store a watch (starting from now: nothing of the past is sent); returns it and its webhook secret."""
    secret = new_secret() if data.webhook_url else ""
    flt = watch_filter(Watch(user_id=user_id, kind=data.kind, query=data.query))
    if data.kind == "pair" and not _known(session, col(LaneStat.key) == flt.pair):
        raise InputError({"target": f"no line {flt.pair} is recorded: choose one from the list"})
    if data.kind == "dyad" and not _known(session, col(LaneStat.dyad) == flt.dyad):
        raise InputError({"target": f"no line between {flt.dyad} is recorded: choose a dyad from the list"})
    with transaction(session):
        taken = session.exec(select(Watch).where(Watch.user_id == user_id, Watch.query == data.query)).first()
        if taken is not None:
            raise InputError({"query": f"you already watch this (watch {taken.id}): change that one instead"})
        watch = Watch(
            user_id=user_id,
            kind=data.kind,
            query=data.query,
            label=data.label,
            levels=data.levels,
            new_events=data.new_events,
            email_mode=data.email_mode,
            email=data.email,
            webhook_url=data.webhook_url,
            webhook_secret=secret,
            change_cursor=_newest(session, col(AlertChange.id)),
            event_cursor=_newest(session, col(ContactEvent.id)),
        )
        session.add(watch)
        session.flush()
        audit(session, "watch", watch.id, "created", f"watch {watch.kind} {watch.query}")
    return watch, secret


def update_watch(session: Session, watch: Watch, data: WatchInput) -> str:
    """Change how a watch is heard through (not what it watches); returns a new secret if one was made."""
    secret = ""
    before = set(_channels(watch))
    with transaction(session):
        if data.webhook_url and not watch.webhook_secret:
            secret = watch.webhook_secret = new_secret()
        watch.label = data.label
        watch.levels, watch.new_events = data.levels, data.new_events
        watch.email_mode, watch.email = data.email_mode, data.email
        watch.webhook_url = data.webhook_url
        session.add(watch)
        audit(session, "watch", watch.id, "updated", f"watch {watch.kind} {watch.query}")
        cancel(session, watch, sorted(before - set(_channels(watch))))
    return secret


def rotate_secret(session: Session, watch: Watch) -> str:
    """Replace a watch's webhook signing key; the new one is returned (and shown) once."""
    with transaction(session):
        watch.webhook_secret = new_secret()
        session.add(watch)
        audit(session, "watch", watch.id, "updated", "webhook secret replaced")
    return watch.webhook_secret


def delete_watch(session: Session, watch: Watch) -> None:
    """Remove a watch and its delivery log."""
    with transaction(session):
        session.execute(sa.delete(Delivery).where(col(Delivery.watch_id) == watch.id))
        audit(session, "watch", watch.id, "deleted", f"watch {watch.kind} {watch.query}")
        session.delete(watch)


def list_watches(session: Session, *, user_id: int | None = None) -> list[Watch]:
    """Watches (of one user when given), in the order they were made."""
    stmt = select(Watch).order_by(col(Watch.id))
    if user_id is not None:
        stmt = stmt.where(Watch.user_id == user_id)
    return list(session.exec(stmt))


def get_watch(session: Session, watch_id: int) -> Watch | None:
    return session.get(Watch, watch_id)


def watch_filter(watch: Watch) -> EventFilter:
    """The events a watch keeps, as timeline filters."""
    flt, _ = parse_filters(MultiDict(urllib.parse.parse_qsl(watch.query)))
    return flt


def _lanes_of(session: Session, flt: EventFilter) -> set[str]:
    """The lanes (post pairs) that hold events the filter keeps (deleted ones included)."""
    narrowed = flt.country or flt.dyad or flt.official or flt.q or flt.channels or flt.statuses
    if flt.pair and is_post_pair_key(flt.pair) and not narrowed:
        return {flt.pair}
    inner = events.event_select(flt, include_deleted=True, sides=False).order_by(None)
    stmt = inner.with_only_columns(col(ContactEvent.lane_key), col(ContactEvent.pair_key)).distinct()
    return {lane or pair for lane, pair in session.execute(stmt)}


@dataclass(frozen=True)
class Gathered:
    """What one ``gather`` queued: deliveries per channel."""

    queued: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.queued.values())


def _channels(watch: Watch) -> list[str]:
    found = []
    if watch.webhook_url:
        found.append("webhook")
    if watch.email_mode == "immediate" and watch.email:
        found.append("email")
    elif watch.email_mode == "daily" and watch.email:
        found.append("digest")
    return found


def gather(
    session: Session,
    *,
    level_payload: Any,
    event_payloads: Any,
    watches: Sequence[Watch] | None = None,
) -> Gathered:
    """Queue a delivery per channel for every change and new event each watch has not seen yet.

    ``level_payload(change)`` and ``event_payloads(ids)`` build what is sent (they know the
    app's addresses); idempotent: cursors move forward in the same transaction. More than
    ``EVENT_BATCH`` new events for one watch make one notice that lists the first of them.
    Watches of disabled users are skipped (their cursors move on: they are not sent the past).
    """
    queued: dict[str, int] = {}
    with transaction(session):
        newest_change = _newest(session, col(AlertChange.id))
        newest_event = _newest(session, col(ContactEvent.id))
        active = set(session.execute(sa.select(col(User.id)).where(col(User.active))).scalars())
        chosen = list(watches) if watches is not None else _fresh_watches(session)
        for watch in chosen:
            channels = _channels(watch) if watch.user_id in active else []
            flt = watch_filter(watch)
            items: list[tuple[str, int, dict[str, Any]]] = []
            if watch.levels and newest_change > watch.change_cursor and channels:
                lanes = _lanes_of(session, flt)
                changes = session.exec(
                    select(AlertChange)
                    .where(col(AlertChange.id) > watch.change_cursor, col(AlertChange.id) <= newest_change)
                    .where(col(AlertChange.key).in_(sorted(lanes)))
                    .order_by(col(AlertChange.id))
                )
                items += [("level", c.id or 0, level_payload(c)) for c in changes if _news(c)]
            if watch.new_events and newest_event > watch.event_cursor and channels:
                stmt = (
                    events.event_select(flt, sides=False)
                    .order_by(col(ContactEvent.id))
                    .with_only_columns(col(ContactEvent.id))
                    .where(col(ContactEvent.id) > watch.event_cursor, col(ContactEvent.id) <= newest_event)
                )
                ids = [int(i) for i in session.execute(stmt).scalars()]
                if len(ids) > EVENT_BATCH:
                    shown = event_payloads(ids[:EVENT_BATCH])
                    summary = {
                        "type": "new_events",
                        "count": len(ids),
                        "events": [p["event"] | {"url": p["url"]} for p in shown],
                        "more": len(ids) - EVENT_BATCH,
                    }
                    items.append(("events", ids[-1], summary))
                elif ids:
                    items += [("event", i, p) for i, p in zip(ids, event_payloads(ids), strict=True)]
            for topic, ref_id, payload in items:
                for channel in channels:
                    session.add(
                        Delivery(
                            watch_id=watch.id or 0,
                            channel=channel,
                            topic=topic,
                            ref_id=ref_id,
                            payload={**payload, "watch": _watch_json(watch)},
                        )
                    )
                    queued[channel] = queued.get(channel, 0) + 1
            watch.change_cursor, watch.event_cursor = newest_change, newest_event
            session.add(watch)
    return Gathered(queued)


def _fresh_watches(session: Session) -> list[Watch]:
    """Every watch as stored now (not as this session last saw it: its cursors may have moved)."""
    stmt = select(Watch).order_by(col(Watch.id)).execution_options(populate_existing=True)
    return list(session.exec(stmt))


def _news(change: AlertChange) -> bool:
    """Whether a change of level is worth telling: a line first seen is news only in warning or alarm."""
    return bool(change.level_from) or change.level_to in ("warn", "alarm")


def _watch_json(watch: Watch) -> dict[str, Any]:
    return {"id": watch.id, "kind": watch.kind, "filters": watch.query, "label": watch.label}


def _claim(session: Session, where: Sequence[Any], *, now: dt.datetime, limit: int) -> list[Delivery]:
    """Turn due pending deliveries "sending" for this sender only (under the write lock), and read them."""
    with transaction(session):
        session.execute(  # a sender that died: what it claimed goes back to pending
            sa.update(Delivery)
            .where(col(Delivery.status) == "sending", col(Delivery.next_attempt_at) <= now - CLAIM_TIMEOUT)
            .values(status="pending")
        )
        ids = list(
            session.execute(
                sa.select(col(Delivery.id))
                .where(col(Delivery.status) == "pending", col(Delivery.next_attempt_at) <= now, *where)
                .order_by(col(Delivery.id))
                .limit(limit)
            ).scalars()
        )
        if ids:
            session.execute(
                sa.update(Delivery)
                .where(col(Delivery.id).in_(ids), col(Delivery.status) == "pending")
                .values(status="sending", next_attempt_at=now)
            )
    if not ids:
        return []
    stmt = (
        select(Delivery)
        .where(col(Delivery.id).in_(ids), Delivery.status == "sending")
        .order_by(col(Delivery.id))
        .execution_options(populate_existing=True)
    )
    return list(session.exec(stmt))


def claim_due(
    session: Session, *, now: dt.datetime, channels: Sequence[str], limit: int = 1
) -> list[Delivery]:
    """The next deliveries due by ``now`` through ``channels``, claimed (one at a time by default)."""
    return _claim(session, [col(Delivery.channel).in_(list(channels))], now=now, limit=limit)


def digest_watches(session: Session, *, now: dt.datetime) -> list[int]:
    """The watches with digest items waiting and due."""
    stmt = (
        sa.select(col(Delivery.watch_id))
        .where(
            col(Delivery.channel) == "digest",
            col(Delivery.status) == "pending",
            col(Delivery.next_attempt_at) <= now,
        )
        .distinct()
    )
    return sorted(session.execute(stmt).scalars())


def claim_digest(session: Session, watch_id: int, *, now: dt.datetime) -> list[Delivery]:
    """A watch's waiting digest items, claimed together (another sender then finds none)."""
    where = [col(Delivery.channel) == "digest", col(Delivery.watch_id) == watch_id]
    return _claim(session, where, now=now, limit=10_000)


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait before the next attempt after ``attempts`` failed ones."""
    return dt.timedelta(seconds=min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF))


def record_outcome(
    session: Session,
    deliveries: Sequence[Delivery],
    *,
    ok: bool,
    now: dt.datetime,
    error: str = "",
    response_status: int | None = None,
    waiting: bool = False,
) -> None:
    """Store how sending went: sent, or failed with the next attempt scheduled (given up after the last).

    ``waiting``: nothing was tried (email is not set up yet): look again in an hour, no attempt
    counted. Only a delivery still claimed as this sender left it is changed: one deleted
    meanwhile, or claimed again by another sender after the claim ran out, is left alone.
    """
    with transaction(session):
        for delivery in deliveries:
            values: dict[str, Any] = {"response_status": response_status, "last_error": error[:2000]}
            attempts = delivery.attempts if waiting else delivery.attempts + 1
            if waiting:
                values.update(status="pending", next_attempt_at=now + WAIT_FOR_SETUP)
            elif ok:
                values.update(status="sent", sent_at=now, attempts=attempts)
            elif attempts >= MAX_ATTEMPTS:
                values.update(status="failed", attempts=attempts)
            else:
                values.update(status="pending", attempts=attempts, next_attempt_at=now + backoff(attempts))
            session.execute(
                sa.update(Delivery)
                .where(
                    col(Delivery.id) == delivery.id,
                    col(Delivery.status) == "sending",
                    col(Delivery.attempts) == delivery.attempts,
                )
                .values(**values)
            )


def cancel(session: Session, watch: Watch, channels: Sequence[str]) -> int:
    """Call off what waits to go through channels a watch no longer uses; returns how many."""
    if not channels:
        return 0
    with transaction(session):
        done = session.execute(
            sa.update(Delivery)
            .where(
                col(Delivery.watch_id) == watch.id,
                col(Delivery.channel).in_(list(channels)),
                col(Delivery.status) == "pending",
            )
            .values(status="cancelled", last_error="the watch no longer uses this channel")
        )
    return int(getattr(done, "rowcount", 0) or 0)


def any_due(session: Session, *, now: dt.datetime) -> bool:
    """Whether any delivery waits to be (re)tried by now."""
    stmt = sa.select(col(Delivery.id)).where(
        col(Delivery.status) == "pending", col(Delivery.next_attempt_at) <= now
    )
    return session.execute(stmt.limit(1)).first() is not None


def mark_digest_sent(session: Session, watch: Watch, *, now: dt.datetime) -> None:
    with transaction(session):
        session.execute(sa.update(Watch).where(col(Watch.id) == watch.id).values(last_digest_at=now))


def delivery_log(session: Session, watch_id: int, *, limit: int = 100) -> list[Delivery]:
    """A watch's latest deliveries, newest first."""
    stmt = (
        select(Delivery).where(Delivery.watch_id == watch_id).order_by(col(Delivery.id).desc()).limit(limit)
    )
    return list(session.exec(stmt))


def delivery_counts(session: Session, watch_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Deliveries per watch and status."""
    found: dict[int, dict[str, int]] = {}
    stmt = (
        sa.select(col(Delivery.watch_id), col(Delivery.status), sa.func.count())
        .where(col(Delivery.watch_id).in_(list(watch_ids)))
        .group_by(col(Delivery.watch_id), col(Delivery.status))
    )
    for watch_id, status, n in session.execute(stmt):
        found.setdefault(watch_id, {})[status] = n
    return found
