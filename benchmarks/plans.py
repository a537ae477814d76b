"""The query plans of the hot queries: ``python -m benchmarks.plans DB.sqlite3`` (or a database URL).

Prints the plan (SQLite: ``EXPLAIN QUERY PLAN``; PostgreSQL: ``EXPLAIN``) of the export's select,
a pair's event list and held contacts (its busiest pair), the stored lane statistics, counts per
month and gaps the timeline reads, the record's version, and the events of a zoomed-in window,
each with the SQL it explains.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.filters import EventFilter
from tracker.models import ContactEvent, LaneGap, LaneStat
from tracker.store import events, lanes, version


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
    keys = list(session.execute(sa.select(col(LaneStat.key)).where(col(LaneStat.mode) == "post")).scalars())
    month = first + (last - first) // 2
    zoomed = (
        events.event_select(EventFilter())
        .order_by(None)
        .with_only_columns(col(ContactEvent.id), col(ContactEvent.lane_key), col(ContactEvent.mid))
        .where(
            col(ContactEvent.lane_key).in_(keys[:5]),
            col(ContactEvent.mid).between(month, month + dt.timedelta(days=90)),
        )
        .order_by(col(ContactEvent.mid), col(ContactEvent.id))
    )
    histograms = sa.select(
        col(LaneStat.key),
        col(LaneStat.stats)[lanes.HISTOGRAM_KEYS[0]],
        col(LaneStat.stats)[lanes.HISTOGRAM_KEYS[1]],
    ).where(col(LaneStat.mode) == "post", col(LaneStat.key).in_(keys[:5]))
    gaps = (
        sa.select(col(LaneGap.key), col(LaneGap.start_mid), col(LaneGap.end_mid), col(LaneGap.max_days))
        .where(col(LaneGap.mode) == "post", col(LaneGap.end_mid) >= first, col(LaneGap.start_mid) <= last)
        .where(col(LaneGap.max_days) >= 30)
        .order_by(col(LaneGap.max_days).desc(), col(LaneGap.id))
        .limit(1500)
    )
    return {
        "GET /events.csv: the export's select": events.export_text_select()[0],
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
        "GET /: the lanes' stored counts per month": histograms,
        "GET /: the longest gaps of the window": gaps,
        "GET / (zoomed in), /timeline.json: the events of a window": zoomed,
        "GET /: the record's version (is the cached page still good?)": version._statement(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        sys.stderr.write("usage: python -m benchmarks.plans PATH/TO/DATABASE.sqlite3 | DATABASE-URL\n")
        return 2
    engine = sa.create_engine(args[0] if "://" in args[0] else f"sqlite:///{args[0]}")
    sqlite = engine.dialect.name == "sqlite"
    with Session(engine) as session:
        for what, stmt in statements(session).items():
            sql = str(stmt.compile(engine, compile_kwargs={"literal_binds": True}))
            sys.stdout.write(f"### {what}\n\n```sql\n{sql}\n```\n\n```\n")
            if sqlite:
                plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
                lines = [f"{'  ' * (1 if parent else 0)}{detail}" for _, parent, _, detail in plan]
            else:
                lines = [r[0] for r in session.connection().exec_driver_sql(f"EXPLAIN {sql}").all()]
            sys.stdout.write("".join(f"{line}\n" for line in lines))
            sys.stdout.write("```\n\n")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
