"""The state log of alert levels: each lane's changes of level, as ``flask check-alerts`` records them."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.db import transaction
from tracker.models import AlertChange, LaneStat


def current_levels(session: Session, mode: str = "post") -> dict[str, str]:
    """Each lane's level as last recorded."""
    latest = (
        sa.select(sa.func.max(col(AlertChange.id)))
        .where(col(AlertChange.mode) == mode)
        .group_by(col(AlertChange.key))
        .scalar_subquery()
    )
    rows = session.exec(select(AlertChange).where(col(AlertChange.id).in_(latest)))
    return {row.key: row.level_to for row in rows}


def record(session: Session, changes: Sequence[AlertChange]) -> None:
    """Store changes of level, all or none."""
    with transaction(session):
        session.add_all(changes)


def recent(
    session: Session, *, limit: int = 100, key: str | None = None, dyad: str | None = None
) -> list[AlertChange]:
    """The latest changes of level, newest first (of one lane, or of the lanes of one dyad, when given)."""
    stmt = select(AlertChange).order_by(col(AlertChange.id).desc()).limit(limit)
    if key is not None:
        stmt = stmt.where(AlertChange.key == key)
    if dyad is not None:
        lanes = sa.select(col(LaneStat.key)).where(col(LaneStat.mode) == "post", col(LaneStat.dyad) == dyad)
        stmt = stmt.where(col(AlertChange.mode) == "post", col(AlertChange.key).in_(lanes.scalar_subquery()))
    return list(session.exec(stmt))
