"""The pairs' silence alert thresholds."""

from __future__ import annotations

from sqlmodel import Session, select

from tracker.db import transaction
from tracker.models import PairAlert, PairAlertUpdate, utcnow
from tracker.store.registry import audit


def pair_alerts(session: Session) -> dict[str, PairAlert]:
    """Every pair's alert thresholds that differ from the defaults, by pair key."""
    return {a.pair_key: a for a in session.exec(select(PairAlert)).all()}


def save_pair_alert(session: Session, key: str, item: PairAlertUpdate) -> PairAlert:
    """Set a pair's alert thresholds."""
    with transaction(session):
        alert = session.get(PairAlert, key) or PairAlert(pair_key=key)
        before = [alert.warn_factor, alert.alarm_days]
        alert.warn_factor, alert.alarm_days = item.warn_factor, item.alarm_days
        session.add(alert)
        audit(
            session,
            "threshold",
            None,
            "updated",
            f"Alert thresholds of {key}: warn at {item.warn_factor} × median, alarm at {item.alarm_days or 'longest gap'}.",
            {
                "pair": key,
                "warn_factor": [before[0], item.warn_factor],
                "alarm_days": [before[1], item.alarm_days],
            },
        )
    return alert


def set_archived(session: Session, key: str, *, archived: bool) -> PairAlert:
    """Take a line off the board (its data stays), or put it back."""
    with transaction(session):
        alert = session.get(PairAlert, key) or PairAlert(pair_key=key)
        alert.archived_at = utcnow() if archived else None
        session.add(alert)
        audit(
            session,
            "threshold",
            None,
            "archived" if archived else "restored",
            f"{key} {'archived' if archived else 'back on the board'}.",
            {"pair": key},
        )
    return alert
