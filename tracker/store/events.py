"""Reading contact events: filtered lists, pages, streams, one event with its sources, its history.

Each event carries its lane (the post pair, worked out on write) and its earliest and latest
possible day, so reading never re-resolves posts; labels come from the session's registry.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Field, Session, col, select

from tracker.countries import canonical_country, dyad_label
from tracker.csvio import export_joined
from tracker.filters import EventFilter
from tracker.models import (
    EVENT_FIELDS,
    ContactEvent,
    EventBase,
    EventChange,
    EventPublic,
    EventSource,
    Official,
    SourcePublic,
)
from tracker.names import name_key
from tracker.posts import is_pair_key, is_post_pair_key
from tracker.store.registry import Registry, registry


class EventRow(EventPublic):
    """A contact event as read for display, analysis and export: the API's fields, ids, posts and lane.

    ``pair_key``/``pair_label`` name the event's lane: its person pair, or its post pair when
    read with ``lanes="post"``. Built from stored values without validation.
    """

    official_a_id: int = 0
    official_b_id: int = 0
    post_a_id: int | None = None
    post_b_id: int | None = None
    post_a: str = Field(default="", description="The post side A held on the date, as resolved.")
    post_b: str = Field(default="", description="The post side B held on the date, as resolved.")
    earliest: dt.date | None = None
    latest: dt.date | None = None
    person_pair_key: str = ""
    person_pair_label: str = ""
    post_pair_key: str = ""
    post_pair_label: str = ""
    dyad: str = ""


#: How events are grouped into lanes: by the posts the sides held (default) or by the persons.
LANES = ("post", "person")

_A = aliased(Official, name="side_a")
_B = aliased(Official, name="side_b")
_I = aliased(Official, name="initiator")


def _columns() -> list[Any]:
    """The columns of an event's row: its stored fields (``EventBase``), its sides by name, ids and lane."""
    return [
        col(ContactEvent.id),
        *(getattr(ContactEvent, name) for name in EventBase.model_fields),
        col(_A.name).label("official_a"),
        col(_A.country).label("country_a"),
        col(_B.name).label("official_b"),
        col(_B.country).label("country_b"),
        sa.func.coalesce(col(_I.name), "").label("initiated_by"),
        col(ContactEvent.pair_key),
        col(ContactEvent.official_a_id),
        col(ContactEvent.official_b_id),
        col(ContactEvent.post_a_id),
        col(ContactEvent.post_b_id),
        col(ContactEvent.lane_key).label("post_pair_key"),
        col(ContactEvent.earliest),
        col(ContactEvent.latest),
    ]


def _needs_sides(flt: EventFilter | None) -> bool:
    """Whether ``flt`` narrows by what is stored with the officials (names, countries)."""
    return flt is not None and bool(flt.country or flt.official or flt.dyad or flt.q)


