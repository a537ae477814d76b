"""Each lane's statistics, gaps and changes of holder, kept up to date on write.

A lane is a post pair (``mode="post"``, the event's ``lane_key``) or a person pair
(``mode="person"``, its ``pair_key``). Whenever a lane's events change, ``refresh`` works out its
statistics again from its events alone (one indexed read per lane) and stores them in
``lane_stat`` and ``lane_gap``, so pages and the API read a few rows instead of every event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
import itertools
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session, col

from tracker import analysis
from tracker.countries import dyad_label
from tracker.db import insert_many, transaction
from tracker.models import ContactEvent, LaneGap, LaneStat, Official
from tracker.posts import PostBook
from tracker.store.registry import forget, registry

MODES = ("post", "person")
#: The keys of a lane's stored statistics that hold its counts per month (see ``_histograms``).
HISTOGRAM_KEYS = ("months", "held_months")
_COLUMN = {"post": ContactEvent.lane_key, "person": ContactEvent.pair_key}


class LaneEvent(NamedTuple):
    """An event as lane statistics read it (a named tuple: a large import makes one per event and lane)."""

    id: int
    date: dt.date
    date_end: dt.date | None
    date_precision: str
    status: str
    earliest: dt.date | None
    latest: dt.date | None
    mid: dt.date | None
    pair_key: str
    official_a_id: int
    official_b_id: int
    official_a: str
    official_b: str
    country_a: str
    country_b: str
    post_a_id: int | None
    post_b_id: int | None


def _events(session: Session, mode: str, keys: Collection[str] | None) -> Iterator[LaneEvent]:
    """The lane's events (not deleted), lane by lane, in date order."""
    a = sa.orm.aliased(Official, name="a")
    b = sa.orm.aliased(Official, name="b")
    key = col(_COLUMN[mode])
    stmt = (
        sa.select(
            col(ContactEvent.id),
            col(ContactEvent.date),
            col(ContactEvent.date_end),
            col(ContactEvent.date_precision),
            col(ContactEvent.status),
            col(ContactEvent.earliest),
            col(ContactEvent.latest),
            col(ContactEvent.mid),
            key,
            col(ContactEvent.official_a_id),
            col(ContactEvent.official_b_id),
            col(a.name),
            col(b.name),
            col(a.country),
            col(b.country),
            col(ContactEvent.post_a_id),
            col(ContactEvent.post_b_id),
        )
        .join(a, col(a.id) == col(ContactEvent.official_a_id))
        .join(b, col(b.id) == col(ContactEvent.official_b_id))
        .where(col(ContactEvent.deleted_at).is_(None))
        .order_by(key, col(ContactEvent.date), col(ContactEvent.id))
    )
    connection = session.connection()  # rows as tuples: no ORM loading
    if keys is None:
        every: Iterable[Any] = connection.execute(stmt, execution_options={"yield_per": 2000})
        yield from map(LaneEvent._make, every)
        return
    chosen = sorted(keys)
    for start in range(0, len(chosen), 500):
        part = chosen[start : start + 500]
        # read a batch of rows at a time: a large import's lanes hold every event it added
        found: Iterable[Any] = connection.execute(
            stmt.where(key.in_(part)), execution_options={"yield_per": 2000}
        )
        yield from map(LaneEvent._make, found)


