"""Watching the lines: the alert levels of every lane checked against the state log, changes recorded once.

``check_alerts`` is what ``flask --app tracker check-alerts`` (from cron, as often as you like)
and every successful write run: it works out each lane's level as of a day from the stored lane
statistics and records a change of level only when it differs from the last one recorded, so
running it again records nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import Flask, Response, current_app, request
from sqlmodel import Session

from tracker import board
from tracker.clock import today
from tracker.db import get_session
from tracker.models import AlertChange
from tracker.store import alert_log


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


def _after_write(response: Response) -> Response:
    """After a write that succeeded, record the changes of level it made (never failing the write)."""
    if request.method in ("GET", "HEAD", "OPTIONS") or response.status_code >= 400:
        return response
    try:
        check_alerts(get_session(), as_of=today())
    except Exception:  # noqa: BLE001 (the write is stored; the next check records what this one missed)
        current_app.logger.exception("recording alert changes after a write failed")
        get_session().rollback()
    return response


def init_app(app: Flask) -> None:
    """Check the alert levels after every successful write."""
    app.after_request(_after_write)