def event_select(
    flt: EventFilter | None = None, *, include_deleted: bool = False, sides: bool = True
) -> sa.Select[Any]:
    """The events (not deleted unless asked) narrowed by ``flt``, by date.

    With ``sides=False`` the officials are joined only when the filter needs them: for counts
    and other aggregates of the event's own columns.
    """
    stmt = sa.select(*_columns())
    if sides or _needs_sides(flt):
        stmt = (
            stmt.join(_A, col(_A.id) == col(ContactEvent.official_a_id))
            .join(_B, col(_B.id) == col(ContactEvent.official_b_id))
            .outerjoin(_I, col(_I.id) == col(ContactEvent.initiated_by_id))
        )
    stmt = stmt.order_by(col(ContactEvent.date), col(ContactEvent.id))
    if not include_deleted:
        stmt = stmt.where(col(ContactEvent.deleted_at).is_(None))
    if flt is None:
        return stmt
    if flt.date_from:
        stmt = stmt.where(
            sa.func.coalesce(col(ContactEvent.date_end), col(ContactEvent.date)) >= flt.date_from
        )
    if flt.date_to:
        stmt = stmt.where(col(ContactEvent.date) <= flt.date_to)
    if flt.country:
        country = canonical_country(flt.country)
        stmt = stmt.where(sa.or_(col(_A.country) == country, col(_B.country) == country))
    if flt.official:
        key = name_key(flt.official)
        stmt = stmt.where(sa.or_(col(_A.name_key) == key, col(_B.name_key) == key))
    if flt.pair:
        column = ContactEvent.lane_key if is_post_pair_key(flt.pair) else ContactEvent.pair_key
        stmt = stmt.where(col(column) == flt.pair if is_pair_key(flt.pair) else sa.false())
    if flt.channels:
        stmt = stmt.where(col(ContactEvent.channel).in_([str(c) for c in flt.channels]))
    if flt.statuses:
        stmt = stmt.where(col(ContactEvent.status).in_([str(s) for s in flt.statuses]))
    if flt.dyad:
        parts = [canonical_country(p) for p in flt.dyad.replace("–", "|").replace(" - ", "|").split("|")]
        first, second = (parts + parts)[:2] if len(parts) == 1 else parts[:2]
        stmt = stmt.where(
            sa.or_(
                sa.and_(col(_A.country) == first, col(_B.country) == second),
                sa.and_(col(_A.country) == second, col(_B.country) == first),
            )
        )
    if flt.q:
        for word in flt.q.casefold().split()[:8]:
            like = f"%{word.replace('%', '').replace('_', '')}%"
            stmt = stmt.where(
                sa.or_(
                    sa.func.lower(col(_A.name)).like(like),
                    sa.func.lower(col(_B.name)).like(like),
                    sa.func.lower(col(ContactEvent.role_a)).like(like),
                    sa.func.lower(col(ContactEvent.role_b)).like(like),
                    sa.func.lower(col(ContactEvent.summary)).like(like),
                )
            )
    return stmt


def _to_row(r: sa.Row[Any], reg: Registry, lanes: str = "person") -> EventRow:
    values = dict(r._mapping)
    a, b = values["official_a_id"], values["official_b_id"]
    person_label = reg.person_label(a, b)
    lane = values["post_pair_key"] or values["pair_key"]
    post_label = (
        reg.lane_label(a, values["post_a_id"], b, values["post_b_id"]) if ":" not in lane else person_label
    )
    posts = reg.book.posts
    post_a, post_b = posts.get(values["post_a_id"] or 0), posts.get(values["post_b_id"] or 0)
    values.update(
        post_pair_key=lane,
        post_pair_label=post_label,
        person_pair_key=values["pair_key"],
        person_pair_label=person_label,
        post_a=post_a.label if post_a else "",
        post_b=post_b.label if post_b else "",
        dyad=dyad_label(values["country_a"], values["country_b"]),
    )
    if lanes == "post":
        values.update(pair_key=lane, pair_label=post_label)
    else:
        values["pair_label"] = person_label
    values.setdefault("sources", [])  # given, so pydantic need not inspect the default factory per row
    return EventRow.model_construct(**values)


def _rows(session: Session, lanes: str, result: Iterable[sa.Row[Any]]) -> Iterator[EventRow]:
    reg = registry(session)
    for r in result:
        yield _to_row(r, reg, lanes)


def rows_of(session: Session, stmt: sa.Select[Any], *, lanes: str = "person") -> list[EventRow]:
    """The events an ``event_select`` statement (narrowed further by the caller) reads."""
    return list(_rows(session, lanes, session.execute(stmt)))


def list_events(session: Session, *, flt: EventFilter | None = None, lanes: str = "person") -> list[EventRow]:
    """Events that are not deleted, sorted by date, narrowed by ``flt``.

    Each row's ``pair_key``/``pair_label`` name its lane: the person pair, or with
    ``lanes="post"`` the pair of posts the two sides held on its date.
    """
    return list(_rows(session, lanes, session.execute(event_select(flt))))


