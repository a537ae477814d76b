"""Officials and the other spellings of their names: reading, matching, adding, merging, deleting."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.db import transaction
from tracker.models import (
    ContactEvent,
    EventChange,
    EventSource,
    Official,
    OfficialAlias,
    OfficialCreate,
    Post,
    Tenure,
    pair_key,
    utcnow,
)
from tracker.names import Suggestion, name_key, post_label
from tracker.store import lanes
from tracker.store.errors import InputError
from tracker.store.lanes import recompute_lanes
from tracker.store.registry import actor, audit, forget, registry
from tracker.vocabulary import guess_kind


def find_official(session: Session, name: str) -> Official | None:
    """The official called ``name``, or known under it as an alias (case, spacing and Unicode form aside)."""
    person = registry(session).directory.find(name)
    return session.get(Official, person.id) if person is not None else None


def suggest_officials(session: Session, name: str, country: str = "") -> list[Suggestion]:
    """Recorded officials whose name or alias is close to ``name`` ("did you mean")."""
    return registry(session).directory.suggest(name, country)


def new_official(session: Session, name: str, country: str) -> Official:
    """Add an official with the kind its name suggests (flushed, not committed)."""
    official = Official(name=name, country=country, kind=guess_kind(name))
    session.add(official)
    session.flush()
    forget(session)
    return official


@dataclass(frozen=True, slots=True)
class OfficialChoice:
    """An official as offered by autocomplete: name, country and the post last recorded."""

    name: str
    country: str
    role: str
    #: every post the official held, as labelled on lanes
    posts: tuple[str, ...] = ()


def list_officials(session: Session) -> list[OfficialChoice]:
    """Every official by name, with the post of their latest tenure."""
    officials = session.exec(select(Official).order_by(col(Official.name))).all()
    latest_role: dict[int, str] = {}
    tenures = session.execute(
        sa.select(col(Tenure.official_id), col(Post.title), col(Post.country))
        .join(Post, col(Post.id) == col(Tenure.post_id))
        .order_by(col(Tenure.inferred).desc(), sa.nulls_first(col(Tenure.start)), col(Tenure.id))
    ).all()
    held: dict[int, list[str]] = {}
    for official_id, title, country in tenures:
        latest_role[official_id] = label = post_label(title, country)
        if label not in held.setdefault(official_id, []):
            held[official_id].append(label)
    return [
        OfficialChoice(
            name=o.name,
            country=o.country,
            role=latest_role.get(o.id or 0, ""),
            posts=tuple(held.get(o.id or 0, ())),
        )
        for o in officials
    ]


@dataclass(frozen=True, slots=True)
class OfficialSummary:
    """An official with how many events they took part in, the posts they held and their aliases."""

    id: int
    name: str
    country: str
    kind: str
    events: int
    posts: str
    aliases: tuple[str, ...] = ()


def event_counts(session: Session) -> dict[int, int]:
    """How many events (not deleted) each official took part in."""
    counts: dict[int, int] = {}
    for column in (ContactEvent.official_a_id, ContactEvent.official_b_id):
        stmt = (
            sa.select(col(column), sa.func.count())
            .where(col(ContactEvent.deleted_at).is_(None))
            .group_by(col(column))
        )
        for official_id, n in session.execute(stmt):
            counts[official_id] = counts.get(official_id, 0) + n
    return counts


def list_official_summaries(session: Session) -> list[OfficialSummary]:
    """Every official by country and name, with event counts, the posts they held and their aliases."""
    from tracker.store.posts import list_tenures

    counts = event_counts(session)
    posts: dict[int, list[str]] = {}
    for t in list_tenures(session):
        if t.post not in posts.setdefault(t.official_id, []):
            posts[t.official_id].append(t.post)
    aliases: dict[int, list[str]] = {}
    for official_id, alias in session.execute(
        sa.select(col(OfficialAlias.official_id), col(OfficialAlias.name)).order_by(col(OfficialAlias.name))
    ):
        aliases.setdefault(official_id, []).append(alias)
    officials = session.exec(select(Official).order_by(col(Official.country), col(Official.name))).all()
    return [
        OfficialSummary(
            id=o.id or 0,
            name=o.name,
            country=o.country,
            kind=o.kind,
            events=counts.get(o.id or 0, 0),
            posts=", ".join(posts.get(o.id or 0, [])),
            aliases=tuple(aliases.get(o.id or 0, ())),
        )
        for o in officials
    ]


def get_official(session: Session, official_id: int) -> Official | None:
    """One official, or None."""
    return session.get(Official, official_id)


def _taken(session: Session, name: str, official_id: int | None) -> str:
    """A message when ``name`` is another official's name or alias ("" when free)."""
    person = registry(session).directory.find(name)
    if person is None or person.id == official_id:
        return ""
    if name_key(person.name) == name_key(name):
        return f"{person.name!r} is already recorded"
    return f"{name!r} is already recorded as another spelling of {person.name!r}"


