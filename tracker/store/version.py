"""The record's version: a cheap fingerprint, read with one query, that changes with every write.

Every write of an event records its history (``event_change``), and every other change of the
record (officials, posts, tenures, aliases, context events, thresholds, schedules, unobserved periods)
an ``audit_entry``; the
alert log grows on its own. The fingerprint is the newest id of those logs, of events and of
sources, with the number of rows of the small tables a page reads (so that a deletion outside
the logs shows too). Each part is an index look-up or a count of a small table: the query costs
the same at a thousand events as at a million.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from tracker.models import (
    AlertChange,
    AuditEntry,
    ContactEvent,
    ContextEvent,
    EventChange,
    EventSource,
    LaneStat,
    Official,
    OfficialAlias,
    PairAlert,
    PairSchedule,
    Post,
    PostAlias,
    Tenure,
    UnobservedPeriod,
)

#: Tables whose newest id marks a write (their ids only grow).
_LOGS = (EventChange, AuditEntry, AlertChange, ContactEvent, EventSource)
#: Small tables whose row count marks an insertion or deletion.
_COUNTED = (
    LaneStat,
    Official,
    OfficialAlias,
    Post,
    PostAlias,
    Tenure,
    ContextEvent,
    PairAlert,
    PairSchedule,
    UnobservedPeriod,
)


def _table(model: type[object]) -> sa.Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, sa.Table)
    return table


def _statement() -> sa.Select[tuple[object, ...]]:
    parts = [
        sa.select(sa.func.max(_table(m).c.id)).scalar_subquery().label(f"max_{_table(m).name}") for m in _LOGS
    ]
    parts += [
        sa.select(sa.func.count()).select_from(_table(m)).scalar_subquery().label(f"n_{_table(m).name}")
        for m in _COUNTED
    ]
    return sa.select(*parts)


def data_version(session: Session) -> tuple[int, ...]:
    """The fingerprint of the record as it is now (in one query); any write changes it."""
    row = session.execute(_statement()).one()
    return tuple(int(v or 0) for v in row)