def iter_events(
    engine: sa.Engine, *, flt: EventFilter | None = None, lanes: str = "person"
) -> Iterator[EventRow]:
    """Events like ``list_events``, read in batches on a connection of their own (for streaming)."""
    with Session(engine) as session:
        result = session.execute(event_select(flt).execution_options(yield_per=1000))
        yield from _rows(session, lanes, result)


@dataclass(frozen=True, slots=True)
class Contact:
    """A held event with just what date analysis reads (``analysis.ContactLike``)."""

    id: int
    date: dt.date
    date_end: dt.date | None
    date_precision: str
    status: str
    pair_key: str
    earliest: dt.date | None
    latest: dt.date | None


def held_contacts(session: Session, *, flt: EventFilter | None = None) -> list[Contact]:
    """The held events ``flt`` keeps, by date: their dates and bounds, no more."""
    stmt = (
        event_select(flt, sides=False)
        .with_only_columns(
            col(ContactEvent.id),
            col(ContactEvent.date),
            col(ContactEvent.date_end),
            col(ContactEvent.date_precision),
            col(ContactEvent.status),
            col(ContactEvent.pair_key),
            col(ContactEvent.earliest),
            col(ContactEvent.latest),
        )
        .where(col(ContactEvent.status) == "held")
    )
    return [Contact(*r) for r in session.execute(stmt)]


def side_names(session: Session, *, flt: EventFilter | None = None) -> list[tuple[str, str]]:
    """The distinct (side A, side B) names of the events ``flt`` keeps, sorted."""
    stmt = event_select(flt).order_by(None).with_only_columns(col(_A.name), col(_B.name)).distinct()
    return sorted((a, b) for a, b in session.execute(stmt))


#: The CSV contract's columns: ``id`` and the event's fields (``tracker.csvio.COLUMNS``).
EXPORT_COLUMNS = ("id", *EVENT_FIELDS)


def export_select(flt: EventFilter | None = None) -> sa.Select[Any]:
    """The events of ``flt`` as ``event_select`` has them, but just the CSV contract's columns, in its order.

    Dates are read as the stored ISO 8601 text, so no cell needs converting on its way out.
    """
    stmt = event_select(flt)
    columns = stmt.selected_columns
    return stmt.with_only_columns(
        *(
            sa.cast(columns[name], sa.String).label(name) if name in _DATES else columns[name]
            for name in EXPORT_COLUMNS
        )
    )


_DATES = frozenset({"date", "date_end", "source_date"})

#: The export's columns that never need quoting or neutralising: ids, ISO dates and the words of
#: the vocabulary (``tests/test_csv_export.py`` checks that no word needs either).
VERBATIM_COLUMNS = frozenset({"id", "date", "date_end", "date_precision", "channel", "status", "source_date"})


def export_text_select(flt: EventFilter | None = None) -> tuple[sa.Select[Any], list[bool]]:
    """``export_select`` as text: each run of ``VERBATIM_COLUMNS`` joined by commas in the database
    (a CSV value as it is), each other column its text; and which values are such runs.

    ``csvio.export_joined`` makes the CSV of these rows: what ``csvio.export_csv`` makes of
    ``export_select``'s, in a fraction of the time (Python handles only the free text).
    """
    stmt = event_select(flt)
    columns = stmt.selected_columns
    values: list[Any] = []
    verbatim: list[bool] = []
    for as_they_are, names in itertools.groupby(EXPORT_COLUMNS, key=VERBATIM_COLUMNS.__contains__):
        if as_they_are:
            texts: list[sa.ColumnElement[str]] = [
                sa.func.coalesce(sa.cast(columns[name], sa.String), "") for name in names
            ]
            values.append(functools.reduce(lambda joined, text: joined + "," + text, texts))
            verbatim.append(True)
        else:
            texts = [sa.func.coalesce(columns[name], "") for name in names]
            values += texts
            verbatim += [False] * len(texts)
    labelled = [value.label(f"v{i}") for i, value in enumerate(values)]
    return stmt.with_only_columns(*labelled), verbatim