def save_official(
    session: Session, item: OfficialCreate, official_id: int | None = None, *, by: str = ""
) -> Official:
    """Add an official, or change one; ``InputError`` when the name is another's name or alias."""
    taken = _taken(session, item.name, official_id)
    if taken:
        raise InputError({"name": taken})
    with transaction(session):
        if official_id is None:
            official = Official(name=item.name, country=item.country, kind=item.kind)
            session.add(official)
            session.flush()
            audit(session, "official", official.id, "created", f"Added {item.name} ({item.country}).", by=by)
        else:
            found = session.get(Official, official_id)
            if found is None:
                raise LookupError(f"no official {official_id}")
            official = found
            before = {"name": official.name, "country": official.country, "kind": official.kind}
            official.sqlmodel_update(item.model_dump())
            after = {"name": official.name, "country": official.country, "kind": str(official.kind)}
            diff = {k: [before[k], after[k]] for k in before if str(before[k]) != after[k]}
            if diff:
                audit(session, "official", official_id, "updated", f"Changed {', '.join(diff)}.", diff, by=by)
        forget(session)
    return official


# Aliases -----------------------------------------------------------------------------------------


def list_aliases(session: Session, official_id: int) -> list[OfficialAlias]:
    """The other spellings of an official's name, alphabetically."""
    stmt = (
        select(OfficialAlias)
        .where(OfficialAlias.official_id == official_id)
        .order_by(col(OfficialAlias.name))
    )
    return list(session.exec(stmt).all())


def add_alias(
    session: Session, official_id: int, name: str, *, by: str = "", commit: bool = True
) -> OfficialAlias:
    """Record another spelling of an official's name; ``InputError`` if it names someone else."""
    official = session.get(Official, official_id)
    if official is None:
        raise LookupError(f"no official {official_id}")
    if name_key(name) == name_key(official.name):
        raise InputError({"alias": f"{name!r} is the official's name itself"})
    taken = _taken(session, name, official_id)
    if taken:
        raise InputError({"alias": taken})
    with transaction(session, commit=commit):
        existing = session.exec(select(OfficialAlias).where(OfficialAlias.name_key == name_key(name))).first()
        if existing is not None:
            return existing
        alias = OfficialAlias(official_id=official_id, name=name)
        session.add(alias)
        audit(
            session, "alias", official_id, "added", f"{name} is another spelling of {official.name}.", by=by
        )
        session.flush()
        forget(session)
    return alias


def delete_alias(session: Session, alias_id: int, *, by: str = "") -> OfficialAlias:
    """Forget a spelling. ``LookupError`` if there is none."""
    alias = session.get(OfficialAlias, alias_id)
    if alias is None:
        raise LookupError(f"no alias {alias_id}")
    with transaction(session):
        session.delete(alias)
        audit(session, "alias", alias.official_id, "deleted", f"{alias.name} is no longer a spelling.", by=by)
        forget(session)
    return alias


# Merging and deleting -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MergeResult:
    """What merging one official into another did."""

    merged: str
    kept: str
    events: int
    tenures: int
    corroborated: int