class AddedEvents:
    """The events a write added, kept by lane as ``refresh`` reads them (a tuple each, shared by its
    two lanes): a lane that holds no other event is worked out from them, without reading it back."""

    def __init__(self) -> None:
        self.by_mode: dict[str, dict[str, list[tuple[Any, ...]]]] = {mode: {} for mode in MODES}

    def add(self, values: dict[str, Any], sides: Mapping[str, str]) -> None:
        """An added event: its ``contact_event`` row's values, and its sides' names and countries
        (``official_a``, ``official_b``, ``country_a``, ``country_b``) as recorded."""
        row = (
            values["id"],
            values["date"],
            values["date_end"],
            values["date_precision"],
            values["status"],
            values["earliest"],
            values["latest"],
            values["mid"],
            values["official_a_id"],
            values["official_b_id"],
            sides["official_a"],
            sides["official_b"],
            sides["country_a"],
            sides["country_b"],
            values["post_a_id"],
            values["post_b_id"],
        )
        self.by_mode["post"].setdefault(values["lane_key"], []).append(row)
        self.by_mode["person"].setdefault(values["pair_key"], []).append(row)

    def lane(self, mode: str, key: str) -> list[LaneEvent]:
        """A lane's added events in date order, as ``_events`` reads them."""
        make = LaneEvent._make
        found = [make(r[:8] + (key,) + r[8:]) for r in self.by_mode[mode].get(key, ())]
        found.sort(key=lambda e: (e.date, e.id))
        return found

    def alone(self, session: Session, mode: str, keys: Collection[str]) -> set[str]:
        """The lanes of ``keys`` whose events (deleted ones too) are all added ones."""
        added = self.by_mode[mode]
        key = col(_COLUMN[mode])
        chosen = sorted(k for k in keys if k in added)
        found: set[str] = set()
        for start in range(0, len(chosen), 500):
            stmt = sa.select(key, sa.func.count()).where(key.in_(chosen[start : start + 500])).group_by(key)
            found.update(k for k, n in session.execute(stmt) if n == len(added[k]))
        return found


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_json(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def _date(value: Any) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def stats_from_json(key: str, data: dict[str, Any]) -> analysis.PairStats:
    """``PairStats`` as ``refresh`` stored them (no gaps: see ``lane_gaps``; silence: ``as_of``)."""
    values = {k: v for k, v in data.items() if k not in HISTOGRAM_KEYS}
    for name in ("last_contact", "first_contact", "last_event", "silence_from", "silence_from_certain"):
        values[name] = _date(values.get(name))
    longest = values.get("longest_gap")
    values["longest_gap"] = (
        analysis.Gap(**{**longest, "start": _date(longest["start"]), "end": _date(longest["end"])})
        if longest
        else None
    )
    values["record_gaps"] = tuple((_date(end), days) for end, days in values.get("record_gaps", ()))
    values.update(pair_key=key, gaps=(), silence_min_days=None, silence_max_days=None)
    return analysis.PairStats(**values)


def _changes_json(changes: Iterable[analysis.HolderChange]) -> list[dict[str, Any]]:
    return [
        {"date": c.date.isoformat(), "seen": c.seen.isoformat(), "sides": [list(s) for s in c.sides]}
        for c in changes
    ]


def changes_from_json(key: str, data: Iterable[dict[str, Any]]) -> list[analysis.HolderChange]:
    """The changes of holder ``refresh`` stored for a lane."""
    return [
        analysis.HolderChange(
            key,
            dt.date.fromisoformat(c["date"]),
            tuple(tuple(s) for s in c["sides"]),
            dt.date.fromisoformat(c["seen"]),
        )
        for c in data
    ]


def _lane_rows(
    mode: str, key: str, group: list[LaneEvent], book: PostBook
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The ``lane_stat`` row and the ``lane_gap`` rows of one lane's events."""
    stats = analysis.pair_stats(group, as_of=dt.date.max)
    mids = {e.id: e.mid or e.date for e in group}
    gaps = [
        {
            "mode": mode,
            "key": key,
            "start_id": g.start_id,
            "end_id": g.end_id,
            "start": g.start,
            "end": g.end,
            "start_mid": mids[g.start_id],
            "end_mid": mids[g.end_id],
            "min_days": g.min_days,
            "max_days": g.max_days,
            "attempts": g.attempts,
            "refusals": g.refusals,
        }
        for g in stats.gaps
    ]
    data = _json(dataclasses.replace(stats, gaps=(), silence_min_days=None, silence_max_days=None))
    data.pop("pair_key")
    data.update(_histograms(group))
    changes = analysis.holder_changes(group, book.tenure_start) if mode == "post" and ":" not in key else []
    last = group[-1]
    row = {
        "mode": mode,
        "key": key,
        "dyad": dyad_label(last.country_a, last.country_b),
        "last_event": stats.last_event,
        "stats": data,
        "changes": _changes_json(changes),
    }
    return row, gaps


def _histograms(group: Iterable[LaneEvent]) -> dict[str, Any]:
    """The lane's events per month as drawn ("months": month of ``mid`` -> status -> events) and its
    held contacts per month of their date ("held_months": month -> contacts), months as "YYYY-MM"."""
    months: dict[tuple[int, int], dict[str, int]] = {}
    held: dict[tuple[int, int], int] = {}
    for e in group:
        if e.mid is not None:
            cell = months.setdefault((e.mid.year, e.mid.month), {})
            cell[e.status] = cell.get(e.status, 0) + 1
        if e.status == "held":
            month = (e.date.year, e.date.month)
            held[month] = held.get(month, 0) + 1
    return {
        HISTOGRAM_KEYS[0]: {f"{y:04d}-{m:02d}": cell for (y, m), cell in months.items()},
        HISTOGRAM_KEYS[1]: {f"{y:04d}-{m:02d}": n for (y, m), n in held.items()},
    }


def refresh(
    session: Session,
    *,
    post: Collection[str] | None = (),
    person: Collection[str] | None = (),
    added: AddedEvents | None = None,
) -> int:
    """Work out again the statistics of the lanes named (``None``: every lane of that mode).

    A lane that holds only events of ``added`` (a large import's new lanes) is worked out from
    them; the others are read. Runs in the caller's transaction (flushes, does not commit).
    Returns how many lanes it stored.
    """
    book = registry(session).book
    stored = 0
    for mode, keys in (("post", post), ("person", person)):
        if keys is not None and not keys:
            continue
        wanted = None if keys is None else set(keys)
        lane_table = LaneStat.__table__  # type: ignore[attr-defined]
        gap_table = LaneGap.__table__  # type: ignore[attr-defined]
        where_stat = lane_table.c.mode == mode
        where_gap = gap_table.c.mode == mode
        if wanted is not None:
            chosen = sorted(wanted)
            for start in range(0, len(chosen), 500):
                part = chosen[start : start + 500]
                session.execute(lane_table.delete().where(where_stat, lane_table.c.key.in_(part)))
                session.execute(gap_table.delete().where(where_gap, gap_table.c.key.in_(part)))
        else:
            session.execute(lane_table.delete().where(where_stat))
            session.execute(gap_table.delete().where(where_gap))
        stats_rows: list[dict[str, Any]] = []
        gap_rows: list[dict[str, Any]] = []
        in_hand = added.alone(session, mode, wanted) if added is not None and wanted is not None else set()
        unread = None if wanted is None else wanted - in_hand
        read = _events(session, mode, unread) if unread is None or unread else iter(())
        # in the order of their keys, in hand or read, as a refresh of every lane stores them
        groups = heapq.merge(
            ((key, added.lane(mode, key)) for key in sorted(in_hand) if added is not None),
            ((key, list(group)) for key, group in itertools.groupby(read, key=lambda e: e.pair_key)),
            key=lambda found: found[0],
        )
        for key, group in groups:
            stats_row, gaps = _lane_rows(mode, key, group, book)
            stats_rows.append(stats_row)
            gap_rows += gaps
            if len(gap_rows) >= 5000:  # stored as they come: memory stays that of a few lanes
                insert_many(session.connection(), gap_table, gap_rows)
                gap_rows = []
        insert_many(session.connection(), lane_table, stats_rows)
        insert_many(session.connection(), gap_table, gap_rows)
        stored += len(stats_rows)
    session.flush()
    return stored


def keys_of(session: Session, event_ids: Iterable[int]) -> tuple[set[str], set[str]]:
    """The post and person lanes of some events (before a change moves them)."""
    ids = sorted(set(event_ids))
    post: set[str] = set()
    person: set[str] = set()
    for start in range(0, len(ids), 500):
        stmt = sa.select(col(ContactEvent.lane_key), col(ContactEvent.pair_key)).where(
            col(ContactEvent.id).in_(ids[start : start + 500])
        )
        for lane, pair in session.execute(stmt):
            post.add(lane)
            person.add(pair)
    return post, person


#: Events whose lanes are recomputed per statement.
_BATCH = 2000


def recompute_lanes(
    session: Session,
    official_ids: Collection[int] | None = None,
    *,
    commit: bool = True,
    stale: set[str] | None = None,
) -> int:
    """Bring the posts and lanes stored on events up to date with the tenures, posts and aliases.

    Only the events of ``official_ids`` when given. Returns how many events changed lane. The
    lanes concerned are refreshed, or, given a ``stale`` set, added to it for the caller to refresh.
    """
    forget(session)
    book = registry(session).book
    stmt = sa.select(
        col(ContactEvent.id),
        col(ContactEvent.official_a_id),
        col(ContactEvent.official_b_id),
        col(ContactEvent.role_a),
        col(ContactEvent.role_b),
        col(ContactEvent.date),
        col(ContactEvent.post_a_id),
        col(ContactEvent.post_b_id),
        col(ContactEvent.lane_key),
        sa.func.coalesce(col(Official.country), "").label("country_a"),
    ).join(Official, col(Official.id) == col(ContactEvent.official_a_id))
    if official_ids is not None:
        ids = list(official_ids)
        if not ids:
            return 0
        stmt = stmt.where(
            sa.or_(col(ContactEvent.official_a_id).in_(ids), col(ContactEvent.official_b_id).in_(ids))
        )
    countries = dict(session.execute(sa.select(col(Official.id), col(Official.country))).all())
    changed: list[dict[str, object]] = []
    moved_from: set[str] = set()
    for row in session.execute(stmt).all():
        event = _Sided(
            row.official_a_id,
            row.official_b_id,
            row.role_a,
            row.role_b,
            row.country_a,
            countries.get(row.official_b_id, ""),
            row.date,
        )
        lane = book.lane(event)
        if (lane.post_a_id, lane.post_b_id, lane.key) != (row.post_a_id, row.post_b_id, row.lane_key):
            changed.append({"b_id": row.id, "a": lane.post_a_id, "b": lane.post_b_id, "k": lane.key})
            moved_from.add(row.lane_key)
        elif official_ids is not None:  # the officials' tenures changed: their changes of holder may have
            moved_from.add(row.lane_key)
    with transaction(session, commit=commit):
        table = ContactEvent.__table__  # type: ignore[attr-defined]
        update = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("b_id"))
            .values(post_a_id=sa.bindparam("a"), post_b_id=sa.bindparam("b"), lane_key=sa.bindparam("k"))
        )
        for start in range(0, len(changed), _BATCH):
            session.connection().execute(update, changed[start : start + _BATCH])
        lanes = {str(c["k"]) for c in changed} | {old for old in moved_from}
        if stale is not None:
            stale.update(lanes)
        elif lanes:
            refresh(session, post=lanes)
    return len(changed)