def iter_export_text(engine: sa.Engine, *, flt: EventFilter | None = None) -> Iterator[str]:
    """The events CSV of ``flt`` (the CSV contract), a chunk of whole lines at a time, read on a
    connection of its own (for streaming)."""
    stmt, verbatim = export_text_select(flt)
    with engine.connect() as connection:
        rows = connection.execution_options(yield_per=5000).execute(stmt)
        yield from export_joined(rows, verbatim)


#: The columns a list of events can be sorted by (then by date, then by id).
_SORT_COLUMNS: dict[str, Any] = {
    "date": col(ContactEvent.date),
    "channel": col(ContactEvent.channel),
    "status": col(ContactEvent.status),
    "official_a": col(_A.name),
    "official_b": col(_B.name),
    "updated": col(ContactEvent.updated_at),
}


def _sorts() -> dict[str, tuple[Any, ...]]:
    found: dict[str, tuple[Any, ...]] = {}
    for name, column in _SORT_COLUMNS.items():
        then = () if name == "date" else (col(ContactEvent.date),)
        found[name] = (column, *then)
        found[f"-{name}"] = (column.desc(), *(c.desc() for c in then))
    return found


#: How a list of events can be sorted: the name in the query string ("-" first: descending) -> the columns.
SORTS: dict[str, tuple[Any, ...]] = _sorts()


def count_matching(session: Session, flt: EventFilter | None = None) -> int:
    """How many events ``flt`` keeps."""
    stmt = (
        event_select(flt, sides=False).order_by(None).with_only_columns(sa.func.count(col(ContactEvent.id)))
    )
    return int(session.execute(stmt).scalar_one())


def list_events_page(
    session: Session,
    *,
    flt: EventFilter | None = None,
    lanes: str = "person",
    limit: int,
    offset: int = 0,
    sort: str = "date",
) -> tuple[list[EventRow], int]:
    """``limit`` events of ``list_events`` from ``offset`` on (sorted by ``sort``), and how many match."""
    total = count_matching(session, flt)
    tie = col(ContactEvent.id).desc() if sort.startswith("-") else col(ContactEvent.id)
    page = event_select(flt).order_by(None).order_by(*SORTS[sort], tie).limit(limit).offset(offset)
    rows = list(_rows(session, lanes, session.execute(page)))
    return with_sources(session, rows), total


def facets(session: Session, flt: EventFilter | None = None) -> dict[str, list[tuple[str, int]]]:
    """How many of the events ``flt`` keeps have each channel, status and dyad (most first)."""
    base = event_select(flt).order_by(None)
    found: dict[str, list[tuple[str, int]]] = {}
    for name, column in (("channel", ContactEvent.channel), ("status", ContactEvent.status)):
        stmt = base.with_only_columns(col(column), sa.func.count()).group_by(col(column))
        found[name] = sorted(((str(v), int(n)) for v, n in session.execute(stmt)), key=lambda vn: -vn[1])
    countries = base.with_only_columns(col(_A.country), col(_B.country), sa.func.count()).group_by(
        col(_A.country), col(_B.country)
    )
    dyads: dict[str, int] = {}
    for a, b, n in session.execute(countries):
        label = dyad_label(a, b)
        dyads[label] = dyads.get(label, 0) + int(n)
    found["dyad"] = sorted(dyads.items(), key=lambda vn: -vn[1])
    return found


@dataclass(frozen=True, slots=True)
class Marker:
    """An event as the timeline draws it."""

    id: int
    key: str
    mid: dt.date
    earliest: dt.date
    latest: dt.date
    date: dt.date
    date_end: dt.date | None
    date_precision: str
    channel: str
    status: str
    official_a: str
    role_a: str
    official_b: str
    role_b: str
    initiated_by: str
    summary: str
    source_publisher: str
    source_url: str


