"""Context events: things that are not contacts but explain them (an invasion, an incident)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from tracker.db import transaction
from tracker.models import ContextEvent, ContextEventCreate
from tracker.store.registry import audit


def _snapshot(event: ContextEvent) -> dict[str, object]:
    values = {name: getattr(event, name) for name in ContextEvent.model_fields}  # loads expired attributes
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}


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
            event = ContextEvent.model_validate(item)
            session.add(event)
            session.flush()
            audit(
                session,
                "context",
                event.id,
                "created",
                f"Added {event.title} ({event.date}).",
                _snapshot(event),
            )
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
        before = _snapshot(event)
        event.sqlmodel_update(item.model_dump())
        after = _snapshot(event)
        diff = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
        if diff:
            audit(
                session,
                "context",
                context_id,
                "updated",
                f"Changed {', '.join(diff)} of {event.title}.",
                diff,
            )
    return event


def delete_context_event(session: Session, context_id: int) -> ContextEvent:
    """Remove a context event. ``LookupError`` if there is none."""
    event = session.get(ContextEvent, context_id)
    if event is None:
        raise LookupError(f"no context event {context_id}")
    with transaction(session):
        # the entry keeps every field, so a deleted context event can be put back by hand
        audit(
            session,
            "context",
            context_id,
            "deleted",
            f"Deleted {event.title} ({event.date}).",
            _snapshot(event),
        )
        session.delete(event)
    return event
