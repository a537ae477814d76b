"""The query plans of the hot queries on a tracker's SQLite database: ``python -m benchmarks.plans DB``.

Prints ``EXPLAIN QUERY PLAN`` of the export's select, a pair's event list (its busiest pair), the
stored lane statistics and the timeline's window bins, each with the SQL it explains.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.filters import EventFilter
from tracker.models import ContactEvent, LaneStat
from tracker.store import events


def statements(session: Session) -> dict[str, sa.Select[object]]:
    """The hot queries, by what they serve."""
    busiest = session.execute(
        sa.select(col(ContactEvent.pair_key))
        .group_by(col(ContactEvent.pair_key))
        .order_by(sa.func.count().desc())
    ).scalar()
    pair = EventFilter(pair=busiest or "1:2")
    first = session.execute(sa.select(sa.func.min(col(ContactEvent.mid)))).scalar() or dt.date(1990, 1, 1)
    last = session.execute(sa.select(sa.func.max(col(ContactEvent.mid)))).scalar() or dt.date(2026, 1, 1)
    keys = list(session.execute(sa.select(col(LaneStat.key)).where(col(LaneStat.mode) == "person")).scalars())
    bins = (
        events.event_select(EventFilter(), sides=False)
        .order_by(None)
        .with_only_columns(col(ContactEvent.pair_key), col(ContactEvent.status), sa.func.count())
        .where(col(ContactEvent.pair_key).in_(keys[:5]), col(ContactEvent.mid).between(first, last))
        .group_by(col(ContactEvent.pair_key), col(ContactEvent.status))
    )
    return {
        "GET /events.csv: the export's select": events.export_select(),
        f"GET /pairs/{pair.pair}: the latest 50 events of the pair": events.event_select(pair)
        .order_by(None)
        .order_by(col(ContactEvent.date).desc(), col(ContactEvent.id).desc())
        .limit(50),
        f"GET /pairs/{pair.pair}: held contacts of the pair": events.event_select(pair, sides=False)
        .with_only_columns(col(ContactEvent.earliest), col(ContactEvent.latest))
        .where(col(ContactEvent.status) == "held"),
        "GET /, /pairs, /api/pairs: stored lane statistics": sa.select(
            col(LaneStat.key), col(LaneStat.dyad), col(LaneStat.stats)
        ).where(col(LaneStat.mode) == "post"),
        "GET /: the window's counts per lane and status": bins,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        sys.stderr.write("usage: python -m benchmarks.plans PATH/TO/DATABASE.sqlite3\n")
        return 2
    engine = sa.create_engine(f"sqlite:///{args[0]}")
    with Session(engine) as session:
        for what, stmt in statements(session).items():
            sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
            plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
            sys.stdout.write(f"### {what}\n\n```sql\n{sql}\n```\n\n```\n")
            sys.stdout.write(
                "".join(f"{'  ' * (1 if parent else 0)}{detail}\n" for _, parent, _, detail in plan)
            )
            sys.stdout.write("```\n\n")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
