"""Every read and write of the database. The form, the API, the CSV import and the seeds share it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from tracker.models import (
    EVENT_FIELDS,
    ContactEvent,
    ContextEvent,
    ContextEventCreate,
    EventChange,
    EventCreate,
    Official,
    OfficialCreate,
    OfficialKind,
    PairAlert,
    PairAlertUpdate,
    Post,
    Tenure,
    TenureCreate,
    as_text,
    country_key,
    country_variants,
    name_key,
    pair_key,
    post_key,
    post_label,
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
    official_a_id: int = 0
    official_b_id: int = 0
    post_a: str = ""
    post_b: str = ""
    person_pair_key: str = ""
    person_pair_label: str = ""
    post_pair_key: str = ""
    post_pair_label: str = ""


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
        names = country_variants(flt.country)
        stmt = stmt.where(sa.or_(sa.func.lower(_A.country).in_(names), sa.func.lower(_B.country).in_(names)))
    if flt.official:
        key = name_key(flt.official)
        stmt = stmt.where(sa.or_(col(_A.name_key) == key, col(_B.name_key) == key))
    if flt.pair:
        stmt = stmt.where(ContactEvent.pair_key == flt.pair)
    if flt.channels:
        stmt = stmt.where(col(ContactEvent.channel).in_(flt.channels))
    if flt.statuses:
        stmt = stmt.where(col(ContactEvent.status).in_(flt.statuses))
    return stmt


def _to_row(r: sa.Row[Any], posts: PostBook | None = None) -> EventRow:
    values = dict(r._mapping)
    a_id, b_id = values["official_a_id"], values["official_b_id"]
    a, b = values["official_a"], values["official_b"]
    first, second = (a, b) if a_id <= b_id else (b, a)
    label = f"{first} – {second}"
    row = EventRow(**values, pair_label=label, person_pair_key=values["pair_key"], person_pair_label=label)
    return posts.resolve(row) if posts is not None else row


#: How events are grouped into lanes: by the posts the sides held (default) or by the persons.
LANES = ("post", "person")


def is_post_pair_key(key: str) -> bool:
    """Whether ``key`` names a post pair ("p1-p2") rather than a person pair ("1:2")."""
    return ":" not in key


def list_events(session: Session, *, flt: EventFilter | None = None, lanes: str = "person") -> list[EventRow]:
    """Events that are not deleted, sorted by date, narrowed by ``flt``.

    Each row's ``pair_key``/``pair_label`` name its lane: the person pair, or with
    ``lanes="post"`` the pair of posts the two sides held on its date (then, or when ``flt``
    names a post pair, the ``post_*`` fields are filled in).
    """
    return list(_rows(session, flt, lanes, session.execute(_event_select(_sql_filter(flt)))))


def iter_events(
    engine: sa.Engine, *, flt: EventFilter | None = None, lanes: str = "person"
) -> Iterator[EventRow]:
    """Events like ``list_events``, read in batches on a connection of their own (for streaming)."""
    with Session(engine) as session:
        result = session.execute(_event_select(_sql_filter(flt)).execution_options(yield_per=1000))
        yield from _rows(session, flt, lanes, result)


def _sql_filter(flt: EventFilter | None) -> EventFilter | None:
    if flt is not None and flt.pair and is_post_pair_key(flt.pair):
        return replace(flt, pair="")
    return flt


def _rows(
    session: Session, flt: EventFilter | None, lanes: str, result: Iterable[sa.Row[Any]]
) -> Iterator[EventRow]:
    post_pair = flt.pair if flt is not None and flt.pair and is_post_pair_key(flt.pair) else ""
    # posts are only worked out where they are asked for (the CSV export does not need them)
    posts = PostBook.load(session) if lanes == "post" or post_pair else None
    for r in result:
        row = _to_row(r, posts)
        if post_pair and row.post_pair_key != post_pair:
            continue
        if lanes == "post":
            row = replace(row, pair_key=row.post_pair_key, pair_label=row.post_pair_label)
        yield row


def list_events_page(
    session: Session, *, flt: EventFilter | None = None, lanes: str = "person", limit: int, offset: int = 0
) -> tuple[list[EventRow], int]:
    """``limit`` events of ``list_events`` from ``offset`` on, and how many the whole list holds."""
    if flt is not None and flt.pair and is_post_pair_key(flt.pair):
        # a post pair is told from tenures in Python, so the page is cut there too
        rows = list_events(session, flt=flt, lanes=lanes)
        return rows[offset : offset + limit], len(rows)
    listed = _event_select(flt).order_by(None).subquery()
    total = int(session.execute(sa.select(sa.func.count()).select_from(listed)).scalar_one())
    page = _event_select(flt).limit(limit).offset(offset)
    return list(_rows(session, flt, lanes, session.execute(page))), total


@dataclass(frozen=True, slots=True)
class TenureSpan:
    """A tenure as the post resolver reads it."""

    id: int
    official_id: int
    post_id: int
    title: str
    country: str
    start: dt.date | None
    end: dt.date | None
    key: str = ""  # post_key of the title, worked out once
    label: str = ""  # post_label, worked out once

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass
class PostBook:
    """Every tenure and post, to tell which post each side of an event held on its date."""

    tenures: dict[int, list[TenureSpan]]
    posts: dict[tuple[str, str], tuple[int, str]]

    @classmethod
    def load(cls, session: Session) -> PostBook:
        stmt = sa.select(
            col(Tenure.id),
            col(Tenure.official_id),
            col(Tenure.post_id),
            col(Post.title),
            col(Post.country),
            col(Tenure.start),
            col(Tenure.end),
        ).join(Post, col(Post.id) == col(Tenure.post_id))
        tenures: dict[int, list[TenureSpan]] = {}
        for t in session.execute(stmt):
            tenure_id, official_id, post_id, title, country, start, end = t
            span = TenureSpan(
                tenure_id,
                official_id,
                post_id,
                title,
                country,
                start,
                end,
                key=post_key(title, country)[0],
                label=post_label(title, country),
            )
            tenures.setdefault(t[1], []).append(span)
        posts: dict[tuple[str, str], tuple[int, str]] = {}
        for p in session.exec(select(Post).order_by(col(Post.id))).all():
            posts.setdefault(post_key(p.title, p.country), (p.id or 0, post_label(p.title, p.country)))
        return cls(tenures=tenures, posts=posts)

    def post_of(self, official_id: int, role: str, country: str, day: dt.date) -> tuple[str, str]:
        """(side key, label) of what one side was on ``day``: a post ("p7", title) or the official ("o3", "")."""
        held = [t for t in self.tenures.get(official_id, []) if t.covers(day)]
        if role:
            wanted = post_key(role, country)[0]
            named = [t for t in held if t.key == wanted]
            if named:
                return f"p{named[0].post_id}", named[0].label
            post = self.posts.get(post_key(role, country))
            if post is not None:
                return f"p{post[0]}", post[1]
        if held:
            # the most specific tenure: dated ones before open-ended ones, the latest start first
            best = max(held, key=lambda t: (t.start is not None, t.start or dt.date.min, t.id))
            return f"p{best.post_id}", best.label
        return f"o{official_id}", ""

    def resolve(self, row: EventRow) -> EventRow:
        """``row`` with the posts its sides held and its post pair."""
        key_a, post_a = self.post_of(row.official_a_id, row.role_a, row.country_a, row.date)
        key_b, post_b = self.post_of(row.official_b_id, row.role_b, row.country_b, row.date)
        if key_a == key_b:  # both sides in one post (a handover): a pair of persons, not of posts
            return replace(
                row, post_a=post_a, post_b=post_b, post_pair_key=row.pair_key, post_pair_label=row.pair_label
            )
        label_a, label_b = post_a or row.official_a, post_b or row.official_b
        (k1, l1), (k2, l2) = sorted([(key_a, label_a), (key_b, label_b)], key=lambda kv: _side_order(kv[0]))
        return replace(
            row, post_a=post_a, post_b=post_b, post_pair_key=f"{k1}-{k2}", post_pair_label=f"{l1} – {l2}"
        )


def _side_order(key: str) -> tuple[str, int]:
    return key[0], int(key[1:])


def count_events(session: Session) -> int:
    """How many events are not deleted."""
    stmt = sa.select(sa.func.count()).select_from(ContactEvent).where(col(ContactEvent.deleted_at).is_(None))
    return int(session.execute(stmt).scalar_one())


# Officials and posts ---------------------------------------------------------------------


def find_official(session: Session, name: str) -> Official | None:
    """The official called ``name`` (matched by ``name_key``: case, spacing and Unicode form aside), if recorded."""
    stmt = select(Official).where(Official.name_key == name_key(name))
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


def _official_for(session: Session, *, name: str, country: str, field_name: str, known: _Known) -> Official:
    key = name_key(name)
    official = known.officials.get(key) or find_official(session, name)
    if official is None:
        if not country:
            raise InputError({f"country_{field_name[-1]}": f"give the country of new official {name!r}"})
        official = Official(name=name, country=country, kind=_guess_kind(name))
        session.add(official)
        session.flush()
        known.created.append(official.name)
    elif country and official.country and country_key(official.country) != country_key(country):
        raise InputError(
            {
                f"country_{field_name[-1]}": (
                    f"{official.name!r} is recorded with country {official.country!r}, not {country!r}"
                )
            }
        )
    elif country and not official.country:
        official.country = country
    known.officials[key] = official
    return official


_ORGANIZATION_WORDS = ("command", "ministry", "department", "staff", "office", "embassy", "council")


def _guess_kind(name: str) -> str:
    lowered = name.casefold()
    is_org = any(word in lowered for word in _ORGANIZATION_WORDS)
    return OfficialKind.organization if is_org else OfficialKind.person


@dataclass
class _Known:
    """What one batch of writes has already matched or created, so each is looked up once."""

    officials: dict[str, Official] = field(default_factory=dict)
    tenures: set[tuple[int, str, str]] = field(default_factory=set)
    created: list[str] = field(default_factory=list)
    events: set[tuple[object, ...]] = field(default_factory=set)
    ids: set[int] = field(default_factory=set)


def _ensure_tenure(session: Session, official: Official, title: str, country: str, known: _Known) -> None:
    """Record that ``official`` held the post ``title`` (undated) unless a tenure of it exists."""
    country = country or official.country
    key = (official.id or 0, *post_key(title, country))
    if not title or key in known.tenures:
        return
    post = _post_for(session, title, country)
    held = session.exec(
        select(Tenure).where(Tenure.official_id == official.id, Tenure.post_id == post.id)
    ).first()
    if held is None:
        session.add(Tenure(official_id=official.id, post_id=post.id))
    known.tenures.add(key)


# Events ------------------------------------------------------------------------------------


def _find_same_event(
    session: Session, event: ContactEvent, *, exclude_id: int | None = None
) -> ContactEvent | None:
    """A stored event (deleted ones included) with the same date, pair, channel and status."""
    stmt = select(ContactEvent).where(
        ContactEvent.date == event.date,
        ContactEvent.pair_key == event.pair_key,
        ContactEvent.channel == event.channel,
        ContactEvent.status == event.status,
        ContactEvent.date_end == event.date_end if event.date_end else col(ContactEvent.date_end).is_(None),
    )
    if exclude_id is not None:
        stmt = stmt.where(ContactEvent.id != exclude_id)
    return session.exec(stmt).first()


def _already_recorded(event: ContactEvent | None) -> str:
    """The message for a contact that is already stored (or given twice)."""
    if event is None:
        return "this contact is given twice: the same date, sides, channel and status"
    where = " (deleted: restore it from the deleted events)" if event.deleted_at is not None else ""
    return f"this contact is already recorded as event {event.id}{where}: the same date, sides, channel and status"


def find_same_event(
    session: Session, item: EventCreate, *, exclude_id: int | None = None
) -> ContactEvent | None:
    """The stored event (deleted ones included) that storing ``item`` would duplicate, if any.

    The same date, end date, pair, channel and status make the same event (as ``add_events``
    with ``skip_existing`` judges it). Officials are matched by name; nothing is written.
    ``exclude_id`` leaves out the event being edited.
    """
    a = find_official(session, item.official_a)
    b = find_official(session, item.official_b)
    if a is None or b is None or a.id is None or b.id is None:
        return None
    probe = ContactEvent(
        date=item.date,
        date_end=item.date_end,
        official_a_id=a.id,
        official_b_id=b.id,
        pair_key=pair_key(a.id, b.id),
        channel=item.channel,
        status=item.status,
    )
    return _find_same_event(session, probe, exclude_id=exclude_id)


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


class BatchError(InputError):
    """Items of a batch that contradict what is stored: ``items`` maps item index to field errors.

    ``errors`` (as in ``InputError``) holds the first bad item's fields.
    """

    def __init__(self, items: dict[int, dict[str, str]]) -> None:
        super().__init__(next(iter(items.values())))
        self.items = items


def _snapshot(source: object) -> dict[str, str]:
    return {name: as_text(getattr(source, name)) for name in EVENT_FIELDS}


def _apply(
    session: Session, event: ContactEvent, item: EventCreate, known: _Known
) -> tuple[Official, Official]:
    """Set ``event``'s fields from ``item``, matching or creating its officials and posts."""
    a = _official_for(
        session, name=item.official_a, country=item.country_a, field_name="official_a", known=known
    )
    b = _official_for(
        session, name=item.official_b, country=item.country_b, field_name="official_b", known=known
    )
    assert a.id is not None and b.id is not None
    if a.id == b.id:
        raise InputError({"official_b": "must differ from the first side"})
    _ensure_tenure(session, a, item.role_a, item.country_a, known)
    _ensure_tenure(session, b, item.role_b, item.country_b, known)
    initiator = {name_key(a.name): a, name_key(b.name): b}.get(name_key(item.initiated_by))
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
    initiator = {name_key(a.name): a.name, name_key(b.name): b.name}.get(name_key(item.initiated_by), "")
    text["initiated_by"] = initiator
    return text


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
    role is recorded as a post the official holds. With ``skip_existing`` an event already
    stored (same date, pair, channel and status; deleted ones included) is skipped, which makes
    loading idempotent. Each added event's history starts with a "created" entry. Every item is
    checked; if any contradicts what is stored, nothing is written and ``BatchError`` names
    them all. With ``dry_run`` the work is done and then rolled back, so the result tells exactly
    what storing would do.
    """
    result = AddResult()
    known = _Known()
    problems: dict[int, dict[str, str]] = {}
    try:
        for index, item in enumerate(items):
            event = ContactEvent(
                date=item.date, official_a_id=0, official_b_id=0, pair_key="", channel="", status=""
            )
            try:
                a, b = _apply(session, event, item, known)
            except InputError as exc:
                problems[index] = exc.errors
                continue
            same = (event.date, event.date_end, event.pair_key, event.channel, event.status)
            stored = None if same in known.events else _find_same_event(session, event)
            if same in known.events or stored is not None:
                if not skip_existing:
                    problems[index] = {"date": _already_recorded(stored)}
                    continue
                result.existing.append(index)
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
        if dry_run:
            session.rollback()
        else:
            if known.ids:
                _advance_id_sequence(session)
            session.commit()
    except BaseException:
        session.rollback()
        raise
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
    """Store one validated event (see ``add_events``)."""
    return add_events(session, [item], by=by).added[0]


def get_event(session: Session, event_id: int, *, include_deleted: bool = False) -> EventRow | None:
    """One event as read for display, or None."""
    stmt = _event_select(include_deleted=include_deleted).where(ContactEvent.id == event_id)
    row = session.execute(stmt).first()
    return _to_row(row, PostBook.load(session)) if row else None


def update_event(session: Session, event_id: int, item: EventCreate, *, by: str = "") -> EventChange | None:
    """Change an event to ``item``, recording each changed field; None when nothing changed.

    Raises ``LookupError`` when there is no such event (or it is deleted).
    """
    before = get_event(session, event_id)
    event = session.get(ContactEvent, event_id)
    if before is None or event is None:
        raise LookupError(f"no event {event_id}")
    try:
        a, b = _apply(session, event, item, _Known())
        same = _find_same_event(session, event, exclude_id=event_id)
        if same is not None:
            raise InputError({"date": _already_recorded(same)})
        after = _stored_text(item, a, b)
        old = _snapshot(before)
        diff = {k: [old[k], after[k]] for k in EVENT_FIELDS if old[k] != after[k]}
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


def get_context_event(session: Session, context_id: int) -> ContextEvent | None:
    """One context event, or None."""
    return session.get(ContextEvent, context_id)


def update_context_event(session: Session, context_id: int, item: ContextEventCreate) -> ContextEvent:
    """Change a context event. ``LookupError`` if there is none."""
    event = session.get(ContextEvent, context_id)
    if event is None:
        raise LookupError(f"no context event {context_id}")
    event.sqlmodel_update(item.model_dump())
    session.commit()
    return event


def delete_context_event(session: Session, context_id: int) -> ContextEvent:
    """Remove a context event. ``LookupError`` if there is none."""
    event = session.get(ContextEvent, context_id)
    if event is None:
        raise LookupError(f"no context event {context_id}")
    session.delete(event)
    session.commit()
    return event


# Managing officials, posts and tenures -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class TenureView:
    """A tenure with its official and post, for display."""

    id: int
    official_id: int
    official: str
    post_id: int
    post: str
    country: str
    start: dt.date | None
    end: dt.date | None


def _tenure_views(session: Session, *where: Any) -> list[TenureView]:
    stmt = (
        sa.select(
            col(Tenure.id),
            col(Tenure.official_id),
            col(Official.name),
            col(Post.id),
            col(Post.title),
            col(Post.country),
            col(Tenure.start),
            col(Tenure.end),
        )
        .join(Official, col(Official.id) == col(Tenure.official_id))
        .join(Post, col(Post.id) == col(Tenure.post_id))
        .where(*where)
        .order_by(
            col(Post.country),
            col(Post.title),
            sa.func.coalesce(col(Tenure.start), dt.date.min),
            col(Tenure.id),
        )
    )
    return [TenureView(*r) for r in session.execute(stmt)]


def list_tenures(
    session: Session, *, official_id: int | None = None, post_id: int | None = None
) -> list[TenureView]:
    """Tenures by post and start date, optionally of one official or one post."""
    where = []
    if official_id is not None:
        where.append(col(Tenure.official_id) == official_id)
    if post_id is not None:
        where.append(col(Tenure.post_id) == post_id)
    return _tenure_views(session, *where)


@dataclass(frozen=True, slots=True)
class OfficialSummary:
    """An official with how many events they took part in."""

    id: int
    name: str
    country: str
    kind: str
    events: int
    posts: str


def list_official_summaries(session: Session) -> list[OfficialSummary]:
    """Every official by country and name, with event counts and the posts they held."""
    counts: dict[int, int] = {}
    for column in (ContactEvent.official_a_id, ContactEvent.official_b_id):
        stmt = (
            sa.select(col(column), sa.func.count())
            .where(col(ContactEvent.deleted_at).is_(None))
            .group_by(col(column))
        )
        for official_id, n in session.execute(stmt):
            counts[official_id] = counts.get(official_id, 0) + n
    posts: dict[int, list[str]] = {}
    for t in list_tenures(session):
        posts.setdefault(t.official_id, []).append(t.post)
    officials = session.exec(select(Official).order_by(col(Official.country), col(Official.name))).all()
    return [
        OfficialSummary(
            id=o.id or 0,
            name=o.name,
            country=o.country,
            kind=o.kind,
            events=counts.get(o.id or 0, 0),
            posts=", ".join(posts.get(o.id or 0, [])),
        )
        for o in officials
    ]


def get_official(session: Session, official_id: int) -> Official | None:
    """One official, or None."""
    return session.get(Official, official_id)


def save_official(session: Session, item: OfficialCreate, official_id: int | None = None) -> Official:
    """Add an official, or change one; ``InputError`` when the name is taken by another."""
    same = find_official(session, item.name)
    if same is not None and same.id != official_id:
        raise InputError({"name": f"{same.name!r} is already recorded"})
    if official_id is None:
        official = Official(name=item.name, country=item.country, kind=item.kind)
        session.add(official)
    else:
        found = session.get(Official, official_id)
        if found is None:
            raise LookupError(f"no official {official_id}")
        official = found
        official.sqlmodel_update(item.model_dump())
    session.commit()
    return official


def _post_for(session: Session, title: str, country: str) -> Post:
    """The post ``title`` of ``country`` as recorded (spelling aside, see ``post_key``), or a new one."""
    key = post_key(title, country)
    posts = session.exec(select(Post).order_by(col(Post.id))).all()
    post = next((p for p in posts if post_key(p.title, p.country) == key), None)
    if post is None:
        post = Post(title=title, country=country)
        session.add(post)
        session.flush()
    return post


def save_tenure(
    session: Session, official_id: int, item: TenureCreate, tenure_id: int | None = None
) -> Tenure:
    """Record that an official held a post (or change such a record); posts are matched by title."""
    if session.get(Official, official_id) is None:
        raise LookupError(f"no official {official_id}")
    try:
        post = _post_for(session, item.post, item.country)
        if tenure_id is None:
            tenure = Tenure(official_id=official_id, post_id=post.id or 0)
            session.add(tenure)
        else:
            found = session.get(Tenure, tenure_id)
            if found is None or found.official_id != official_id:
                raise LookupError(f"no tenure {tenure_id}")
            tenure = found
            tenure.post_id = post.id or 0
        tenure.start, tenure.end = item.start, item.end
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return tenure


def delete_tenure(session: Session, tenure_id: int) -> None:
    """Remove a tenure. ``LookupError`` if there is none."""
    tenure = session.get(Tenure, tenure_id)
    if tenure is None:
        raise LookupError(f"no tenure {tenure_id}")
    session.delete(tenure)
    session.commit()


@dataclass(frozen=True, slots=True)
class PostSummary:
    """A post with its holders in order."""

    id: int
    title: str
    country: str
    holders: list[TenureView]


def list_posts(session: Session) -> list[PostSummary]:
    """Every post by country and title, with its tenures by start date."""
    tenures = list_tenures(session)
    by_post: dict[int, list[TenureView]] = {}
    for t in tenures:
        by_post.setdefault(t.post_id, []).append(t)
    posts = session.exec(select(Post).order_by(col(Post.country), col(Post.title))).all()
    return [PostSummary(p.id or 0, p.title, p.country, by_post.get(p.id or 0, [])) for p in posts]


def rename_post(session: Session, post_id: int, title: str, country: str) -> Post:
    """Change a post's title or country; ``InputError`` if another post has them."""
    post = session.get(Post, post_id)
    if post is None:
        raise LookupError(f"no post {post_id}")
    key = post_key(title, country)
    others = session.exec(select(Post).where(Post.id != post_id)).all()
    other = next((p for p in others if post_key(p.title, p.country) == key), None)
    if other is not None:
        raise InputError({"title": f"there is already this post: {other.title!r} ({other.country})"})
    post.title, post.country = title, country
    session.commit()
    return post


