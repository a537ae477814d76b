"""The pairs' silence alert thresholds."""

from __future__ import annotations

from sqlmodel import Session, select

from tracker.db import transaction
from tracker.models import PairAlert, PairAlertUpdate, utcnow


def pair_alerts(session: Session) -> dict[str, PairAlert]:
    """Every pair's alert thresholds that differ from the defaults, by pair key."""
    return {a.pair_key: a for a in session.exec(select(PairAlert)).all()}


def save_pair_alert(session: Session, key: str, item: PairAlertUpdate) -> PairAlert:
    """Set a pair's alert thresholds."""
    with transaction(session):
        alert = session.get(PairAlert, key) or PairAlert(pair_key=key)
        alert.warn_factor, alert.alarm_days = item.warn_factor, item.alarm_days
        session.add(alert)
    return alert


def set_archived(session: Session, key: str, *, archived: bool) -> PairAlert:
    """Take a line off the board (its data stays), or put it back."""
    with transaction(session):
        alert = session.get(PairAlert, key) or PairAlert(pair_key=key)
        alert.archived_at = utcnow() if archived else None
        session.add(alert)
    return alert
