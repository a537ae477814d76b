"""Every read and write of the database. The form, the API, the CSV import and the seeds share it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tracker.models import (
    ContactEvent,
    ContextEvent,
    ContextEventCreate,
    EventCreate,
    Official,
    OfficialKind,
    Post,
    Tenure,
    pair_key,
)


class InputError(Exception):
    """Input that is well-formed but contradicts what is stored; ``errors`` maps field to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class EventRow:
    """A contact event as read for display, analysis and export: the CSV contract plus its pair."""

    id: int
    date: dt.date
    date_end: dt.date | None
    date_precision: str
    official_a: str
    role_a: str
    country_a: str
    official_b: str
    role_b: str
    country_b: str
    channel: str
    status: str
    initiated_by: str
    summary: str
    source_url: str
    source_publisher: str
    source_date: dt.date | None
    pair_key: str
    pair_label: str


@dataclass(frozen=True)
class EventFilter:
    """What to narrow a list of events to; empty fields do not narrow."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    country: str = ""
    official: str = ""
    pair: str = ""
    channels: tuple[str, ...] = field(default_factory=tuple)
    statuses: tuple[str, ...] = field(default_factory=tuple)


_A = aliased(Official, name="side_a")
_B = aliased(Official, name="side_b")
_I = aliased(Official, name="initiator")


def _event_select(flt: EventFilter | None = None) -> sa.Select[tuple[object, ...]]:
    stmt = (
        sa.select(
            col(ContactEvent.id),
            col(ContactEvent.date),
            col(ContactEvent.date_end),
            col(ContactEvent.date_precision),
            col(_A.name).label("official_a"),
            col(ContactEvent.role_a),
            col(_A.country).label("country_a"),
            col(_B.name).label("official_b"),
            col(ContactEvent.role_b),
            col(_B.country).label("country_b"),
            col(ContactEvent.channel),
            col(ContactEvent.status),
            sa.func.coalesce(col(_I.name), "").label("initiated_by"),
            col(ContactEvent.summary),
            col(ContactEvent.source_url),
            col(ContactEvent.source_publisher),
            col(ContactEvent.source_date),
            col(ContactEvent.pair_key),
            col(ContactEvent.official_a_id),
            col(ContactEvent.official_b_id),
        )
        .join(_A, _A.id == ContactEvent.official_a_id)
        .join(_B, _B.id == ContactEvent.official_b_id)
        .outerjoin(_I, _I.id == ContactEvent.initiated_by_id)
        .where(col(ContactEvent.deleted_at).is_(None))
        .order_by(col(ContactEvent.date), col(ContactEvent.id))
    )
    if flt is None:
        return stmt
    if flt.date_from:
        stmt = stmt.where(sa.func.coalesce(ContactEvent.date_end, ContactEvent.date) >= flt.date_from)
    if flt.date_to:
        stmt = stmt.where(ContactEvent.date <= flt.date_to)
    if flt.country:
        country = flt.country.casefold()
        stmt = stmt.where(sa.or_(sa.func.lower(_A.country) == country, sa.func.lower(_B.country) == country))
    if flt.official:
        name = flt.official.casefold()
        stmt = stmt.where(sa.or_(sa.func.lower(_A.name) == name, sa.func.lower(_B.name) == name))
    if flt.pair:
        stmt = stmt.where(ContactEvent.pair_key == flt.pair)
    if flt.channels:
        stmt = stmt.where(col(ContactEvent.channel).in_(flt.channels))
    if flt.statuses:
        stmt = stmt.where(col(ContactEvent.status).in_(flt.statuses))
    return stmt


def _to_row(r: sa.Row[tuple[object, ...]]) -> EventRow:
    values = dict(r._mapping)
    a_id, b_id = values.pop("official_a_id"), values.pop("official_b_id")
    a, b = values["official_a"], values["official_b"]
    first, second = (a, b) if a_id <= b_id else (b, a)
    return EventRow(**values, pair_label=f"{first} – {second}")


def list_events(session: Session, *, flt: EventFilter | None = None) -> list[EventRow]:
    """Events that are not deleted, sorted by date, narrowed by ``flt``."""
    return [_to_row(r) for r in session.execute(_event_select(flt))]


def iter_events(engine: sa.Engine, *, flt: EventFilter | None = None) -> Iterator[EventRow]:
    """Events like ``list_events``, read in batches on a connection of their own (for streaming)."""
    with Session(engine) as session:
        result = session.execute(_event_select(flt).execution_options(yield_per=1000))
        for r in result:
            yield _to_row(r)


def count_events(session: Session) -> int:
    """How many events are not deleted."""
    stmt = sa.select(sa.func.count()).select_from(ContactEvent).where(col(ContactEvent.deleted_at).is_(None))
    return int(session.execute(stmt).scalar_one())


# Officials and posts ---------------------------------------------------------------------


def find_official(session: Session, name: str) -> Official | None:
    """The official called ``name`` (ignoring case), if recorded."""
    stmt = select(Official).where(sa.func.lower(Official.name) == name.strip().casefold())
    return session.exec(stmt).first()


@dataclass(frozen=True, slots=True)
class OfficialChoice:
    """An official as offered by autocomplete: name, country and the post last recorded."""

    name: str
    country: str
    role: str


def list_officials(session: Session) -> list[OfficialChoice]:
    """Every official by name, with the post of their latest tenure."""
    officials = session.exec(select(Official).order_by(Official.name)).all()
    latest_role: dict[int, str] = {}
    tenures = session.exec(
        select(Tenure.official_id, Post.title)
        .join(Post, col(Post.id) == Tenure.post_id)
        .order_by(sa.func.coalesce(col(Tenure.start), dt.date.min), col(Tenure.id))
    ).all()
    for official_id, title in tenures:
        latest_role[official_id] = title
    return [
        OfficialChoice(name=o.name, country=o.country, role=latest_role.get(o.id or 0, "")) for o in officials
    ]


def _official_for(
    session: Session, *, name: str, country: str, field_name: str, cache: dict[str, Official]
) -> Official:
    key = name.casefold()
    official = cache.get(key) or find_official(session, name)
    if official is None:
        if not country:
            raise InputError({f"country_{field_name[-1]}": f"give the country of new official {name!r}"})
        official = Official(name=name, country=country, kind=_guess_kind(name))
        session.add(official)
        session.flush()
    elif country and official.country and official.country.casefold() != country.casefold():
        raise InputError(
            {
                f"country_{field_name[-1]}": (
                    f"{official.name!r} is recorded with country {official.country!r}, not {country!r}"
                )
            }
        )
    elif country and not official.country:
        official.country = country
    cache[key] = official
    return official


_ORGANIZATION_WORDS = ("command", "ministry", "department", "staff", "office", "embassy", "council")


def _guess_kind(name: str) -> str:
    lowered = name.casefold()
    is_org = any(word in lowered for word in _ORGANIZATION_WORDS)
    return OfficialKind.organization if is_org else OfficialKind.person


def _ensure_tenure(session: Session, official: Official, title: str, country: str) -> None:
    if not title:
        return
    post = session.exec(
        select(Post).where(Post.title == title, Post.country == (country or official.country))
    ).first()
    if post is None:
        post = Post(title=title, country=country or official.country)
        session.add(post)
        session.flush()
    held = session.exec(
        select(Tenure).where(Tenure.official_id == official.id, Tenure.post_id == post.id)
    ).first()
    if held is None:
        session.add(Tenure(official_id=official.id, post_id=post.id))  # type: ignore[arg-type]


# Events ------------------------------------------------------------------------------------


def _find_same_event(session: Session, event: ContactEvent) -> ContactEvent | None:
    """A stored event (deleted ones included) with the same date, pair, channel and status."""
    stmt = select(ContactEvent).where(
        ContactEvent.date == event.date,
        ContactEvent.pair_key == event.pair_key,
        ContactEvent.channel == event.channel,
        ContactEvent.status == event.status,
        ContactEvent.date_end == event.date_end if event.date_end else col(ContactEvent.date_end).is_(None),
    )
    return session.exec(stmt).first()


@dataclass
class AddResult:
    """What ``add_events`` did: the events it added and how many it skipped as already stored."""

    added: list[ContactEvent] = field(default_factory=list)
    skipped: int = 0


def add_events(session: Session, items: Iterable[EventCreate], *, skip_existing: bool = False) -> AddResult:
    """Store validated events, all or none: on any ``InputError`` nothing is written.

    Officials are matched by name and created when new (a new one needs a country); a named
    role is recorded as a post the official holds. With ``skip_existing`` an event already
    stored (same date, pair, channel and status) is skipped, which makes loading idempotent.
    """
    result = AddResult()
    cache: dict[str, Official] = {}
    try:
        for item in items:
            a = _official_for(
                session, name=item.official_a, country=item.country_a, field_name="official_a", cache=cache
            )
            b = _official_for(
                session, name=item.official_b, country=item.country_b, field_name="official_b", cache=cache
            )
            assert a.id is not None and b.id is not None
            if a.id == b.id:
                raise InputError({"official_b": "must differ from the first side"})
            _ensure_tenure(session, a, item.role_a, item.country_a)
            _ensure_tenure(session, b, item.role_b, item.country_b)
            initiator = {a.name.casefold(): a, b.name.casefold(): b}.get(item.initiated_by.casefold())
            event = ContactEvent(
                date=item.date,
                date_end=item.date_end,
                date_precision=item.date_precision,
                official_a_id=a.id,
                official_b_id=b.id,
                role_a=item.role_a,
                role_b=item.role_b,
                pair_key=pair_key(a.id, b.id),
                channel=item.channel,
                status=item.status,
                initiated_by_id=initiator.id if initiator else None,
                summary=item.summary,
                source_url=item.source_url,
                source_publisher=item.source_publisher,
                source_date=item.source_date,
            )
            if skip_existing and _find_same_event(session, event) is not None:
                result.skipped += 1
                continue
            session.add(event)
            session.flush()
            result.added.append(event)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


def add_event(session: Session, item: EventCreate) -> ContactEvent:
    """Store one validated event (see ``add_events``)."""
    return add_events(session, [item]).added[0]


# Context events ----------------------------------------------------------------------------


def add_context_events(
    session: Session, items: Iterable[ContextEventCreate], *, skip_existing: bool = False
) -> int:
    """Store validated context events, all or none; returns how many were added."""
    added = 0
    try:
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
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return added


def list_context_events(session: Session) -> Sequence[ContextEvent]:
    """Every context event, by date."""
    return session.exec(select(ContextEvent).order_by(ContextEvent.date, col(ContextEvent.id))).all()