def _lane_column(lanes: str) -> Any:
    return col(ContactEvent.lane_key) if lanes == "post" else col(ContactEvent.pair_key)


def window_count(
    session: Session,
    *,
    flt: EventFilter | None,
    lanes: str,
    keys: Collection[str],
    start: dt.date,
    end: dt.date,
) -> int:
    """How many events of the lanes ``keys`` are drawn between ``start`` and ``end``."""
    stmt = (
        event_select(flt, sides=False)
        .order_by(None)
        .with_only_columns(sa.func.count())
        .where(_lane_column(lanes).in_(sorted(keys)), col(ContactEvent.mid).between(start, end))
    )
    return int(session.execute(stmt).scalar_one())


def window_markers(
    session: Session,
    *,
    flt: EventFilter | None,
    lanes: str,
    keys: Collection[str],
    start: dt.date,
    end: dt.date,
) -> list[Marker]:
    """The events of the lanes ``keys`` drawn between ``start`` and ``end`` (check ``window_count`` first)."""
    lane = _lane_column(lanes)
    stmt = (
        event_select(flt)
        .order_by(None)
        .with_only_columns(
            col(ContactEvent.id),
            lane,
            col(ContactEvent.mid),
            col(ContactEvent.earliest),
            col(ContactEvent.latest),
            col(ContactEvent.date),
            col(ContactEvent.date_end),
            col(ContactEvent.date_precision),
            col(ContactEvent.channel),
            col(ContactEvent.status),
            col(_A.name),
            col(ContactEvent.role_a),
            col(_B.name),
            col(ContactEvent.role_b),
            sa.func.coalesce(col(_I.name), ""),
            sa.func.substr(col(ContactEvent.summary), 1, 280),
            col(ContactEvent.source_publisher),
            col(ContactEvent.source_url),
        )
        .where(lane.in_(sorted(keys)), col(ContactEvent.mid).between(start, end))
        .order_by(col(ContactEvent.mid), col(ContactEvent.id))
    )
    return [Marker(*r) for r in session.execute(stmt)]


def _days_since(session: Session, column: Any, start: dt.date) -> Any:
    """The days from ``start`` to a date column, in SQL (SQLite and PostgreSQL)."""
    if session.get_bind().dialect.name == "sqlite":
        return sa.func.julianday(column) - sa.func.julianday(start.isoformat())
    return column - sa.cast(sa.literal(start.isoformat()), sa.Date)


def window_bins(
    session: Session,
    *,
    flt: EventFilter | None,
    lanes: str,
    keys: Collection[str],
    start: dt.date,
    end: dt.date,
    bin_days: int,
) -> list[tuple[str, int, str, int]]:
    """Events of the lanes ``keys`` between ``start`` and ``end``, counted per (lane, bin, status).

    Bin ``n`` holds the events drawn from ``start + n * bin_days`` for ``bin_days`` days.
    """
    lane = _lane_column(lanes)
    bin_of = sa.cast(sa.func.floor(_days_since(session, col(ContactEvent.mid), start) / bin_days), sa.Integer)
    stmt = (
        event_select(flt, sides=False)
        .order_by(None)
        .with_only_columns(lane, bin_of.label("bin"), col(ContactEvent.status), sa.func.count())
        .where(lane.in_(sorted(keys)), col(ContactEvent.mid).between(start, end))
        .group_by(lane, bin_of, col(ContactEvent.status))
    )
    return [(str(k), int(b), str(s), int(n)) for k, b, s, n in session.execute(stmt)]


def with_sources(session: Session, rows: list[EventRow]) -> list[EventRow]:
    """``rows`` with their corroborating sources filled in (one query)."""
    if not rows:
        return rows
    found: dict[int, list[SourcePublic]] = {}
    stmt = (
        select(EventSource)
        .where(col(EventSource.event_id).in_([r.id for r in rows]))
        .order_by(col(EventSource.id))
    )
    for source in session.exec(stmt).all():
        found.setdefault(source.event_id, []).append(
            SourcePublic.model_validate(source, from_attributes=True)
        )
    for row in rows:
        row.sources = found.get(row.id, [])
    return rows


