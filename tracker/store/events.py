"""Reading contact events: filtered lists, pages, streams, one event, and its history."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Field, Session, col, select

from tracker.filters import EventFilter
from tracker.models import ContactEvent, EventBase, EventChange, EventPublic, Official
from tracker.names import country_variants, name_key
from tracker.posts import PostBook, is_post_pair_key
from tracker.store.people import post_book


class EventRow(EventPublic):
    """A contact event as read for display, analysis and export: the API's fields, ids and posts.

    ``pair_key``/``pair_label`` name the event's lane: its person pair, or its post pair when
    read with ``lanes="post"``. Built from stored values without validation.
    """

    official_a_id: int = 0
    official_b_id: int = 0
    post_a: str = Field(default="", description="The post side A held on the date, as resolved.")
    post_b: str = Field(default="", description="The post side B held on the date, as resolved.")
    person_pair_key: str = ""
    person_pair_label: str = ""
    post_pair_key: str = ""
    post_pair_label: str = ""


#: How events are grouped into lanes: by the posts the sides held (default) or by the persons.
LANES = ("post", "person")

_A = aliased(Official, name="side_a")
_B = aliased(Official, name="side_b")
_I = aliased(Official, name="initiator")


def _columns() -> list[Any]:
    """The columns of an event's row: its stored fields (``EventBase``), its sides by name, its ids."""
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
    ]


def event_select(flt: EventFilter | None = None, *, include_deleted: bool = False) -> sa.Select[Any]:
    """The events (not deleted unless asked) narrowed by ``flt``'s database-side filters, by date."""
    stmt = (
        sa.select(*_columns())
        .join(_A, col(_A.id) == col(ContactEvent.official_a_id))
        .join(_B, col(_B.id) == col(ContactEvent.official_b_id))
        .outerjoin(_I, col(_I.id) == col(ContactEvent.initiated_by_id))
        .order_by(col(ContactEvent.date), col(ContactEvent.id))
    )
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
        names = country_variants(flt.country)
        stmt = stmt.where(sa.or_(sa.func.lower(_A.country).in_(names), sa.func.lower(_B.country).in_(names)))
    if flt.official:
        key = name_key(flt.official)
        stmt = stmt.where(sa.or_(col(_A.name_key) == key, col(_B.name_key) == key))
    if flt.pair and not is_post_pair_key(flt.pair):
        stmt = stmt.where(col(ContactEvent.pair_key) == flt.pair)
    if flt.channels:
        stmt = stmt.where(col(ContactEvent.channel).in_([str(c) for c in flt.channels]))
    if flt.statuses:
        stmt = stmt.where(col(ContactEvent.status).in_([str(s) for s in flt.statuses]))
    return stmt


def _to_row(r: sa.Row[Any], posts: PostBook | None = None) -> EventRow:
    values = dict(r._mapping)
    a, b = values["official_a"], values["official_b"]
    first, second = (a, b) if values["official_a_id"] <= values["official_b_id"] else (b, a)
    label = f"{first} – {second}"
    row = EventRow.model_construct(
        **values, pair_label=label, person_pair_key=values["pair_key"], person_pair_label=label
    )
    if posts is not None:
        resolved = posts.resolve(row)
        row = row.model_copy(update=dataclasses.asdict(resolved))
    return row


def _rows(
    session: Session, flt: EventFilter | None, lanes: str, result: Iterable[sa.Row[Any]]
) -> Iterator[EventRow]:
    post_pair = flt.pair if flt is not None and flt.pair and is_post_pair_key(flt.pair) else ""
    # posts are only worked out where they are asked for (the CSV export does not need them)
    posts = post_book(session) if lanes == "post" or post_pair else None
    for r in result:
        row = _to_row(r, posts)
        if post_pair and row.post_pair_key != post_pair:
            continue
        if lanes == "post":
            row = row.model_copy(update={"pair_key": row.post_pair_key, "pair_label": row.post_pair_label})
        yield row


def list_events(session: Session, *, flt: EventFilter | None = None, lanes: str = "person") -> list[EventRow]:
    """Events that are not deleted, sorted by date, narrowed by ``flt``.

    Each row's ``pair_key``/``pair_label`` name its lane: the person pair, or with
    ``lanes="post"`` the pair of posts the two sides held on its date (then, or when ``flt``
    names a post pair, the ``post_*`` fields are filled in).
    """
    return list(_rows(session, flt, lanes, session.execute(event_select(flt))))


def iter_events(
    engine: sa.Engine, *, flt: EventFilter | None = None, lanes: str = "person"
) -> Iterator[EventRow]:
    """Events like ``list_events``, read in batches on a connection of their own (for streaming)."""
    with Session(engine) as session:
        result = session.execute(event_select(flt).execution_options(yield_per=1000))
        yield from _rows(session, flt, lanes, result)


def list_events_page(
    session: Session, *, flt: EventFilter | None = None, lanes: str = "person", limit: int, offset: int = 0
) -> tuple[list[EventRow], int]:
    """``limit`` events of ``list_events`` from ``offset`` on, and how many the whole list holds."""
    if flt is not None and flt.pair and is_post_pair_key(flt.pair):
        # a post pair is told from tenures in Python, so the page is cut there too
        rows = list_events(session, flt=flt, lanes=lanes)
        return rows[offset : offset + limit], len(rows)
    listed = event_select(flt).order_by(None).subquery()
    total = int(session.execute(sa.select(sa.func.count()).select_from(listed)).scalar_one())
    page = event_select(flt).limit(limit).offset(offset)
    return list(_rows(session, flt, lanes, session.execute(page))), total


def get_event(session: Session, event_id: int, *, include_deleted: bool = False) -> EventRow | None:
    """One event as read for display (with the posts its sides held), or None."""
    stmt = event_select(include_deleted=include_deleted).where(col(ContactEvent.id) == event_id)
    row = session.execute(stmt).first()
    return _to_row(row, post_book(session)) if row else None


def is_deleted(session: Session, event_id: int) -> bool | None:
    """Whether the event is deleted; None when there is no such event at all."""
    deleted_at = session.execute(
        sa.select(col(ContactEvent.deleted_at)).where(col(ContactEvent.id) == event_id)
    ).first()
    return None if deleted_at is None else deleted_at[0] is not None


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
    return [_to_row(r) for r in session.execute(stmt)]


def event_history(session: Session, event_id: int) -> Sequence[EventChange]:
    """Every recorded change of an event, oldest first."""
    stmt = select(EventChange).where(EventChange.event_id == event_id).order_by(col(EventChange.id))
    return session.exec(stmt).all()
