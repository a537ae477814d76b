"""The one write path of contact events (form, API, CSV import and seeds share it), and their history."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.db import transaction
from tracker.models import (
    EVENT_FIELDS,
    ContactEvent,
    EventBase,
    EventChange,
    EventCreate,
    Official,
    as_text,
    pair_key,
    utcnow,
)
from tracker.names import country_key, name_key, post_key
from tracker.store import events, people
from tracker.store.errors import BatchError, DuplicateError, InputError


@dataclass
class _Known:
    """What one batch of writes has already matched or created, so each is looked up once."""

    officials: dict[str, Official] = field(default_factory=dict)
    tenures: set[tuple[int, str, str]] = field(default_factory=set)
    created: list[str] = field(default_factory=list)
    events: set[tuple[object, ...]] = field(default_factory=set)
    ids: set[int] = field(default_factory=set)


def _official_for(session: Session, *, name: str, country: str, side: str, known: _Known) -> Official:
    """The official called ``name``, or a new one (which needs a country); ``side`` is "a" or "b"."""
    key = name_key(name)
    official = known.officials.get(key) or people.find_official(session, name)
    if official is None:
        if not country:
            raise InputError({f"country_{side}": f"give the country of new official {name!r}"})
        official = people.new_official(session, name, country)
        known.created.append(official.name)
    elif country and official.country and country_key(official.country) != country_key(country):
        raise InputError(
            {
                f"country_{side}": f"{official.name!r} is recorded with country {official.country!r}, not {country!r}"
            }
        )
    elif country and not official.country:
        official.country = country
    known.officials[key] = official
    return official


def _ensure_tenure(session: Session, official: Official, title: str, country: str, known: _Known) -> None:
    """Record that ``official`` held the post ``title`` (undated) unless a tenure of it exists."""
    key = (official.id or 0, *post_key(title, country or official.country))
    if title and key not in known.tenures:
        people.ensure_tenure(session, official, title, country)
        known.tenures.add(key)


def _apply(
    session: Session, event: ContactEvent, item: EventCreate, known: _Known
) -> tuple[Official, Official]:
    """Set ``event``'s fields from ``item``, matching or creating its officials and posts."""
    a = _official_for(session, name=item.official_a, country=item.country_a, side="a", known=known)
    b = _official_for(session, name=item.official_b, country=item.country_b, side="b", known=known)
    assert a.id is not None and b.id is not None
    if a.id == b.id:
        raise InputError({"official_b": "must differ from the first side"})
    _ensure_tenure(session, a, item.role_a, item.country_a, known)
    _ensure_tenure(session, b, item.role_b, item.country_b, known)
    initiator = {name_key(a.name): a, name_key(b.name): b}.get(name_key(item.initiated_by))
    for name in EventBase.model_fields:
        setattr(event, name, getattr(item, name))
    event.official_a_id = a.id
    event.official_b_id = b.id
    event.pair_key = pair_key(a.id, b.id)
    event.initiated_by_id = initiator.id if initiator else None
    return a, b


def _same_as(event: ContactEvent) -> tuple[object, ...]:
    """What makes two events the same contact: date, end date, pair, channel and status."""
    return (event.date, event.date_end, event.pair_key, str(event.channel), str(event.status))


def _stored_same(
    session: Session, event: ContactEvent, *, exclude_id: int | None = None
) -> ContactEvent | None:
    """A stored event (deleted ones included) that is the same contact as ``event``."""
    stmt = select(ContactEvent).where(
        ContactEvent.date == event.date,
        ContactEvent.pair_key == event.pair_key,
        ContactEvent.channel == str(event.channel),
        ContactEvent.status == str(event.status),
        ContactEvent.date_end == event.date_end if event.date_end else col(ContactEvent.date_end).is_(None),
    )
    if exclude_id is not None:
        stmt = stmt.where(ContactEvent.id != exclude_id)
    return session.exec(stmt).first()


def _duplicate(stored: ContactEvent | None) -> DuplicateError:
    if stored is None:
        return DuplicateError()
    return DuplicateError(stored.id, deleted=stored.deleted_at is not None)


def _snapshot(source: object) -> dict[str, str]:
    return {name: as_text(getattr(source, name)) for name in EVENT_FIELDS}


def _stored_text(item: EventCreate, a: Official, b: Official) -> dict[str, str]:
    """What an event built from ``item`` reads back as (names and countries as recorded)."""
    text = _snapshot(item)
    text.update(official_a=a.name, country_a=a.country, official_b=b.name, country_b=b.country)
    text["initiated_by"] = {name_key(a.name): a.name, name_key(b.name): b.name}.get(
        name_key(item.initiated_by), ""
    )
    return text


@dataclass
class AddResult:
    """What ``add_events`` did (or, on a dry run, would do).

    ``new`` and ``existing`` are indexes into the items given: the events added, and those
    skipped as already stored (or repeated earlier in the batch). ``added`` holds the stored
    events (empty on a dry run).
    """

    added: list[ContactEvent] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    new_officials: list[str] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        return len(self.existing)