@dataclass(frozen=True, slots=True)
class _Sided:
    official_a_id: int
    official_b_id: int
    role_a: str
    role_b: str
    country_a: str
    country_b: str
    date: dt.date


# Reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredLane:
    """A lane's stored statistics (silence not measured: ``stats.as_of(day)``) and changes of holder."""

    key: str
    dyad: str
    stats: analysis.PairStats
    changes: list[analysis.HolderChange]


def lane_stats(session: Session, mode: str, keys: Collection[str] | None = None) -> list[StoredLane]:
    """Every lane of ``mode`` (or those of ``keys``) with its stored statistics."""
    stmt = sa.select(col(LaneStat.key), col(LaneStat.dyad), col(LaneStat.stats), col(LaneStat.changes)).where(
        col(LaneStat.mode) == mode
    )
    if keys is not None:
        stmt = stmt.where(col(LaneStat.key).in_(sorted(keys)))
    return [
        StoredLane(key, dyad, stats_from_json(key, stats), changes_from_json(key, changes))
        for key, dyad, stats, changes in session.execute(stmt)
    ]


@dataclass(frozen=True, slots=True)
class LaneHistogram:
    """A lane's stored counts per month: events by the month they are drawn in and status; held contacts by date."""

    key: str
    months: dict[str, dict[str, int]]
    held_months: dict[str, int]

    def count_between(self, start: dt.date, end: dt.date) -> tuple[int, int]:
        """How many of its events are drawn from ``start`` to ``end``: at least, at most (months cut by the ends)."""
        first, last = start.isoformat()[:7], end.isoformat()[:7]
        lower = upper = 0
        for month, by_status in self.months.items():
            if first <= month <= last:
                n = sum(by_status.values())
                upper += n
                if (month > first or start.day == 1) and (month < last or _last_of_month(end)):
                    lower += n
        return lower, upper


