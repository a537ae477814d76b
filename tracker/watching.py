"""Watching the lines: alert levels checked against the state log, and the notices watchers are owed.

``check_alerts`` works out each lane's level as of a day from the stored lane statistics and
records a change of level only when it differs from the last one recorded, so running it again
records nothing new. ``watch_pass`` (what ``flask --app tracker check-alerts`` runs, from cron
as often as you like) does that, queues a notice per watch and channel for every change and new
event not seen yet (``tracker.store.watches``), and sends what is due (``tracker.notify``).
After every successful write the check and the queueing run in the request (a few queries), and
the sending in a background thread, so a slow or failing endpoint never holds up a write.
"""

from __future__ import annotations

import datetime as dt
import threading
import urllib.parse
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, request
from sqlmodel import Session, col

from tracker import board, notify
from tracker.clock import today
from tracker.db import get_session
from tracker.models import AlertChange, ContactEvent, EventPublic, utcnow
from tracker.store import alert_log, events
from tracker.store import watches as watch_store


@dataclass(frozen=True)
class Check:
    """What one check found: the lanes looked at, the changes it recorded, the lanes now in alarm."""

    lanes: int
    changes: list[AlertChange]
    alarms: int
    warnings: int

    def summary(self, as_of: dt.date) -> str:
        changed = ", ".join(f"{c.label}: {c.level_from or 'new'} → {c.level_to}" for c in self.changes[:5])
        more = f" and {len(self.changes) - 5} more" if len(self.changes) > 5 else ""
        what = f"{len(self.changes)} change{'' if len(self.changes) == 1 else 's'}"
        return (
            f"Checked {self.lanes} lines as of {as_of.isoformat()}: {self.alarms} in alarm, {self.warnings} in warning; "
            f"{what}{': ' + changed + more if self.changes else ''}."
        )


def check_alerts(session: Session, *, as_of: dt.date, mode: str = "post") -> Check:
    """Record every lane whose level differs from the last recorded one; idempotent."""
    rows = board.stored_rows(session, mode, as_of=as_of)
    known = alert_log.current_levels(session, mode)
    changes = [
        AlertChange(
            mode=mode,
            key=row.key,
            label=row.label[:500],
            level_from=known.get(row.key, ""),
            level_to=row.alert.level,
            reason=row.alert.reason,
            since=row.alert.since,
            as_of=as_of,
        )
        for row in rows
        if known.get(row.key) != row.alert.level
    ]
    if changes:
        alert_log.record(session, changes)
    levels = [row.alert.level for row in rows]
    return Check(len(rows), changes, levels.count("alarm"), levels.count("warn"))


def public_link(endpoint: str, **values: Any) -> str:
    """An absolute address of a page, from the ``PUBLIC_URL`` setting (never from a request's Host)."""
    base = urllib.parse.urlsplit(str(current_app.config.get("PUBLIC_URL") or "http://127.0.0.1:5000"))
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def _utc(moment: dt.datetime) -> str:
    moment = moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
    return moment.isoformat(timespec="seconds")


def level_payload(change: AlertChange) -> dict[str, Any]:
    """What a watcher is told of a change of level (the webhook's JSON body)."""
    return {
        "type": "level_change",
        "change_id": change.id,
        "line": {
            "key": change.key,
            "label": change.label,
            "url": public_link("timeline.pair", key=change.key),
        },
        "level_from": change.level_from,
        "level_to": change.level_to,
        "reason": change.reason,
        "since": change.since.isoformat() if change.since else None,
        "as_of": change.as_of.isoformat(),
        "recorded_at": _utc(change.recorded_at),
    }


def event_payloads(session: Session, ids: Sequence[int]) -> list[dict[str, Any]]:
    """What a watcher is told of new events, one payload per id (read in one query)."""
    stmt = events.event_select(include_deleted=True).where(col(ContactEvent.id).in_(list(ids)))
    rows = {r.id: r for r in events.rows_of(session, stmt, lanes="post")}
    found = []
    for event_id in ids:
        row = rows.get(event_id)
        fields = (
            EventPublic.model_validate(row, from_attributes=True).model_dump(mode="json", include=EVENT_KEYS)
            if row is not None
            else {"id": event_id}
        )
        found.append(
            {"type": "new_event", "event": fields, "url": public_link("events.event_page", event_id=event_id)}
        )
    return found


EVENT_KEYS = {
    "id", "date", "date_end", "date_precision", "official_a", "country_a", "role_a", "official_b", "country_b",
    "role_b", "channel", "status", "initiated_by", "summary", "source_url", "source_publisher", "pair_key",
    "pair_label",
}  # fmt: skip


@dataclass(frozen=True)
class Pass:
    """What one watch pass did: the check, the notices queued, the notices sent."""

    check: Check
    queued: int
    sent: notify.Sent

    def summary(self, as_of: dt.date) -> str:
        failed = f", {self.sent.failed} failed (retried later)" if self.sent.failed else ""
        return self.check.summary(as_of) + f" Notices: {self.queued} queued, {self.sent.sent} sent{failed}."


def queue_notices(session: Session, *, as_of: dt.date) -> tuple[Check, int]:
    """Record changes of level, then queue what every watch has not been told yet."""
    check = check_alerts(session, as_of=as_of)
    gathered = watch_store.gather(
        session, level_payload=level_payload, event_payloads=lambda ids: event_payloads(session, ids)
    )
    return check, gathered.total


def watch_pass(session: Session, *, as_of: dt.date) -> Pass:
    """Check, queue and send (what ``flask check-alerts`` runs)."""
    check, queued = queue_notices(session, as_of=as_of)
    sent = notify.dispatch(session, current_app.config)
    return Pass(check, queued, sent)


#: Areas whose writes cannot change a line's level (logins, tokens, watches): no check after them.
QUIET_BLUEPRINTS = frozenset({"accounts", "watches"})

_senders: dict[int, ThreadPoolExecutor] = {}
_senders_lock = threading.Lock()


def _sender(app: Flask) -> ThreadPoolExecutor:
    with _senders_lock:
        found = _senders.get(id(app))
        if found is None:
            found = _senders[id(app)] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracker-notify")
        return found


def _send_in_background(app: Flask) -> None:
    with app.app_context():  # a session of its own, closed with the context
        try:
            notify.dispatch(get_session(), app.config)
        except Exception:  # noqa: BLE001 (a notice that failed is retried by the next pass)
            app.logger.exception("sending notices failed")


def send_soon(app: Flask) -> Any:
    """Send what is due in a background thread of this worker; returns its future (tests wait on it)."""
    return _sender(app).submit(_send_in_background, app)


def _after_write(response: Response) -> Response:
    """After a write that succeeded, record the changes of level it made and queue notices (never failing it)."""
    if request.method in ("GET", "HEAD", "OPTIONS") or response.status_code >= 400:
        return response
    if request.blueprint in QUIET_BLUEPRINTS:
        return response
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        _check, queued = queue_notices(get_session(), as_of=today())
    except Exception:  # noqa: BLE001 (the write is stored; the next check records what this one missed)
        current_app.logger.exception("recording alert changes after a write failed")
        get_session().rollback()
        return response
    if app.config.get("NOTIFY_AFTER_WRITES", True) and (
        queued or watch_store.any_due(get_session(), now=utcnow())
    ):
        send_soon(app)
    return response


def init_app(app: Flask) -> None:
    """Check the alert levels after every successful write; send notices in the background."""
    notify.init_app(app)
    app.after_request(_after_write)