def merge_officials(session: Session, official_id: int, into_id: int, *, by: str = "") -> MergeResult:
    """Fold one official into another: events, tenures and aliases move, the name becomes an alias.

    Two events that become the same contact (same date, pair, channel and status) are one: the
    later keeps nothing of its own but its source, which becomes a source of the earlier one.
    """
    if official_id == into_id:
        raise InputError({"into": "choose another official to merge into"})
    official, into = session.get(Official, official_id), session.get(Official, into_id)
    if official is None or into is None:
        raise LookupError(f"no official {official_id if official is None else into_id}")
    merged_name, kept_name = official.name, into.name
    with transaction(session):
        moved = 0
        person_keys: set[str] = set()
        post_keys: set[str] = set()
        for event in session.exec(
            select(ContactEvent).where(
                sa.or_(
                    col(ContactEvent.official_a_id) == official_id,
                    col(ContactEvent.official_b_id) == official_id,
                    col(ContactEvent.initiated_by_id) == official_id,
                )
            )
        ).all():
            person_keys.add(event.pair_key)
            post_keys.add(event.lane_key)
            if event.official_a_id == official_id:
                event.official_a_id = into_id
            if event.official_b_id == official_id:
                event.official_b_id = into_id
            if event.initiated_by_id == official_id:
                event.initiated_by_id = into_id
            if event.official_a_id == event.official_b_id:
                raise InputError(
                    {"into": f"{merged_name} and {kept_name} are the two sides of event {event.id}"}
                )
            event.pair_key = pair_key(event.official_a_id, event.official_b_id)
            person_keys.add(event.pair_key)
            event.updated_at = utcnow()
            session.add(
                EventChange(
                    event_id=event.id or 0,
                    changed_by=actor(by),
                    action="updated",
                    changes={"official": [merged_name, kept_name]},
                )
            )
            moved += 1
        kept_spans = {
            (t.post_id, t.start, t.end)
            for t in session.exec(select(Tenure).where(Tenure.official_id == into_id))
        }
        tenures = 0
        for tenure in session.exec(select(Tenure).where(Tenure.official_id == official_id)).all():
            if (tenure.post_id, tenure.start, tenure.end) in kept_spans:
                session.delete(tenure)
            else:
                tenure.official_id = into_id
                tenures += 1
        for alias in session.exec(
            select(OfficialAlias).where(OfficialAlias.official_id == official_id)
        ).all():
            alias.official_id = into_id
        session.flush()
        session.delete(official)
        session.flush()
        if name_key(merged_name) != name_key(kept_name):
            session.add(OfficialAlias(official_id=into_id, name=merged_name))
        session.flush()
        corroborated = _fold_twins(session, into_id, by=by)
        audit(
            session,
            "official",
            into_id,
            "merged",
            f"Merged {merged_name} into {kept_name}: {moved} event(s), {tenures} tenure(s) moved; "
            f"{merged_name} is now another spelling.",
            {"merged": merged_name, "merged_id": official_id, "events": moved, "tenures": tenures},
            by=by,
        )
        recompute_lanes(session, [into_id], commit=False)
        lanes.refresh(session, post=post_keys, person=person_keys)
    forget(session)
    return MergeResult(merged_name, kept_name, moved, tenures, corroborated)


def _fold_twins(session: Session, official_id: int, *, by: str) -> int:
    """Make events of one official that are now the same contact one event with both sources."""
    events = session.exec(
        select(ContactEvent)
        .where(
            sa.or_(
                col(ContactEvent.official_a_id) == official_id, col(ContactEvent.official_b_id) == official_id
            ),
            col(ContactEvent.deleted_at).is_(None),
        )
        .order_by(col(ContactEvent.id))
    ).all()
    first: dict[tuple[object, ...], ContactEvent] = {}
    folded = 0
    for event in events:
        same = (event.date, event.date_end, event.pair_key, event.channel, event.status)
        kept = first.setdefault(same, event)
        if kept is event:
            continue
        if event.source_url or event.source_publisher:
            session.add(
                EventSource(
                    event_id=kept.id or 0,
                    source_url=event.source_url,
                    source_publisher=event.source_publisher,
                    source_date=event.source_date,
                    quote=event.summary[:2000],
                )
            )
        for source in session.exec(select(EventSource).where(EventSource.event_id == event.id)).all():
            source.event_id = kept.id or 0
        event.deleted_at = utcnow()
        session.add(
            EventChange(
                event_id=event.id or 0,
                changed_by=actor(by),
                action="deleted",
                changes={"merged_into": ["", str(kept.id)]},
            )
        )
        folded += 1
    return folded


def delete_official(session: Session, official_id: int, *, by: str = "") -> Official:
    """Remove an official who is a side of no event (deleted ones included), with their tenures and aliases."""
    official = session.get(Official, official_id)
    if official is None:
        raise LookupError(f"no official {official_id}")
    used = session.execute(
        sa.select(sa.func.count())
        .select_from(ContactEvent)
        .where(
            sa.or_(
                col(ContactEvent.official_a_id) == official_id,
                col(ContactEvent.official_b_id) == official_id,
                col(ContactEvent.initiated_by_id) == official_id,
            )
        )
    ).scalar_one()
    if used:
        raise InputError(
            {
                "official": f"{official.name} is a side of {used} event(s): merge them into another official instead"
            }
        )
    with transaction(session):
        for tenure in session.exec(select(Tenure).where(Tenure.official_id == official_id)).all():
            session.delete(tenure)
        for alias in session.exec(
            select(OfficialAlias).where(OfficialAlias.official_id == official_id)
        ).all():
            session.delete(alias)
        session.flush()
        session.delete(official)
        audit(
            session,
            "official",
            official_id,
            "deleted",
            f"Deleted {official.name} ({official.country}).",
            by=by,
        )
        forget(session)
    return official