def add_events(
    session: Session,
    items: Iterable[EventCreate],
    *,
    skip_existing: bool = False,
    by: str = "",
    dry_run: bool = False,
) -> AddResult:
    """Store validated events, all or none: the one write path of form, API, import and seeds.

    Officials are matched by name and created when new (a new one needs a country); a named
    role is recorded as a post the official holds. An event that is the same contact as one
    stored (same date, end date, pair, channel and status; deleted ones included) or given
    earlier in the batch is refused with ``DuplicateError`` or, with ``skip_existing``, skipped,
    which makes loading idempotent. Each added event's history starts with a "created" entry.
    Every item is checked; if any is refused, nothing is written and ``BatchError`` names them
    all. With ``dry_run`` the work is done and then rolled back, so the result tells exactly
    what storing would do.
    """
    result = AddResult()
    known = _Known()
    problems: dict[int, InputError] = {}
    with transaction(session, commit=False):
        for index, item in enumerate(items):
            event = ContactEvent(
                date=item.date,
                official_a_id=0,
                official_b_id=0,
                pair_key="",
                channel=item.channel,
                status=item.status,
            )
            try:
                a, b = _apply(session, event, item, known)
            except InputError as exc:
                problems[index] = exc
                continue
            same = _same_as(event)
            stored = None if same in known.events else _stored_same(session, event)
            if same in known.events or stored is not None:
                if skip_existing:
                    result.existing.append(index)
                else:
                    problems[index] = _duplicate(stored)
                continue
            known.events.add(same)
            result.new.append(index)
            if dry_run:  # nothing inserted: on PostgreSQL even a rolled-back insert uses up an id
                continue
            wanted = getattr(item, "id", None)  # an imported row keeps its id when that is free
            if wanted is not None and wanted not in known.ids and session.get(ContactEvent, wanted) is None:
                event.id = wanted
                known.ids.add(wanted)
            session.add(event)
            session.flush()
            assert event.id is not None
            created = {k: ["", v] for k, v in _stored_text(item, a, b).items() if v}
            session.add(EventChange(event_id=event.id, changed_by=by, action="created", changes=created))
            result.added.append(event)
        result.new_officials = list(known.created)
        if problems:
            raise BatchError(problems)
        if known.ids:
            _advance_id_sequence(session)
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return result


def _advance_id_sequence(session: Session) -> None:
    """After rows were inserted with their own ids, make PostgreSQL's next id follow the largest."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('contact_event', 'id'), "
                "(SELECT MAX(id) FROM contact_event))"
            )
        )


def add_event(session: Session, item: EventCreate, *, by: str = "") -> ContactEvent:
    """Store one validated event (see ``add_events``); its own ``InputError`` when refused."""
    try:
        return add_events(session, [item], by=by).added[0]
    except BatchError as exc:
        raise exc.items[0] from None


def update_event(session: Session, event_id: int, item: EventCreate, *, by: str = "") -> EventChange | None:
    """Change an event to ``item``, recording each changed field; None when nothing changed.

    Raises ``LookupError`` when there is no such event (or it is deleted), ``DuplicateError``
    when the change would make it the same contact as another.
    """
    before = events.get_event(session, event_id)
    event = session.get(ContactEvent, event_id)
    if before is None or event is None:
        raise LookupError(f"no event {event_id}")
    with transaction(session):
        a, b = _apply(session, event, item, _Known())
        same = _stored_same(session, event, exclude_id=event_id)
        if same is not None:
            raise _duplicate(same)
        after = _stored_text(item, a, b)
        old = _snapshot(before)
        diff = {k: [old[k], after[k]] for k in EVENT_FIELDS if old[k] != after[k]}
        change = None
        if diff:
            event.updated_at = utcnow()
            change = EventChange(event_id=event_id, changed_by=by, action="updated", changes=diff)
            session.add(change)
    return change


def _set_deleted(session: Session, event_id: int, *, deleted: bool, by: str) -> None:
    event = session.get(ContactEvent, event_id)
    if event is None or (event.deleted_at is not None) == deleted:
        raise LookupError(f"no {'deleted ' if not deleted else ''}event {event_id}")
    with transaction(session):
        event.deleted_at = utcnow() if deleted else None
        event.updated_at = utcnow()
        session.add(
            EventChange(event_id=event_id, changed_by=by, action="deleted" if deleted else "restored")
        )


def delete_event(session: Session, event_id: int, *, by: str = "") -> None:
    """Move an event to the deleted list (it can be restored). ``LookupError`` if there is none."""
    _set_deleted(session, event_id, deleted=True, by=by)


def restore_event(session: Session, event_id: int, *, by: str = "") -> None:
    """Bring a deleted event back. ``LookupError`` if no such deleted event."""
    _set_deleted(session, event_id, deleted=False, by=by)