def get_event(
    session: Session, event_id: int, *, include_deleted: bool = False, lanes: str = "person"
) -> EventRow | None:
    """One event as read for display (with its posts, lane and sources), or None."""
    stmt = event_select(include_deleted=include_deleted).where(col(ContactEvent.id) == event_id)
    row = session.execute(stmt).first()
    return with_sources(session, [_to_row(row, registry(session), lanes)])[0] if row else None


def is_deleted(session: Session, event_id: int) -> bool | None:
    """Whether the event is deleted; None when there is no such event at all."""
    deleted_at = session.execute(
        sa.select(col(ContactEvent.deleted_at)).where(col(ContactEvent.id) == event_id)
    ).first()
    return None if deleted_at is None else deleted_at[0] is not None


def version_of(session: Session, event_id: int) -> int | None:
    """The event's version (it counts its changes), or None when there is no such event."""
    found = session.execute(
        sa.select(col(ContactEvent.version)).where(col(ContactEvent.id) == event_id)
    ).first()
    return None if found is None else int(found[0])


def count_events(session: Session) -> int:
    """How many events are not deleted."""
    stmt = sa.select(sa.func.count()).select_from(ContactEvent).where(col(ContactEvent.deleted_at).is_(None))
    return int(session.execute(stmt).scalar_one())


def list_deleted_events(session: Session) -> list[EventRow]:
    """Deleted events, most recently deleted first."""
    stmt = (
        event_select(include_deleted=True)
        .where(col(ContactEvent.deleted_at).is_not(None))
        .order_by(None)
        .order_by(col(ContactEvent.deleted_at).desc(), col(ContactEvent.id))
    )
    return list(_rows(session, "person", session.execute(stmt)))


def event_history(session: Session, event_id: int) -> Sequence[EventChange]:
    """Every recorded change of an event, oldest first."""
    stmt = select(EventChange).where(EventChange.event_id == event_id).order_by(col(EventChange.id))
    return session.exec(stmt).all()


def iter_source_rows(engine: sa.Engine, columns: Sequence[str]) -> Iterator[sa.Row[Any]]:
    """Every corroborating source as a row of ``columns``, by event, read on a connection of its own
    (for streaming: no request's session is left in a transaction after the response)."""
    table = EventSource.__table__  # type: ignore[attr-defined]
    stmt = sa.select(*(table.c[name] for name in columns)).order_by(table.c.event_id, table.c.id)
    with engine.connect() as connection:
        yield from connection.execution_options(yield_per=5000).execute(stmt)


def list_sources(session: Session) -> Iterator[tuple[EventSource, int]]:
    """Every corroborating source with its event's id, by event."""
    stmt = select(EventSource).order_by(col(EventSource.event_id), col(EventSource.id))
    for source in session.exec(stmt):
        yield source, source.event_id


def counts_per_month(
    session: Session, *, flt: EventFilter | None, lanes: str, by: str = "lane", status: str | None = "held"
) -> list[tuple[str, int, int, int]]:
    """(lane key or status, year, month, events) of the events ``flt`` keeps, held ones only unless ``status`` is None."""
    group = _lane_column(lanes) if by == "lane" else col(ContactEvent.status)
    year = sa.extract("year", col(ContactEvent.date))
    month = sa.extract("month", col(ContactEvent.date))
    stmt = (
        event_select(flt, sides=False)
        .order_by(None)
        .with_only_columns(group, year, month, sa.func.count())
        .group_by(group, year, month)
    )
    if status is not None:
        stmt = stmt.where(col(ContactEvent.status) == status)
    return [(str(k), int(y), int(m), int(n)) for k, y, m, n in session.execute(stmt)]
