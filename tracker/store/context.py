"""Context events: things that are not contacts but explain them (an invasion, an incident)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from tracker.db import transaction
from tracker.models import ContextEvent, ContextEventCreate


def add_context_events(
    session: Session, items: Iterable[ContextEventCreate], *, skip_existing: bool = False
) -> int:
    """Store validated context events, all or none; returns how many were added."""
    added = 0
    with transaction(session):
        for item in items:
            if skip_existing:
                same = session.exec(
                    select(ContextEvent).where(
                        ContextEvent.date == item.date, ContextEvent.title == item.title
                    )
                ).first()
                if same is not None:
                    continue
            session.add(ContextEvent.model_validate(item))
            added += 1
    return added


def list_context_events(session: Session) -> Sequence[ContextEvent]:
    """Every context event, by date."""
    return session.exec(select(ContextEvent).order_by(col(ContextEvent.date), col(ContextEvent.id))).all()


def get_context_event(session: Session, context_id: int) -> ContextEvent | None:
    """One context event, or None."""
    return session.get(ContextEvent, context_id)


def update_context_event(session: Session, context_id: int, item: ContextEventCreate) -> ContextEvent:
    """Change a context event. ``LookupError`` if there is none."""
    event = session.get(ContextEvent, context_id)
    if event is None:
        raise LookupError(f"no context event {context_id}")
    with transaction(session):
        event.sqlmodel_update(item.model_dump())
    return event


def delete_context_event(session: Session, context_id: int) -> ContextEvent:
    """Remove a context event. ``LookupError`` if there is none."""
    event = session.get(ContextEvent, context_id)
    if event is None:
        raise LookupError(f"no context event {context_id}")
    with transaction(session):
        session.delete(event)
    return event