def merge_posts(session: Session, post_id: int, into_id: int) -> tuple[str, str, int]:
    """Move every tenure of one post to another and remove the first.

    Returns (merged title, kept title, tenures moved); a tenure the kept post already has with
    the same dates is dropped rather than doubled. ``LookupError`` if either post is missing.
    """
    if post_id == into_id:
        raise InputError({"into": "choose another post to merge into"})
    post, into = session.get(Post, post_id), session.get(Post, into_id)
    if post is None or into is None:
        raise LookupError(f"no post {post_id if post is None else into_id}")
    try:
        kept = {
            (t.official_id, t.start, t.end)
            for t in session.exec(select(Tenure).where(Tenure.post_id == into_id))
        }
        moved = 0
        for tenure in session.exec(select(Tenure).where(Tenure.post_id == post_id)).all():
            if (tenure.official_id, tenure.start, tenure.end) in kept:
                session.delete(tenure)
                continue
            tenure.post_id = into_id
            moved += 1
        merged, kept_title = post.title, into.title
        session.flush()
        session.delete(post)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return merged, kept_title, moved


def load_tenures(
    session: Session,
    rows: Iterable[tuple[str, str, str, dt.date | None, dt.date | None]],
    *,
    commit: bool = True,
) -> int:
    """Record (official, post, country, start, end) tenures, creating officials; skips known ones.

    With ``commit=False`` the tenures are only flushed, for the caller's transaction to commit.
    """
    added = 0
    try:
        for name, title, country, start, end in rows:
            official = find_official(session, name)
            if official is None:
                official = Official(name=name, country=country, kind=_guess_kind(name))
                session.add(official)
                session.flush()
            post = _post_for(session, title, country)
            held = session.exec(
                select(Tenure).where(Tenure.official_id == official.id, Tenure.post_id == post.id)
            ).all()
            if any(t.start == start and t.end == end for t in held):
                continue
            undated = [t for t in held if t.start is None and t.end is None]
            tenure = undated[0] if undated else Tenure(official_id=official.id or 0, post_id=post.id or 0)
            tenure.start, tenure.end = start, end
            session.add(tenure)
            added += 1
        if commit:
            session.commit()
        else:
            session.flush()
    except BaseException:
        session.rollback()
        raise
    return added


# Silence alerts ----------------------------------------------------------------------------


def pair_alerts(session: Session) -> dict[str, PairAlert]:
    """Every pair's alert thresholds that differ from the defaults, by pair key."""
    return {a.pair_key: a for a in session.exec(select(PairAlert)).all()}


def save_pair_alert(session: Session, key: str, item: PairAlertUpdate) -> PairAlert:
    """Set a pair's alert thresholds."""
    alert = session.get(PairAlert, key) or PairAlert(pair_key=key)
    alert.warn_factor, alert.alarm_days = item.warn_factor, item.alarm_days
    session.add(alert)
    session.commit()
    return alert
