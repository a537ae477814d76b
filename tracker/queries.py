"""Every read and write of the database. The form, the API, the CSV import and the seeds share it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tracker.models import (
    ContactEvent,
    ContextEvent,
    ContextEventCreate,
    EventChange,
    EventCreate,
    Official,
    OfficialKind,
    Post,
    Tenure,
    pair_key,
    utcnow,
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
    """What to narrow a list of events to; empty fields do not narrow.

    ``pair`` is a pair key ("3:4"); ``country`` and ``official`` match either side.
    """

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    country: str = ""
    official: str = ""
    pair: str = ""
    channels: tuple[str, ...] = field(default_factory=tuple)
    statuses: tuple[str, ...] = field(default_factory=tuple)

    def query_args(self) -> dict[str, str | list[str]]:
        """The query-string arguments that ``tracker.forms.parse_filters`` reads back as this filter."""
        args: dict[str, str | list[str]] = {}
        if self.date_from:
            args["from"] = self.date_from.isoformat()
        if self.date_to:
            args["to"] = self.date_to.isoformat()
        for name in ("country", "official", "pair"):
            if getattr(self, name):
                args[name] = getattr(self, name)
        if self.channels:
            args["channel"] = list(self.channels)
        if self.statuses:
            args["status"] = list(self.statuses)
        return args

    @property
    def active(self) -> bool:
        return bool(self.query_args())


_A = aliased(Official, name="side_a")
_B = aliased(Official, name="side_b")
_I = aliased(Official, name="initiator")


def _event_select(flt: EventFilter | None = None, *, include_deleted: bool = False) -> sa.Select[Any]:
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
        .order_by(col(ContactEvent.date), col(ContactEvent.id))
    )
    if not include_deleted:
        stmt = stmt.where(col(ContactEvent.deleted_at).is_(None))
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


def _to_row(r: sa.Row[Any]) -> EventRow:
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
        session.add(Tenure(official_id=official.id, post_id=post.id))


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


#: The fields of an event that history records, in the text of the CSV contract.
TRACKED_FIELDS = (
    "date",
    "date_end",
    "date_precision",
    "official_a",
    "role_a",
    "country_a",
    "official_b",
    "role_b",
    "country_b",
    "channel",
    "status",
    "initiated_by",
    "summary",
    "source_url",
    "source_publisher",
    "source_date",
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _snapshot(source: object) -> dict[str, str]:
    return {name: _text(getattr(source, name)) for name in TRACKED_FIELDS}


def _apply(
    session: Session, event: ContactEvent, item: EventCreate, cache: dict[str, Official]
) -> tuple[Official, Official]:
    """Set ``event``'s fields from ``item``, matching or creating its officials and posts."""
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
    event.date = item.date
    event.date_end = item.date_end
    event.date_precision = item.date_precision
    event.official_a_id = a.id
    event.official_b_id = b.id
    event.role_a = item.role_a
    event.role_b = item.role_b
    event.pair_key = pair_key(a.id, b.id)
    event.channel = item.channel
    event.status = item.status
    event.initiated_by_id = initiator.id if initiator else None
    event.summary = item.summary
    event.source_url = item.source_url
    event.source_publisher = item.source_publisher
    event.source_date = item.source_date
    return a, b


def _stored_text(item: EventCreate, a: Official, b: Official) -> dict[str, str]:
    """What an event built from ``item`` reads back as (names and countries as recorded)."""
    text = _snapshot(item)
    text.update(official_a=a.name, country_a=a.country, official_b=b.name, country_b=b.country)
    initiator = {a.name.casefold(): a.name, b.name.casefold(): b.name}.get(item.initiated_by.casefold(), "")
    text["initiated_by"] = initiator
    return text


