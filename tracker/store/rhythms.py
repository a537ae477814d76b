"""Pairs' expected schedules (standing dialogues) and unobserved periods (a side stopped disclosing contacts).

Both belong to a pair's lane key ("p1-p2", or a person pair "3:4"), as thresholds do. Every write
is recorded in the audit log.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from tracker.assessing import Period, Schedule
from tracker.db import transaction
from tracker.models import PairSchedule, PairScheduleUpdate, UnobservedPeriod, UnobservedPeriodCreate, utcnow
from tracker.store.registry import audit


def _schedule(row: PairSchedule) -> Schedule:
    return Schedule(row.kind, row.interval_days, row.due_month, row.note)


def schedules(session: Session) -> dict[str, Schedule]:
    """Every pair's expected schedule, by pair key."""
    return {row.pair_key: _schedule(row) for row in session.exec(select(PairSchedule))}


def get_schedule(session: Session, key: str) -> Schedule | None:
    """One pair's expected schedule, or None."""
    row = session.get(PairSchedule, key)
    return _schedule(row) if row is not None else None


def save_schedule(session: Session, key: str, item: PairScheduleUpdate) -> Schedule:
    """Set a pair's expected schedule."""
    with transaction(session):
        row = session.get(PairSchedule, key)
        before = _schedule(row).label if row is not None else ""
        row = row or PairSchedule(pair_key=key, kind=item.kind)
        row.kind, row.interval_days, row.due_month, row.note = (
            item.kind,
            item.interval_days,
            item.due_month,
            item.note,
        )
        row.updated_at = utcnow()
        session.add(row)
        schedule = _schedule(row)
        audit(
            session,
            "schedule",
            None,
            "updated" if before else "created",
            f"Expected schedule of {key}: {schedule.label}.",
            {"pair": key, "schedule": [before, schedule.label], "note": item.note},
        )
    return schedule


def delete_schedule(session: Session, key: str) -> bool:
    """Remove a pair's expected schedule; False when it had none."""
    with transaction(session):
        row = session.get(PairSchedule, key)
        if row is None:
            return False
        audit(
            session,
            "schedule",
            None,
            "deleted",
            f"No expected schedule for {key} any more.",
            {
                "pair": key,
                "schedule": [_schedule(row).label, ""],
            },
        )
        session.delete(row)
    return True


def _period(row: UnobservedPeriod) -> Period:
    return Period(row.start, row.end, row.note)


def periods(session: Session) -> dict[str, list[Period]]:
    """Every pair's unobserved periods, by pair key, oldest first."""
    found: dict[str, list[Period]] = {}
    stmt = select(UnobservedPeriod).order_by(col(UnobservedPeriod.start), col(UnobservedPeriod.id))
    for row in session.exec(stmt):
        found.setdefault(row.pair_key, []).append(_period(row))
    return found


def list_periods(session: Session, key: str) -> list[UnobservedPeriod]:
    """One pair's unobserved periods (rows, with their ids), oldest first."""
    stmt = (
        select(UnobservedPeriod)
        .where(UnobservedPeriod.pair_key == key)
        .order_by(col(UnobservedPeriod.start), col(UnobservedPeriod.id))
    )
    return list(session.exec(stmt))


def _snapshot(row: UnobservedPeriod) -> dict[str, object]:
    return {
        "pair": row.pair_key,
        "start": row.start.isoformat(),
        "end": row.end.isoformat() if row.end else None,
        "note": row.note,
    }


def add_period(session: Session, key: str, item: UnobservedPeriodCreate) -> UnobservedPeriod:
    """Record an unobserved period of a pair."""
    with transaction(session):
        row = UnobservedPeriod(pair_key=key, start=item.start, end=item.end, note=item.note)
        session.add(row)
        session.flush()
        audit(
            session,
            "unobserved",
            row.id,
            "created",
            f"Unobserved period of {key}: {_period(row).label}.",
            _snapshot(row),
        )
    return row


def delete_period(session: Session, key: str, period_id: int) -> UnobservedPeriod:
    """Remove one of a pair's unobserved periods. ``LookupError`` if the pair has no such period."""
    with transaction(session):
        row = session.get(UnobservedPeriod, period_id)
        if row is None or row.pair_key != key:
            raise LookupError(f"no unobserved period {period_id} of {key}")
        audit(
            session,
            "unobserved",
            period_id,
            "deleted",
            f"Removed the unobserved period of {key}: {_period(row).label}.",
            _snapshot(row),
        )
        session.delete(row)
    return row
