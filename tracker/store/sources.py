"""Further sources of contact events: one contact, several reports."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.db import transaction
from tracker.models import ContactEvent, EventChange, EventSource, SourceCreate, SourceRow, utcnow
from tracker.store.registry import actor


def existing_events(session: Session, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` are recorded events (deleted ones included)."""
    wanted = sorted(set(ids))
    found: set[int] = set()
    for start in range(0, len(wanted), 500):
        stmt = sa.select(col(ContactEvent.id)).where(col(ContactEvent.id).in_(wanted[start : start + 500]))
        found.update(session.execute(stmt).scalars())
    return found


def add_sources(session: Session, rows: Sequence[SourceRow], *, by: str = "") -> int:
    """Add further sources to recorded events, skipping an address the event already has; how many were added."""
    ids = sorted({r.event_id for r in rows})
    known: dict[int, set[str]] = {i: set() for i in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for event_id, url in session.execute(
            sa.select(col(ContactEvent.id), col(ContactEvent.source_url)).where(
                col(ContactEvent.id).in_(chunk)
            )
        ):
            known[event_id].add(url)
        for event_id, url in session.execute(
            sa.select(col(EventSource.event_id), col(EventSource.source_url)).where(
                col(EventSource.event_id).in_(chunk)
            )
        ):
            known[event_id].add(url)
    added = 0
    now = utcnow()
    with transaction(session):
        for row in rows:
            if row.source_url and row.source_url in known.get(row.event_id, set()):
                continue
            known.setdefault(row.event_id, set()).add(row.source_url)
            session.add(
                EventSource(**row.model_dump(exclude={"event_id"}), event_id=row.event_id, created_at=now)
            )
            session.add(
                EventChange(
                    event_id=row.event_id,
                    changed_by=actor(by),
                    action="corroborated",
                    changes={"source": ["", row.source_url or row.source_publisher or "(no address)"]},
                )
            )
            added += 1
    return added


def add_source(session: Session, event_id: int, item: SourceCreate, *, by: str = "") -> int:
    """Add one further source to an event; how many were added (0 when the event already has that address)."""
    return add_sources(session, [SourceRow(**item.model_dump(), event_id=event_id)], by=by)