def _last_of_month(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month


def lane_histograms(session: Session, mode: str, keys: Collection[str]) -> dict[str, LaneHistogram] | None:
    """The stored counts per month of the lanes ``keys`` (one query, not the stats), or None where any
    lane's statistics were stored before they had them (``flask recompute`` stores them)."""
    months = col(LaneStat.stats)[HISTOGRAM_KEYS[0]]
    held = col(LaneStat.stats)[HISTOGRAM_KEYS[1]]
    found: dict[str, LaneHistogram] = {}
    chosen = sorted(keys)
    for start in range(0, len(chosen), 500):
        stmt = sa.select(col(LaneStat.key), months, held).where(
            col(LaneStat.mode) == mode, col(LaneStat.key).in_(chosen[start : start + 500])
        )
        for key, by_month, by_date in session.execute(stmt):
            if by_month is None or by_date is None:
                return None
            found[key] = LaneHistogram(key, by_month, by_date)
    return found


def _gap_columns() -> tuple[Any, ...]:
    """A stored gap's lane key, then the fields of ``analysis.Gap`` in its order."""
    return (
        col(LaneGap.key),
        col(LaneGap.start_id),
        col(LaneGap.end_id),
        col(LaneGap.start),
        col(LaneGap.end),
        col(LaneGap.min_days),
        col(LaneGap.max_days),
        col(LaneGap.attempts),
        col(LaneGap.refusals),
    )


def lane_gaps(
    session: Session,
    mode: str,
    key: str | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    min_days: int = 0,
    limit: int | None = None,
) -> list[tuple[str, analysis.Gap, dt.date, dt.date]]:
    """Stored gaps (lane key, gap, drawn from, drawn to), oldest first; the longest first with ``limit``.

    ``start``/``end`` keep the gaps drawn over that window; ``min_days`` those at least that long.
    """
    stmt = sa.select(*_gap_columns(), col(LaneGap.start_mid), col(LaneGap.end_mid)).where(
        col(LaneGap.mode) == mode
    )
    if key is not None:
        stmt = stmt.where(col(LaneGap.key) == key)
    if start is not None:
        stmt = stmt.where(col(LaneGap.end_mid) >= start)
    if end is not None:
        stmt = stmt.where(col(LaneGap.start_mid) <= end)
    if min_days:
        stmt = stmt.where(col(LaneGap.max_days) >= min_days)
    if limit is not None:
        stmt = stmt.order_by(col(LaneGap.max_days).desc(), col(LaneGap.id)).limit(limit)
    else:
        stmt = stmt.order_by(col(LaneGap.key), col(LaneGap.start_mid), col(LaneGap.id))
    found = []
    for row in session.execute(stmt):
        found.append((row[0], analysis.Gap(*row[:9]), row[9], row[10]))
    return found


def lane_gap_page(
    session: Session, mode: str, key: str, *, limit: int, offset: int = 0
) -> tuple[list[analysis.Gap], int]:
    """``limit`` stored gaps of one lane from ``offset`` on, the latest first, and how many it has."""
    where = (col(LaneGap.mode) == mode, col(LaneGap.key) == key)
    total = int(session.execute(sa.select(sa.func.count()).select_from(LaneGap).where(*where)).scalar_one())
    stmt = (
        sa.select(*_gap_columns())
        .where(*where)
        .order_by(col(LaneGap.start_mid).desc(), col(LaneGap.id).desc())
        .limit(limit)
        .offset(offset)
    )
    return [analysis.Gap(*row) for row in session.execute(stmt)], total