def add_events(
    session: Session, items: Iterable[EventCreate], *, skip_existing: bool = False, by: str = ""
) -> AddResult:
    """Store validated events, all or none: on any ``InputError`` nothing is written.

    Officials are matched by name and created when new (a new one needs a country); a named
    role is recorded as a post the official holds. With ``skip_existing`` an event already
    stored (same date, pair, channel and status) is skipped, which makes loading idempotent.
    Each added event's history starts with a "created" entry.
    """
    result = AddResult()
    cache: dict[str, Official] = {}
    try:
        for item in items:
            event = ContactEvent(
                date=item.date, official_a_id=0, official_b_id=0, pair_key="", channel="", status=""
            )
            a, b = _apply(session, event, item, cache)
            if skip_existing and _find_same_event(session, event) is not None:
                result.skipped += 1
                continue
            session.add(event)
            session.flush()
            assert event.id is not None
            created = {k: ["", v] for k, v in _stored_text(item, a, b).items() if v}
            session.add(EventChange(event_id=event.id, changed_by=by, action="created", changes=created))
            result.added.append(event)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


def add_event(session: Session, item: EventCreate, *, by: str = "") -> ContactEvent:
    """Store one validated event (see ``add_events``)."""
    return add_events(session, [item], by=by).added[0]


def get_event(session: Session, event_id: int, *, include_deleted: bool = False) -> EventRow | None:
    """One event as read for display, or None."""
    stmt = _event_select(include_deleted=include_deleted).where(ContactEvent.id == event_id)
    row = session.execute(stmt).first()
    return _to_row(row) if row else None


def update_event(session: Session, event_id: int, item: EventCreate, *, by: str = "") -> EventChange | None:
    """Change an event to ``item``, recording each changed field; None when nothing changed.

    Raises ``LookupError`` when there is no such event (or it is deleted).
    """
    before = get_event(session, event_id)
    event = session.get(ContactEvent, event_id)
    if before is None or event is None:
        raise LookupError(f"no event {event_id}")
    try:
        a, b = _apply(session, event, item, {})
        after = _stored_text(item, a, b)
        old = _snapshot(before)
        diff = {k: [old[k], after[k]] for k in TRACKED_FIELDS if old[k] != after[k]}
        change = None
        if diff:
            event.updated_at = utcnow()
            change = EventChange(event_id=event_id, changed_by=by, action="updated", changes=diff)
            session.add(change)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return change


def _set_deleted(session: Session, event_id: int, *, deleted: bool, by: str) -> None:
    event = session.get(ContactEvent, event_id)
    if event is None or (event.deleted_at is not None) == deleted:
        raise LookupError(f"no {'deleted ' if not deleted else ''}event {event_id}")
    event.deleted_at = utcnow() if deleted else None
    event.updated_at = utcnow()
    session.add(EventChange(event_id=event_id, changed_by=by, action="deleted" if deleted else "restored"))
    session.commit()


def delete_event(session: Session, event_id: int, *, by: str = "") -> None:
    """Move an event to the deleted list (it can be restored). ``LookupError`` if there is none."""
    _set_deleted(session, event_id, deleted=True, by=by)


def restore_event(session: Session, event_id: int, *, by: str = "") -> None:
    """Bring a deleted event back. ``LookupError`` if no such deleted event."""
    _set_deleted(session, event_id, deleted=False, by=by)


def list_deleted_events(session: Session) -> list[EventRow]:
    """Deleted events, most recently deleted first."""
    stmt = (
        _event_select(include_deleted=True)
        .where(col(ContactEvent.deleted_at).is_not(None))
        .order_by(None)
        .order_by(col(ContactEvent.deleted_at).desc(), col(ContactEvent.id))
    )
    return [_to_row(r) for r in session.execute(stmt)]


def event_history(session: Session, event_id: int) -> Sequence[EventChange]:
    """Every recorded change of an event, oldest first."""
    stmt = select(EventChange).where(EventChange.event_id == event_id).order_by(col(EventChange.id))
    return session.exec(stmt).all()


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
